#include "resources/iam_credential_report.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "policy/dates.h"
#include "policy/related_filter.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"

namespace custos::resources {
namespace {

using policy::BuildContext;
using policy::FilterContext;
using policy::Spec;
using Clock = std::chrono::system_clock;

// The keys Cloud Custodian's schema lets a credential filter compare.
const std::vector<std::string> kReportKeys = {"user",
                                              "arn",
                                              "user_creation_time",
                                              "password_enabled",
                                              "password_last_used",
                                              "password_last_changed",
                                              "password_next_rotation",
                                              "mfa_active",
                                              "access_keys",
                                              "access_keys.active",
                                              "access_keys.last_used_date",
                                              "access_keys.last_used_region",
                                              "access_keys.last_used_service",
                                              "access_keys.last_rotated",
                                              "certs",
                                              "certs.active",
                                              "certs.last_rotated"};

// Column prefixes folded into lists, in Cloud Custodian's order.
const std::pair<const char*, const char*> kSubObjects[] = {{"access_key_1_", "access_keys"},
                                                           {"access_key_2_", "access_keys"},
                                                           {"cert_1_", "certs"},
                                                           {"cert_2_", "certs"}};

// How long a report read once serves a process (Cloud Custodian's default cache period).
constexpr auto kCachePeriod = std::chrono::minutes(15);

std::vector<std::vector<std::string>> csv_rows(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

Json report_value(const std::string& text) {
  if (text == "N/A" || text == "no_information") return nullptr;
  if (text == "false") return false;
  if (text == "true") return true;
  return text;
}

bool truthy(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  return !value.is_null();
}

// CredentialReport.process_user_record over one row (columns in the report's order).
Json user_record(const std::vector<std::string>& headers, const std::vector<std::string>& row) {
  Json record = Json::object();
  for (std::size_t i = 0; i < headers.size(); ++i)
    record[headers[i]] = report_value(i < row.size() ? row[i] : std::string());
  for (const auto& [prefix, list] : kSubObjects) {
    Json item = Json::object();
    for (const auto& header : headers) {
      if (!header.starts_with(prefix)) continue;
      item[header.substr(std::string_view(prefix).size())] = record[header];
      record.erase(header);
    }
    if (truthy(item.value("active", Json(false))) || truthy(item.value("last_rotated", Json())))
      record[list].push_back(std::move(item));
  }
  return record;
}

std::optional<std::chrono::sys_seconds> to_second(const Json& text) {
  if (!text.is_string()) return std::nullopt;
  auto when = policy::parse_datetime(text.get<std::string>());
  if (!when) return std::nullopt;
  return std::chrono::floor<std::chrono::seconds>(*when);
}

Clock::duration seconds(double count) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(count));
}

struct ReportOptions {
  bool generate = true;
  double delay = 10;              // seconds to wait for a report being generated
  double max_age = 60 * 60 * 24;  // seconds a report stays usable
};

// GetCredentialReport's answer; null when there is none or it is older than `max_age` seconds,
// the string "in progress" while one is being generated.
Json current_report(const aws::Client& client, std::optional<double> max_age) {
  Json report;
  try {
    report = client.call("iam", "GetCredentialReport");
  } catch (const aws::AwsError& e) {
    if (e.code() == "ReportInProgress") return Json("in progress");
    if (e.code() == "ReportNotPresent" || e.code() == "ReportExpired") return nullptr;
    throw;
  }
  if (!max_age) return report;
  auto generated = policy::parse_datetime(report.value("GeneratedTime", ""));
  auto oldest = Clock::now() - seconds(*max_age);
  return generated && *generated < oldest ? Json() : report;
}

// The report's CSV: the current one, else one generated now, polled for up to `delay` seconds
// (Cloud Custodian sleeps `delay` once; polling returns as soon as the report is ready).
std::string fetch_report(const aws::Client& client, const ReportOptions& options) {
  auto deadline = Clock::now() + seconds(options.delay);
  Json report = current_report(client, options.max_age);
  if (report.is_null()) {
    if (!options.generate)
      throw Error(
          "credential filter: no IAM credential report younger than report_max_age, and "
          "report_generate is false (generate one, or allow the filter to)");
    client.call("iam", "GenerateCredentialReport");
  }
  // Once generation is under way the newest report is the one to read, whatever its age.
  while (!report.is_object()) {
    report = current_report(client, std::nullopt);
    if (report.is_object()) break;
    if (Clock::now() >= deadline)
      throw Error("credential filter: the IAM credential report was not ready within " +
                  fmt::format("{}", options.delay) + " s (raise report_delay)");
    std::this_thread::sleep_for(
        std::min<Clock::duration>(std::chrono::milliseconds(500), deadline - Clock::now()));
  }
  return aws::codec::base64_decode(report.value("Content", ""));
}

// The report's records for the client's account: read once per account (credentials and
// endpoint) and kCachePeriod, so the policies of a run share one.
Json cached_records(const aws::Client& client, const ReportOptions& options) {
  struct Entry {
    Clock::time_point read;
    Json records;
  };
  static std::mutex mutex;
  static std::map<std::string, Entry> cache;
  std::string key = client.session().endpoint("IAM", "iam").url + "|" +
                    client.session().credentials().access_key_id;
  std::lock_guard lock(mutex);  // one fetch at a time: the others wait for its report
  auto usable = std::min<Clock::duration>(kCachePeriod, seconds(options.max_age));
  auto found = cache.find(key);
  if (found != cache.end() && Clock::now() - found->second.read < usable)
    return found->second.records;
  Json records = credential_records(fetch_report(client, options));
  cache[key] = {Clock::now(), records};
  return records;
}

// credential: a value filter over the user's row of the credential report; keys with a dot
// (access_keys.last_rotated) compare each access key or certificate, and the access keys that
// match are recorded in c7n:matched-keys (c7n:match-type credential) for remove-keys.
class CredentialFilter : public policy::AnnotatingFilter {
 public:
  CredentialFilter(const Spec& spec, const BuildContext& context)
      : key_(spec.required_string("key")),
        matcher_(spec, {.extra_keys = {"report_generate", "report_delay", "report_max_age"},
                        .default_key = {}}),
        block_(context.block) {
    if (std::find(kReportKeys.begin(), kReportKeys.end(), key_) == kReportKeys.end()) {
      std::string known;
      for (const auto& key : kReportKeys) known += (known.empty() ? "" : ", ") + key;
      spec.child("key").fail("unknown credential report key '" + key_ + "' (keys: " + known + ")");
    }
    if (auto dot = key_.find('.'); dot != std::string::npos) list_ = key_.substr(0, dot);
    options_.generate = spec.optional_bool("report_generate", true);
    options_.delay = policy::number_option(spec, "report_delay", 10);
    options_.max_age = policy::number_option(spec, "report_max_age", 60 * 60 * 24);
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    Json report =
        cached_records(policy::require_client(context, "the IAM credential report"), options_);
    FilterContext inner = context;
    inner.matched_keys = nullptr;  // Cloud Custodian's credential filter does not annotate
    std::vector<Json> kept;
    for (Json& resource : resources) {
      auto info = report.find(resource.value("UserName", ""));
      if (info == report.end() || !judge(resource, *info, inner)) continue;
      resource["c7n:credential-report"] = *info;
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> all = {"iam:GenerateCredentialReport", "iam:GetCredentialReport"};
    for (auto& more : matcher_.permissions()) all.push_back(std::move(more));
    return all;
  }

 private:
  bool judge(Json& resource, const Json& info, const FilterContext& context) const {
    if (list_.empty()) return matcher_.matches(info, context);
    Json matched = Json::array();
    for (const Json& item : info.value(list_, Json::array())) {
      // The key (access_keys.last_rotated) read from {access_keys: item}.
      if (!matcher_.matches(Json{{list_, item}}, context)) continue;
      Json noted = item;
      noted["c7n:match-type"] = "credential";
      matched.push_back(std::move(noted));
    }
    bool any = !matched.empty();
    policy::merge_matched(resource, "c7n:matched-keys", std::move(matched), block_);
    return any;
  }

  std::string key_;
  std::string list_;  // "access_keys" for access_keys.*; empty for the user's own columns
  policy::ValueMatcher matcher_;
  std::string block_;
  ReportOptions options_;
};

}  // namespace

Json credential_records(std::string_view csv) {
  auto rows = csv_rows(csv);
  Json records = Json::object();
  if (rows.empty()) return records;
  const auto& headers = rows.front();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() == 1 && rows[i][0].empty()) continue;  // a blank line
    Json record = user_record(headers, rows[i]);
    std::string user = record.value("user", "");
    records[user] = std::move(record);
  }
  return records;
}

Json resolve_matched_keys(const Json& matched, const Json& keys) {
  Json resolved = Json::array();
  auto add = [&resolved](Json key) {
    if (std::find(resolved.begin(), resolved.end(), key) == resolved.end())
      resolved.push_back(std::move(key));
  };
  if (!matched.is_array()) return resolved;
  for (const Json& item : matched) {
    if (!item.is_object()) continue;
    if (item.value("c7n:match-type", "") == "credential") {
      auto rotated = to_second(item.value("last_rotated", Json()));
      for (const Json& key : keys) {
        if (!rotated || to_second(key.value("CreateDate", Json())) != rotated) continue;
        Json copy = key;
        copy["c7n:match-type"] = "access";
        add(std::move(copy));
      }
      continue;
    }
    // By id, from the current list: a key named but gone comes back as named (no Status).
    auto live = std::find_if(keys.begin(), keys.end(), [&](const Json& key) {
      return key.value("AccessKeyId", "") == item.value("AccessKeyId", "-");
    });
    if (live == keys.end()) {
      add(item);
      continue;
    }
    Json copy = *live;
    copy["c7n:match-type"] = item.value("c7n:match-type", "access");
    add(std::move(copy));
  }
  return resolved;
}

policy::FilterInfo credential_filter_info() {
  return policy::filter_info<CredentialFilter>(
      {"key", "value", "op", "value_type", "report_generate", "report_delay", "report_max_age"},
      "A value filter over the user's row of the IAM credential report (access_keys.* and "
      "certs.* compare each key or certificate)",
      {"iam:GenerateCredentialReport", "iam:GetCredentialReport"});
}

}  // namespace custos::resources
