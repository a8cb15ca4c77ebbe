#include "policy/dates.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>

namespace custos::policy {
namespace {

using namespace std::chrono;

// Reads fixed-width fields off a string, left to right.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_spaces() {
    while (peek() == ' ') ++pos_;
  }
  std::size_t digits_ahead() const {
    std::size_t n = 0;
    while (pos_ + n < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + n])))
      ++n;
    return n;
  }
  // The next min to max digits as a number; nullopt when fewer than min.
  std::optional<int> number(std::size_t min, std::size_t max) {
    std::size_t n = std::min(digits_ahead(), max);
    if (n < min) return std::nullopt;
    int value = std::atoi(std::string(text_.substr(pos_, n)).c_str());
    pos_ += n;
    return value;
  }
  std::string_view rest() const { return text_.substr(pos_); }
  void advance(std::size_t n) { pos_ += n; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  microseconds fraction{0};
  std::optional<int> offset;  // seconds east of UTC when the text names one
};

bool parse_clock(Scanner& in, Fields& f) {
  if (in.digits_ahead() == 4 || in.digits_ahead() == 6) {  // HHMM[SS], as mark-for-op writes
    f.hour = *in.number(2, 2);
    f.minute = *in.number(2, 2);
    f.second = in.digits_ahead() == 2 ? *in.number(2, 2) : 0;
    return true;
  }
  auto hour = in.number(1, 2);
  if (!hour || !in.take(':')) return false;
  auto minute = in.number(2, 2);
  if (!minute) return false;
  f.hour = *hour;
  f.minute = *minute;
  if (!in.take(':')) return true;
  auto second = in.number(2, 2);
  if (!second) return false;
  f.second = *second;
  if (in.take('.')) {
    std::size_t n = in.digits_ahead();
    if (n == 0) return false;
    std::string digits(in.rest().substr(0, n));
    digits.resize(6, '0');
    f.fraction = microseconds(std::atoi(digits.substr(0, 6).c_str()));
    in.advance(n);
  }
  return true;
}

bool parse_zone(Scanner& in, Fields& f) {
  char sign = in.peek();
  if (sign == '+' || sign == '-') {
    in.advance(1);
    auto hours = in.number(2, 2);
    if (!hours) return false;
    in.take(':');
    int minutes = in.digits_ahead() >= 2 ? *in.number(2, 2) : 0;
    f.offset = (sign == '-' ? -1 : 1) * (*hours * 3600 + minutes * 60);
    return true;
  }
  std::string name;
  while (std::isalpha(static_cast<unsigned char>(in.peek()))) {
    name += in.peek();
    in.advance(1);
  }
  // dateutil takes a name of up to five capitals as a zone; it knows only UTC, GMT and Z, and
  // keeps local time (with a warning) for the others (EST, CET).
  if (name == "Z" || name == "UTC" || name == "GMT") f.offset = 0;
  return !name.empty() && name.size() <= 5 &&
         std::all_of(name.begin(), name.end(), [](char c) { return std::isupper(c); });
}

std::optional<Fields> parse_fields(std::string_view text) {
  Scanner in(text);
  in.skip_spaces();
  Fields f;
  auto year = in.number(4, 4);
  char separator = in.peek();
  if (!year || (separator != '-' && separator != '/')) return std::nullopt;
  in.advance(1);
  auto month = in.number(1, 2);
  if (!month || !in.take(separator)) return std::nullopt;
  auto day = in.number(1, 2);
  if (!day) return std::nullopt;
  f.year = *year;
  f.month = *month;
  f.day = *day;
  if (in.take('T') || in.peek() == ' ') {
    in.skip_spaces();
    if (in.done()) return f;
    if (!parse_clock(in, f)) return std::nullopt;
    in.skip_spaces();  // a zone only follows a time of day, as dateutil reads it
    if (!in.done() && !parse_zone(in, f)) return std::nullopt;
  }
  in.skip_spaces();
  if (!in.done()) return std::nullopt;
  return f;
}

std::optional<TimePoint> to_time_point(const Fields& f) {
  year_month_day date{year{f.year}, month{static_cast<unsigned>(f.month)},
                      day{static_cast<unsigned>(f.day)}};
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 59) return std::nullopt;
  if (f.offset) {
    auto wall = sys_days(date) + hours(f.hour) + minutes(f.minute) + seconds(f.second);
    return TimePoint(wall - seconds(*f.offset) + f.fraction);
  }
  std::tm local{};
  local.tm_year = f.year - 1900;
  local.tm_mon = f.month - 1;
  local.tm_mday = f.day;
  local.tm_hour = f.hour;
  local.tm_min = f.minute;
  local.tm_sec = f.second;
  local.tm_isdst = -1;
  return system_clock::from_time_t(std::mktime(&local)) + f.fraction;
}

// Cloud Custodian's Time.TZ_ALIASES.
const std::map<std::string, std::string, std::less<>>& aliases() {
  static const std::map<std::string, std::string, std::less<>> table = {
      {"pdt", "America/Los_Angeles"},
      {"pt", "America/Los_Angeles"},
      {"pst", "America/Los_Angeles"},
      {"ast", "America/Phoenix"},
      {"at", "America/Phoenix"},
      {"est", "America/New_York"},
      {"edt", "America/New_York"},
      {"et", "America/New_York"},
      {"cst", "America/Chicago"},
      {"cdt", "America/Chicago"},
      {"ct", "America/Chicago"},
      {"mst", "America/Denver"},
      {"mdt", "America/Denver"},
      {"mt", "America/Denver"},
      {"gmt", "Etc/GMT"},
      {"gt", "Etc/GMT"},
      {"bst", "Europe/London"},
      {"ist", "Europe/Dublin"},
      {"cet", "Europe/Berlin"},
      {"it", "Asia/Kolkata"},
      {"jst", "Asia/Tokyo"},
      {"kst", "Asia/Seoul"},
      {"sgt", "Asia/Singapore"},
      {"aet", "Australia/Sydney"},
      {"brt", "America/Sao_Paulo"},
      {"nzst", "Pacific/Auckland"},
      {"utc", "Etc/UTC"}};
  return table;
}

bool safe_zone_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+')
      return false;
  return true;
}

std::int64_t big_endian(const std::string& data, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = value << 8 | static_cast<unsigned char>(data[at + i]);
  if (bytes == 4) return static_cast<std::int32_t>(value);
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::optional<TimePoint> parse_datetime(std::string_view text) {
  auto fields = parse_fields(text);
  return fields ? to_time_point(*fields) : std::nullopt;
}

std::optional<TimeZone> TimeZone::find(const std::string& name) {
  auto alias = aliases().find(name);
  std::string zone = alias == aliases().end() ? name : alias->second;
  if (!safe_zone_name(zone)) return std::nullopt;
  const char* dir = std::getenv("TZDIR");
  std::ifstream in(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + zone,
                   std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // RFC 8536: a version 1 block of 32-bit times, then (version 2+) the same with 64-bit times.
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0 || data[4] < '2') return std::nullopt;
  auto counts = [&](std::size_t at) {
    std::vector<std::int64_t> c;
    for (int i = 0; i < 6; ++i) c.push_back(big_endian(data, at + 20 + 4 * i, 4));
    return c;  // isut, isstd, leap, time, type, char
  };
  auto v1 = counts(0);
  std::size_t at = 44 + v1[3] * 5 + v1[4] * 6 + v1[5] + v1[2] * 8 + v1[1] + v1[0];
  if (data.size() < at + 44) return std::nullopt;
  auto v2 = counts(at);
  at += 44;
  std::size_t needed = v2[3] * 9 + v2[4] * 6 + v2[5];
  if (v2[4] == 0 || data.size() < at + needed) return std::nullopt;
  TimeZone tz;
  for (std::int64_t i = 0; i < v2[3]; ++i)
    tz.transitions_.push_back(big_endian(data, at + 8 * i, 8));
  at += v2[3] * 8;
  for (std::int64_t i = 0; i < v2[3]; ++i)
    tz.type_of_.push_back(std::min<std::uint8_t>(data[at + i], v2[4] - 1));
  at += v2[3];
  std::size_t chars = at + v2[4] * 6;
  for (std::int64_t i = 0; i < v2[4]; ++i) {
    std::size_t abbreviation = chars + static_cast<unsigned char>(data[at + 6 * i + 5]);
    tz.types_.push_back({static_cast<std::int32_t>(big_endian(data, at + 6 * i, 4)),
                         abbreviation < chars + v2[5] ? data.c_str() + abbreviation : ""});
  }
  return tz;
}

TimeZone::Local TimeZone::at(TimePoint instant) const {
  auto when = floor<seconds>(instant);
  auto next =
      std::upper_bound(transitions_.begin(), transitions_.end(), when.time_since_epoch().count());
  // Before the first transition, time type 0 applies (RFC 8536).
  const Type& type = next == transitions_.begin()
                         ? types_.front()
                         : types_[type_of_[next - transitions_.begin() - 1]];
  return {sys_seconds(when.time_since_epoch()) + seconds(type.offset), type.abbreviation,
          type.offset};
}

std::string identifier_minute() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%d-%H-%M", &utc));
}

}  // namespace custos::policy
