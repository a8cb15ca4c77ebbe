// aws.service-quota (Cloud Custodian's quotas.py): every service's quotas, AWS's defaults with the
// values applied to the account over them; the usage-metric filter (the quota's CloudWatch usage
// against it), the request-history filter (the increases asked for it) and the request-increase
// action.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <regex>
#include <set>

#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

const std::string kQuotas = "service-quotas";

// Every quota of `service` that `operation` lists, by code. Some services answer a next token
// with nothing new: Cloud Custodian stops there ("ssm, ec2, kms have bad behaviors"), as here.
void quotas_of(const aws::Client& client, const std::string& operation, const std::string& service,
               std::map<std::string, Json>& quotas) {
  client.paginate(kQuotas, operation, {{"ServiceCode", service}, {"MaxResults", 100}},
                  [&](const Json& page) {
                    bool added = false;
                    for (const Json& quota : page.value("Quotas", Json::array())) {
                      std::string code = quota.value("QuotaCode", "");
                      added = added || !quotas.contains(code);
                      quotas[code] = quota;
                    }
                    return added;
                  });
}

// Cloud Custodian's ServiceQuota listing: ListServices, then for each service its default quotas
// (ListAWSDefaultServiceQuotas) with the applied ones (ListServiceQuotas) over them.
void list_quotas(const aws::Client& client, const Json&,
                 const std::function<void(std::vector<Json>&)>& on_items) {
  std::vector<std::string> services;
  client.paginate(kQuotas, "ListServices", {{"MaxResults", 100}}, [&](const Json& page) {
    for (const Json& service : page.value("Services", Json::array()))
      services.push_back(service.value("ServiceCode", ""));
    return true;
  });
  for (const auto& service : services) {
    std::map<std::string, Json> quotas;
    quotas_of(client, "ListAWSDefaultServiceQuotas", service, quotas);
    quotas_of(client, "ListServiceQuotas", service, quotas);
    std::vector<Json> items;
    for (auto& [code, quota] : quotas) items.push_back(std::move(quota));
    on_items(items);
  }
}

// Cloud Custodian's UsageFilter: quotas whose UsageMetric's statistic over the last day (its
// MetricStatisticRecommendation, default Maximum; a percentile as its Maximum) exceeds `limit`
// percent (default 80) of the quota's Value, annotated as c7n:UsageMetric.
class UsageMetricFilter : public policy::AnnotatingFilter {
 public:
  explicit UsageMetricFilter(const Spec& spec)
      : limit_(policy::integer_option(spec, "limit", 80)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const policy::FilterContext& context) const override {
    using std::chrono::system_clock;
    const long long end =
        std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch())
            .count();
    const long long start = end - 86400;
    static const std::regex percentile(R"(p\d{0,2}\.?\d{0,2})");
    static const std::set<std::string> statistics = {"Maximum", "Minimum", "Average", "Sum",
                                                     "SampleCount"};
    std::vector<Json> kept;
    for (Json& quota : resources) {
      const Json& metric = quota.value("UsageMetric", Json::object());
      if (!metric.is_object() || metric.empty()) continue;
      std::string stat = metric.value("MetricStatisticRecommendation", "Maximum");
      bool extended = !statistics.contains(stat);
      if (extended && !std::regex_search(stat, percentile, std::regex_constants::match_continuous))
        continue;
      long long period = period_seconds(quota);
      Json dimensions = Json::array();
      const Json named = metric.value("MetricDimensions", Json::object());
      for (const auto& [name, value] : named.items())
        dimensions.push_back({{"Name", name}, {"Value", value}});
      Json points = policy::require_client(context, "the usage-metric filter")
                        .call("cloudwatch", "GetMetricStatistics",
                              {{"Namespace", metric.value("MetricNamespace", "")},
                               {"MetricName", metric.value("MetricName", "")},
                               {"Dimensions", dimensions},
                               {extended ? "ExtendedStatistics" : "Statistics", {stat}},
                               {"StartTime", start},
                               {"EndTime", end},
                               {"Period", period}})
                        .value("Datapoints", Json::array());
      std::vector<double> values;
      for (const Json& point : points) {
        const Json& stats = extended ? point.value("ExtendedStatistics", Json::object()) : point;
        if (stats.contains(stat) && stats[stat].is_number()) values.push_back(stats[stat]);
      }
      if (values.empty()) continue;
      double used = combine(extended ? "Maximum" : stat, values);
      double value = quota.value("Value", 0.0);
      double allowed = static_cast<double>(limit_) / 100 * value;
      if (used <= allowed) continue;
      quota["c7n:UsageMetric"] = {{"metric", used},  {"period", period},  {"start_time", start},
                                  {"end_time", end}, {"statistic", stat}, {"limit", allowed},
                                  {"quota", value}};
      kept.push_back(std::move(quota));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"cloudwatch:GetMetricStatistics"};
  }

 private:
  // The quota's Period ({PeriodValue, PeriodUnit}) in seconds; a day without one.
  static long long period_seconds(const Json& quota) {
    static const std::map<std::string, double> seconds = {
        {"MICROSECOND", 1e-6}, {"MILLISECOND", 1e-3}, {"SECOND", 1},   {"MINUTE", 60},
        {"HOUR", 3600},        {"DAY", 86400},        {"WEEK", 604800}};
    const Json& period = quota.value("Period", Json());
    if (!period.is_object()) return 86400;
    auto unit = seconds.find(period.value("PeriodUnit", ""));
    if (unit == seconds.end())
      throw Error("quota " + quota.value("QuotaCode", "") + " has an unknown PeriodUnit " +
                  period.value("PeriodUnit", ""));
    return static_cast<long long>(period.value("PeriodValue", 0.0) * unit->second);
  }

  static double combine(const std::string& stat, const std::vector<double>& values) {
    if (stat == "Minimum") return *std::min_element(values.begin(), values.end());
    if (stat == "Sum") return std::accumulate(values.begin(), values.end(), 0.0);
    if (stat == "Average")
      return std::accumulate(values.begin(), values.end(), 0.0) /
             static_cast<double>(values.size());
    if (stat == "SampleCount") return static_cast<double>(values.size());
    return *std::max_element(values.begin(), values.end());
  }

  long long limit_;
};

// The increases asked for a quota, newest first as AWS lists them.
Json requests_for(const aws::Client& client, const Json& quota) {
  return client
      .call_all(kQuotas, "ListRequestedServiceQuotaChangeHistoryByQuota",
                {{"ServiceCode", quota.value("ServiceCode", "")},
                 {"QuotaCode", quota.value("QuotaCode", "")}})
      .value("RequestedQuotas", Json::array());
}

// Cloud Custodian's RequestHistoryFilter: a value filter over the list of increases asked for
// the quota (key '[].Status'...); a quota never asked for does not match. The list is kept as
// c7n:ServiceQuotaChangeHistory on the quotas that match.
class RequestHistoryFilter : public policy::AnnotatingFilter {
 public:
  explicit RequestHistoryFilter(const Spec& spec) : matcher_(spec) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const policy::FilterContext& context) const override {
    std::vector<Json> kept;
    policy::FilterContext inner = context;
    inner.matched_keys = nullptr;
    for (Json& quota : resources) {
      Json history =
          requests_for(policy::require_client(context, "the request-history filter"), quota);
      if (history.empty() || !matcher_.matches(history, inner)) continue;
      quota["c7n:ServiceQuotaChangeHistory"] = std::move(history);
      kept.push_back(std::move(quota));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota"};
  }

 private:
  policy::ValueMatcher matcher_;
};

// Cloud Custodian's Increase: asks for floor(multiplier x Value) (multiplier default 1.2, at
// least 1) of each adjustable quota. Unchanged when an increase is already open for it (AWS
// takes one at a time). A request once made cannot be withdrawn: there is no undo.
class RequestIncrease : public policy::PerResourceAction {
 public:
  explicit RequestIncrease(const Spec& spec)
      : PerResourceAction("request-increase"),
        multiplier_(policy::number_option(spec, "multiplier", 1.2, 1.0)) {}

 private:
  ActionRecord apply(const Json& quota, ActionContext& context) const override {
    const aws::Client& client = context.client;
    const std::string code = quota.value("QuotaCode", "");
    const double value = quota.value("Value", 0.0);
    if (!quota.value("Adjustable", false))
      return ActionRecord::unchanged(name(), code, "not adjustable");
    for (const Json& open : requests_for(client, quota)) {
      std::string status = open.value("Status", "");
      if (status == "PENDING" || status == "CASE_OPENED")
        return ActionRecord::unchanged(
            name(), code,
            "an increase to " + Json(open.value("DesiredValue", 0.0)).dump() + " is already " +
                status + " (" + open.value("Id", "") + ")");
    }
    const double desired = std::floor(multiplier_ * value);
    if (desired <= value)
      return ActionRecord::unchanged(name(), code,
                                     "floor(" + Json(multiplier_).dump() + " x " +
                                         Json(value).dump() + ") is not above the quota");
    Json made = client.call(kQuotas, "RequestServiceQuotaIncrease",
                            {{"ServiceCode", quota.value("ServiceCode", "")},
                             {"QuotaCode", code},
                             {"DesiredValue", desired}});
    // A dry run's pretend answer has no request.
    const std::string id = made.value(Json::json_pointer("/RequestedQuota/Id"), "");
    ActionRecord record{name(), code};
    record.before = {{"Value", value}};
    record.after = {{"DesiredValue", desired}, {"RequestId", id}};
    record.summary = "asked to raise " + quota.value("ServiceCode", "") + " " + code + " (" +
                     quota.value("QuotaName", "") + ") from " + Json(value).dump() + " to " +
                     Json(desired).dump() + (id.empty() ? "" : " (request " + id + ")") +
                     "; a request cannot be withdrawn";
    record.undo = nullptr;
    record.check =
        policy::check_call(kQuotas, "ListRequestedServiceQuotaChangeHistoryByQuota",
                           {{"ServiceCode", quota.value("ServiceCode", "")}, {"QuotaCode", code}},
                           "contains(RequestedQuotas[].Id, " + policy::jmespath_literal(id) + ")");
    return record;
  }

  double multiplier_;
};

}  // namespace

void register_service_quotas(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.service-quota",
      .aliases = {"service-quota"},
      .service = kQuotas,
      .enumerate_operation = "ListServices",
      .result_path = "Quotas[]",  // a saved ListServiceQuotas answer, for custos eval
      .lister = list_quotas,
      .permissions = {"servicequotas:ListServices", "servicequotas:ListAWSDefaultServiceQuotas",
                      "servicequotas:ListServiceQuotas"},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "QuotaCode",
      .name_field = "QuotaName",
      .arn_field = "QuotaArn",
      .report_fields = {"ServiceCode", "QuotaCode", "QuotaName", "Value"},
      .metrics_namespace = "AWS/Usage",
  });
  const std::string quota = "aws.service-quota";
  policy::FilterInfo usage;
  usage.description =
      "Quotas whose usage (their UsageMetric over the last day) exceeds `limit` percent (default "
      "80) of the quota, annotated as c7n:UsageMetric";
  usage.options = {"limit"};
  usage.permissions = {"cloudwatch:GetMetricStatistics"};
  usage.factory = [options = usage.options](const Spec& spec,
                                            const policy::BuildContext&) -> policy::FilterPtr {
    if (spec.value().is_object()) spec.allow_keys(options, "filter 'usage-metric'");
    return std::make_unique<UsageMetricFilter>(spec);
  };
  registry.add_filter(quota, "usage-metric", std::move(usage));

  policy::FilterInfo history;
  history.description =
      "A value filter over the increases asked for the quota (key: '[].Status'...), kept as "
      "c7n:ServiceQuotaChangeHistory";
  history.options = policy::value_filter_options();
  history.permissions = {"servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota"};
  history.factory = [options = history.options](const Spec& spec,
                                                const policy::BuildContext&) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write request-history as {type: request-history, key: ..., value: ...}");
    spec.allow_keys(options, "filter 'request-history'");
    return std::make_unique<RequestHistoryFilter>(spec);
  };
  registry.add_filter(quota, "request-history", std::move(history));

  registry.add_action(
      quota, "request-increase",
      policy::action_info<RequestIncrease>(
          {"multiplier"},
          {"servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota",
           "servicequotas:RequestServiceQuotaIncrease"},
          "Ask AWS to raise each adjustable quota to floor(multiplier x its value) (multiplier "
          "default 1.2); not again while an increase is open; a request cannot be withdrawn"));
}

}  // namespace custos::resources
