#include "policy/metrics_filter.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/spec_numbers.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

// Cloud Custodian's MetricsFilter.DEFAULT_NAMESPACE, by botocore service name.
std::string default_namespace(const std::string& service) {
  static const std::map<std::string, std::string> table = {{"apigateway", "AWS/ApiGateway"},
                                                           {"cloudfront", "AWS/CloudFront"},
                                                           {"cloudsearch", "AWS/CloudSearch"},
                                                           {"dynamodb", "AWS/DynamoDB"},
                                                           {"ecs", "AWS/ECS"},
                                                           {"ecr", "AWS/ECR"},
                                                           {"efs", "AWS/EFS"},
                                                           {"elasticache", "AWS/ElastiCache"},
                                                           {"ec2", "AWS/EC2"},
                                                           {"elb", "AWS/ELB"},
                                                           {"elbv2", "AWS/ApplicationELB"},
                                                           {"emr", "AWS/ElasticMapReduce"},
                                                           {"es", "AWS/ES"},
                                                           {"events", "AWS/Events"},
                                                           {"firehose", "AWS/Firehose"},
                                                           {"fsx", "AWS/FSx"},
                                                           {"kinesis", "AWS/Kinesis"},
                                                           {"lambda", "AWS/Lambda"},
                                                           {"logs", "AWS/Logs"},
                                                           {"redshift", "AWS/Redshift"},
                                                           {"rds", "AWS/RDS"},
                                                           {"route53", "AWS/Route53"},
                                                           {"s3", "AWS/S3"},
                                                           {"sns", "AWS/SNS"},
                                                           {"sqs", "AWS/SQS"},
                                                           {"workspaces", "AWS/WorkSpaces"},
                                                           {"bedrock", "AWS/Bedrock"}};
  auto found = table.find(service);
  return found == table.end() ? "" : found->second;
}

std::vector<std::pair<std::string, jmespath::Expression>> compiled_dimensions(
    const ResourceType& type) {
  std::vector<std::pair<std::string, jmespath::Expression>> dimensions;
  for (const auto& [name, path] : type.metric_dimensions)
    dimensions.emplace_back(name, jmespath::Expression::compile(path));
  return dimensions;
}

bool extended_statistic(const std::string& name) {  // c7n: ^p\d{1,3}\.{0,1}\d{0,1}$
  std::size_t i = 1, digits = 0;
  if (name.size() < 2 || name[0] != 'p') return false;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i, ++digits;
  if (digits < 1 || digits > 3) return false;
  if (i < name.size() && name[i] == '.') ++i;
  if (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  return i == name.size();
}

class MetricsFilter : public Filter {
 public:
  MetricsFilter(const Spec& spec, const BuildContext& context)
      : MetricsFilter(spec, context.resource) {}
  MetricsFilter(const Spec& spec, const ResourceType& type)
      : name_(spec.required_string("name")),
        statistic_(spec.optional_string("statistics", "Average")),
        days_(number_option(spec, "days", 14, 0, 455)),
        start_of_day_(spec.one_of("period-start", {"auto", "start-of-day"}, "auto") ==
                      "start-of-day"),
        compare_(comparison_option(spec, "op", "less-than")),
        percent_attr_(spec.optional_string("percent-attr")),
        multiplier_(number_option(spec, "attr-multiplier", 1, -HUGE_VAL)),
        dimensions_(compiled_dimensions(type)) {
    static const std::set<std::string> kStandard = {"Average", "Sum", "Maximum", "Minimum",
                                                    "SampleCount"};
    if (!kStandard.count(statistic_) && !extended_statistic(statistic_))
      spec.child("statistics")
          .fail("metrics filter statistics method " + statistic_ +
                " not supported (Average, Sum, Maximum, Minimum, "
                "SampleCount or a percentile such as p99)");
    extended_ = !kStandard.count(statistic_);
    if (!spec.has("value"))
      spec.fail("'value' is required (the number the statistic is compared with)");
    value_ = number_option(spec, "value", 0, -HUGE_VAL);
    if (spec.has("period")) period_ = number_option(spec, "period", 0, 1);
    if (spec.has("missing-value")) missing_ = number_option(spec, "missing-value", 0, -HUGE_VAL);
    namespace_ = spec.optional_string("namespace", type.metrics_namespace.empty()
                                                       ? default_namespace(type.service)
                                                       : type.metrics_namespace);
    if (namespace_.empty())
      spec.fail("CloudWatch has no usual namespace for " + type.name + ": give 'namespace'");
    if (spec.has("dimensions")) {
      if (!spec.value()["dimensions"].is_object())
        spec.child("dimensions").fail("'dimensions' must be a mapping NAME: VALUE");
      for (const auto& [key, value] : spec.value()["dimensions"].items()) {
        if (!value.is_string())
          spec.child("dimensions").child(key).fail("dimension values are strings");
        user_dimensions_.push_back({{"Name", key}, {"Value", value}});
      }
    }
    if (dimensions_.empty() && user_dimensions_.empty())
      spec.fail(type.name + " has no CloudWatch dimension custos knows: give 'dimensions'");
  }

  bool match(const Json& resource, const FilterContext& context) const override {
    auto [start, end] = window();
    Json dimensions = Json::array();
    for (const auto& [name, path] : dimensions_) {
      Json value = path.search(resource);
      dimensions.push_back({{"Name", name}, {"Value", value.is_string() ? value : Json("")}});
    }
    for (const Json& dimension : user_dimensions_) dimensions.push_back(dimension);
    Json params = {{"Namespace", namespace_},
                   {"MetricName", name_},
                   {"StartTime", start},
                   {"EndTime", end},
                   {"Period", static_cast<long long>(period_ ? *period_ : end - start)},
                   {"Dimensions", dimensions},
                   {extended_ ? "ExtendedStatistics" : "Statistics", {statistic_}}};
    Json points = require_client(context, "CloudWatch metrics")
                      .call("cloudwatch", "GetMetricStatistics", params)
                      .value("Datapoints", Json::array());
    if (points.empty()) {
      if (!missing_) return false;  // no data: c7n leaves the resource out
      return compare_(scaled(*missing_, resource), value_);
    }
    for (const Json& point : points) {
      const Json& stats = extended_ ? point.value("ExtendedStatistics", Json::object()) : point;
      if (!stats.contains(statistic_) || !stats[statistic_].is_number()) return false;
      if (!compare_(scaled(stats[statistic_].get<double>(), resource), value_)) return false;
    }
    return true;
  }
  std::vector<std::string> permissions() const override {
    return {"cloudwatch:GetMetricStatistics"};
  }

 private:
  // c7n's get_metric_window: the end aligned to CloudWatch's retention steps, `days` before it.
  std::pair<double, double> window() const {
    double now = duration<double>(system_clock::now().time_since_epoch()).count();
    double step = days_ <= 1.0 / 8 ? 1 : days_ <= 15 ? 60 : days_ <= 63 ? 300 : 3600;
    double end = std::floor(now / step) * step + step;
    double start = end - days_ * 86400;
    if (start_of_day_) {
      start = std::floor(start / 86400) * 86400;
      end = std::floor(end / 86400) * 86400;
    }
    return {start, end};
  }

  // With percent-attr, the statistic as a percentage of the resource's attribute (times
  // attr-multiplier).
  double scaled(double statistic, const Json& resource) const {
    if (percent_attr_.empty()) return statistic;
    const Json& attribute = resource.value(percent_attr_, Json());
    if (!attribute.is_number()) return NAN;  // compares false, as c7n would fail
    return statistic / (attribute.get<double>() * multiplier_) * 100;
  }

  std::string name_, statistic_;
  bool extended_ = false;
  double days_;
  bool start_of_day_;
  std::function<bool(double, double)> compare_;
  double value_ = 0;
  std::optional<double> period_, missing_;
  std::string percent_attr_;
  double multiplier_;
  std::string namespace_;
  std::vector<std::pair<std::string, jmespath::Expression>> dimensions_;
  std::vector<Json> user_dimensions_;
};

}  // namespace

void register_metrics_filter(Registry& registry) {
  registry.add_filter(
      "metrics", filter_info<MetricsFilter>(
                     {"namespace", "name", "dimensions", "statistics", "days", "period-start", "op",
                      "value", "period", "attr-multiplier", "percent-attr", "missing-value"},
                     "CloudWatch statistics of the resource (GetMetricStatistics) "
                     "compared by op (default less-than) with value",
                     {"cloudwatch:GetMetricStatistics"}));
}

}  // namespace custos::policy
