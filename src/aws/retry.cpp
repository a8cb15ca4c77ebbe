#include "aws/retry.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <random>
#include <thread>

namespace custos::aws {
namespace {

// botocore's ThrottledRetryableChecker._THROTTLED_ERROR_CODES.
constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException"};

// botocore's TransientRetryableChecker.
constexpr std::array<std::string_view, 3> kTransientCodes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"};
constexpr std::array<int, 4> kTransientStatuses = {500, 502, 503, 504};

// The codes the JavaScript and Java SDKs correct the clock for.
constexpr std::array<std::string_view, 6> kClockSkewCodes = {
    "AuthFailure",        "InvalidSignatureException", "RequestExpired",
    "RequestInTheFuture", "RequestTimeTooSkewed",      "SignatureDoesNotMatch"};
constexpr std::chrono::minutes kSkewTolerance{5};

template <typename List, typename Value>
bool contains(const List& list, const Value& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

double default_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

bool number(std::string_view text, int& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

bool is_throttling_error(std::string_view error_code) {
  return contains(kThrottlingCodes, error_code);
}

bool is_modeled_retryable(const Operation& op, std::string_view error_code) {
  return !error_code.empty() &&
         std::any_of(op.errors.begin(), op.errors.end(), [&](const Shape* shape) {
           const std::string& code = shape->error_code.empty() ? shape->name : shape->error_code;
           return shape->retryable && code == error_code;
         });
}

bool is_retryable(std::string_view service, const AttemptOutcome& outcome) {
  if (outcome.http_status == 0) return true;  // botocore retries ConnectionError/HTTPClientError
  if (outcome.modeled_retryable) return true;
  if (contains(kTransientStatuses, outcome.http_status)) return true;
  const std::string_view code = outcome.error_code;
  if (is_throttling_error(code) || contains(kTransientCodes, code)) return true;
  return service == "sts" && code == "IDPCommunicationError";  // botocore's special case
}

Seconds RetryPolicy::delay(int retry) const {
  const double fraction = random ? random() : default_random();
  return std::min(Seconds(fraction * base_delay.count() * std::exp2(retry - 1)), max_delay);
}

void RetryPolicy::wait(Seconds delay) const {
  if (sleep) {
    sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

int RetryQuota::acquire(const AttemptOutcome& outcome) {
  const int cost = outcome.timeout ? kTimeoutRetryCost : kRetryCost;
  std::lock_guard lock(mutex_);
  if (cost > available_) return 0;
  available_ -= cost;
  return cost;
}

void RetryQuota::release(int last_acquired) {
  std::lock_guard lock(mutex_);
  available_ = std::min(max_, available_ + (last_acquired > 0 ? last_acquired : kNoRetryIncrement));
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return available_;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Thu, 26 Nov 2026 07:42:22 GMT": fixed columns after the day name.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month == kMonths.end() || !number(text.substr(5, 2), day) ||
      !number(text.substr(12, 4), year) || !number(text.substr(17, 2), hour) ||
      !number(text.substr(20, 2), minute) || !number(text.substr(23, 2), second) ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(year),
      std::chrono::month(static_cast<unsigned>(month - kMonths.begin() + 1)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

std::optional<std::chrono::seconds> clock_skew_offset(std::string_view error_code,
                                                      std::string_view date_header,
                                                      std::chrono::system_clock::time_point now,
                                                      std::chrono::seconds current_offset) {
  if (!contains(kClockSkewCodes, error_code)) return std::nullopt;
  const auto server_time = parse_http_date(date_header);
  if (!server_time) return std::nullopt;
  const auto skew = *server_time - (now + current_offset);
  if (skew < kSkewTolerance && skew > -kSkewTolerance) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*server_time - now);
}

}  // namespace custos::aws
