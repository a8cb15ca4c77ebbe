#include "investigate/times.h"

#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "core/json.h"
#include "policy/value_type.h"

namespace custos::investigate {
namespace {

constexpr Millis kDay = 86'400'000;

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

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
  std::int64_t z = day_of(time) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  Millis in_day = time - day_of(time) * kDay;
  char buffer[40];
  int n = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(in_day / 3'600'000),
                        static_cast<long long>(in_day / 60'000 % 60),
                        static_cast<long long>(in_day / 1000 % 60));
  if (in_day % 1000)
    n += std::snprintf(buffer + n, sizeof buffer - n, ".%03lld",
                       static_cast<long long>(in_day % 1000));
  std::snprintf(buffer + n, sizeof buffer - n, "Z");
  return buffer;
}

}  // namespace custos::investigate
