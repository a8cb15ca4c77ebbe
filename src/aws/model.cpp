#include "aws/model.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "core/error.h"
#include "core/file.h"
#include "core/version.h"

namespace custos::aws {

namespace {

namespace dom = simdjson::dom;

std::string_view get_str(dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get_string().get(v)) return {};
  return v;
}

std::optional<dom::object> get_obj(dom::object o, std::string_view key) {
  dom::object v;
  if (o[key].get_object().get(v)) return std::nullopt;
  return v;
}

bool has(dom::object o, std::string_view key) { return !o[key].error(); }

std::string_view as_str(dom::element e) {
  std::string_view v;
  return e.get_string().get(v) ? std::string_view() : v;
}

bool as_bool(dom::element e) {
  bool v = false;
  return e.get_bool().get(v) ? false : v;
}

// Serialization traits kept on both shapes and references; a reference inherits the target
// shape's traits and overrides them (botocore's resolve_shape_ref does the same). One pass
// over the keys: the EC2 model has tens of thousands of these objects.
bool read_trait(std::string_view key, dom::element value, ShapeRef& r) {
  if (key == "location") {
    r.location = as_str(value);
  } else if (key == "locationName") {
    r.location_name = as_str(value);
  } else if (key == "queryName") {
    r.query_name = as_str(value);
  } else if (key == "xmlNamespace") {
    dom::object ns;
    if (value.get_object().get(ns)) {
      r.xml_namespace_uri = as_str(value);
    } else {
      r.xml_namespace_uri = get_str(ns, "uri");
      r.xml_namespace_prefix = get_str(ns, "prefix");
    }
  } else if (key == "xmlAttribute") {
    r.xml_attribute = as_bool(value);
  } else if (key == "flattened") {
    r.flattened = as_bool(value);
  } else if (key == "streaming") {
    r.streaming = as_bool(value);
  } else if (key == "hostLabel") {
    r.host_label = as_bool(value);
  } else if (key == "idempotencyToken") {
    r.idempotency_token = as_bool(value);
  } else if (key == "jsonvalue") {
    r.json_value = as_bool(value);
  } else if (key == "timestampFormat") {
    std::string format(as_str(value));  // models spell unixTimestamp both ways
    std::transform(format.begin(), format.end(), format.begin(), ::tolower);
    r.timestamp_format = format;
  } else {
    return false;
  }
  return true;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Up to three candidates close to `name` (edit distance, or one a prefix of the other).
std::vector<std::string> close_names(std::string_view name, const std::vector<std::string>& all) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  for (const auto& candidate : all) {
    std::size_t d = edit_distance(name, candidate);
    const bool prefix = candidate.size() > name.size() && name.size() >= 3 &&
                        edit_distance(name, candidate.substr(0, name.size())) == 0;
    if (prefix) d = std::min(d, limit);
    if (d <= limit) scored.emplace_back(d, candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string text = "; did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text + "?";
}

std::string read_model_file(const std::filesystem::path& path) {
  auto text = read_file(path.string());
  if (!text) throw Error("cannot read botocore model " + path.string() + ": check the file");
  return *text;
}

std::vector<std::string> service_names(const std::filesystem::path& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path newest_model_file(std::string_view service) {
  const std::filesystem::path root = botocore_data_dir();
  const std::filesystem::path dir = root / std::string(service);
  std::error_code ec;
  std::string newest;
  if (!service.empty() && service.find('/') == std::string_view::npos) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (std::filesystem::exists(entry.path() / "service-2.json")) {
        newest = std::max(newest, entry.path().filename().string());
      }
    }
  }
  if (newest.empty()) {
    throw InputError("unknown AWS service '" + std::string(service) + "' (no botocore model in " +
                     root.string() + ")" + did_you_mean(close_names(service, service_names(root))));
  }
  return dir / newest / "service-2.json";
}

// The botocore protocols custos speaks, in botocore's order of preference.
constexpr std::string_view kProtocolPreference[] = {"json", "rest-json", "rest-xml", "query",
                                                    "ec2"};

std::string pick_protocol(dom::object metadata) {
  dom::array protocols;
  if (!metadata["protocols"].get_array().get(protocols)) {
    for (std::string_view preferred : kProtocolPreference) {
      for (auto p : protocols) {
        std::string_view v;
        if (!p.get_string().get(v) && v == preferred) return std::string(v);
      }
    }
  }
  return std::string(get_str(metadata, "protocol"));
}

}  // namespace

const ShapeRef* Shape::find_member(std::string_view member_name) const {
  for (const auto& [name, ref] : members) {
    if (name == member_name) return &ref;
  }
  return nullptr;
}

struct ServiceModel::Source {
  dom::parser parser;  // owns the document the JSON below points into
  // Each shape's and operation's JSON by name (simdjson's objects find keys by scanning).
  std::unordered_map<std::string_view, dom::object> shapes, operations;
  std::mutex mutex;  // guards what follows
  struct Built {
    std::unique_ptr<Shape> shape;
    ShapeRef traits;  // the shape's own traits, copied into each reference to it
  };
  std::map<std::string, Built, std::less<>> built_shapes;
  std::map<std::string, Operation, std::less<>> built_operations;
};

ServiceModel::ServiceModel() : source_(std::make_unique<Source>()) {}
ServiceModel::~ServiceModel() = default;

// Builds operations and the shapes they reach from the model's JSON, with the Source's mutex
// held. A shape is registered before its members are linked, so cycles need no special care.
class ModelBuilder {
  using Source = ServiceModel::Source;

 public:
  explicit ModelBuilder(const ServiceModel& model) : model_(model), source_(*model.source_) {}

  static std::shared_ptr<ServiceModel> parse(std::string_view service_name,
                                             std::string_view json_text) {
    std::shared_ptr<ServiceModel> model(new ServiceModel());
    model->service_name_ = service_name;
    Source& source = *model->source_;
    dom::element root;
    const simdjson::padded_string padded(json_text);
    if (const auto error = source.parser.parse(padded).get(root); error) {
      throw Error("botocore model of " + model->service_name_ + " is not valid JSON (" +
                  simdjson::error_message(error) + "): reinstall python3-botocore");
    }
    dom::object doc;
    if (root.get_object().get(doc)) throw Error("botocore model is not a JSON object");
    if (auto metadata = get_obj(doc, "metadata")) read_metadata(*metadata, model->metadata_);
    index(doc, "shapes", source.shapes, *model);
    index(doc, "operations", source.operations, *model);
    return model;
  }

  const Operation* operation(std::string_view name) {
    if (auto built = source_.built_operations.find(name); built != source_.built_operations.end())
      return &built->second;
    auto json = source_.operations.find(name);
    if (json == source_.operations.end()) return nullptr;
    Operation op = all_or_nothing([&] { return read_operation(name, json->second); });
    return &source_.built_operations.emplace(std::string(name), std::move(op)).first->second;
  }

  // nullptr when the model has no such shape.
  const Source::Built* find_shape(std::string_view name) {
    return all_or_nothing([&] { return shape(name); });
  }

  // The exception shapes whose error.code is `code` (their name may differ).
  const Shape* error_shape_with_code(std::string_view code) {
    for (auto [name, json] : source_.shapes) {
      dom::element exception;
      dom::object error;
      if (json["exception"].get(exception) || !as_bool(exception) ||
          json["error"].get_object().get(error) || get_str(error, "code") != code)
        continue;
      return find_shape(name)->shape.get();
    }
    return nullptr;
  }

 private:
  // A broken model (a reference to a missing shape) leaves nothing half-built behind: the
  // shapes this call added are removed, so the next call reports the same error.
  template <typename Build>
  std::invoke_result_t<Build> all_or_nothing(Build build) {
    try {
      return build();
    } catch (...) {
      for (const auto& name : added_) source_.built_shapes.erase(name);
      added_.clear();
      throw;
    }
  }

  const Source::Built* shape(std::string_view name) {
    if (auto built = source_.built_shapes.find(name); built != source_.built_shapes.end())
      return &built->second;
    auto json = source_.shapes.find(name);
    if (json == source_.shapes.end()) return nullptr;
    auto& built = source_.built_shapes[std::string(name)];
    added_.emplace_back(name);
    built.shape = std::make_unique<Shape>();
    built.shape->name = name;
    describe(*built.shape, json->second, built.traits);
    link(*built.shape, json->second);
    add_newer_members(*built.shape);
    return &built;
  }

  static void index(dom::object doc, std::string_view key,
                    std::unordered_map<std::string_view, dom::object>& by_name,
                    const ServiceModel& model) {
    auto all = get_obj(doc, key);
    if (!all) return;
    by_name.reserve(all->size());
    for (auto [name, value] : *all) {
      dom::object json;
      if (value.get_object().get(json))
        throw Error("botocore model of " + model.service_name_ + ": " + std::string(key) + "." +
                    std::string(name) + " is not an object");
      by_name.emplace(name, json);
    }
  }

  static void read_metadata(dom::object m, ServiceMetadata& md) {
    md.protocol = pick_protocol(m);
    md.api_version = get_str(m, "apiVersion");
    md.endpoint_prefix = get_str(m, "endpointPrefix");
    md.signing_name = get_str(m, "signingName");
    if (md.signing_name.empty()) md.signing_name = md.endpoint_prefix;
    md.service_id = get_str(m, "serviceId");
    md.target_prefix = get_str(m, "targetPrefix");
    md.json_version = get_str(m, "jsonVersion");
    md.global_endpoint = get_str(m, "globalEndpoint");
    md.timestamp_format = get_str(m, "timestampFormat");
    md.xml_namespace = get_str(m, "xmlNamespace");
    md.signature_version = get_str(m, "signatureVersion");
  }

  // Members AWS added after the botocore a distribution ships (Debian 12's 1.29 predates S3's
  // conditional writes of 2024, on which the S3 incident journal's claims rest), added as newer
  // botocore models them, and only where the model lacks them.
  void add_newer_members(Shape& shape) {
    struct Member {
      std::string_view service, shape, member, target, header;
    };
    static constexpr Member kNewer[] = {
        {"s3", "PutObjectRequest", "IfNoneMatch", "IfNoneMatch", "If-None-Match"},
    };
    for (const Member& newer : kNewer) {
      if (model_.service_name_ != newer.service || shape.name != newer.shape ||
          shape.find_member(newer.member))
        continue;
      const Source::Built* target = this->shape(newer.target);
      if (!target) continue;
      ShapeRef ref;
      ref.shape = target->shape.get();
      ref.location = "header";
      ref.location_name = newer.header;
      shape.members.emplace_back(std::string(newer.member), std::move(ref));
    }
  }

  void describe(Shape& s, dom::object o, ShapeRef& traits) {
    for (auto [key, value] : o) {
      if (read_trait(key, value, traits)) continue;
      if (key == "type") {
        s.type = as_str(value);
      } else if (key == "payload") {
        s.payload = as_str(value);
      } else if (key == "exception") {
        s.exception = as_bool(value);
      } else if (key == "sensitive") {
        s.sensitive = as_bool(value);
      } else if (key == "union") {
        s.is_union = as_bool(value);
      } else if (key == "document") {
        s.document = as_bool(value);
      } else if (key == "error") {
        read_error(s, value);
      } else if (key == "retryable") {
        dom::object retryable;
        s.retryable = !value.get_object().get(retryable);
        dom::element throttling;
        s.retryable_throttling =
            s.retryable && !retryable["throttling"].get(throttling) && as_bool(throttling);
      } else if (key == "required") {
        dom::array required;
        if (value.get_array().get(required)) continue;
        for (auto r : required) s.required.emplace_back(as_str(r));
      }
    }
    s.location_name = traits.location_name;
    s.flattened = traits.flattened;
    s.timestamp_format = traits.timestamp_format;
    s.xml_namespace_uri = traits.xml_namespace_uri;
    s.xml_namespace_prefix = traits.xml_namespace_prefix;
  }

  static void read_error(Shape& s, dom::element value) {
    dom::object error;
    if (value.get_object().get(error)) return;
    s.error_code = get_str(error, "code");
    int64_t status = 0;
    if (!error["httpStatusCode"].get_int64().get(status)) s.error_http_status = int(status);
  }

  void link(Shape& s, dom::object o) {
    for (auto [key, value] : o) {
      dom::object members;
      if (key == "members" && !value.get_object().get(members)) {
        for (auto field : members) {
          s.members.emplace_back(std::string(field.key), ref(field.value, s.name, field.key));
        }
      } else if (key == "member") {
        s.member = ref(value, s.name, key);
      } else if (key == "key") {
        s.key = ref(value, s.name, key);
      } else if (key == "value") {
        s.value = ref(value, s.name, key);
      }
    }
  }

  ShapeRef ref(dom::element json, std::string_view owner, std::string_view role) {
    dom::object o;
    if (json.get_object().get(o)) {
      throw Error("botocore model of " + model_.service_name_ + ": " + std::string(owner) + "." +
                  std::string(role) + " is not a shape reference");
    }
    const std::string_view target = get_str(o, "shape");
    const Source::Built* target_shape = shape(target);
    if (!target_shape) {
      throw Error("botocore model of " + model_.service_name_ + ": " + std::string(owner) + "." +
                  std::string(role) + " refers to missing shape '" + std::string(target) + "'");
    }
    ShapeRef r = target_shape->traits;
    r.shape = target_shape->shape.get();
    for (auto [key, value] : o) read_trait(key, value, r);
    return r;
  }

  Operation read_operation(std::string_view key, dom::object o) {
    Operation op;
    op.name = get_str(o, "name");
    if (op.name.empty()) op.name = key;
    if (auto http = get_obj(o, "http")) {
      if (has(*http, "method")) op.http_method = get_str(*http, "method");
      if (has(*http, "requestUri")) op.request_uri = get_str(*http, "requestUri");
      int64_t code = 0;
      if (!(*http)["responseCode"].get_int64().get(code)) op.response_code = int(code);
    }
    dom::element input, output;
    if (!o["input"].get(input)) op.input = ref(input, op.name, "input");
    if (!o["output"].get(output)) {
      op.output = ref(output, op.name, "output");
      if (auto out = get_obj(o, "output")) op.result_wrapper = get_str(*out, "resultWrapper");
    }
    dom::array errors;
    if (!o["errors"].get_array().get(errors)) {
      for (auto e : errors) op.errors.push_back(ref(e, op.name, "errors").shape);
    }
    if (auto endpoint = get_obj(o, "endpoint")) {
      op.host_prefix_set = has(*endpoint, "hostPrefix");
      op.host_prefix = get_str(*endpoint, "hostPrefix");
    }
    // A member that is missing (or not a boolean) leaves it false.
    auto flag = [](auto member) {
      bool value = false;
      return !member.get_bool().get(value) && value;
    };
    bool required = flag(o["httpChecksumRequired"]);
    if (auto checksum = get_obj(o, "httpChecksum"))
      required = required || flag((*checksum)["requestChecksumRequired"]);
    op.checksum_required = required;
    return op;
  }

  const ServiceModel& model_;
  Source& source_;
  std::vector<std::string> added_;  // shapes this call built
};

std::shared_ptr<const ServiceModel> ServiceModel::parse(std::string_view service_name,
                                                        std::string_view json_text) {
  return ModelBuilder::parse(service_name, json_text);
}

std::shared_ptr<const ServiceModel> ServiceModel::load(std::string_view service) {
  static std::mutex mutex;
  // Never destroyed: models live as long as the process, and freeing them at exit was 8% of a
  // cold `run --event`.
  static auto& cache = *new std::map<std::string, std::shared_ptr<const ServiceModel>, std::less<>>;
  const std::lock_guard lock(mutex);
  if (auto it = cache.find(service); it != cache.end()) return it->second;
  const auto file = newest_model_file(service);
  auto model = ModelBuilder::parse(service, read_model_file(file));
  model->data_folder_ = file.parent_path().string();
  cache.emplace(std::string(service), model);
  return model;
}

const Operation* ServiceModel::find_operation(std::string_view name) const {
  const std::lock_guard lock(source_->mutex);
  return ModelBuilder(*this).operation(name);
}

const Operation& ServiceModel::operation(std::string_view name) const {
  if (const Operation* op = find_operation(name)) return *op;
  throw InputError(service_name_ + " has no operation '" + std::string(name) + "'" +
                   did_you_mean(close_names(name, operation_names())));
}

const Shape* ServiceModel::find_shape(std::string_view name) const {
  const std::lock_guard lock(source_->mutex);
  const Source::Built* built = ModelBuilder(*this).find_shape(name);
  return built ? built->shape.get() : nullptr;
}

const Shape* ServiceModel::find_error_shape(std::string_view code) const {
  if (const Shape* shape = find_shape(code); shape && shape->exception) return shape;
  const std::lock_guard lock(source_->mutex);
  return ModelBuilder(*this).error_shape_with_code(code);
}

std::vector<std::string> ServiceModel::operation_names() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : source_->operations) names.emplace_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::string botocore_data_dir() {
  if (const char* dir = std::getenv("CUSTOS_BOTOCORE_DATA"); dir && *dir) return dir;
  return std::string(botocore_data_default());
}

}  // namespace custos::aws
