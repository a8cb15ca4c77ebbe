// When and how long to wait before retrying an AWS call: the SDKs' "standard" retry mode
// (botocore/retries/standard.py and quota.py), plus clock-skew correction from the Date header.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/model.h"

namespace custos::aws {

using Seconds = std::chrono::duration<double>;

// What one attempt produced, as far as retrying cares.
struct AttemptOutcome {
  int http_status = 0;             // 0: no response arrived (connection error or timeout)
  bool timeout = false;            // no response because a timeout expired
  std::string error_code;          // the AWS error code; empty when none was parsed
  bool modeled_retryable = false;  // the operation's model marks error_code "retryable"
};

bool is_throttling_error(std::string_view error_code);
// Whether one of `op`'s error shapes named `error_code` carries the "retryable" trait.
bool is_modeled_retryable(const Operation& op, std::string_view error_code);
// Throttling, transient (5xx, no response, RequestTimeout, ...), modeled retryable, or a
// special case of `service`.
bool is_retryable(std::string_view service, const AttemptOutcome& outcome);

struct RetryPolicy {
  int max_attempts = 3;  // attempts in all, the first included
  // Before retry i (1-based): random() * base_delay * 2^(i-1), at most max_delay.
  Seconds base_delay{1.0};
  Seconds max_delay{20.0};
  std::function<double()> random;      // uniform in [0, 1); default: a thread-local engine
  std::function<void(Seconds)> sleep;  // default: std::this_thread::sleep_for

  Seconds delay(int retry) const;
  void wait(Seconds delay) const;
};

// The retry token bucket one client shares between its calls: retries stop when AWS keeps
// failing, instead of multiplying the load on it.
class RetryQuota {
 public:
  static constexpr int kCapacity = 500;
  static constexpr int kRetryCost = 5;
  static constexpr int kTimeoutRetryCost = 10;
  static constexpr int kNoRetryIncrement = 1;

  explicit RetryQuota(int capacity = kCapacity) : max_(capacity), available_(capacity) {}
  // Takes the cost of retrying after `outcome`; returns the amount taken, 0 when exhausted.
  int acquire(const AttemptOutcome& outcome);
  // After a success: gives back what the call's last retry took, or kNoRetryIncrement.
  void release(int last_acquired);
  int available() const;

 private:
  mutable std::mutex mutex_;
  int max_;
  int available_;
};

// Parses an HTTP Date header (RFC 1123, "Thu, 26 Nov 2026 07:42:22 GMT").
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// When AWS refused a request for its signing time (RequestTimeTooSkewed, RequestExpired,
// InvalidSignatureException, ...) and its Date header is more than 5 minutes from our clock
// (now + current_offset): the offset to add to the local clock when signing. nullopt otherwise.
std::optional<std::chrono::seconds> clock_skew_offset(std::string_view error_code,
                                                      std::string_view date_header,
                                                      std::chrono::system_clock::time_point now,
                                                      std::chrono::seconds current_offset);

}  // namespace custos::aws
