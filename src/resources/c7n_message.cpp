#include "resources/c7n_message.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "aws/protocol_codec.h"
#include "core/ascii.h"
#include "core/error.h"
#include "core/version.h"
#include "resources/inflate.h"

namespace custos::resources {
namespace {

// Python's json.dumps(indent=0) is nlohmann's pretty printing with no indentation and ASCII
// escapes (its separators are "," and ": " once indent is given).
template <typename J>
std::string dumps(const J& value) {
  return value.dump(0, ' ', true);
}

// Cloud Custodian's seed ratio of packed to raw size (base64 of zlib of JSON).
constexpr double kSeedRatio = 0.5;

const std::set<std::string>& secret_keys() {
  static const std::set<std::string> keys = {"secretaccesskey", "sessiontoken", "password"};
  return keys;
}

void redact(Json& value) {
  if (value.is_array()) {
    for (Json& item : value) redact(item);
    return;
  }
  if (!value.is_object()) return;
  for (auto& [key, item] : value.items()) {
    if (secret_keys().count(lowercase(key)) && !item.is_null())
      item = "(removed by custos)";
    else
      redact(item);
  }
}

}  // namespace

std::string python_json(const Json& value) { return dumps(value); }
std::string python_json(const OrderedJson& value) { return dumps(value); }

std::string pack(std::string_view text) {
  uLongf size = compressBound(text.size());
  std::string compressed(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
                reinterpret_cast<const Bytef*>(text.data()), text.size(),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    throw Error("cannot compress a notification message (zlib failed)");
  compressed.resize(size);
  return aws::codec::base64_encode(compressed);
}

std::string unpack(std::string_view payload) {
  auto text = inflate_all(aws::codec::base64_decode(payload), Wrapping::kZlib);
  if (!text) throw Error("not a notification message: its zlib data is damaged or cut short");
  return *text;
}

MessageBuffer::MessageBuffer(OrderedJson envelope, std::size_t max_size) : max_size_(max_size) {
  envelope["resources"] = OrderedJson::array();
  envelope_ = dumps(envelope);
  raw_size_ = static_cast<double>(envelope_.size());
}

void MessageBuffer::add(const Json& resource) { add_text(dumps(resource)); }
void MessageBuffer::add(const OrderedJson& resource) { add_text(dumps(resource)); }

void MessageBuffer::add_text(std::string text) {
  raw_size_ += static_cast<double>(text.size());
  parts_.push_back(std::move(text));
}

double MessageBuffer::compress_ratio() const {
  return observed_ratio_ != 0 ? observed_ratio_ : kSeedRatio;
}

bool MessageBuffer::full() const {
  double average =
      parts_.empty() ? 0 : (raw_size_ - static_cast<double>(envelope_.size())) / parts_.size();
  return (raw_size_ + average * 2) * compress_ratio() > static_cast<double>(max_size_);
}

std::string MessageBuffer::consume() {
  // The resources go into the envelope's last list, which is its (empty) `resources`.
  std::size_t begin = envelope_.rfind('['), end = envelope_.rfind(']');
  std::string payload = envelope_.substr(0, begin + 1);
  for (std::size_t i = 0; i < parts_.size(); ++i) payload += (i ? "," : "") + parts_[i];
  payload += envelope_.substr(end);
  std::string packed = pack(payload);
  if (packed.size() > max_size_)
    throw Error("a notification message of " + std::to_string(parts_.size()) +
                " resource(s) packs to " + std::to_string(packed.size()) + " bytes, over the " +
                std::to_string(max_size_) + " the transport takes");
  parts_.clear();
  observed_ratio_ = std::min(static_cast<double>(packed.size()) / raw_size_ + 0.1, kSeedRatio);
  raw_size_ = static_cast<double>(envelope_.size());
  return packed;
}

RunFacts RunFacts::of(const policy::ActionContext& context, const Json& policy) {
  RunFacts facts;
  facts.event = context.event ? without_secrets(*context.event) : Json();
  facts.account_id = context.account_id();
  // Cloud Custodian's get_account_alias_from_sts: the first alias, or "".
  Json aliases = context.client.call("iam", "ListAccountAliases").value("AccountAliases", Json());
  facts.account = aliases.is_array() && !aliases.empty() ? aliases[0].get<std::string>() : "";
  facts.partition = context.partition();
  facts.region = context.client.session().region();
  facts.version = std::string(custos::version());
  facts.execution_id = context.execution_id;
  facts.execution_start = context.execution_start;
  facts.policy = policy;
  return facts;
}

void record_each(const std::string& action, const std::vector<const Json*>& resources,
                 policy::ActionContext& context, std::vector<policy::ActionRecord>& records,
                 const std::function<Sent()>& send) {
  try {
    Sent sent = send();
    for (const Json* resource : resources) {
      policy::ActionRecord record{action, context.id_of(*resource)};
      record.summary = sent.summary;
      record.after = sent.after;
      context.emit(records, std::move(record));
    }
  } catch (const Error& e) {
    record_failed(action, resources, context, records, e);
  }
}

void record_failed(const std::string& action, const std::vector<const Json*>& resources,
                   policy::ActionContext& context, std::vector<policy::ActionRecord>& records,
                   const std::exception& error) {
  for (const Json* resource : resources)
    context.emit(records, policy::ActionRecord::failed(action, context.id_of(*resource), error));
}

std::vector<const Json*> pointers(const std::vector<Json>& resources, std::size_t from,
                                  std::size_t count) {
  std::vector<const Json*> batch;
  for (std::size_t i = from; i < resources.size() && i - from < count; ++i)
    batch.push_back(&resources[i]);
  return batch;
}

Json without_secrets(Json document) {
  redact(document);
  // Cloud Custodian's prepare_ec2 (and asg's): user data may hold secrets.
  if (document.is_object()) document.erase("c7n:user-data");
  return document;
}

}  // namespace custos::resources
