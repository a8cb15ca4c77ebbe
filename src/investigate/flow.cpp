#include "investigate/flow.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/error.h"
#include "investigate/flow_output.h"
#include "investigate/scan_impl.h"
#include "investigate/spill_map.h"
#include "policy/value_type.h"

namespace custos::investigate {
namespace {

namespace vt = policy::value_type;

constexpr const char* kDefaultFormat =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status";

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t' || line[at] == '\r')) ++at;
    std::size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    if (end > at) fields.push_back(line.substr(at, end - at));
    at = end;
  }
  return fields;
}

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A header line names fields (lower-case words and hyphens); every record holds a number, an
// id or an upper-case action among its values.
bool is_header(const std::vector<std::string_view>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](std::string_view f) {
    return f.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string_view::npos &&
           f.find_first_not_of('-') != std::string_view::npos;
  });
}

struct FlowAddress {
  std::string text;
  std::optional<vt::Ip> ip;
};

bool is_private(const vt::Ip& ip) {
  static const vt::Ip networks[] = {
      *vt::parse_ip("10.0.0.0/8"),     *vt::parse_ip("172.16.0.0/12"),
      *vt::parse_ip("192.168.0.0/16"), *vt::parse_ip("169.254.0.0/16"),
      *vt::parse_ip("fc00::/7"),       *vt::parse_ip("fe80::/10"),
      *vt::parse_ip("100.64.0.0/10")};
  return std::any_of(std::begin(networks), std::end(networks),
                     [&](const vt::Ip& n) { return vt::ip_in(ip, n).value_or(false); });
}

// Counts a summary keeps per key.
struct Tally {
  std::uint64_t flows = 0, bytes = 0;
  void add(std::uint64_t more_bytes) {
    ++flows;
    bytes += more_bytes;
  }
  void merge(const Tally& other) {
    flows += other.flows;
    bytes += other.bytes;
  }
  void save(std::string& out) const {
    save_raw(out, flows);
    save_raw(out, bytes);
  }
  void load(std::string_view saved) {
    SavedBytes in{saved};
    flows = in.raw<std::uint64_t>();
    bytes = in.raw<std::uint64_t>();
  }
};

// Rankings keep their first this many entries ("truncated" gives the full size of a list that
// was cut); keys past kSummaryKeysInMemory a list spill to files.
constexpr std::size_t kListed = 1000;

struct FlowSummary {
  explicit FlowSummary(std::size_t keys_in_memory)
      : talkers(keys_in_memory),
        ports(keys_in_memory),
        rejected(keys_in_memory),
        remote(keys_in_memory) {}

  std::uint64_t records = 0;
  std::optional<std::int64_t> first, last;
  SpillMap<Tally> talkers, ports, rejected, remote;

  void merge(FlowSummary&& later) {
    records += later.records;
    if (later.first && (!first || *later.first < *first)) first = later.first;
    if (later.last && (!last || *later.last > *last)) last = later.last;
    talkers.absorb(std::move(later.talkers));
    ports.absorb(std::move(later.ports));
    rejected.absorb(std::move(later.rejected));
    remote.absorb(std::move(later.remote));
  }

  // The answer; the summary is spent.
  Json take_json() {
    Json summary = {{"records", records},
                    {"first_start", first ? Json(iso_time(*first * 1000)) : Json()},
                    {"last_end", last ? Json(iso_time(*last * 1000)) : Json()}};
    Json cut = Json::object();
    for (auto [list, tallies, name, by_bytes] :
         {std::tuple{"top_talkers", &talkers, "srcaddr", true},
          {"ports", &ports, "dstport", false},
          {"rejected", &rejected, "srcaddr", false},
          {"remote_bytes", &remote, "address", true}}) {
      using Keyed = std::pair<std::string, Tally>;
      auto ranking = least<Keyed>(kListed, [by_bytes = by_bytes](const Keyed& a, const Keyed& b) {
        auto ka = by_bytes ? a.second.bytes : a.second.flows;
        auto kb = by_bytes ? b.second.bytes : b.second.flows;
        return ka != kb ? ka > kb : a.first < b.first;
      });
      tallies->drain([&](std::string_view key, const Tally& tally) {
        ranking.offer({std::string(key), tally});
      });
      Json ranked = Json::array();
      for (const auto& [key, tally] : ranking.take())
        ranked.push_back({{name, key}, {"flows", tally.flows}, {"bytes", tally.bytes}});
      summary[list] = std::move(ranked);
      if (ranking.offered() > kListed) cut[list] = ranking.offered();
    }
    if (!cut.empty()) summary["truncated"] = std::move(cut);
    return summary;
  }
};

struct FlowFileAnswer {
  std::string output;
  std::uint64_t matched = 0;
  std::optional<FlowFields> layout;  // from the header line, else the format given
};

class FlowMatcher {
 public:
  explicit FlowMatcher(const FlowQuery& q) : query_(q) {
    for (const std::string& text : q.ips) addresses_.push_back({text, vt::parse_ip(text)});
  }

  bool matches(const FlowFields& layout, const std::vector<std::string_view>& f) const {
    auto field = [&](int i) { return FlowFields::of(f, i); };
    if (!query_.action.empty() && field(layout.action) != query_.action) return false;
    if (query_.since || query_.until) {
      auto start = number(field(layout.start)), end = number(field(layout.end));
      if (!start || !end) return false;
      if (query_.since && *end * 1000 < *query_.since) return false;
      if (query_.until && *start * 1000 >= *query_.until) return false;
    }
    if (!query_.ports.empty()) {
      auto src = number(field(layout.srcport)), dst = number(field(layout.dstport));
      if (std::none_of(query_.ports.begin(), query_.ports.end(),
                       [&](int p) { return (src && *src == p) || (dst && *dst == p); }))
        return false;
    }
    if (!addresses_.empty() && !address_matches(field(layout.srcaddr)) &&
        !address_matches(field(layout.dstaddr)))
      return false;
    return true;
  }

 private:
  bool address_matches(std::string_view text) const {
    if (text.empty() || text == "-") return false;
    std::optional<vt::Ip> ip;
    bool parsed = false;
    for (const FlowAddress& a : addresses_) {
      if (a.text == text) return true;
      if (!a.ip || !a.ip->is_network()) continue;
      if (!parsed) ip = vt::parse_ip(text), parsed = true;
      if (ip && vt::ip_in(*ip, *a.ip).value_or(false)) return true;
    }
    return false;
  }

  FlowQuery query_;
  std::vector<FlowAddress> addresses_;
};

void tally(const FlowFields& layout, const std::vector<std::string_view>& f, FlowSummary& s) {
  auto field = [&](int i) { return FlowFields::of(f, i); };
  ++s.records;
  auto start = number(field(layout.start)), end = number(field(layout.end));
  if (start && (!s.first || *start < *s.first)) s.first = start;
  if (end && (!s.last || *end > *s.last)) s.last = end;
  std::string_view src = field(layout.srcaddr), dst = field(layout.dstaddr);
  if (src.empty() || src == "-") return;  // NODATA, SKIPDATA
  std::uint64_t bytes = static_cast<std::uint64_t>(number(field(layout.bytes)).value_or(0));
  s.talkers[src].add(bytes);
  std::string_view port = field(layout.dstport);
  if (!port.empty() && port != "-") s.ports[port].add(bytes);
  if (field(layout.action) == "REJECT") s.rejected[src].add(bytes);
  auto from = vt::parse_ip(src), to = vt::parse_ip(dst);
  if (!from || !to) return;
  bool src_private = is_private(*from), dst_private = is_private(*to);
  if (src_private == dst_private) return;  // both inside (or both outside): no remote side
  s.remote[src_private ? dst : src].add(bytes);
}

}  // namespace

std::vector<std::string> flow_format(const std::string& text) {
  std::vector<std::string> fields;
  for (std::string_view f : split(text)) {
    if (f.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string_view::npos)
      throw InputError("--flow-format: '" + std::string(f) +
                       "' is not a flow-log field name (write them as AWS does: version "
                       "srcaddr dstaddr ...)");
    fields.emplace_back(f);
  }
  return fields;
}

std::string flow_summary_text(const Json& summary, std::size_t top) {
  std::string out = fmt::format("{} records", summary["records"].get<std::uint64_t>());
  if (summary["first_start"].is_string())
    out += fmt::format(", {} .. {}", summary["first_start"].get<std::string>(),
                       summary["last_end"].get<std::string>());
  out += "\n";
  auto section = [&](const char* title, const char* list, const char* name) {
    const Json& items = summary[list];
    if (items.empty()) return;
    std::size_t total = summary.contains("truncated")
                            ? summary["truncated"].value(list, items.size())
                            : items.size();
    out += fmt::format("\n{} ({})\n", title, total);
    out += fmt::format("  {:>8}  {:>14}  {}\n", "FLOWS", "BYTES", name);
    for (std::size_t i = 0; i < items.size() && i < top; ++i)
      out += fmt::format("  {:>8}  {:>14}  {}\n", items[i]["flows"].get<std::uint64_t>(),
                         items[i]["bytes"].get<std::uint64_t>(), items[i][name].get<std::string>());
    if (total > top)
      out +=
          fmt::format("  ... {} more (--format json lists the first {})\n", total - top, kListed);
  };
  section("Top talkers, by bytes sent", "top_talkers", "srcaddr");
  section("Destination ports, by flows", "ports", "dstport");
  section("Rejected flows, by source", "rejected", "srcaddr");
  section("Remote addresses, by bytes either way", "remote_bytes", "address");
  return out;
}

FlowAnswer scan_flows(const FlowScan& scan, const InputSet& inputs,
                      const std::function<void(std::string_view)>& write,
                      const std::function<void(const Skipped&)>& on_skip) {
  FlowMatcher matcher(scan.query);
  const std::vector<std::string> given =
      scan.query.format.empty() ? flow_format(kDefaultFormat) : scan.query.format;
  FlowWriter writer(scan.format);
  FlowAnswer answer;
  // One summary a worker, merged at the end: the answer does not depend on order.
  std::vector<FlowSummary> summaries;
  const unsigned workers = worker_count(scan.settings.threads);
  for (unsigned i = 0; i < workers; ++i) summaries.emplace_back(summary_keys_per_worker(workers));
  if (scan.write_records) write(writer.header());
  FileTask<FlowFileAnswer> task;
  task.process = [&](const Buffer& buffer, bool last, unsigned worker,
                     FlowFileAnswer& file) -> std::size_t {
    std::string_view text = buffer.view();
    // A piece without a line's end is a line that goes on into the next.
    if (!last && !text.ends_with('\n')) return text.size();
    std::optional<FlowFields>& layout = file.layout;
    for (std::size_t at = 0; at < text.size();) {
      std::size_t end = std::min(text.find('\n', at), text.size());
      std::vector<std::string_view> fields = split(text.substr(at, end - at));
      std::size_t line_start = at;
      at = end + 1;
      if (fields.empty()) continue;
      if (!layout) {
        if (is_header(fields)) {
          layout.emplace(std::vector<std::string>(fields.begin(), fields.end()));
          continue;
        }
        layout.emplace(given);
      }
      if (fields.size() != layout->names.size())
        throw InputProblem(line_start,
                           fmt::format("a flow-log record of {} fields where the format has {} "
                                       "(a custom format without a header: give --flow-format)",
                                       fields.size(), layout->names.size()),
                           true);
      if (!matcher.matches(*layout, fields)) continue;
      ++file.matched;
      // The file's first record is written as if first of all: see deliver.
      if (scan.write_records) writer.append(*layout, fields, file.matched == 1, file.output);
      if (scan.summarise) tally(*layout, fields, summaries[worker]);
    }
    return 0;
  };
  // A large file's records go out piece by piece; its layout stays for the pieces after.
  task.take_part = [](FlowFileAnswer& file) -> std::optional<FlowFileAnswer> {
    if (file.matched == 0) return std::nullopt;
    return FlowFileAnswer{std::exchange(file.output, {}), std::exchange(file.matched, 0), {}};
  };
  task.deliver = [&](FlowFileAnswer&& file) {
    if (scan.write_records && file.matched > 0) {
      if (answer.matched > 0 && scan.format == OutputFormat::kJson) write(",");
      write(file.output);
    }
    answer.matched += file.matched;
  };
  task.on_skip = on_skip;
  answer.stats = scan_files(inputs, inputs.list(), scan.settings, task);
  if (scan.write_records) write(writer.footer(answer.matched > 0));
  if (scan.summarise) {
    for (unsigned i = 1; i < workers; ++i) summaries[0].merge(std::move(summaries[i]));
    answer.summary = summaries[0].take_json();
  }
  return answer;
}

}  // namespace custos::investigate
