#include "investigate/digests.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "aws/protocol_codec.h"
#include "core/ascii.h"
#include "core/digest.h"
#include "core/error.h"
#include "investigate/parallel.h"
#include "investigate/scan_impl.h"
#include "investigate/times.h"

namespace custos::investigate {
namespace {

constexpr std::string_view kLocalSignature =
    "local copy: signatures are kept in S3 object metadata; verify from s3://";

// The part of a path or key from CloudTrail's AWSLogs/ folder on: what a local copy and the
// bucket have in common, and what a digest names its files by.
std::string layout_key(std::string_view name) {
  std::size_t at = name.rfind("AWSLogs/");
  return std::string(at == std::string_view::npos ? name : name.substr(at));
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t slash; (slash = path.find('/')) != std::string_view::npos;) {
    parts.push_back(path.substr(0, slash));
    path.remove_prefix(slash + 1);
  }
  parts.push_back(path);
  return parts;
}

// Where a file's account and region are: "AWSLogs/[o-ORG/]ACCOUNT REGION" (its service left
// out, so that a log file and its digests share it), and the region.
std::pair<std::string, std::string> account_region(std::string_view layout) {
  auto parts = segments(layout);
  std::size_t i = parts.size() > 1 && parts[1].starts_with("o-") ? 2 : 1;
  if (i + 2 >= parts.size()) return {std::string(layout), ""};
  std::string account;
  for (std::size_t k = 0; k <= i; ++k) account += std::string(parts[k]) + "/";
  return {account + std::string(parts[i + 2]), std::string(parts[i + 2])};
}

// A file name's time: a log file's "..._20230710T1145Z_x.json.gz", a digest's
// "..._20230710T120000Z.json.gz" (the digest's end).
std::optional<Millis> name_time(std::string_view stamp) {
  if (stamp.size() < 14 || stamp[8] != 'T') return std::nullopt;
  std::string iso = fmt::format("{}-{}-{}T{}:{}:{}Z", stamp.substr(0, 4), stamp.substr(4, 2),
                                stamp.substr(6, 2), stamp.substr(9, 2), stamp.substr(11, 2),
                                stamp.size() >= 16 ? stamp.substr(13, 2) : "00");
  return parse_event_time(iso);
}

std::string file_name_stem(std::string_view layout) {
  std::string_view name = layout.substr(layout.rfind('/') + 1);
  if (name.ends_with(".gz")) name.remove_suffix(3);
  if (name.ends_with(".json")) name.remove_suffix(5);
  return std::string(name);
}

struct Digest {
  Input input;
  std::string layout, sha256, group, region;
  std::string chain, stamp;  // the trail's digests share `chain`; `stamp` orders them
  bool backfill = false;
  bool from_s3 = false;
  Json doc;
  std::optional<std::string> signature, algorithm;
};

void name_digest(Digest& d) {
  d.layout = layout_key(d.input.name);
  std::tie(d.group, d.region) = account_region(d.layout);
  std::string stem = file_name_stem(d.layout);
  d.backfill = stem.ends_with("_backfill");
  if (d.backfill) stem.resize(stem.size() - 9);
  std::size_t cut = stem.rfind('_');
  d.stamp = cut == std::string::npos ? "" : stem.substr(cut + 1);
  d.chain = d.group + "/" + stem.substr(0, cut);
}

std::optional<std::string> metadata_value(const Json& metadata, std::string_view name) {
  if (!metadata.is_object()) return std::nullopt;
  for (const auto& [key, value] : metadata.items())
    if (value.is_string() && iequals(key, name)) return value.get<std::string>();
  return std::nullopt;
}

Digest read_digest(const InputSet& set, const Input& input, Buffer& bytes, Buffer& text) {
  Digest d;
  d.input = input;
  d.from_s3 = input.name.starts_with("s3://");
  name_digest(d);
  Json metadata;
  try {
    set.read(input, bytes, &metadata);
  } catch (const InputProblem& problem) {
    throw Error(input.name + ": " + problem.what());
  }
  const Buffer* plain = &bytes;
  if (is_gzip(bytes.view())) {
    try {
      gunzip(bytes.view(), text);
    } catch (const InputProblem& problem) {
      throw InputError(fmt::format("{}: byte {}: not a CloudTrail digest: {}", input.name,
                                   problem.offset(), problem.what()));
    }
    plain = &text;
  }
  d.sha256 = sha256_hex(plain->view());
  d.doc = Json::parse(plain->view(), nullptr, false);
  if (d.doc.is_discarded() || !d.doc.is_object())
    throw InputError(input.name + ": not a CloudTrail digest: its text is not a JSON object");
  for (const char* field : {"digestEndTime", "digestS3Bucket", "digestS3Object",
                            "digestPublicKeyFingerprint", "previousDigestSignature", "logFiles"})
    if (!d.doc.contains(field))
      throw InputError(input.name + ": not a CloudTrail digest: it has no " + field);
  if (!d.doc["logFiles"].is_array())
    throw InputError(input.name + ": not a CloudTrail digest: logFiles is not a list");
  d.signature = metadata_value(metadata, "signature");
  d.algorithm = metadata_value(metadata, "signature-algorithm");
  return d;
}

std::vector<Digest> read_digests(const InputSet& set, const std::vector<Input>& inputs,
                                 unsigned threads) {
  threads = std::min<unsigned>(worker_count(threads), std::max<std::size_t>(inputs.size(), 1));
  std::vector<std::pair<Buffer, Buffer>> buffers(threads);
  std::vector<Digest> digests;
  ordered_parallel<Digest>(
      inputs.size(), threads,
      [&](std::size_t i, unsigned worker) {
        return read_digest(set, inputs[i], buffers[worker].first, buffers[worker].second);
      },
      [&](std::size_t, Digest&& digest) { digests.push_back(std::move(digest)); });
  return digests;
}

std::string text_of(const Json& value) { return value.is_string() ? value.get<std::string>() : ""; }

// A file a digest names, as the sources would hold it: `digest`'s folder above AWSLogs/ with
// `key`'s layout.
std::string sibling(const Digest& digest, const std::string& key) {
  const std::string& name = digest.input.name;
  return name.substr(0, name.size() - digest.layout.size()) + layout_key(key);
}

class Verifier {
 public:
  Verifier(const InputSet& set, PublicKeys keys, const DigestSettings& settings)
      : set_(set), keys_(std::move(keys)), settings_(settings) {}

  DigestVerification run() {
    std::vector<Input> digest_inputs, log_inputs;
    for (const Input& input : set_.list())
      (layout_key(input.name).find("/CloudTrail-Digest/") != std::string::npos ? digest_inputs
                                                                               : log_inputs)
          .push_back(input);
    if (digest_inputs.empty())
      throw InputError(windowed() ? no_digest_in_window_message() : no_digest_message());
    digests_ = read_digests(set_, digest_inputs, settings_.scan.threads);
    for (std::size_t i = 0; i < digests_.size(); ++i) by_layout_[digests_[i].layout] = i;
    if (std::none_of(digests_.begin(), digests_.end(),
                     [&](const Digest& d) { return in_window(d); }))
      throw InputError(no_digest_in_window_message());
    fetch_missing_keys();
    for (const Digest& digest : digests_)
      if (in_window(digest)) check_digest(digest);
    check_logs(log_inputs);
    std::sort(result_.files.begin(), result_.files.end(),
              [](const FileCheck& a, const FileCheck& b) { return a.file < b.file; });
    return std::move(result_);
  }

 private:
  std::string no_digest_message() const {
    std::string sources;
    for (const std::string& source : set_.sources())
      sources += (sources.empty() ? "" : ", ") + source;
    return "no CloudTrail digest file under " + sources +
           " (CloudTrail writes them to AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ "
           "when the trail's log file validation is on: give the folder or s3:// prefix that "
           "holds AWSLogs/)";
  }

  bool windowed() const { return settings_.since || settings_.until; }

  // Whether the hour `d` covers, [digestStartTime, digestEndTime], meets the window.
  bool in_window(const Digest& d) const {
    if (!windowed()) return true;
    auto start = parse_event_time(text_of(d.doc["digestStartTime"]));
    auto end = parse_event_time(text_of(d.doc["digestEndTime"]));
    if (!start || !end) return true;  // an unreadable time is checked, not hidden
    return (!settings_.since || *end >= *settings_.since) &&
           (!settings_.until || *start < *settings_.until);
  }

  bool written_in_window(Millis written) const {
    return (!settings_.since || written >= *settings_.since) &&
           (!settings_.until || written < *settings_.until);
  }

  std::string no_digest_in_window_message() const {
    return "no CloudTrail digest under the sources covers " +
           (settings_.since ? iso_time(*settings_.since) : std::string("the first hour")) + " .. " +
           (settings_.until ? iso_time(*settings_.until) : std::string("now")) +
           " (digests are hourly, written about an hour after the hour they cover: widen "
           "--since/--until)";
  }

  // CloudTrail's keys for each region's digests read from S3, when no key was given.
  void fetch_missing_keys() {
    if (keys_.size() || !settings_.fetch_keys) return;
    std::map<std::string, std::pair<std::string, std::string>> spans;  // region: first, last
    for (const Digest& d : digests_) {
      if (!d.from_s3 || !d.signature || !in_window(d)) continue;
      auto [it, added] = spans.try_emplace(d.region, text_of(d.doc["digestStartTime"]),
                                           text_of(d.doc["digestEndTime"]));
      it->second.first = std::min(it->second.first, text_of(d.doc["digestStartTime"]));
      it->second.second = std::max(it->second.second, text_of(d.doc["digestEndTime"]));
    }
    for (const auto& [region, span] : spans) {
      // As the AWS CLI does: keys used up to two hours after the last digest's end.
      auto end = parse_event_time(span.second);
      settings_.fetch_keys(region, span.first, end ? iso_time(*end + 2 * 3600 * 1000) : span.second,
                           keys_);
    }
  }

  void check_digest(const Digest& d) {
    std::vector<std::pair<FileStatus, std::string>> findings;
    std::string bucket = text_of(d.doc["digestS3Bucket"]), key = text_of(d.doc["digestS3Object"]);
    bool moved = layout_key(key) != d.layout;
    if (auto s3 = parse_s3_url(d.input.name); s3 && s3->bucket != bucket) moved = true;
    if (moved)
      findings.emplace_back(FileStatus::kAltered, "it says it was written to s3://" + bucket + "/" +
                                                      key +
                                                      ": moved, or copied over another digest");
    findings.push_back(signature_finding(d));
    if (auto link = chain_finding(d)) findings.push_back(*link);
    for (const Json& log : d.doc["logFiles"]) expect_log(d, log);
    add_row(d.input.name, true, findings);
  }

  std::pair<FileStatus, std::string> signature_finding(const Digest& d) {
    if (!d.from_s3) return {FileStatus::kSignatureNotChecked, std::string(kLocalSignature)};
    if (!d.signature)
      return {FileStatus::kUnsigned, "no x-amz-meta-signature in the object's metadata"};
    std::string fingerprint = text_of(d.doc["digestPublicKeyFingerprint"]);
    switch (keys_.verify(fingerprint, d.algorithm.value_or(""),
                         digest_signing_string(d.doc, d.sha256), *d.signature)) {
      case SignatureCheck::kValid:
        return {FileStatus::kOk, ""};
      case SignatureCheck::kNoKey:
        return {FileStatus::kNoPublicKey, "no public key with fingerprint " + fingerprint};
      case SignatureCheck::kUnsupported:
        return {FileStatus::kSignatureInvalid,
                "signature algorithm '" + d.algorithm.value_or("") + "' is not SHA256withRSA"};
      case SignatureCheck::kInvalid:
        break;
    }
    return {FileStatus::kSignatureInvalid,
            "the signature does not match the digest (changed since CloudTrail signed it)"};
  }

  // The link to the previous digest: its hash and signature as this digest recorded them.
  std::optional<std::pair<FileStatus, std::string>> chain_finding(const Digest& d) {
    if (d.backfill) return std::nullopt;  // backfill digests are outside the hourly chain
    std::string previous = text_of(d.doc.value("previousDigestS3Object", Json()));
    if (previous.empty()) return std::nullopt;  // the first of its chain
    auto found = by_layout_.find(layout_key(previous));
    if (found == by_layout_.end()) {
      report_missing_digest(d, previous);
      return std::nullopt;
    }
    const Digest& p = digests_[found->second];
    if (text_of(d.doc.value("previousDigestHashValue", Json())) != p.sha256)
      return std::pair{FileStatus::kChainBroken, "previousDigestHashValue is not the SHA-256 of " +
                                                     p.input.name +
                                                     " (one of the two was changed)"};
    if (p.signature && text_of(d.doc["previousDigestSignature"]) != *p.signature)
      return std::pair{FileStatus::kChainBroken,
                       "previousDigestSignature is not the signature of " + p.input.name};
    return std::nullopt;
  }

  // A previous digest that is not under the sources is missing when an older digest of the
  // same chain is: the chain is then known to pass through it.
  void report_missing_digest(const Digest& d, const std::string& previous) {
    Digest named;
    named.input.name = sibling(d, previous);
    name_digest(named);
    bool older_present = std::any_of(digests_.begin(), digests_.end(), [&](const Digest& other) {
      return other.chain == named.chain && !other.backfill && other.stamp < named.stamp;
    });
    if (older_present && reported_.insert(named.input.name).second)
      result_.files.push_back({named.input.name, true, FileStatus::kMissing,
                               "named as the previous digest by " + d.input.name});
  }

  void expect_log(const Digest& d, const Json& log) {
    std::string key = text_of(log.value("s3Object", Json()));
    if (key.empty()) return;
    expected_.try_emplace(layout_key(key), Expected{text_of(log.value("hashValue", Json())),
                                                    sibling(d, key), d.input.name});
  }

  void check_logs(const std::vector<Input>& listed) {
    std::vector<Input> named;
    std::set<std::string> present;
    for (const Input& input : listed) {
      std::string layout = layout_key(input.name);
      if (expected_.count(layout)) {
        named.push_back(input);
        present.insert(layout);
      } else {
        unreferenced(input, layout);
      }
    }
    for (const auto& [layout, expected] : expected_)
      if (!present.count(layout))
        result_.files.push_back(
            {expected.path, false, FileStatus::kMissing, "listed in " + expected.digest});
    hash_logs(named);
  }

  void hash_logs(const std::vector<Input>& named) {
    std::map<std::string, std::string> unreadable;
    std::size_t next = 0;
    FileTask<Sha256> task;
    task.process = [](const Buffer& text, bool, unsigned, Sha256& hash) -> std::size_t {
      hash.update(text.view());
      return 0;
    };
    task.on_skip = [&](const Skipped& skipped) { unreadable[skipped.input] = skipped.text(); };
    task.deliver = [&](Sha256&& hasher) {
      std::string hash = hasher.hex();
      const Input& input = named[next++];
      const Expected& expected = expected_.at(layout_key(input.name));
      if (auto bad = unreadable.find(input.name); bad != unreadable.end())
        result_.files.push_back({input.name, false, FileStatus::kAltered, bad->second});
      else if (hash != expected.hash)
        result_.files.push_back({input.name, false, FileStatus::kAltered,
                                 "SHA-256 differs from the one in " + expected.digest});
      else
        result_.files.push_back({input.name, false, FileStatus::kOk, ""});
    };
    scan_files(set_, named, settings_.scan, task);
  }

  // A log file no digest names: not yet digested when written after its region's newest
  // digest ended, else outside every digest (added, or delivered while validation was off).
  void unreferenced(const Input& input, const std::string& layout) {
    // ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_ID: the time is the last field but one.
    std::string stem = file_name_stem(layout);
    std::size_t last = stem.rfind('_');
    std::size_t before = last == std::string::npos || last == 0 ? last : stem.rfind('_', last - 1);
    std::optional<Millis> written;
    if (before != std::string::npos)
      written = name_time(stem.substr(before + 1, last - before - 1));
    std::string group = account_region(layout).first;
    std::optional<Millis> newest;
    for (const Digest& d : digests_)
      if (d.group == group)
        if (auto end = parse_event_time(text_of(d.doc["digestEndTime"])))
          newest = std::max(newest.value_or(*end), *end);
    if (written && windowed() && !written_in_window(*written)) return;
    if (written && newest && *written >= *newest)
      result_.files.push_back({input.name, false, FileStatus::kNotYetDigested,
                               "written after its region's newest digest ended (" +
                                   iso_time(*newest) + "); the next digest will list it"});
    else
      result_.files.push_back({input.name, false, FileStatus::kNotInDigest, ""});
  }

  void add_row(const std::string& file, bool digest,
               const std::vector<std::pair<FileStatus, std::string>>& findings) {
    FileCheck row{file, digest, FileStatus::kOk, ""};
    for (const auto& [status, detail] : findings) {
      row.status = std::max(row.status, status);
      if (!detail.empty()) row.detail += (row.detail.empty() ? "" : "; ") + detail;
    }
    result_.files.push_back(std::move(row));
  }

  struct Expected {
    std::string hash, path, digest;
  };

  const InputSet& set_;
  PublicKeys keys_;
  const DigestSettings& settings_;
  std::vector<Digest> digests_;
  std::map<std::string, std::size_t> by_layout_;
  std::map<std::string, Expected> expected_;  // by layout key
  std::set<std::string> reported_;
  DigestVerification result_;
};

}  // namespace

std::string_view status_name(FileStatus status) {
  switch (status) {
    case FileStatus::kOk:
      return "ok";
    case FileStatus::kSignatureNotChecked:
      return "signature not checked";
    case FileStatus::kNotYetDigested:
      return "not yet digested";
    case FileStatus::kChainBroken:
      return "chain broken";
    case FileStatus::kNoPublicKey:
      return "no public key";
    case FileStatus::kUnsigned:
      return "unsigned";
    case FileStatus::kSignatureInvalid:
      return "signature invalid";
    case FileStatus::kNotInDigest:
      return "not in any digest";
    case FileStatus::kMissing:
      return "missing";
    case FileStatus::kAltered:
      return "altered";
  }
  return "?";
}

bool is_failure(FileStatus status) {
  return status != FileStatus::kOk && status != FileStatus::kSignatureNotChecked &&
         status != FileStatus::kNotYetDigested;
}

bool DigestVerification::holds() const {
  return std::none_of(files.begin(), files.end(),
                      [](const FileCheck& f) { return is_failure(f.status); });
}

std::string DigestVerification::summary() const {
  std::size_t logs = 0, digests = 0;
  std::map<FileStatus, std::size_t> counts;
  for (const FileCheck& f : files) {
    ++(f.digest ? digests : logs);
    ++counts[f.status];
  }
  std::string line = fmt::format("{} log files and {} digests:", logs, digests);
  for (const auto& [status, count] : counts)
    line += fmt::format(" {} {},", count, status_name(status));
  line.pop_back();
  return line + (holds() ? " — the trail holds" : " — the trail does NOT hold");
}

std::string DigestVerification::to_table() const {
  std::string out = fmt::format("{:<22} {:<6} {}\n", "STATUS", "KIND", "FILE");
  bool local = false;
  for (const FileCheck& f : files) {
    out += fmt::format("{:<22} {:<6} {}\n", status_name(f.status), f.digest ? "digest" : "log",
                       f.file);
    // The reason a local copy's signatures are not checked is said once, below.
    if (f.status == FileStatus::kSignatureNotChecked && f.detail == kLocalSignature)
      local = true;
    else if (!f.detail.empty())
      out += std::string(30, ' ') + f.detail + "\n";
  }
  if (local) out += "signature not checked: " + std::string(kLocalSignature) + "\n";
  return out + summary() + "\n";
}

Json DigestVerification::to_json() const {
  Json list = Json::array();
  Json counts = Json::object();
  for (const FileCheck& f : files) {
    Json row = {
        {"file", f.file}, {"kind", f.digest ? "digest" : "log"}, {"status", status_name(f.status)}};
    if (!f.detail.empty()) row["detail"] = f.detail;
    list.push_back(std::move(row));
    counts[std::string(status_name(f.status))] =
        counts.value(std::string(status_name(f.status)), 0) + 1;
  }
  return {{"holds", holds()}, {"counts", counts}, {"files", list}};
}

DigestVerification verify_digests(const InputSet& inputs, PublicKeys keys,
                                  const DigestSettings& settings) {
  return Verifier(inputs, std::move(keys), settings).run();
}

}  // namespace custos::investigate
