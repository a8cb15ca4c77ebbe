#include "investigate/times.h"

#include <fmt/format.h>
#include <chrono>

#include "aws/protocol_codec.h"
#include "core/error.h"
#include "core/json.h"
#include "policy/value_type.h"

namespace custos::investigate {
namespace {

constexpr Millis kDay = 86'400'000;

// The value of `count` digits at `p`, or -1 when one is not a digit.
int digits(const char* p, int count) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    if (p[i] < '0' || p[i] > '9') return -1;
    value = value * 10 + (p[i] - '0');
  }
  return value;
}

std::optional<Millis> relative_span(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  Millis unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1000;
      break;
    case 'm':
      unit = 60'000;
      break;
    case 'h':
      unit = 3'600'000;
      break;
    case 'd':
      unit = kDay;
      break;
    case 'w':
      unit = 7 * kDay;
      break;
    default:
      return std::nullopt;
  }
  Millis count = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || count > 1'000'000'000) return std::nullopt;
    count = count * 10 + (text[i] - '0');
  }
  return count * unit;
}

}  // namespace

std::int64_t days_from_civil(int year, int month, int day) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day}.time_since_epoch().count();
}

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Millis parse_when(const std::string& text, const std::string& flag, Millis now) {
  if (auto span = relative_span(text)) return now - *span;
  if (auto exact = parse_event_time(text)) return *exact;
  if (text.size() >= 10 && text[4] == '-' && text[7] == '-')
    if (auto micros = policy::value_type::parse_date(Json(text))) return *micros / 1000;
  throw InputError(flag + " '" + text +
                   "': write an ISO 8601 time (2024-05-01T10:00:00Z, 2024-05-01) or a span "
                   "back from now (30m, 2h, 3d, 1w)");
}

std::optional<Millis> parse_event_time(std::string_view t) {
  if (t.size() < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':')
    return std::nullopt;
  const char* p = t.data();
  int year = digits(p, 4), month = digits(p + 5, 2), day = digits(p + 8, 2);
  int hour = digits(p + 11, 2), minute = digits(p + 14, 2), second = digits(p + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  std::size_t i = 19;
  Millis millis = 0;
  if (i < t.size() && t[i] == '.') {
    int scale = 100;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, scale /= 10)
      millis += (t[i] - '0') * scale;
  }
  if (i < t.size() && t[i] == 'Z') ++i;
  if (i != t.size()) return std::nullopt;
  return days_from_civil(year, month, day) * kDay + hour * 3'600'000LL + minute * 60'000LL +
         second * 1000LL + millis;
}

std::int64_t day_of(Millis time) { return (time >= 0 ? time : time - kDay + 1) / kDay; }

std::string iso_time(Millis time) {
  Millis seconds = (time >= 0 ? time : time - 999) / 1000;
  Millis millis = time - seconds * 1000;
  std::string text = aws::codec::format_timestamp({seconds, 0}, "iso8601");
  if (millis == 0) return text;
  text.pop_back();  // 'Z'
  return fmt::format("{}.{:03}Z", text, millis);
}

}  // namespace custos::investigate
