// Times as an investigation reads them: CloudTrail's eventTime, and --since/--until written as
// ISO 8601 or as a span back from now ("2h", "3d").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custos::investigate {

// Milliseconds since the Unix epoch, UTC.
using Millis = std::int64_t;

Millis now_millis();

// "2024-05-01T10:00:00Z", "2024-05-01 10:00", "2024-05-01" (UTC unless a zone is written), or a
// span before `now`: "90s", "30m", "2h", "3d", "1w". Throws InputError naming `flag`.
Millis parse_when(const std::string& text, const std::string& flag, Millis now);

// A record's time: "YYYY-MM-DDTHH:MM:SS[.fff]Z" (CloudTrail, flow-log exports), with a space
// instead of T (Athena, CloudTrail Lake) or without the Z; nullopt for anything else.
std::optional<Millis> parse_event_time(std::string_view text);

// "2024-05-01T10:00:00Z" (milliseconds only when there are some).
std::string iso_time(Millis time);

// Days since the epoch of the date year-month-day.
std::int64_t days_from_civil(int year, int month, int day);

// The UTC day (days since the epoch) of `time`.
std::int64_t day_of(Millis time);

}  // namespace custos::investigate
