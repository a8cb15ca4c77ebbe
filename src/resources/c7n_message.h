// Cloud Custodian's message format, as c7n-mailer and the functions it invokes read it:
// Python's json.dumps(indent=0) text, zlib-compressed and base64-encoded (notify's pack), split
// into messages under a size limit as its ResourceMessageBuffer does, and the facts of the run
// every message carries (account, region, execution, policy, event).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "policy/action.h"

namespace custos::resources {

using OrderedJson = nlohmann::ordered_json;

// Python's json.dumps(value, indent=0) (Cloud Custodian's utils.dumps): one member or element
// per line, no indentation, non-ASCII as \uXXXX.
std::string python_json(const Json& value);
std::string python_json(const OrderedJson& value);

// notify's pack: base64(zlib.compress(text)); and what c7n-mailer does to read it back.
std::string pack(std::string_view text);
std::string unpack(std::string_view payload);

// ResourceMessageBuffer: resources gathered into an envelope (whose last member is an empty
// `resources` list) until the packed message would pass `max_size`, guessed from the
// compression ratio seen so far, exactly as Cloud Custodian guesses it.
class MessageBuffer {
 public:
  MessageBuffer(OrderedJson envelope, std::size_t max_size);

  void add(const Json& resource);
  void add(const OrderedJson& resource);
  std::size_t size() const { return parts_.size(); }
  // Adding another resource of the average size would likely pass the limit.
  bool full() const;
  double estimated_size() const { return raw_size_ * compress_ratio(); }
  double raw_size() const { return raw_size_; }
  double observed_ratio() const { return observed_ratio_; }
  // The packed message of the envelope with the resources added since the last one; throws
  // custos::Error when it passes the limit after all.
  std::string consume();

 private:
  double compress_ratio() const;
  void add_text(std::string text);

  std::string envelope_;
  std::size_t max_size_;
  std::vector<std::string> parts_;
  double raw_size_;
  double observed_ratio_ = 0;
};

// What Cloud Custodian's notify, webhook and invoke-lambda tell about the run: the account
// (id, alias from IAM, partition), region, execution id and start, version, event and policy.
struct RunFacts {
  Json event;
  std::string account_id, account, partition, region, version, execution_id;
  double execution_start = 0;
  Json policy;

  static RunFacts of(const policy::ActionContext& context, const Json& policy);
};

// What a notification reports of one message about `resources`: a line and the record's `after`.
struct Sent {
  std::string summary;
  Json after;
};
// Sends one message with `send` and records each of `resources` as sent, or as failed when
// `send` throws. A notification changes nothing in AWS: nothing to undo, nothing to check.
void record_each(const std::string& action, const std::vector<const Json*>& resources,
                 policy::ActionContext& context, std::vector<policy::ActionRecord>& records,
                 const std::function<Sent()>& send);
// Records each of `resources` as failed with `error`.
void record_failed(const std::string& action, const std::vector<const Json*>& resources,
                   policy::ActionContext& context, std::vector<policy::ActionRecord>& records,
                   const std::exception& error);
// The resources of a batch, as record_each takes them.
std::vector<const Json*> pointers(const std::vector<Json>& resources, std::size_t from = 0,
                                  std::size_t count = static_cast<std::size_t>(-1));

// A resource or event as notifications send it: credentials AWS put in it (an AssumeRole call's
// sessionToken, a password) replaced, and the user data Cloud Custodian leaves out of messages.
Json without_secrets(Json document);

}  // namespace custos::resources
