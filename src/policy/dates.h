// Dates as Cloud Custodian's tag actions read and write them: the date strings dateutil parses
// (mark-for-op tags) and time zones by alias or IANA name (read from the system's zoneinfo
// files, as dateutil's gettz does).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custos::policy {

using TimePoint = std::chrono::system_clock::time_point;

// "2026/11/30", "2026-11-30T14:30:00.000Z", "2026/11/30 1430 UTC", "... +01:00". Without a
// zone, or with a zone name dateutil does not know (EST), it is local time, as in Python.
std::optional<TimePoint> parse_datetime(std::string_view text);

// The minute now, in UTC, as Cloud Custodian's snapshot_identifier names what it makes
// (Backup-ID-2026-12-06-16-40): "2026-12-06-16-40".
std::string identifier_minute();

class TimeZone {
 public:
  // Cloud Custodian's aliases (utc, et, pt, ...) or an IANA name such as "Europe/Paris";
  // nullopt when neither names a zone.
  static std::optional<TimeZone> find(const std::string& name);

  struct Local {
    std::chrono::sys_seconds wall;  // the wall clock, read as if it were UTC
    std::string abbreviation;       // "EST"
    std::int32_t offset = 0;        // seconds east of UTC
  };
  Local at(TimePoint instant) const;

 private:
  struct Type {
    std::int32_t offset;
    std::string abbreviation;
  };
  std::vector<std::int64_t> transitions_;
  std::vector<std::uint8_t> type_of_;  // per transition
  std::vector<Type> types_;
};

}  // namespace custos::policy
