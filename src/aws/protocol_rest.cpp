// rest-json and rest-xml: members bound to URI labels, query string, headers, status code and
// payload; the body itself goes through the JSON or XML codec.
#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"
#include "core/ascii.h"
#include "core/digest.h"
#include "core/error.h"

namespace custos::aws::wire {

using namespace std::string_view_literals;

namespace {

bool is_xml(const ServiceModel& model) { return model.metadata().protocol == "rest-xml"; }

std::string header_text(const ShapeRef& ref, const Json& value, const std::string& path) {
  const Shape& shape = *ref.shape;
  codec::check_type(shape, value, path);
  if (shape.type == "list"sv) {
    std::string joined;
    for (const auto& item : value) {
      if (item.is_null()) continue;
      std::string text = codec::scalar_text(shape.member, item, path, "rfc822");
      // Items holding the separator are quoted, as the smithy HTTP binding asks.
      if (shape.member.shape->type == "string"sv &&
          text.find_first_of(",\"") != std::string::npos) {
        std::string quoted = "\"";
        for (char c : text) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
        text = quoted + "\"";
      }
      joined += (joined.empty() ? "" : ", ") + text;
    }
    return joined;
  }
  if (ref.json_value) return codec::base64_encode(value.dump());
  return codec::scalar_text(ref, value, path, "rfc822");
}

// Items of a list header: comma-separated, optionally quoted (with \" escapes); HTTP dates
// hold a comma of their own ("Mon, 16 Dec 2019 23:48:18 GMT").
std::vector<std::string> split_header_list(const std::string& value, const Shape& member) {
  std::vector<std::string> items;
  std::string item;
  bool quoted = false, was_quoted = false;
  const auto flush = [&] {
    if (!was_quoted) {
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
    }
    items.push_back(item);
    item.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted && c == '\\' && i + 1 < value.size()) {
      item += value[++i];
    } else if (c == '"' && (quoted || item.find_first_not_of(' ') == std::string::npos)) {
      if (!quoted) item.clear();
      quoted = !quoted;
      was_quoted = true;
    } else if (c == ',' && !quoted) {
      flush();
    } else if (!(was_quoted && !quoted)) {
      item += c;
    }
  }
  flush();
  if (member.type != "timestamp"sv) return items;
  std::vector<std::string> dates;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const bool weekday = items[i].size() == 3 && i + 1 < items.size();
    dates.push_back(weekday ? items[i] + ", " + items[i + 1] : items[i]);
    if (weekday) ++i;
  }
  return dates;
}

bool has_key(const Pairs& pairs, const std::string& key) {
  return std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.first == key; });
}

void add_query(Pairs& query, const ShapeRef& ref, const Json& value, const std::string& name,
               const std::string& path) {
  const Shape& shape = *ref.shape;
  codec::check_type(shape, value, path);
  if (shape.type == "map"sv) {
    for (const auto& [key, item] : value.items()) {
      if (item.is_array()) {
        for (const auto& v : item) query.emplace_back(key, v.get<std::string>());
      } else {
        query.emplace_back(key, codec::scalar_text(shape.value, item, path + "." + key, "iso8601"));
      }
    }
  } else if (shape.type == "list"sv) {
    for (const auto& item : value) {
      query.emplace_back(name, codec::scalar_text(shape.member, item, path, "iso8601"));
    }
  } else {
    query.emplace_back(name, codec::scalar_text(ref, value, path, "iso8601"));
  }
}

// Expands {Label} and greedy {Label+} in the request URI.
std::string render_uri(const std::string& uri, const Shape& input, const Json& params) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const auto open = uri.find('{', pos);
    if (open == std::string::npos) break;
    const auto close = uri.find('}', open);
    out += uri.substr(pos, open - pos);
    std::string label = uri.substr(open + 1, close - open - 1);
    const bool greedy = !label.empty() && label.back() == '+';
    if (greedy) label.pop_back();
    const ShapeRef* ref = nullptr;
    std::string member_name;
    for (const auto& [name, member] : input.members) {
      if (member.location == "uri" &&
          (member.location_name.empty() ? name : member.location_name) == label) {
        ref = &member, member_name = name;
      }
    }
    if (!ref || !params.contains(member_name) || params[member_name].is_null()) {
      throw InputError("missing required parameter " + (member_name.empty() ? label : member_name) +
                       " (part of the request path)");
    }
    out += codec::percent_encode(
        codec::scalar_text(*ref, params[member_name], member_name, "iso8601"), greedy ? "/~" : "");
    pos = close + 1;
  }
  return out + uri.substr(pos);
}

void serialize_payload(const ServiceModel& model, const Operation& op, const Json& params,
                       const Json& body_members, Request& request) {
  const Shape& input = *op.input.shape;
  if (!input.payload.empty()) {
    const ShapeRef& ref = codec::member_ref(input, input.payload, "");
    const Json& value = params.contains(input.payload) ? params[input.payload] : Json();
    const std::string& type = ref.shape->type;
    if (type == "blob"sv || type == "string"sv) {
      codec::check_type(*ref.shape, value.is_null() ? Json("") : value, input.payload);
      request.body = value.is_null() ? "" : value.get<std::string>();
    } else if (!value.is_null()) {
      const std::string root = ref.location_name.empty() ? input.payload : ref.location_name;
      request.body = is_xml(model) ? xml_body(ref, root, value, input.payload)
                                   : json_body(ref, value, input.payload).dump();
    } else if (!is_xml(model)) {
      request.body = "{}";
    }
    return;
  }
  const bool has_body_members =
      std::any_of(input.members.begin(), input.members.end(),
                  [](const auto& m) { return m.second.location.empty(); });
  if (is_xml(model)) {
    if (!body_members.empty()) {
      const std::string root = op.input.location_name.empty() ? input.name : op.input.location_name;
      request.body = xml_body(op.input, root, body_members, "");
    }
  } else if (!body_members.empty() || has_body_members) {
    request.body = json_body(op.input, body_members, "").dump();
  }
}

void content_type(const ServiceModel& model, const Shape& input, Request& request) {
  if (request.body.empty() || codec::find_header(request.headers, "Content-Type")) return;
  if (!input.payload.empty()) {
    const std::string& type = input.find_member(input.payload)->shape->type;
    if (type == "blob"sv || type == "string"sv) {
      request.headers.emplace_back("Content-Type",
                                   type == "blob"sv ? "application/octet-stream" : "text/plain");
      return;
    }
  }
  request.headers.emplace_back("Content-Type",
                               is_xml(model) ? "application/xml" : "application/json");
}

// Content-MD5: the base64 of the body's MD5 (RFC 1864).
std::string content_md5(std::string_view body) {
  std::string hex = md5_hex(body), bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return codec::base64_encode(bytes);
}

}  // namespace

Request serialize_rest(const ServiceModel& model, const Operation& op, const Json& params) {
  Request request;
  request.method = op.http_method;
  if (!op.input.shape) {
    request.path = op.request_uri;
    return request;
  }
  const Shape& input = *op.input.shape;
  codec::check_type(input, params, "");
  Json body_members = Json::object();
  Pairs query_maps;
  for (const auto& [key, value] : params.items()) {
    const ShapeRef& ref = codec::member_ref(input, key, "");
    if (value.is_null()) continue;
    const std::string name = ref.location_name.empty() ? key : ref.location_name;
    if (ref.location == "querystring" && ref.shape->type == "map"sv) {
      add_query(query_maps, ref, value, name, key);
    } else if (ref.location == "querystring") {
      add_query(request.query, ref, value, name, key);
    } else if (ref.location == "header") {
      if (ref.shape->type == "list"sv && value.empty()) continue;
      request.headers.emplace_back(name, header_text(ref, value, key));
    } else if (ref.location == "headers") {
      codec::check_type(*ref.shape, value, key);
      for (const auto& [suffix, item] : value.items()) {
        request.headers.emplace_back(name + suffix, item.get<std::string>());
      }
    } else if (ref.location.empty() && key != input.payload) {
      body_members[key] = value;
    }
  }
  // A map bound to the query string adds free-form parameters; members bound by name win.
  const Pairs named = request.query;
  for (auto& pair : query_maps) {
    if (!has_key(named, pair.first)) request.query.push_back(std::move(pair));
  }
  request.path = render_uri(op.request_uri, input, params);
  serialize_payload(model, op, params, body_members, request);
  content_type(model, input, request);
  if (op.checksum_required && !codec::find_header(request.headers, "Content-MD5"))
    request.headers.emplace_back("Content-MD5", content_md5(request.body));
  return request;
}

void parse_rest_bindings(const Shape& shape, const HttpResponse& response, Json& out) {
  for (const auto& [name, ref] : shape.members) {
    const std::string wire =
        ref.location_name.empty() && ref.location != "headers" ? name : ref.location_name;
    if (ref.location == "statusCode") {
      out[name] = response.status;
    } else if (ref.location == "headers") {
      Json map = Json::object();
      for (const auto& [header, value] : response.headers) {
        if (iequals(std::string_view(header).substr(0, wire.size()), wire)) {
          map[header.substr(wire.size())] = value;
        }
      }
      out[name] = map;
    } else if (ref.location == "header") {
      const std::string* value = codec::find_header(response.headers, wire);
      if (!value) continue;
      if (ref.shape->type == "list"sv) {
        Json list = Json::array();
        for (const auto& item : split_header_list(*value, *ref.shape->member.shape)) {
          list.push_back(codec::scalar_result(*ref.shape->member.shape, item));
        }
        out[name] = list;
      } else if (ref.json_value) {
        out[name] = parse_json_body(codec::base64_decode(*value));
      } else {
        out[name] = codec::scalar_result(*ref.shape, *value);
      }
    }
  }
}

Json parse_rest(const ServiceModel& model, const ShapeRef& output, const HttpResponse& response) {
  Json out = Json::object();
  if (!output.shape) return out;
  const Shape& shape = *output.shape;
  parse_rest_bindings(shape, response, out);
  const auto body = [&](const ShapeRef& ref) {
    return is_xml(model) ? xml_result(ref, response.body, "")
                         : json_result(ref, parse_json_body(response.body));
  };
  if (shape.payload.empty()) {
    if (Json members = body(output); members.is_object()) out.update(members);
    return out;
  }
  const ShapeRef& ref = *shape.find_member(shape.payload);
  const std::string& type = ref.shape->type;
  if (response.body.empty()) {
    return out;
  } else if (type == "blob"sv) {
    out[shape.payload] = codec::base64_encode(response.body);
  } else if (type == "string"sv) {
    out[shape.payload] = response.body;
  } else if (!response.body.empty()) {
    out[shape.payload] = body(ref);
  }
  return out;
}

}  // namespace custos::aws::wire
