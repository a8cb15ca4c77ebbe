// aws.account's service limits (Cloud Custodian's ServiceLimit filter and RequestLimitIncrease
// action): Trusted Advisor's service-limit checks, read through the Support API in the
// partition's support region, and a support case asking to raise the limits found.
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "policy/age_filter.h"
#include "policy/python_text.h"
#include "policy/set_filter.h"
#include "resources/account.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;
using NameList = std::vector<std::string>;

const char* const kExceeded = "c7n:ServiceLimitsExceeded";

// The Support API answers in one region of each partition (c7n's get_support_region).
aws::Client support_client(const aws::Client& client) {
  std::string partition = aws::EndpointResolver::standard().partition_of(client.session().region());
  return client.in_region(partition == "aws-cn"       ? "cn-north-1"
                          : partition == "aws-us-gov" ? "us-gov-west-1"
                                                      : "us-east-1");
}

// Python's fnmatch(value.lower(), pattern.lower()) against any of `patterns`.
bool any_matches(const NameList& patterns, std::string value) {
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  value = lower(value);
  for (const auto& pattern : patterns)
    if (fnmatch(lower(pattern).c_str(), value.c_str(), FNM_NOESCAPE) == 0) return true;
  return false;
}

double number(const Json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string() || value.get<std::string>().empty()) return 0;
  try {
    return std::stod(value.get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

// service-limit: the account when a limit Trusted Advisor reports for this region is used at
// `threshold` percent or more (without a threshold: any limit not "ok"). Every check's result
// is kept on the account as c7n:ServiceLimits, the limits found as c7n:ServiceLimitsExceeded.
class ServiceLimit : public policy::SetFilter {
 public:
  explicit ServiceLimit(const Spec& spec)
      : names_(spec.string_list("names")),
        limits_(spec.string_list("limits")),
        services_(spec.string_list("services")),
        refresh_days_(1) {
    if (spec.has("refresh_period")) {
      const Json& days = spec.value()["refresh_period"];
      if (!days.is_number_integer() || days.get<int>() < 0)
        spec.child("refresh_period").fail("refresh_period must be a whole number of days");
      refresh_days_ = days.get<int>();
    }
    if (spec.has("threshold")) {
      if (!spec.value()["threshold"].is_number())
        spec.child("threshold").fail("threshold must be a number (a percentage of the limit)");
      threshold_ = spec.value()["threshold"].get<double>();
    }
    static const NameList kServices = {
        "AutoScaling", "CloudFormation", "DynamoDB", "EBS", "EC2", "ELB", "IAM",
        "RDS",         "Route53",        "SES",      "VPC"};
    for (std::size_t i = 0; i < services_.size(); ++i)
      if (std::find(kServices.begin(), kServices.end(), services_[i]) == kServices.end())
        spec.child("services")
            .element(i)
            .fail("unknown service '" + services_[i] +
                  "'; one of AutoScaling, CloudFormation, "
                  "DynamoDB, EBS, EC2, ELB, IAM, RDS, Route53, "
                  "SES, VPC");
  }

  std::vector<Json> process(std::vector<Json> accounts,
                            const FilterContext& context) const override {
    if (accounts.empty()) return accounts;
    const aws::Client& client = policy::require_client(context, "Trusted Advisor's checks");
    aws::Client support = support_client(client);
    const std::string& region = client.session().region();
    Json& account = accounts[0];
    account["c7n:ServiceLimits"] = Json::array();
    Json exceeded = Json::array();
    Json checks =
        support.call("support", "DescribeTrustedAdvisorChecks", {{"language", "en"}})["checks"];
    for (const Json& check : checks.is_array() ? checks : Json::array()) {
      if (check.value("category", "") != "service_limits" ||
          check.value("id", "") == "eW7HH0l7J9" || !wanted(check.value("name", "")))
        continue;
      Json result = check_result(support, check["id"]);
      Json flagged = Json::array();
      for (const Json& item : result.value("flaggedResources", Json::array())) {
        Json where = item.value("metadata", Json::array());
        std::string in = where.empty() || !where[0].is_string() ? "" : where[0].get<std::string>();
        if (in == region || (in == "-" && region == "us-east-1")) flagged.push_back(item);
      }
      result["flaggedResources"] = flagged;
      refresh_if_stale(support, check["id"], result);
      for (const Json& item : flagged)
        if (Json limit = judged(item); !limit.is_null()) {
          limit["check_id"] = check["id"];
          limit["name"] = check["name"];
          exceeded.push_back(std::move(limit));
        }
      account["c7n:ServiceLimits"].push_back(std::move(result));
    }
    if (exceeded.empty()) return {};
    account[kExceeded] = std::move(exceeded);
    return accounts;
  }

  std::vector<std::string> permissions() const override {
    return {"support:DescribeTrustedAdvisorCheckRefreshStatuses",
            "support:DescribeTrustedAdvisorCheckResult", "support:DescribeTrustedAdvisorChecks",
            "support:RefreshTrustedAdvisorCheck"};
  }

 private:
  // names, else services as prefixes of the check's name (spaces aside), else every check.
  bool wanted(const std::string& name) const {
    if (!names_.empty()) return any_matches(names_, name);
    if (services_.empty()) return true;
    NameList prefixes;
    for (const auto& service : services_) prefixes.push_back(service + "*");
    std::string joined = name;
    std::erase(joined, ' ');
    return any_matches(prefixes, joined);
  }

  // The check's result; one Trusted Advisor has not got yet is refreshed and waited for (up to
  // about 50 s, as Cloud Custodian waits).
  static Json check_result(const aws::Client& support, const Json& id) {
    auto read = [&] {
      return support.call("support", "DescribeTrustedAdvisorCheckResult",
                          {{"checkId", id}, {"language", "en"}})["result"];
    };
    Json result = read();
    if (result.value("status", "") != "not_available") return result;
    support.call("support", "RefreshTrustedAdvisorCheck", {{"checkId", id}});
    for (auto wait = std::chrono::seconds(1); wait <= std::chrono::seconds(16); wait *= 2) {
      std::this_thread::sleep_for(wait);
      Json statuses = support.call("support", "DescribeTrustedAdvisorCheckRefreshStatuses",
                                   {{"checkIds", {id}}})["statuses"];
      if (statuses.is_array() && !statuses.empty() && statuses[0].value("status", "") == "success")
        return read();
    }
    return result;
  }

  // Results older than refresh_period days are refreshed for the next run.
  void refresh_if_stale(const aws::Client& support, const Json& id, const Json& result) const {
    std::optional<policy::TimePoint> taken = policy::date_of(result.value("timestamp", Json()));
    if (taken && std::chrono::system_clock::now() - *taken > std::chrono::days(refresh_days_))
      support.call("support", "RefreshTrustedAdvisorCheck", {{"checkId", id}});
  }

  // A flagged limit as Cloud Custodian reports it, or null when it is not one asked about.
  Json judged(const Json& item) const {
    if (!threshold_ && item.value("status", "") == "ok") return nullptr;
    static const NameList kFields = {"region", "service", "check", "limit", "extant", "color"};
    Json limit = Json::object();
    Json metadata = item.value("metadata", Json::array());
    for (std::size_t i = 0; i < kFields.size() && i < metadata.size(); ++i)
      limit[kFields[i]] = metadata[i];
    auto text = [&](const char* key) {
      return limit.value(key, Json()).is_string() ? limit[key].get<std::string>() : "";
    };
    if (!services_.empty() && !any_matches(services_, text("service"))) return nullptr;
    if (!limits_.empty() && !any_matches(limits_, text("check"))) return nullptr;
    limit["status"] = item.value("status", "");
    double ceiling = number(limit.value("limit", Json()));
    if (ceiling == 0) return nullptr;  // Cloud Custodian would divide by zero
    limit["percentage"] = number(limit.value("extant", Json())) / ceiling * 100;
    if (threshold_ && *threshold_ != 0 && limit["percentage"].get<double>() < *threshold_)
      return nullptr;
    return limit;
  }

  NameList names_, limits_, services_;
  int refresh_days_;
  std::optional<double> threshold_;
};

// request-limit-increase: one support case per service whose limits service-limit found, asking
// for each limit to be raised by `percent-increase` percent (at least `minimum-increase`) or
// by `amount-increase`. Undo resolves the cases.
class RequestLimitIncrease : public policy::PerResourceAction {
 public:
  explicit RequestLimitIncrease(const Spec& spec)
      : PerResourceAction("request-limit-increase"),
        subject_(spec.optional_string(
            "subject", "[Account:{account}]Raise the following limit(s) of {service} in {region}")),
        message_(spec.optional_string("message",
                                      "Please raise the below account limit(s); \n {limits}")),
        severity_(spec.one_of("severity", {"urgent", "high", "normal", "low"}, "normal")),
        notify_(spec.string_list("notify")) {
    bool percent = spec.has("percent-increase"), amount = spec.has("amount-increase");
    if (percent == amount)
      spec.fail("request-limit-increase needs one of percent-increase and amount-increase");
    const char* key = percent ? "percent-increase" : "amount-increase";
    increase_ = positive(spec, key);
    by_percent_ = percent;
    if (spec.has("minimum-increase")) minimum_ = positive(spec, "minimum-increase");
    for (const char* key : {"subject", "message"}) {
      if (!spec.has(key)) continue;
      try {
        policy::python_format(
            spec.optional_string(key), [](const std::string& field, const std::string&) {
              if (!kFields.count(field))
                throw InputError("the template names {" + field +
                                 "}; it may use {service}, {region}, {account} and {limits}");
              return std::string();
            });
      } catch (const InputError& e) {
        spec.child(key).fail(e.what());
      }
    }
  }

 private:
  static double positive(const Spec& spec, const char* key) {
    const Json& value = spec.value()[key];
    if (!value.is_number() || value.get<double>() < 1)
      spec.child(key).fail(std::string(key) + " must be a number of at least 1");
    return value.get<double>();
  }

  ActionRecord apply(const Json& account, ActionContext& context) const override {
    std::string id = context.id_of(account);
    Json exceeded = account.value(kExceeded, Json::array());
    if (exceeded.empty())
      return ActionRecord::unchanged(name(), id, "no limit found by service-limit to raise");
    std::map<std::string, std::vector<std::string>> lines;
    std::map<std::string, std::string> region_of;
    for (const Json& limit : exceeded) {
      std::string service = limit.value("service", "");
      lines[service].push_back(request_line(limit));
      region_of.emplace(service, limit.value("region", ""));
    }
    aws::Client support = support_client(context.client);
    ActionRecord record{name(), id};
    record.after = {{"Cases", Json::array()}};
    record.undo = Json::array();
    for (const auto& [service, requests] : lines) {
      Json params = case_for(service, region_of[service], requests, context.account_id());
      Json answer = support.call("support", "CreateCase", params);
      std::string case_id = answer.value("caseId", "");
      record.after["Cases"].push_back({{"service", service}, {"caseId", case_id}});
      record.undo.push_back(policy::undo_call("support", "ResolveCase", {{"caseId", case_id}},
                                              support.session().region()));
      record.summary += (record.summary.empty() ? "" : "; ") + std::string("opened ") + case_id +
                        " to raise " + std::to_string(requests.size()) + " " + service +
                        " limit(s)";
    }
    return record;
  }

  std::string request_line(const Json& limit) const {
    double current = std::trunc(number(limit.value("limit", Json())));
    double by = by_percent_ ? std::max(current * increase_ / 100, minimum_) : increase_;
    long long rounded = std::llround(by);  // Python's round() halves to even; close enough here
    auto text = [&](const char* key) {
      const Json& value = limit.value(key, Json());
      return value.is_string() ? value.get<std::string>() : value.dump();
    };
    return "\nIncrease " + text("check") + " by " + std::to_string(rounded) + " in " +
           text("region") + " \n\t Current Limit: " + text("limit") +
           "\n\t Current Usage: " + text("extant") +
           "\n\t Set New Limit to: " + std::to_string(static_cast<long long>(current) + rounded);
  }

  Json case_for(const std::string& service, const std::string& region,
                const std::vector<std::string>& requests, const std::string& account) const {
    static const std::map<std::string, std::string> kServiceCodes = {
        {"AutoScaling", "auto-scaling"},
        {"CloudFormation", "aws-cloudformation"},
        {"DynamoDB", "amazon-dynamodb"},
        {"EBS", "amazon-elastic-block-store"},
        {"EC2", "amazon-elastic-compute-cloud-linux"},
        {"ELB", "elastic-load-balancing"},
        {"IAM", "aws-identity-and-access-management"},
        {"Kinesis", "amazon-kinesis"},
        {"RDS", "amazon-relational-database-service-aurora"},
        {"Route53", "amazon-route53"},
        {"SES", "amazon-simple-email-service"},
        {"VPC", "amazon-virtual-private-cloud"}};
    std::string limits;
    for (const auto& line : requests) limits += (limits.empty() ? "" : "\n\t") + line;
    std::map<std::string, std::string> fields = {
        {"service", service}, {"region", region}, {"account", account}, {"limits", limits}};
    auto field = [&](const std::string& key, const std::string&) { return fields.at(key); };
    Json params = {{"subject", policy::python_format(subject_, field)},
                   {"communicationBody", policy::python_format(message_, field)},
                   {"categoryCode", "general-guidance"},
                   {"severityCode", severity_},
                   {"ccEmailAddresses", notify_}};
    if (auto code = kServiceCodes.find(service); code != kServiceCodes.end())
      params["serviceCode"] = code->second;
    return params;
  }

  // What the subject and message templates may name.
  static inline const std::set<std::string> kFields = {"service", "region", "account", "limits"};

  std::string subject_, message_, severity_;
  NameList notify_;
  double increase_ = 0, minimum_ = 1;
  bool by_percent_ = false;
};

}  // namespace

void register_service_limits(policy::Registry& registry) {
  registry.add_filter(
      "aws.account", "service-limit",
      policy::filter_info<ServiceLimit>(
          {"threshold", "refresh_period", "names", "limits", "services"},
          "The account when a Trusted Advisor service limit of this region is used at "
          "`threshold` percent or more (names: check names; services, limits: globs), kept as "
          "c7n:ServiceLimitsExceeded",
          {"support:DescribeTrustedAdvisorCheckRefreshStatuses",
           "support:DescribeTrustedAdvisorCheckResult", "support:DescribeTrustedAdvisorChecks",
           "support:RefreshTrustedAdvisorCheck"}));
  registry.add_action(
      "aws.account", "request-limit-increase",
      policy::action_info<RequestLimitIncrease>(
          {"percent-increase", "amount-increase", "minimum-increase", "subject", "message",
           "notify", "severity"},
          {"support:CreateCase"},
          "Open a support case per service asking to raise the limits service-limit found "
          "(percent-increase or amount-increase); undo resolves it"));
}

}  // namespace custos::resources
