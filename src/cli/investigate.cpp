#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "aws/client.h"
#include "cli/commands.h"
#include "incident/journal_store.h"
#include "investigate/digests.h"
#include "investigate/flow.h"
#include "investigate/incident_seed.h"
#include "investigate/inputs.h"
#include "investigate/trail.h"

namespace custos::cli {
namespace {

namespace inv = custos::investigate;

struct InvestigateArgs {
  std::vector<std::string> sources;
  std::string since, until;
  inv::TrailQuery query;
  bool read_only = false, mutating = false;
  std::string format;
  bool summary = false;
  unsigned threads = 0;
  bool no_progress = false;
  std::string incident, journal;
  bool flow_logs = false;
  bool verify_digests = false;
  std::vector<std::string> public_keys;
  std::vector<int> ports;
  std::string action, flow_format;
  aws::SessionOptions aws;
};

int terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 100;
}

void write_out(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// What --format asks for; a summary is text (kTable here) or json.
inv::OutputFormat record_format(const InvestigateArgs& args) {
  if (args.summary) {
    if (args.format.empty() || args.format == "text") return inv::OutputFormat::kTable;
    if (args.format == "json") return inv::OutputFormat::kJson;
    throw InputError("--format " + args.format + ": --summary writes text or json");
  }
  bool terminal = ::isatty(STDOUT_FILENO);
  return inv::output_format(args.format.empty() ? (terminal ? "table" : "jsonl") : args.format);
}

inv::TrailScan trail_scan(InvestigateArgs& args) {
  inv::Millis now = inv::now_millis();
  inv::TrailScan scan;
  scan.query = args.query;
  if (!args.since.empty()) scan.query.since = inv::parse_when(args.since, "--since", now);
  if (!args.until.empty()) scan.query.until = inv::parse_when(args.until, "--until", now);
  if (args.read_only && args.mutating)
    throw InputError("--read-only and --mutating exclude each other: give one");
  if (args.read_only) scan.query.access = inv::TrailQuery::Access::kReadOnly;
  if (args.mutating) scan.query.access = inv::TrailQuery::Access::kMutating;
  scan.format = record_format(args);
  scan.summarise = args.summary;
  scan.write_records = !args.summary;
  scan.width = terminal_width();
  scan.settings.threads = args.threads;
  scan.settings.progress = !args.no_progress && ::isatty(STDERR_FILENO);
  return scan;
}

inv::InputSet input_set(const InvestigateArgs& args, const inv::TrailQuery& query,
                        inv::LogKind kind) {
  inv::LayoutFilter filter{kind, query.accounts, query.regions, query.since, query.until};
  aws::SessionOptions options = args.aws;
  return inv::InputSet(args.sources, filter, [options] {
    return aws::Client(std::make_shared<const aws::Session>(options));
  });
}

void report_skip(const inv::Skipped& skipped) {
  std::fflush(stdout);
  std::cerr << "warning: " << skipped.text() << " (skipped)\n";
}

void report_stats(const inv::ScanStats& stats, std::uint64_t matched) {
  std::fflush(stdout);
  std::cerr << matched << " matching records in " << stats.files << " files (" << stats.bytes / 1e6
            << " MB, " << stats.seconds << " s)";
  if (!stats.skipped.empty())
    std::cerr << "; " << stats.skipped.size() << " input(s) skipped: see the warnings above";
  std::cerr << "\n";
}

std::unique_ptr<incident::IncidentJournal> incident_journal(const InvestigateArgs& args) {
  if (args.incident.empty()) return nullptr;
  return incident::open_journal(
      args.journal.empty() ? incident::SqliteJournal::default_path() : args.journal, args.aws,
      false);
}

int investigate_trail(InvestigateArgs& args) {
  inv::TrailScan scan = trail_scan(args);
  auto journal = incident_journal(args);
  if (journal) {
    inv::apply_seed(inv::seed_from_incident(*journal, args.incident), scan.query);
    scan.summarise = true;  // the incident's report shows the summary
  }
  inv::InputSet inputs = input_set(args, scan.query, inv::LogKind::kCloudTrail);
  inv::TrailAnswer answer = inv::scan_trail(scan, inputs, write_out, report_skip);
  if (journal) {
    journal->use(args.incident);
    journal->append("investigated", nullptr,
                    inv::investigation_record(args.sources, scan.query, answer));
    std::cerr << "added to the report of " << args.incident << " (custos incident report "
              << args.incident << ")\n";
  }
  if (args.summary) {
    if (scan.format == inv::OutputFormat::kJson)
      write_out(answer.summary.dump(2) + "\n");
    else
      write_out(inv::trail_summary_text(answer.summary));
  }
  report_stats(answer.stats, answer.matched);
  return answer.stats.skipped.empty() ? 0 : 1;
}

int investigate_flows(InvestigateArgs& args) {
  if (!args.incident.empty()) throw InputError("--incident reads CloudTrail: drop --flow-logs");
  inv::TrailScan trail = trail_scan(args);  // the flags both share, checked once
  inv::FlowScan scan;
  scan.query.since = trail.query.since;
  scan.query.until = trail.query.until;
  scan.query.ips = args.query.ips;
  scan.query.ports = args.ports;
  if (!args.action.empty() && args.action != "ACCEPT" && args.action != "REJECT")
    throw InputError("--action " + args.action + ": write ACCEPT or REJECT");
  scan.query.action = args.action;
  if (!args.flow_format.empty()) scan.query.format = inv::flow_format(args.flow_format);
  scan.summarise = args.summary;
  scan.write_records = !args.summary;
  scan.format = trail.format;
  scan.settings = trail.settings;
  inv::InputSet inputs = input_set(args, trail.query, inv::LogKind::kFlowLogs);
  inv::FlowAnswer answer = inv::scan_flows(scan, inputs, write_out, report_skip);
  if (args.summary)
    write_out(scan.format == inv::OutputFormat::kJson ? answer.summary.dump(2) + "\n"
                                                      : inv::flow_summary_text(answer.summary));
  report_stats(answer.stats, answer.matched);
  return answer.stats.skipped.empty() ? 0 : 1;
}

// The flags that narrow a query: --verify-digests checks whole trees and refuses them.
constexpr const char* kQueryFlags[] = {
    "--principal", "--resource", "--ip",        "--event",       "--service", "--account",
    "--region",    "--errors",   "--read-only", "--mutating",    "--where",   "--summary",
    "--flow-logs", "--port",     "--action",    "--flow-format", "--incident"};

int investigate_digests(const InvestigateArgs& args) {
  if (!args.format.empty() && args.format != "table" && args.format != "json")
    throw InputError("--format " + args.format + ": --verify-digests writes table or json");
  inv::PublicKeys keys;
  for (const std::string& file : args.public_keys) keys.add_file(file);
  inv::DigestSettings settings;
  inv::Millis now = inv::now_millis();
  if (!args.since.empty()) settings.since = inv::parse_when(args.since, "--since", now);
  if (!args.until.empty()) settings.until = inv::parse_when(args.until, "--until", now);
  settings.scan.threads = args.threads;
  settings.scan.progress = !args.no_progress && ::isatty(STDERR_FILENO);
  aws::SessionOptions options = args.aws;
  auto client = [options] { return aws::Client(std::make_shared<const aws::Session>(options)); };
  settings.fetch_keys = [client](const std::string& region, const std::string& start,
                                 const std::string& end, inv::PublicKeys& found) {
    found.add_from_cloudtrail(client(), region, start, end);
  };
  // A day more before the window: the digest before it, which anchors the chain, may be there.
  std::optional<inv::Millis> listed_since;
  if (settings.since) listed_since = *settings.since - 24 * 3600 * 1000;
  inv::InputSet inputs(args.sources,
                       {inv::LogKind::kCloudTrailDigests, {}, {}, listed_since, settings.until},
                       client);
  inv::DigestVerification answer = inv::verify_digests(inputs, std::move(keys), settings);
  if (args.format == "json")
    write_out(answer.to_json().dump(2) + "\n");
  else
    write_out(answer.to_table());
  return answer.holds() ? 0 : 1;
}

}  // namespace

void add_investigate(CLI::App& app, Command& selected) {
  auto args = std::make_shared<InvestigateArgs>();
  auto* command = app.add_subcommand(
      "investigate",
      "Who did what, when and from where: query CloudTrail logs (files, folders, .json.gz, "
      "s3://bucket/prefix) with one pass over every core");
  command
      ->add_option("SOURCE", args->sources,
                   "log files, folders (read recursively) or s3://bucket/prefix")
      ->required();
  auto& q = args->query;
  command->add_option("--since", args->since,
                      "records at or after this time: ISO 8601 (2024-05-01T10:00:00Z) or a span "
                      "back from now (30m, 2h, 3d, 1w)");
  command->add_option("--until", args->until, "records before this time (same forms)");
  command->add_option("--principal", q.principals,
                      "who: an ARN, user name, access key id, role session name, role name or "
                      "principal id (repeat for any of several)");
  command->add_option("--resource", q.resources,
                      "an id or ARN named anywhere in the request, response or resources");
  command->add_option("--ip", q.ips, "source address: an IP, a CIDR network, or a service name");
  command->add_option("--event", q.events,
                      "API name or glob, case-insensitive, optionally service:NAME "
                      "(CreateAccessKey, Delete*, iam:*Policy*)");
  command->add_option("--service", q.services, "event source: iam or iam.amazonaws.com");
  command->add_option("--account", q.accounts, "the account the record was delivered for");
  command->add_option("--region", q.regions, "the record's awsRegion");
  command->add_flag("--errors", q.errors, "only calls that failed (errorCode set)");
  command->add_flag("--read-only", args->read_only, "only calls that read");
  command->add_flag("--mutating", args->mutating, "only calls that change something");
  command->add_option("--where", q.where,
                      "a policy value filter on the record, e.g. '{key: userIdentity.type, "
                      "value: Root}' (every op and value_type; repeat: all must match)");
  command->add_option("--format", args->format,
                      "table (the default on a terminal), jsonl (the default otherwise), json or "
                      "csv; with --summary: text (the default) or json");
  command->add_flag("--summary", args->summary,
                    "counts by principal, event, source address, region, user agent and error; "
                    "first use of each access key; bursts of AccessDenied; new regions");
  command->add_flag("--flow-logs", args->flow_logs,
                    "the sources are VPC flow logs (default v2 format, or a header line)");
  command->add_option("--port", args->ports, "flow logs: source or destination port");
  command->add_option("--action", args->action, "flow logs: ACCEPT or REJECT");
  command->add_option("--flow-format", args->flow_format,
                      "flow logs: the fields of files without a header line, as AWS names "
                      "them ('version srcaddr dstaddr ...')");
  command->add_option("--incident", args->incident,
                      "seed the query from this incident (its finding's access key, user, "
                      "instance and a day either side of its activity; flags given win) and add "
                      "the answer to its report");
  command->add_option("--journal", args->journal,
                      "the incident journal: a SQLite file (default: "
                      "~/.local/state/custos/journal.db) or s3://BUCKET/PREFIX");
  command->add_flag("--verify-digests", args->verify_digests,
                    "validate the trail instead of querying it: each log file against its "
                    "hourly digest's SHA-256, the chain of digests, and (from s3://) each "
                    "digest's signature; exit 1 when a file is altered, missing, unsigned or "
                    "outside every digest, or a link is broken");
  command->add_option("--public-keys", args->public_keys,
                      "with --verify-digests: CloudTrail's public keys, a PEM file of one or more "
                      "keys or the JSON of 'aws cloudtrail list-public-keys' (default for s3:// "
                      "sources: CloudTrail's ListPublicKeys in each digest's region)");
  command->add_option("--threads", args->threads, "worker threads (default: every core)");
  command->add_flag("--no-progress", args->no_progress, "no progress bar on stderr");
  command->add_option("--profile", args->aws.profile, "AWS profile for s3:// sources");
  command->add_option("--endpoint-url", args->aws.endpoint_url,
                      "send S3 calls here (a local emulator)");
  command->footer(
      "Flags of different kinds must all match; a flag repeated matches any of its values.\n"
      "Examples:\n"
      "  custos investigate ./AWSLogs --principal AKIAIOSFODNN7EXAMPLE --since 3d\n"
      "  custos investigate s3://trail-bucket/AWSLogs/ --since 2h --summary\n"
      "  custos investigate logs/ --event 'iam:*AccessKey*' --errors --format csv\n"
      "  custos investigate logs/ --where '{key: userIdentity.type, value: Root}'\n"
      "  custos investigate --flow-logs s3://flow-bucket/AWSLogs/ --action REJECT --summary\n"
      "Exit codes: 0 done, 1 some input was skipped (each one is named on stderr with its byte\n"
      "offset), 2 bad input (flags, --where).\n"
      "\n"
      "Digest validation (--verify-digests SOURCE...): SOURCE holds AWSLogs/ as CloudTrail wrote\n"
      "it (a folder, or s3://bucket/[prefix/]AWSLogs/...), with both CloudTrail/ and\n"
      "CloudTrail-Digest/ below each account. Checked: each log file's SHA-256 (of its gunzipped\n"
      "text) against the hourly digest that lists it; each digest's link to the previous one\n"
      "(previousDigestHashValue, previousDigestSignature); each digest's SHA256withRSA signature,\n"
      "which CloudTrail keeps in the S3 object's metadata (x-amz-meta-signature), so only from\n"
      "s3:// (a local copy reports 'signature not checked'). Keys: --public-keys FILE, else\n"
      "CloudTrail's ListPublicKeys in each digest's region. --since/--until check only the\n"
      "digests whose hours meet the window and their files (the digest before it still anchors\n"
      "the chain), reading only the days around it. Statuses: ok, altered, missing, not in\n"
      "any digest, not yet digested (newer than the newest digest), chain broken, signature\n"
      "invalid, unsigned, no public key. Exit 0 when the trail holds, 1 when not, 2 bad input.\n"
      "  custos investigate --verify-digests s3://trail-bucket/AWSLogs/123456789012/\n"
      "  custos investigate --verify-digests s3://trail-bucket/AWSLogs/ --since 2d\n"
      "  custos investigate --verify-digests ./case-42/AWSLogs --format json\n"
      "  aws cloudtrail list-public-keys --region us-east-1 > keys.json\n"
      "  custos investigate --verify-digests s3://trail-bucket/AWSLogs/ --public-keys keys.json");
  command->callback([&selected, args, command] {
    selected = [args, command] {
      if (args->verify_digests)
        for (const char* flag : kQueryFlags)
          if (command->count(flag))
            throw InputError(std::string(flag) +
                             " does not apply to --verify-digests, which checks every file under "
                             "SOURCE (in the --since/--until window): narrow SOURCE instead "
                             "(s3://bucket/AWSLogs/ACCOUNT/)");
      if (!args->verify_digests && !args->public_keys.empty())
        throw InputError("--public-keys goes with --verify-digests");
      if (args->verify_digests) return investigate_digests(*args);
      return args->flow_logs ? investigate_flows(*args) : investigate_trail(*args);
    };
  });
}

}  // namespace custos::cli
