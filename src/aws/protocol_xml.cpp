// XML bodies: results of query, ec2 and rest-xml read by shape; rest-xml request bodies;
// the XML error formats (<ErrorResponse><Error>, <Response><Errors><Error>, S3's <Error>).
#include <pugixml.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <unordered_map>

#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"
#include "core/error.h"

namespace custos::aws::wire {

using namespace std::string_view_literals;

namespace {

std::string_view local_name(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == name) return c;
  }
  return {};
}

std::vector<pugi::xml_node> elements(const pugi::xml_node& node) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) out.push_back(c);
  }
  return out;
}

void load(pugi::xml_document& doc, std::string_view body) {
  // Whitespace-only text is a value ("  " is a string member's content).
  const auto result =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!result) {
    throw Error(std::string("AWS sent a response that is not valid XML (") + result.description() +
                "): retry; if it persists, report it");
  }
}

Json read(const ShapeRef& ref, const std::vector<pugi::xml_node>& nodes);

bool is_header_bound(const ShapeRef& ref) {
  return ref.location == "header" || ref.location == "headers" || ref.location == "statusCode";
}

// botocore's element name for a member: a flattened list's items carry the member's name.
const std::string& element_name(const ShapeRef& ref, const std::string& member) {
  const Shape& shape = *ref.shape;
  if (shape.type == "list"sv && ref.flattened && !shape.member.location_name.empty()) {
    return shape.member.location_name;
  }
  return ref.location_name.empty() ? member : ref.location_name;
}

// IAM sends policy documents as URL-encoded JSON; boto3 and the AWS CLI show them decoded.
Json policy_document(std::string_view text) {
  Json doc = Json::parse(codec::percent_decode(text), nullptr, false);
  return doc.is_discarded() ? Json(std::string(text)) : doc;
}

// Where each member of a structure shape is found among an element's children, built once per
// shape and thread: a structure has dozens of members (EC2's Instance about 60) and an element
// as many children, so matching each child by a hash beats looking for each member in turn.
struct MemberIndex {
  // What the index was built from: a model unloaded and another loaded may put a new shape
  // where an old one was, which must not find the old one's index.
  std::string name;
  const void* members = nullptr;
  std::unordered_map<std::string_view, std::size_t> by_element;  // element name -> member
  std::vector<std::size_t> attributes;                           // members read from attributes
};

const MemberIndex& member_index(const Shape& shape) {
  thread_local std::unordered_map<const Shape*, MemberIndex> indexes;
  auto [at, added] = indexes.try_emplace(&shape);
  if (!added && (at->second.members != shape.members.data() || at->second.name != shape.name)) {
    at->second = MemberIndex();
    added = true;
  }
  if (added) {
    at->second.name = shape.name;
    at->second.members = shape.members.data();
    for (std::size_t i = 0; i < shape.members.size(); ++i) {
      const auto& [name, ref] = shape.members[i];
      if (is_header_bound(ref)) continue;
      if (ref.xml_attribute)
        at->second.attributes.push_back(i);
      else
        at->second.by_element.try_emplace(element_name(ref, name), i);
    }
  }
  return at->second;
}

Json read_structure(const Shape& shape, const pugi::xml_node& node) {
  const MemberIndex& index = member_index(shape);
  // Each member's elements, in document order (a flattened list's items are siblings).
  thread_local std::vector<std::pair<std::size_t, pugi::xml_node>> found;
  const std::size_t first = found.size();  // the entries of enclosing structures stay below
  struct Pop {  // this structure's entries go when it is read, or when reading it throws
    std::size_t to;
    ~Pop() { found.resize(to); }
  } pop{first};
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    auto member = index.by_element.find(local_name(c));
    if (member != index.by_element.end()) found.emplace_back(member->second, c);
  }
  // Stable: a member's elements keep their order.
  std::stable_sort(found.begin() + first, found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::object();
  for (std::size_t i : index.attributes) {
    const auto& [name, ref] = shape.members[i];
    if (auto attr = node.attribute(ref.location_name.c_str())) out[name] = attr.value();
  }
  std::vector<pugi::xml_node> nodes;
  for (std::size_t i = first; i < found.size();) {
    const std::size_t member = found[i].first;
    nodes.clear();
    for (; i < found.size() && found[i].first == member; ++i) nodes.push_back(found[i].second);
    const auto& [name, ref] = shape.members[member];
    out[name] = read(ref, nodes);
  }
  return out;
}

Json read_map(const ShapeRef& ref, const std::vector<pugi::xml_node>& nodes) {
  const Shape& shape = *ref.shape;
  const std::string key_name = shape.key.location_name.empty() ? "key" : shape.key.location_name;
  const std::string value_name =
      shape.value.location_name.empty() ? "value" : shape.value.location_name;
  const auto entries = ref.flattened ? nodes : elements(nodes.front());
  Json out = Json::object();
  for (const auto& entry : entries) {
    auto key = child(entry, key_name);
    auto value = child(entry, value_name);
    if (key) out[key.text().get()] = value ? read(shape.value, {value}) : Json();
  }
  return out;
}

Json read(const ShapeRef& ref, const std::vector<pugi::xml_node>& nodes) {
  const Shape& shape = *ref.shape;
  if (shape.type == "list"sv) {
    Json out = Json::array();
    for (const auto& item : ref.flattened ? nodes : elements(nodes.front())) {
      out.push_back(read(shape.member, {item}));
    }
    return out;
  }
  if (shape.type == "map"sv) return read_map(ref, nodes);
  if (shape.type == "structure"sv) return read_structure(shape, nodes.front());
  if (shape.name == "policyDocumentType") return policy_document(nodes.front().text().get());
  return codec::scalar_result(shape, nodes.front().text().get());
}

class XmlWriter {
 public:
  void write(const ShapeRef& ref, const Json& value, pugi::xml_node parent, const std::string& name,
             const std::string& path) {
    if (value.is_null()) return;
    const Shape& shape = *ref.shape;
    codec::check_type(shape, value, path);
    if (shape.type == "list"sv) return list(ref, value, parent, name, path);
    if (shape.type == "map"sv) return map(ref, value, parent, name, path);
    pugi::xml_node node = parent.append_child(name.c_str());
    namespace_attribute(ref, node);
    if (shape.type == "structure"sv) return structure(shape, value, node, path);
    node.text().set(codec::scalar_text(ref, value, path, "iso8601").c_str());
  }

 private:
  static void namespace_attribute(const ShapeRef& ref, pugi::xml_node node) {
    if (ref.xml_namespace_uri.empty()) return;
    const std::string attr =
        ref.xml_namespace_prefix.empty() ? "xmlns" : "xmlns:" + ref.xml_namespace_prefix;
    node.append_attribute(attr.c_str()).set_value(ref.xml_namespace_uri.c_str());
  }

  // Model order: XML services validate element order against their schema.
  void structure(const Shape& shape, const Json& value, pugi::xml_node node,
                 const std::string& path) {
    for (const auto& [key, item] : value.items()) codec::member_ref(shape, key, path);
    for (const auto& [key, ref] : shape.members) {
      if (!value.contains(key)) continue;
      const Json& item = value[key];
      const std::string name = ref.location_name.empty() ? key : ref.location_name;
      if (ref.xml_attribute && !item.is_null()) {
        node.append_attribute(name.c_str())
            .set_value(codec::scalar_text(ref, item, path + "." + key, "iso8601").c_str());
      } else {
        write(ref, item, node, name, path + "." + key);
      }
    }
  }

  void list(const ShapeRef& ref, const Json& value, pugi::xml_node parent, const std::string& name,
            const std::string& path) {
    const ShapeRef& member = ref.shape->member;
    pugi::xml_node holder = parent;
    std::string item_name = name;
    if (!ref.flattened) {
      holder = parent.append_child(name.c_str());
      namespace_attribute(ref, holder);
      item_name = member.location_name.empty() ? "member" : member.location_name;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      write(member, value[i], holder, item_name, path + "[" + std::to_string(i) + "]");
    }
  }

  // Entries go in <name><entry>...</entry></name>, or as repeated <name> when flattened.
  void map(const ShapeRef& ref, const Json& value, pugi::xml_node parent, const std::string& name,
           const std::string& path) {
    const Shape& shape = *ref.shape;
    const std::string key_name = shape.key.location_name.empty() ? "key" : shape.key.location_name;
    const std::string value_name =
        shape.value.location_name.empty() ? "value" : shape.value.location_name;
    pugi::xml_node holder = parent;
    if (!ref.flattened) {
      holder = parent.append_child(name.c_str());
      namespace_attribute(ref, holder);
    }
    for (const auto& [key, item] : value.items()) {
      pugi::xml_node entry = holder.append_child(ref.flattened ? name.c_str() : "entry");
      if (ref.flattened) namespace_attribute(ref, entry);
      write(shape.key, key, entry, key_name, path);
      write(shape.value, item, entry, value_name, path + "." + key);
    }
  }
};

// The element holding Code and Message in each protocol's error document.
pugi::xml_node error_node(const pugi::xml_node& root) {
  if (local_name(root) == "Error") return root;
  if (auto error = child(root, "Error")) return error;
  return child(child(root, "Errors"), "Error");
}

std::string text_of(const pugi::xml_node& node, std::string_view name) {
  return child(node, name).text().get();
}

}  // namespace

Json xml_result(const ShapeRef& ref, std::string_view body, std::string_view wrapper) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  pugi::xml_document doc;
  load(doc, body);
  pugi::xml_node start = doc.document_element();
  if (auto wrapped = child(start, wrapper); wrapped && !wrapper.empty()) start = wrapped;
  return read(ref, {start});
}

std::string xml_body(const ShapeRef& ref, const std::string& root_name, const Json& params,
                     const std::string& path) {
  pugi::xml_document doc;
  XmlWriter().write(ref, params, doc, root_name, path);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

std::optional<std::string> xml_element_text(std::string_view body, std::string_view name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  const pugi::xml_node root = doc.document_element();
  const pugi::xml_node node = local_name(root) == name ? root : child(root, name);
  if (!node) return std::nullopt;
  return std::string(node.text().get());
}

ErrorInfo parse_xml_error(const ServiceModel& model, const HttpResponse& response) {
  ErrorInfo info;
  pugi::xml_document doc;
  if (!doc.load_buffer(response.body.data(), response.body.size())) return info;
  const pugi::xml_node root = doc.document_element();
  const pugi::xml_node error = error_node(root);
  info.code = text_of(error, "Code");
  info.message = text_of(error, "Message");
  for (const pugi::xml_node& holder : {root, error}) {
    for (std::string_view name : {"RequestId", "RequestID"}) {
      if (auto id = child(holder, name)) info.request_id = id.text().get();
    }
  }
  if (const Shape* shape = model.find_error_shape(info.code); shape && error) {
    info.details = read_structure(*shape, error);
    if (model.metadata().protocol == "rest-xml")
      parse_rest_bindings(*shape, response, info.details);
  }
  return info;
}

}  // namespace custos::aws::wire
