#include "serverless/report.h"

namespace custos::serverless {
namespace {

const char* outcome_name(const policy::ActionRecord& record) {
  switch (record.outcome) {
    case policy::ActionRecord::Outcome::kChanged:
      return "changed";
    case policy::ActionRecord::Outcome::kUnchanged:
      return "unchanged";
    case policy::ActionRecord::Outcome::kFailed:
      return record.error == policy::kNotStarted ? "left" : "failed";
  }
  return "?";
}

}  // namespace

void write_line(std::ostream* log, const std::string& text) {
  if (log) *log << (text + "\n") << std::flush;
}

DeliveryReport::DeliveryReport(std::ostream* log, std::string tag)
    : log_(log), tag_(std::move(tag)) {}

void DeliveryReport::line(const std::string& text) { write_line(log_, tag_ + " " + text); }

Json& DeliveryReport::policy_entry(const std::string& name) {
  for (Json& entry : policies_)
    if (entry["policy"] == name) return entry;
  policies_.push_back({{"policy", name}, {"resources", 0}, {"actions", Json::array()}});
  return policies_.back();
}

void DeliveryReport::observe(Delivery& delivery) {
  auto running = std::make_shared<std::string>();  // the policy whose records arrive
  delivery.observer.on_matched = [this, running](const policy::Policy& p, std::size_t matched) {
    std::lock_guard lock(mutex_);
    *running = p.name;
    policy_entry(p.name)["resources"] = matched;
    line(p.name + ": " + std::to_string(matched) + " " + p.resource->name + " matched");
  };
  delivery.observer.on_record = [this, running](const policy::ActionRecord& r) {
    std::lock_guard lock(mutex_);
    std::string outcome = outcome_name(r);
    policy_entry(*running)["actions"].push_back({{"action", r.action},
                                                 {"resource", r.resource_id},
                                                 {"outcome", outcome},
                                                 {"summary", r.summary}});
    if (outcome == "left") ++left_;
    if (!r.ok() && ++failures_ == 1) first_error_ = r.action + " " + r.resource_id + ": " + r.error;
    line("  " + outcome + " " + r.action + " " + r.resource_id + ": " + r.summary);
  };
  delivery.on_policy.on_failed = [this](const policy::Policy& p, const std::string& error) {
    std::lock_guard lock(mutex_);
    failed_.push_back({{"policy", p.name}, {"error", error}});
    if (error == policy::kNotStarted) ++left_;
    if (++failures_ == 1) first_error_ = "policy " + p.name + ": " + error;
    line(p.name + ": FAILED: " + error);
  };
  delivery.on_policy.on_skipped = [this](const policy::Policy& p, const std::string& reason) {
    line(p.name + ": skipped: " + reason);
  };
  delivery.on_note = [this](const std::string& note) { line("note: " + note); };
}

Json DeliveryReport::json() const {
  std::lock_guard lock(mutex_);
  return {{"policies", policies_}, {"failed", failed_}, {"left", left_}};
}

std::string DeliveryReport::failure() const {
  std::lock_guard lock(mutex_);
  if (failures_ == 0) return {};
  std::string text = std::to_string(failures_) + (failures_ == 1 ? " failure" : " failures");
  if (left_) text += " (" + std::to_string(left_) + " not started before the deadline)";
  return text + "; first: " + first_error_;
}

bool DeliveryReport::left_any() const {
  std::lock_guard lock(mutex_);
  return left_ > 0;
}

}  // namespace custos::serverless
