#include "integration/recorded_answers.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "aws/model.h"
#include "core/html.h"
#include "support/paths.h"

namespace custos::test {

Json epoch_dates(Json value) {
  if (value.is_object() && value.value("__class__", "") == "datetime") {
    std::tm date{};
    date.tm_year = value["year"].get<int>() - 1900;
    date.tm_mon = value["month"].get<int>() - 1;
    date.tm_mday = value["day"];
    date.tm_hour = value["hour"];
    date.tm_min = value["minute"];
    date.tm_sec = value["second"];
    return static_cast<double>(timegm(&date));
  }
  if (value.is_structured())
    for (auto& item : value) item = epoch_dates(item);
  return value;
}

namespace {

namespace fs = std::filesystem;

// placebo names a recording's service by its endpoint prefix, botocore's folders by service.
std::string botocore_service(const std::string& endpoint_prefix) {
  static const std::map<std::string, std::string> kServices = {
      {"api.sagemaker", "sagemaker"},
      {"tagging", "resourcegroupstaggingapi"},
      {"monitoring", "cloudwatch"},
      {"airflow", "mwaa"},
      {"elasticfilesystem", "efs"}};
  auto found = kServices.find(endpoint_prefix);
  return found == kServices.end() ? endpoint_prefix : found->second;
}

Json load_model(const std::string& service) {
  const fs::path folder = fs::path(aws::botocore_data_dir()) / service;
  std::string latest;
  if (fs::is_directory(folder))
    for (const auto& version : fs::directory_iterator(folder))
      if (fs::exists(version.path() / "service-2.json"))
        latest = std::max(latest, version.path().filename().string());
  if (latest.empty()) throw std::runtime_error("no botocore model for " + service);
  return Json::parse(read_file((folder / latest / "service-2.json").string()));
}

std::string header_of(const FaultProxy::Arrival& arrival, std::string_view name) {
  for (const auto& [key, value] : arrival.headers)
    if (std::ranges::equal(key, name, [](char a, char b) { return std::tolower(a) == b; }))
      return value;
  return "";
}

std::string iso_date(const Json& date) {
  if (!date.is_object()) return date.is_string() ? date.get<std::string>() : date.dump();
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date["year"].get<int>(),
                date["month"].get<int>(), date["day"].get<int>(), date["hour"].get<int>(),
                date["minute"].get<int>(), date["second"].get<int>(),
                date.value("microsecond", 0) / 1000);
  return text;
}

// Writes a boto3-shaped value as the XML protocols (query, ec2, rest-xml) carry it, led by the
// model's shapes: element names from locationName, lists wrapped in member (item for EC2)
// elements unless flattened, maps as entry/key/value.
class XmlWriter {
 public:
  XmlWriter(const Json& shapes, bool ec2) : shapes_(shapes), ec2_(ec2) {}

  // The members of structure `shape` present in `value`, one element each.
  std::string members(const Json& value, const std::string& shape) const {
    std::string out;
    for (const auto& [name, ref] : shapes_.at(shape)["members"].items())
      if (value.contains(name)) out += element(ref.value("locationName", name), value[name], ref);
    return out;
  }

 private:
  std::string element(const std::string& name, const Json& value, const Json& ref) const {
    const Json& shape = shapes_.at(ref["shape"].get<std::string>());
    const std::string type = shape["type"];
    const bool flattened = ref.value("flattened", false) || shape.value("flattened", false);
    if (type == "list") {
      const Json& item = shape["member"];
      std::string items;
      for (const Json& each : value)
        items += element(flattened ? name : item.value("locationName", ec2_ ? "item" : "member"),
                         each, item);
      return flattened ? items : wrap(name, items);
    }
    if (type == "map") {
      std::string entries;
      for (const auto& [key, each] : value.items()) {
        std::string entry =
            wrap(shape["key"].value("locationName", "key"), html_escape(key)) +
            element(shape["value"].value("locationName", "value"), each, shape["value"]);
        entries += flattened ? wrap(name, entry) : wrap("entry", entry);
      }
      return flattened ? entries : wrap(name, entries);
    }
    if (type == "structure") return wrap(name, members(value, ref["shape"]));
    if (type == "timestamp") return wrap(name, iso_date(value));
    return wrap(name, html_escape(value.is_string() ? value.get<std::string>() : value.dump()));
  }

  static std::string wrap(const std::string& name, const std::string& content) {
    return "<" + name + ">" + content + "</" + name + ">";
  }

  const Json& shapes_;
  bool ec2_;
};

// One service's recordings, and what it has served of them.
class RecordedService {
 public:
  explicit RecordedService(const std::string& service) : model_(load_model(service)) {
    const Json& metadata = model_["metadata"];
    protocol_ = metadata["protocol"];
    signing_name_ = metadata.value("signingName", metadata["endpointPrefix"].get<std::string>());
  }

  void add(const std::string& operation, Json recording) {
    if (!model_["operations"].contains(operation))
      throw std::runtime_error("recording of an operation botocore does not know: " + operation);
    recordings_[operation].push_back(std::move(recording));
  }

  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    if (signing_name(arrival) != signing_name_) return std::nullopt;
    const std::string operation = operation_of(arrival);
    auto found = recordings_.find(operation);
    if (found == recordings_.end()) return std::nullopt;
    std::size_t& served = served_[operation];
    const Json& recording = found->second[std::min(served++, found->second.size() - 1)];
    FaultProxy::Reply reply;
    reply.status = recording.value("status_code", 200);
    Json data = recording["data"];
    data.erase("ResponseMetadata");
    reply.body = body(operation, data);
    if (protocol_ == "json")
      reply.content_type =
          "application/x-amz-json-" + model_["metadata"].value("jsonVersion", "1.1");
    else if (protocol_ == "rest-json")
      reply.content_type = "application/json";
    return reply;
  }

 private:
  // The service a request is signed for: its SigV4 credential scope's fourth part.
  static std::string signing_name(const FaultProxy::Arrival& arrival) {
    const std::string authorization = header_of(arrival, "authorization");
    std::size_t at = authorization.find("Credential=");
    if (at == std::string::npos) return "";
    for (int part = 0; part < 3 && at != std::string::npos; ++part)
      at = authorization.find('/', at + 1);
    if (at == std::string::npos) return "";
    return authorization.substr(at + 1, authorization.find('/', at + 1) - at - 1);
  }

  std::string operation_of(const FaultProxy::Arrival& arrival) const {
    if (protocol_ == "json") {
      const std::string target = header_of(arrival, "x-amz-target");
      return target.substr(target.rfind('.') + 1);
    }
    if (protocol_ == "query" || protocol_ == "ec2") {
      const std::string& body = arrival.body;
      std::size_t at = body.starts_with("Action=") ? 0 : body.find("&Action=");
      if (at == std::string::npos) return "";
      at = body.find('=', at) + 1;
      return body.substr(at, body.find('&', at) - at);
    }
    for (const auto& [operation, unused] : recordings_) {
      const Json& http = model_["operations"][operation]["http"];
      if (http["method"] == arrival.method && path_matches(http["requestUri"], arrival.target))
        return operation;
    }
    return "";
  }

  // A REST path against botocore's requestUri ("/environments/{Name}"): each {label} takes one
  // segment, {label+} the rest.
  static bool path_matches(const std::string& uri, const std::string& target) {
    auto segments = [](std::string_view text) {
      text = text.substr(0, text.find('?'));
      std::vector<std::string> parts;
      for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('/', at + 1);
        parts.emplace_back(text.substr(at + 1, end == std::string::npos ? end : end - at - 1));
        at = end;
      }
      return parts;
    };
    const auto pattern = segments(uri), path = segments(target);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i].ends_with("+}")) return i < path.size();
      if (i >= path.size()) return false;
      if (!pattern[i].starts_with("{") && pattern[i] != path[i]) return false;
    }
    return pattern.size() == path.size();
  }

  std::string body(const std::string& operation, const Json& data) const {
    if (protocol_ == "json" || protocol_ == "rest-json") return epoch_dates(data).dump();
    const Json& metadata = model_["metadata"];
    const Json& output = model_["operations"][operation]["output"];
    const std::string shape = output["shape"];
    XmlWriter xml(model_["shapes"], protocol_ == "ec2");
    if (protocol_ == "rest-xml") {
      const Json& outer = model_["shapes"][shape];
      const std::string payload = outer["payload"];
      const Json& ref = outer["members"][payload];
      const std::string root = ref.value("locationName", ref["shape"].get<std::string>());
      return "<" + root + " xmlns=\"http://" + metadata["endpointPrefix"].get<std::string>() +
             ".amazonaws.com/doc/" + metadata["apiVersion"].get<std::string>() + "/\">" +
             xml.members(data[payload], ref["shape"]) + "</" + root + ">";
    }
    const std::string response = operation + "Response";
    std::string text = "<" + response + " xmlns=\"https://" +
                       metadata["endpointPrefix"].get<std::string>() + ".amazonaws.com/doc/" +
                       metadata["apiVersion"].get<std::string>() + "/\">";
    if (protocol_ == "ec2")
      return text + "<requestId>recorded</requestId>" + xml.members(data, shape) + "</" + response +
             ">";
    const std::string result = output.value("resultWrapper", operation + "Result");
    return text + "<" + result + ">" + xml.members(data, shape) + "</" + result +
           "><ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata></" + response +
           ">";
  }

  Json model_;
  std::string protocol_;
  std::string signing_name_;
  std::map<std::string, std::vector<Json>> recordings_;
  std::map<std::string, std::size_t> served_;
};

}  // namespace

void answer_from_recordings(FaultProxy& proxy, const std::string& test) {
  // Shared by the responder (which the proxy calls under its lock) and kept alive by it.
  auto services = std::make_shared<std::map<std::string, RecordedService>>();
  const std::string prefix = test + "__";
  // TEST__SERVICE.Operation_N.json (SERVICE may hold dots: api.sagemaker), in the order of N.
  std::vector<std::pair<std::string, int>> calls;
  for (const auto& file : fs::directory_iterator(data_path("responses/cloud-custodian-placebo"))) {
    const std::string name = file.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::size_t sequence = name.rfind('_');
    calls.emplace_back(name.substr(prefix.size(), sequence - prefix.size()),
                       std::stoi(name.substr(sequence + 1)));
  }
  std::ranges::sort(calls);
  for (const auto& [call, sequence] : calls) {
    const std::string service = botocore_service(call.substr(0, call.rfind('.')));
    auto [at, added] = services->try_emplace(service, service);
    at->second.add(
        call.substr(call.rfind('.') + 1),
        Json::parse(read_file(data_path("responses/cloud-custodian-placebo/" + prefix + call + "_" +
                                        std::to_string(sequence) + ".json"))));
  }
  if (services->empty()) throw std::runtime_error("no placebo recordings for " + test);
  proxy.answer_with([services](const FaultProxy::Arrival& arrival) {
    for (auto& [name, service] : *services)
      if (auto reply = service.answer(arrival)) return reply;
    return std::optional<FaultProxy::Reply>();
  });
}

}  // namespace custos::test
