#include "policy/describe.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "jmespath/jmespath.h"

namespace custos::policy {
namespace {

// Detail calls in flight at once: enough to hide AWS's latency, few enough to stay clear of
// its throttling (Cloud Custodian's S3 assembly uses up to 10).
constexpr std::size_t kDetailWorkers = 8;

std::string snake_case(const std::string& operation) {
  std::string name;
  for (char c : operation) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!name.empty()) name += '_';
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      name += c;
    }
  }
  return name;
}

bool is_access_denied(const std::string& code) {
  return code == "AccessDenied" || code == "AccessDeniedException" ||
         code == "UnauthorizedOperation";
}

bool means_absent(const DetailCall& call, const std::string& code) {
  if (!call.absent_codes.empty())
    return std::find(call.absent_codes.begin(), call.absent_codes.end(), code) !=
           call.absent_codes.end();
  return code.starts_with("NoSuch") || code.find("NotFound") != std::string::npos;
}

bool contains(const std::vector<std::string>& codes, const std::string& code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Runs `work(i)` for i in [0, count), up to kDetailWorkers at a time; the first exception
// thrown is rethrown once all have stopped.
void parallel_for(std::size_t count, const std::function<void(std::size_t)>& work) {
  if (count <= 1) {
    if (count == 1) work(0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < std::min(count, kDetailWorkers); ++t) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

// The detail calls of a type, compiled once per describe.
class Completer {
 public:
  // `from_ids`: the documents are built from ids (Lookup::kFromId), so lookup_only calls are
  // made too.
  Completer(const ResourceType& type, const aws::Client& client, bool from_ids)
      : Completer(type, client, details_of(type, from_ids)) {
    for (const auto& [key, path] : type.computed)
      computed_.emplace_back(key, jmespath::Expression::compile(path));
  }
  Completer(const ResourceType& type, const aws::Client& client,
            const std::vector<const DetailCall*>& calls)
      : type_(type), client_(client) {
    for (const DetailCall* call : calls) {
      Compiled compiled{call, {}, std::nullopt};
      for (const auto& [param, path] : call->params)
        compiled.params.emplace_back(param, jmespath::Expression::compile(path));
      if (!call->select.empty()) compiled.select = jmespath::Expression::compile(call->select);
      calls_.push_back(std::move(compiled));
    }
  }

  bool empty() const { return calls_.empty() && computed_.empty() && type_.tags_map.empty(); }

  // Completes every document in place; those a required call finds absent are removed.
  void complete(std::vector<Json>& documents) const {
    if (calls_.empty()) {
      for (Json& document : documents) compute(document);
      return;
    }
    std::vector<char> keep(documents.size(), 1);
    parallel_for(documents.size(), [&](std::size_t i) { keep[i] = complete_one(documents[i]); });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < documents.size(); ++i)
      if (keep[i]) documents[kept++] = std::move(documents[i]);
    documents.resize(kept);
  }

  // Makes the calls for one document; false when a required call says the resource does not
  // exist.
  bool call_details(Json& document) const {
    // In the resource's own region, once the document says it (a trail's HomeRegion).
    aws::Client client = client_.in_region(region_of(type_, document, region()));
    for (const auto& compiled : calls_) {
      const DetailCall& call = *compiled.call;
      Json params = Json::object();
      for (const auto& [param, path] : compiled.params) {
        Json value = path.search(document);
        if (value.is_null()) return !call.required;  // nothing to ask about
        params[param] = std::move(value);
      }
      Json answer;
      try {
        answer = client.call(type_.service_of(call.service), call.operation, params);
      } catch (const aws::AwsError& e) {
        if (is_access_denied(e.code())) {
          // As Cloud Custodian: what the caller may not read is listed, not fatal.
          Json& denied = document["c7n:DeniedMethods"];
          if (!denied.is_array()) denied = Json::array();
          denied.push_back(snake_case(call.operation));
          continue;
        }
        if (!means_absent(call, e.code())) throw;
        if (call.required) return false;
        if (!call.key.empty()) document[call.key] = call.absent;
        continue;
      }
      store(compiled, std::move(answer), document);
      if (call.sets_region) client = client_.in_region(region_of(type_, document, region()));
    }
    return true;
  }

 private:
  struct Compiled {
    const DetailCall* call;
    std::vector<std::pair<std::string, jmespath::Expression>> params;
    std::optional<jmespath::Expression> select;
  };

  static std::vector<const DetailCall*> details_of(const ResourceType& type, bool from_ids) {
    std::vector<const DetailCall*> calls;
    for (const auto& call : type.details)
      if (!call.lookup_only || from_ids) calls.push_back(&call);
    return calls;
  }

  bool complete_one(Json& document) const {
    if (!call_details(document)) return false;
    compute(document);
    return true;
  }

  void compute(Json& document) const {
    if (!type_.tags_map.empty()) {
      Json tags = Json::array();
      if (auto map = document.find(type_.tags_map); map != document.end() && map->is_object())
        for (const auto& [key, value] : map->items())
          tags.push_back({{"Key", key}, {"Value", value}});
      document["Tags"] = std::move(tags);
    }
    for (const auto& [key, path] : computed_) document[key] = path.search(document);
  }

  void store(const Compiled& compiled, Json answer, Json& document) const {
    const DetailCall& call = *compiled.call;
    Json value = compiled.select ? compiled.select->search(answer) : std::move(answer);
    if (call.omit_empty && (value.is_null() || (value.is_array() && value.empty()))) return;
    if (!call.key.empty()) {
      document[call.key] = std::move(value);
    } else if (value.is_object()) {
      for (auto& [key, item] : value.items()) document[key] = std::move(item);
    }
  }

  const std::string& region() const { return client_.session().region(); }

  const ResourceType& type_;
  const aws::Client& client_;
  std::vector<Compiled> calls_;
  std::vector<std::pair<std::string, jmespath::Expression>> computed_;
};

// The ids as the type's documents hold them: a type identified by its ARN (IAM policies,
// whose names are not unique across paths) keeps them whole.
std::vector<std::string> plain_ids(const ResourceType& type, const std::vector<std::string>& ids) {
  if (!type.arn_field.empty() && type.id_field == type.arn_field) return ids;
  std::vector<std::string> plain;
  for (const auto& id : ids)
    plain.push_back(type.named_by_account ? account_of_arn(id) : id_from_arn(id));
  return plain;
}

// The listing call of `type`, page by page, with `params` added; each page's resources to
// `on_items`.
void enumerate_pages(const ResourceType& type, const aws::Client& client, Json params,
                     const std::function<void(std::vector<Json>&)>& on_items) {
  auto select = jmespath::Expression::compile(type.result_path);
  for (auto& [key, value] : type.enumerate_params.items()) params[key] = value;
  const aws::Client here = type.home_region.empty() ? client : client.in_region(type.home_region);
  here.paginate(type.service, type.enumerate_operation, params, [&](Json& page) {
    std::vector<Json> items;
    if (auto taken = jmespath::take_items(type.result_path, page)) {
      items = std::move(*taken);
    } else {
      Json found = select.search(page);
      if (found.is_array())
        for (auto& item : found) items.push_back(std::move(item));
    }
    on_items(items);
    return true;
  });
}

// Every resource of `type`: a child type's per parent, each annotated with its parent's id.
void enumerate(const ResourceType& type, const aws::Client& client, const Json& params,
               const std::function<void(std::vector<Json>&)>& on_items) {
  if (type.lister) return type.lister(client, params, on_items);
  if (!type.parent) return enumerate_pages(type, client, params, on_items);
  const ResourceType& parent = *type.parent->type;
  std::vector<std::string> parent_ids;
  enumerate(parent, client, Json::object(), [&](std::vector<Json>& parents) {
    for (const Json& item : parents) parent_ids.push_back(item.value(parent.id_field, ""));
  });
  for (const auto& parent_id : parent_ids) {
    Json child_params = params;
    child_params[type.parent->param] = parent_id;
    enumerate_pages(type, client, child_params, [&](std::vector<Json>& items) {
      if (type.parent->annotate)
        for (Json& item : items) item["c7n:parent-id"] = parent_id;
      on_items(items);
    });
  }
}

// EC2-style: the listing call given the ids. One unknown id fails the whole call, so then
// each id is asked for alone and those AWS does not know are left out.
void lookup_by_ids_param(const ResourceType& type, const aws::Client& client,
                         const std::vector<std::string>& ids,
                         const std::function<void(std::vector<Json>&)>& on_items) {
  try {
    enumerate(type, client, {{type.ids_param, ids}}, on_items);
  } catch (const aws::AwsError& e) {
    if (!contains(type.not_found_codes, e.code())) throw;
    if (ids.size() == 1) return;
    for (const auto& id : ids) lookup_by_ids_param(type, client, {id}, on_items);
  }
}

}  // namespace

std::string id_from_arn(const std::string& id_or_arn) {
  if (!id_or_arn.starts_with("arn:")) return id_or_arn;
  // arn:partition:service:region:account:resource, where resource may be type/path/name.
  std::string resource = arn_part(id_or_arn, 5);
  if (resource.empty()) return id_or_arn;
  std::size_t slash = resource.rfind('/');
  return slash == std::string::npos ? resource : resource.substr(slash + 1);
}

std::string arn_part(const std::string& arn, int index) {
  std::size_t at = 0;
  for (int i = 0; i < index && at != std::string::npos; ++i) {
    at = arn.find(':', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos) return "";
  return index == 5 ? arn.substr(at) : arn.substr(at, arn.find(':', at) - at);
}

std::string account_of_arn(const std::string& id_or_arn) {
  return id_or_arn.starts_with("arn:") ? arn_part(id_or_arn, 4) : id_or_arn;
}

std::string iam_action(const std::string& service, const std::string& operation) {
  // IAM's prefix, where it is not botocore's service name.
  static const std::map<std::string, std::string, std::less<>> prefixes = {
      {"elb", "elasticloadbalancing"},     {"elbv2", "elasticloadbalancing"},
      {"resourcegroupstaggingapi", "tag"}, {"service-quotas", "servicequotas"},
      {"stepfunctions", "states"},
  };
  // API Gateway's IAM actions are HTTP methods on its resources.
  if (service == "apigateway") return "apigateway:GET";
  auto prefix = prefixes.find(service);
  return (prefix == prefixes.end() ? service : prefix->second) + ":" + operation;
}

std::vector<std::string> describe_permissions(const ResourceType& type) {
  if (!type.permissions.empty()) return type.permissions;
  std::vector<std::string> names =
      type.parent ? describe_permissions(*type.parent->type) : std::vector<std::string>{};
  names.push_back(iam_action(type.service, type.enumerate_operation));
  for (const auto& call : type.details)
    names.push_back(iam_action(type.service_of(call.service), call.operation));
  return names;
}

std::string region_of(const ResourceType& type, const Json& resource, const std::string& fallback) {
  if (!type.home_region.empty()) return type.home_region;
  if (type.region_field.empty()) return fallback;
  Json found = jmespath::Expression::compile(type.region_field).search(resource);
  if (!found.is_string() || found.get_ref<const std::string&>().empty()) {
    // S3's LocationConstraint is null for us-east-1 (when the location is known at all).
    return resource.contains("Location") ? "us-east-1" : fallback;
  }
  const auto& region = found.get_ref<const std::string&>();
  return region == "EU" ? "eu-west-1" : region;
}

std::string arn_of(const ResourceType& type, const Json& resource, const ArnScope& scope) {
  if (!type.arn_field.empty()) {
    Json arn = jmespath::Expression::compile(type.arn_field).search(resource);
    if (arn.is_string()) return arn.get<std::string>();
  }
  std::string arn = type.arn_format;
  auto fill = [&arn](const std::string& field, const std::string& value) {
    for (auto at = arn.find(field); at != std::string::npos;
         at = arn.find(field, at + value.size()))
      arn.replace(at, field.size(), value);
  };
  fill("{partition}", scope.partition);
  fill("{region}", region_of(type, resource, scope.region));
  fill("{account_id}", scope.account_id);
  fill("{id}", resource.value(type.id_field, ""));
  // Any other {Field} is the document's: a stage's ARN names its API and stage.
  for (auto open = arn.find('{'); open != std::string::npos; open = arn.find('{', open)) {
    auto close = arn.find('}', open);
    if (close == std::string::npos) break;
    auto value = resource.find(arn.substr(open + 1, close - open - 1));
    std::string text =
        value != resource.end() && value->is_string() ? value->get<std::string>() : "";
    arn.replace(open, close - open + 1, text);
    open += text.size();
  }
  return arn;
}

std::vector<DocStore::Value> describe_resources(const ResourceType& type, const aws::Client& client,
                                                const std::vector<std::string>* ids,
                                                DocStore& store, const Json& query) {
  Completer completer(type, client, ids && type.lookup == ResourceType::Lookup::kFromId);
  std::vector<DocStore::Value> resources;
  auto keep = [&](std::vector<Json>& items) {
    if (!completer.empty()) completer.complete(items);
    for (const Json& item : items) resources.push_back(store.add(item));
  };
  if (!ids) {
    enumerate(type, client, query, keep);
    return resources;
  }
  std::vector<std::string> wanted = plain_ids(type, *ids);
  if (wanted.empty()) return resources;
  switch (type.lookup) {
    case ResourceType::Lookup::kIdsParam:
      lookup_by_ids_param(type, client, wanted, keep);
      break;
    case ResourceType::Lookup::kFromId: {
      std::vector<Json> documents;
      for (const auto& id : std::set<std::string>(wanted.begin(), wanted.end()))
        documents.push_back({{type.id_field, id}});
      keep(documents);
      break;
    }
    case ResourceType::Lookup::kEnumerate: {
      // Ids as given too: a type whose ids are ARNs (a KMS alias's AliasArn) is named by
      // them; and an event may name a resource by its name (a KMS alias's AliasName).
      std::set<std::string> named(wanted.begin(), wanted.end());
      named.insert(ids->begin(), ids->end());
      enumerate(type, client, Json::object(), [&](std::vector<Json>& items) {
        std::erase_if(items, [&](const Json& item) {
          return !named.count(item.value(type.id_field, std::string())) &&
                 !named.count(item.value(type.display_name_field(), std::string()));
        });
        keep(items);
      });
      break;
    }
  }
  return resources;
}

bool complete_with(const ResourceType& type, const DetailCall& call, const aws::Client& client,
                   Json& document) {
  return Completer(type, client, std::vector<const DetailCall*>{&call}).call_details(document);
}

std::vector<Json> describe_resources(const ResourceType& type, const aws::Client& client,
                                     const std::vector<std::string>* ids) {
  DocStore store;
  std::vector<Json> documents;
  for (DocStore::Value value : describe_resources(type, client, ids, store))
    documents.push_back(store.to_json(value));
  return documents;
}

}  // namespace custos::policy
