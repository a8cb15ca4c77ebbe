// JSON bodies of the json and rest-json protocols, the json protocol's requests and the JSON
// error formats (__type, code, x-amzn-errortype, x-amzn-query-error).
#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"

namespace custos::aws::wire {

using namespace std::string_view_literals;

namespace {

Json timestamp_json(const ShapeRef& ref, const Json& value, const std::string& path) {
  const auto t = codec::timestamp_param(value, path);
  const std::string format = ref.timestamp_format.value_or("unixtimestamp");
  if (format != "unixtimestamp") return codec::format_timestamp(t, format);
  if (t.micros == 0) return t.seconds;
  return static_cast<double>(t.seconds) + t.micros / 1e6;
}

Json timestamp_from_json(const Json& value) {
  if (value.is_number()) return codec::timestamp_result(codec::timestamp_param(value, ""));
  if (value.is_string()) return codec::timestamp_result(value.get<std::string>());
  return value;
}

std::string strip_namespace(std::string code) {
  if (const auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (const auto hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
  return code;
}

std::string string_field(const Json& body, std::initializer_list<const char*> names) {
  if (!body.is_object()) return "";
  for (const char* name : names) {
    if (auto it = body.find(name); it != body.end() && it->is_string()) return *it;
  }
  return "";
}

}  // namespace

Json json_body(const ShapeRef& ref, const Json& value, const std::string& path) {
  const Shape& shape = *ref.shape;
  codec::check_type(shape, value, path);
  if (shape.document) return value;
  if (shape.type == "structure"sv) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) {
      const ShapeRef& member = codec::member_ref(shape, key, path);
      if (item.is_null()) continue;
      const std::string child = path.empty() ? key : path + "." + key;
      out[member.location_name.empty() ? key : member.location_name] =
          json_body(member, item, child);
    }
    return out;
  }
  if (shape.type == "list"sv) {
    Json out = Json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(json_body(shape.member, value[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  if (shape.type == "map"sv) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) {
      if (!item.is_null()) out[key] = json_body(shape.value, item, path + "." + key);
    }
    return out;
  }
  if (shape.type == "timestamp"sv) return timestamp_json(ref, value, path);
  if (shape.type == "blob"sv) return codec::base64_encode(value.get_ref<const std::string&>());
  return value;
}

Json json_result(const ShapeRef& ref, const Json& value) {
  const Shape& shape = *ref.shape;
  if (value.is_null() || shape.document) return value;
  if (shape.type == "structure"sv && value.is_object()) {
    Json out = Json::object();
    for (const auto& [name, member] : shape.members) {
      if (member.location == "header" || member.location == "headers" ||
          member.location == "statusCode") {
        continue;
      }
      auto it = value.find(member.location_name.empty() ? name : member.location_name);
      if (it != value.end() && !it->is_null()) out[name] = json_result(member, *it);
    }
    return out;
  }
  if (shape.type == "list"sv && value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) out.push_back(json_result(shape.member, item));
    return out;
  }
  if (shape.type == "map"sv && value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) {
      if (!item.is_null()) out[key] = json_result(shape.value, item);
    }
    return out;
  }
  if (shape.type == "timestamp"sv) return timestamp_from_json(value);
  return value;
}

Json parse_json_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  Json parsed = Json::parse(body, nullptr, false);
  return parsed.is_discarded() ? Json{{"message", std::string(body)}} : parsed;
}

Request serialize_json(const ServiceModel& model, const Operation& op, const Json& params) {
  const ServiceMetadata& md = model.metadata();
  Request request;
  request.method = op.http_method;
  request.path = op.request_uri;
  request.headers = {{"X-Amz-Target", md.target_prefix + "." + op.name},
                     {"Content-Type", "application/x-amz-json-" +
                                          (md.json_version.empty() ? "1.0" : md.json_version)}};
  request.body = op.input.shape ? json_body(op.input, params, "").dump() : "{}";
  return request;
}

ErrorInfo parse_json_error(const ServiceModel& model, const HttpResponse& response) {
  const Json body = parse_json_body(response.body);
  ErrorInfo info;
  info.message = string_field(body, {"message", "Message", "errorMessage"});
  std::string code;
  // awsQueryCompatible services name the old query error code here ("Code;Sender").
  if (const auto* query_error = codec::find_header(response.headers, "x-amzn-query-error")) {
    code = query_error->substr(0, query_error->find(';'));
  }
  if (const auto* type = codec::find_header(response.headers, "x-amzn-errortype");
      code.empty() && type) {
    code = *type;
  }
  if (code.empty()) code = string_field(body, {"__type", "code", "Code"});
  if (code.empty()) code = std::to_string(response.status);
  info.code = strip_namespace(code);
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id"}) {
    if (const auto* id = codec::find_header(response.headers, name);
        id && info.request_id.empty()) {
      info.request_id = *id;
    }
  }
  if (const Shape* shape = model.find_error_shape(info.code)) {
    ShapeRef ref;
    ref.shape = shape;
    info.details = json_result(ref, body);
    if (model.metadata().protocol == "rest-json")
      parse_rest_bindings(*shape, response, info.details);
  }
  return info;
}

}  // namespace custos::aws::wire
