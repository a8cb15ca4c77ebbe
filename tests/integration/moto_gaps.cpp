#include "integration/moto_gaps.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aws/protocol_codec.h"

namespace custos::test {

void answer_instance_profile_tags(FaultProxy& proxy) {
  proxy.answer_with([](const FaultProxy::Arrival& arrival) -> std::optional<FaultProxy::Reply> {
    if (arrival.body.find("Action=ListInstanceProfileTags") == std::string::npos)
      return std::nullopt;
    FaultProxy::Reply reply;
    reply.body =
        "<ListInstanceProfileTagsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
        "<ListInstanceProfileTagsResult><IsTruncated>false</IsTruncated><Tags/>"
        "</ListInstanceProfileTagsResult><ResponseMetadata><RequestId>recorded</RequestId>"
        "</ResponseMetadata></ListInstanceProfileTagsResponse>";
    return reply;
  });
}

void answer_codecommit_tags(FaultProxy& proxy) {
  FaultProxy::Reply reply;
  reply.body = R"({"tags": {}})";
  reply.content_type = "application/x-amz-json-1.1";
  proxy.answer_action("ListTagsForResource", reply);
}

void answer_video_stream_tags(FaultProxy& proxy) {
  FaultProxy::Reply reply;
  reply.body = R"({"Tags": {}})";
  reply.content_type = "application/json";
  proxy.answer_path("/listTagsForStream", reply);
}

namespace {

// A request's path (decoded, split at '/') and its query's values by name.
struct RestTarget {
  std::vector<std::string> path;
  std::multimap<std::string, std::string> query;
};

RestTarget rest_target(const std::string& target) {
  RestTarget parsed;
  const std::size_t mark = target.find('?');
  const std::string path = target.substr(0, mark);
  for (std::size_t at = 1; at <= path.size();) {
    std::size_t end = path.find('/', at);
    if (end == std::string::npos) end = path.size();
    parsed.path.push_back(aws::codec::percent_decode(path.substr(at, end - at)));
    at = end + 1;
  }
  if (mark == std::string::npos) return parsed;
  const std::string query = target.substr(mark + 1);
  for (std::size_t at = 0; at < query.size();) {
    std::size_t end = query.find('&', at);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(at, end - at);
    const std::size_t equals = pair.find('=');
    parsed.query.emplace(
        aws::codec::percent_decode(pair.substr(0, equals)),
        equals == std::string::npos ? "" : aws::codec::percent_decode(pair.substr(equals + 1)));
    at = end + 1;
  }
  return parsed;
}

// The service and region of a SigV4 Authorization header (Credential=KEY/DATE/REGION/SERVICE/...).
std::pair<std::string, std::string> signed_scope(const FaultProxy::Arrival& arrival) {
  for (const auto& [name, value] : arrival.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "authorization") continue;
    const std::size_t at = value.find("Credential=");
    if (at == std::string::npos) break;
    std::vector<std::string> parts;
    std::size_t start = at + 11;
    for (int i = 0; i < 4; ++i) {
      std::size_t slash = value.find('/', start);
      if (slash == std::string::npos) break;
      parts.push_back(value.substr(start, slash - start));
      start = slash + 1;
    }
    if (parts.size() == 4) return {parts[3], parts[2]};
  }
  return {};
}

// A REST-JSON answer (Route 53 ARC); null: no body.
FaultProxy::Reply rest_json_reply(int status, const Json& body) {
  FaultProxy::Reply reply;
  reply.status = status;
  reply.content_type = "application/json";
  reply.body = body.is_null() ? "" : body.dump();
  return reply;
}

FaultProxy::Reply arc_error(int status, const std::string& code, const std::string& message) {
  FaultProxy::Reply reply = rest_json_reply(status, {{"message", message}});
  reply.headers["x-amzn-ErrorType"] = code;
  return reply;
}

}  // namespace

void RecoveryController::add_cluster(Json cluster, Json tags) {
  std::lock_guard lock(mutex_);
  tags_[cluster.value("ClusterArn", "")] = std::move(tags);
  clusters_.push_back(std::move(cluster));
}

void RecoveryController::add_control_panel(Json panel, Json tags) {
  std::lock_guard lock(mutex_);
  tags_[panel.value("ControlPanelArn", "")] = std::move(tags);
  panels_.push_back(std::move(panel));
}

void RecoveryController::add_safety_rule(Json rule) {
  std::lock_guard lock(mutex_);
  rules_.push_back(std::move(rule));
}

void RecoveryController::add_readiness_check(Json check, Json tags) {
  std::lock_guard lock(mutex_);
  tags_[check.value("ReadinessCheckArn", "")] = std::move(tags);
  checks_.push_back(std::move(check));
}

std::map<std::string, std::set<std::string>> RecoveryController::signed_regions() const {
  std::lock_guard lock(mutex_);
  return regions_;
}

void RecoveryController::serve(FaultProxy& proxy, std::shared_ptr<RecoveryController> arc) {
  proxy.answer_with([arc](const FaultProxy::Arrival& arrival) { return arc->answer(arrival); });
}

std::optional<FaultProxy::Reply> RecoveryController::answer(const FaultProxy::Arrival& arrival) {
  const auto [service, region] = signed_scope(arrival);
  const bool readiness = service == "route53-recovery-readiness";
  if (!readiness && service != "route53-recovery-control-config") return std::nullopt;
  std::lock_guard lock(mutex_);
  regions_[service].insert(region);
  const RestTarget target = rest_target(arrival.target);
  const auto& path = target.path;
  const std::string& method = arrival.method;
  // Readiness's wire names are camelCase (locationName); control config's are the shapes'.
  const std::string tags_name = readiness ? "tags" : "Tags";
  if (path.size() == 2 && path[0] == "tags") {
    auto found = tags_.find(path[1]);
    if (found == tags_.end())
      return arc_error(404, "ResourceNotFoundException", "no resource " + path[1]);
    Json& tags = found->second;
    if (method == "GET") return rest_json_reply(200, {{tags_name, tags}});
    if (method == "POST") {
      const Json added = Json::parse(arrival.body).value(tags_name, Json::object());
      for (const auto& [key, value] : added.items()) tags[key] = value;
      return rest_json_reply(200, Json::object());
    }
    if (method == "DELETE") {
      auto [from, to] = target.query.equal_range(readiness ? "tagKeys" : "TagKeys");
      for (auto key = from; key != to; ++key) tags.erase(key->second);
      return readiness ? rest_json_reply(204, nullptr) : rest_json_reply(200, Json::object());
    }
  }
  if (method != "GET") return std::nullopt;
  if (readiness && path == std::vector<std::string>{"readinesschecks"}) {
    Json list = Json::array();
    for (const Json& check : checks_)
      list.push_back({{"readinessCheckArn", check["ReadinessCheckArn"]},
                      {"readinessCheckName", check["ReadinessCheckName"]},
                      {"resourceSet", check["ResourceSet"]},
                      {"tags", tags_[check["ReadinessCheckArn"].get<std::string>()]}});
    return rest_json_reply(200, {{"readinessChecks", list}});
  }
  if (readiness) return std::nullopt;
  if (path == std::vector<std::string>{"cluster"})
    return rest_json_reply(200, {{"Clusters", clusters_}});
  if (path == std::vector<std::string>{"controlpanels"}) {
    auto cluster = target.query.find("ClusterArn");
    Json list = Json::array();
    for (const Json& panel : panels_)
      if (cluster == target.query.end() || panel["ClusterArn"] == cluster->second)
        list.push_back(panel);
    return rest_json_reply(200, {{"ControlPanels", list}});
  }
  if (path.size() == 3 && path[0] == "controlpanel" && path[2] == "safetyrules") {
    Json list = Json::array();
    for (const Json& rule : rules_)
      for (const auto& [kind, body] : rule.items())
        if (body.value("ControlPanelArn", "") == path[1]) list.push_back(rule);
    return rest_json_reply(200, {{"SafetyRules", list}});
  }
  return std::nullopt;
}

namespace {

// A JSON-protocol answer (x-amz-json-1.1): the kept resources' and Service Quotas' calls.
FaultProxy::Reply json_reply(const Json& body, int status = 200) {
  FaultProxy::Reply reply;
  reply.status = status;
  reply.content_type = "application/x-amz-json-1.1";
  reply.body = body.dump();
  return reply;
}

struct KeptState {
  KeptResources how;
  Json resources;
  std::mutex mutex;

  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    auto target = arrival.headers.find("X-Amz-Target");
    if (target == arrival.headers.end()) return std::nullopt;
    const std::string& operation = target->second;
    auto named = [&](const std::string& name) { return operation.ends_with("." + name); };
    const bool get = !how.get.empty() && named(how.get);
    if (!named(how.describe) && !named(how.modify) && !get) return std::nullopt;
    const Json asked = Json::parse(arrival.body.empty() ? "{}" : arrival.body);
    std::lock_guard lock(mutex);
    if (named(how.describe)) {
      Json ids = how.ids_param.empty() ? Json::array() : asked.value(how.ids_param, Json::array());
      Json found = Json::array();
      for (const Json& resource : resources)
        if (ids.empty() || std::find(ids.begin(), ids.end(), resource[how.id_field]) != ids.end())
          found.push_back(resource);
      return json_reply({{how.list_key, found}});
    }
    for (Json& resource : resources) {
      if (resource[how.id_field] != asked.value(how.id_param, Json())) continue;
      if (get) return json_reply({{how.get_key, resource}});
      how.apply(resource, asked);
      return json_reply(how.reply ? how.reply(resource) : Json{{how.reply_key, resource}});
    }
    return json_reply({{"__type", how.not_found}, {"message", "not found"}}, 400);
  }
};

}  // namespace

void keep_resources(FaultProxy& proxy, KeptResources how, Json resources) {
  auto state = std::make_shared<KeptState>();
  state->how = std::move(how);
  state->resources = std::move(resources);
  proxy.answer_with([state](const FaultProxy::Arrival& arrival) { return state->answer(arrival); });
}

namespace {

FaultProxy::Reply quotas_error(const std::string& code, const std::string& message) {
  return json_reply({{"__type", code}, {"Message", message}}, 400);
}

std::optional<FaultProxy::Reply> answer_quotas(ServiceQuotasGap& gap,
                                               const FaultProxy::Arrival& arrival) {
  auto target = arrival.headers.find("X-Amz-Target");
  if (target == arrival.headers.end() || !target->second.starts_with("ServiceQuotasV20190624."))
    return std::nullopt;
  const std::string action = target->second.substr(target->second.find('.') + 1);
  const Json params = arrival.body.empty() ? Json::object() : Json::parse(arrival.body);
  const std::string service = params.value("ServiceCode", "");
  const std::string code = params.value("QuotaCode", "");
  if (action == "ListServices")
    return json_reply(
        {{"Services",
          Json::array({{{"ServiceCode", "vpc"},
                        {"ServiceName", "Amazon Virtual Private Cloud (Amazon VPC)"}}})}});
  if (action == "ListServiceQuotas") {
    if (service != "vpc") return quotas_error("NoSuchResourceException", "no such service");
    return json_reply({{"Quotas", gap.applied}});
  }
  if (action == "ListRequestedServiceQuotaChangeHistoryByQuota") {
    Json found = Json::array();
    for (const Json& request : gap.requests)
      if (request["ServiceCode"] == service && request["QuotaCode"] == code)
        found.push_back(request);
    return json_reply({{"RequestedQuotas", found}});
  }
  if (action == "RequestServiceQuotaIncrease") {
    const Json* quota = nullptr;
    for (const Json& q : gap.applied)
      if (q["ServiceCode"] == service && q["QuotaCode"] == code) quota = &q;
    if (!quota) return quotas_error("NoSuchResourceException", "no quota " + code);
    for (const Json& request : gap.requests)
      if (request["QuotaCode"] == code &&
          (request["Status"] == "PENDING" || request["Status"] == "CASE_OPENED"))
        return quotas_error("ResourceAlreadyExistsException", "a request is already open");
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    Json request = {{"Id", "req-" + std::to_string(gap.requests.size() + 1)},
                    {"ServiceCode", service},
                    {"ServiceName", (*quota)["ServiceName"]},
                    {"QuotaCode", code},
                    {"QuotaName", (*quota)["QuotaName"]},
                    {"DesiredValue", params["DesiredValue"]},
                    {"Status", "PENDING"},
                    {"Created", now},
                    {"LastUpdated", now},
                    {"Requester", "arn:aws:iam::123456789012:root"},
                    {"QuotaArn", (*quota)["QuotaArn"]},
                    {"GlobalQuota", false},
                    {"Unit", "None"}};
    gap.requests.push_back(request);
    return json_reply({{"RequestedQuota", request}});
  }
  return std::nullopt;  // ListAWSDefaultServiceQuotas, GetServiceQuota: moto's
}

}  // namespace

void answer_service_quotas(FaultProxy& proxy, std::shared_ptr<ServiceQuotasGap> gap) {
  proxy.answer_with(
      [gap](const FaultProxy::Arrival& arrival) { return answer_quotas(*gap, arrival); });
}

}  // namespace custos::test
