// Value filters over the parameters of a resource's parameter groups: Cloud Custodian's param
// on redshift (require_ssl: false) and db-parameter on rds. Each group is read once per run,
// its values typed by their DataType as Cloud Custodian types them.
#include <algorithm>
#include <cctype>
#include <map>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

enum class Typing {
  kJson,   // redshift: integers and booleans other than "default" are JSON text ("true", "5")
  kRecast  // rds: booleans as 1/0 or TRUE/FALSE, integers as digits, floats
};

struct ParameterSource {
  std::string type;         // "aws.redshift"
  std::string filter;       // "param"
  std::string groups;       // JMESPath to the resource's group names
  std::string operation;    // "DescribeClusterParameters"
  std::string group_param;  // "ParameterGroupName"
  Typing typing;
  std::string annotation{};  // where the matched key is kept (rds: c7n:MatchedDBParameter)
  bool merged = false;       // the groups' parameters judged together (redshift) or each alone
};

const std::vector<ParameterSource>& sources() {
  static const std::vector<ParameterSource> all = {
      {"aws.redshift", "param", "ClusterParameterGroups[].ParameterGroupName",
       "DescribeClusterParameters", "ParameterGroupName", Typing::kJson, "", true},
      {"aws.rds", "db-parameter", "DBParameterGroups[].DBParameterGroupName",
       "DescribeDBParameters", "DBParameterGroupName", Typing::kRecast, "c7n:MatchedDBParameter"},
  };
  return all;
}

bool all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

Json typed(const std::string& value, const std::string& data_type, Typing typing) {
  if (typing == Typing::kJson) {
    if (value == "default" || (data_type != "integer" && data_type != "boolean")) return value;
    Json parsed = Json::parse(value, nullptr, false);
    return parsed.is_discarded() ? Json(value) : parsed;
  }
  if (data_type == "boolean") {
    if (all_digits(value)) return std::stoll(value) != 0;
    if (value == "TRUE" || value == "FALSE") return value == "TRUE";
  } else if (data_type == "integer" && all_digits(value) && value.size() < 19) {
    return std::stoll(value);
  } else if (data_type == "float") {
    try {
      return value.empty() ? 0.0 : std::stod(value);
    } catch (const std::exception&) {
    }
  }
  return value;
}

class ParameterFilter : public policy::SetFilter {
 public:
  ParameterFilter(const Spec& spec, const ParameterSource& source)
      : source_(source), groups_(jmespath::Expression::compile(source.groups)), value_(spec) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::map<std::string, Json> groups;
    for (const Json& resource : resources)
      for (const Json& name : names(resource)) groups.emplace(name, Json());
    if (!groups.empty()) {
      const aws::Client& client = policy::require_client(context, "parameter group values");
      for (auto& [name, values] : groups) values = parameters(client, name);
    }
    std::vector<Json> kept;
    for (Json& resource : resources) {
      Json merged = Json::object();
      bool matched = false;
      for (const Json& name : names(resource)) {
        const Json& values = groups[name];
        if (source_.merged) {
          merged.update(values);
        } else if (value_.matches(values, context)) {
          matched = true;
          break;
        }
      }
      if (source_.merged) matched = value_.matches(merged, context);
      if (!matched) continue;
      if (!source_.annotation.empty()) resource[source_.annotation].push_back(value_.key_text());
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {policy::iam_action(source_.type == "aws.rds" ? "rds" : "redshift", source_.operation)};
  }

 private:
  Json names(const Json& resource) const {
    Json found = groups_.search(resource);
    return found.is_array() ? found : Json::array();
  }

  // {ParameterName: typed value} of one group (every page).
  Json parameters(const aws::Client& client, const std::string& group) const {
    Json values = Json::object();
    std::string service = source_.type == "aws.rds" ? "rds" : "redshift";
    client.paginate(service, source_.operation, {{source_.group_param, group}},
                    [&](const Json& page) {
                      for (const Json& parameter : page.value("Parameters", Json::array()))
                        if (parameter.contains("ParameterValue"))
                          values[parameter.value("ParameterName", "")] =
                              typed(parameter.value("ParameterValue", ""),
                                    parameter.value("DataType", ""), source_.typing);
                      return true;
                    });
    return values;
  }

  const ParameterSource& source_;
  jmespath::Expression groups_;
  policy::ValueMatcher value_;
};

}  // namespace

void register_parameter_filters(policy::Registry& registry) {
  for (const ParameterSource& source : sources()) {
    policy::FilterInfo info;
    info.description =
        "By a parameter of the resource's parameter groups (key: its name), "
        "valued by its DataType";
    info.options = policy::value_filter_options();
    info.permissions = {
        policy::iam_action(source.type == "aws.rds" ? "rds" : "redshift", source.operation)};
    info.factory = [&source, options = info.options](
                       const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
      if (spec.value().is_object()) spec.allow_keys(options, "filter '" + source.filter + "'");
      return std::make_unique<ParameterFilter>(spec, source);
    };
    registry.add_filter(source.type, source.filter, std::move(info));
  }
}

}  // namespace custos::resources
