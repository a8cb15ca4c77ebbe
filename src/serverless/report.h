// What one delivery did, as the Lambda function's answer and the watcher's log say it: each
// policy's matched resources and action outcomes, the policies that failed, what was left for
// lack of time. Log lines are written as things happen, tagged with the delivery.
#pragma once

#include <mutex>
#include <ostream>
#include <string>

#include "core/json.h"
#include "serverless/handler.h"

namespace custos::serverless {

// Writes `text` and a newline in one write (nothing when `log` is null): the lines of events
// handled at the same time never run into each other.
void write_line(std::ostream* log, const std::string& text);

class DeliveryReport {
 public:
  // `log` may be null (no lines); `tag` starts each line (a request or message id).
  DeliveryReport(std::ostream* log, std::string tag);
  // Points the delivery's observers at this report (which must outlive the handling).
  void observe(Delivery& delivery);

  // {policies: [{policy, resources, actions: [{action, resource, outcome, summary}]}],
  //  failed: [{policy, error}], left: N}
  Json json() const;
  // Empty when everything succeeded; else one line: how many actions failed or were left and
  // the first error.
  std::string failure() const;
  bool left_any() const;

 private:
  void line(const std::string& text);
  Json& policy_entry(const std::string& name);

  std::ostream* log_;
  std::string tag_;
  mutable std::mutex mutex_;
  Json policies_ = Json::array();
  Json failed_ = Json::array();
  int left_ = 0;
  int failures_ = 0;
  std::string first_error_;
};

}  // namespace custos::serverless
