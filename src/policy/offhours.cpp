#include "policy/offhours.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/ascii.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (auto at = text.find(separator); at != std::string_view::npos;
       at = text.find(separator, start)) {
    parts.emplace_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

std::string without(std::string text, std::string_view characters) {
  std::erase_if(text, [&](char c) { return characters.find(c) != std::string_view::npos; });
  return text;
}

// c7n's raw_data: key=value pieces split on spaces and semicolons; other pieces are ignored.
std::map<std::string, std::string> raw_data(std::string_view value) {
  std::map<std::string, std::string> data;
  for (const auto& word : split(value, " "))
    for (const auto& piece : split(word, ";"))
      if (auto kv = split(piece, "="); kv.size() == 2) data[kv[0]] = kv[1];
  return data;
}

bool keys_are_valid(std::string_view value) {
  for (const auto& [key, _] : raw_data(value))
    if (key != "on" && key != "off" && key != "tz") return false;
  return true;
}

std::optional<int> day_number(std::string_view day) {
  static constexpr std::string_view kDays = "mtwhfsu";
  if (day.size() != 1 || kDays.find(day[0]) == std::string_view::npos) return std::nullopt;
  return static_cast<int>(kDays.find(day[0]));
}

// "m-f" (wrapping around the week: "f-m" is Friday to Monday) or a single day.
std::vector<int> expand_days(std::string_view days) {
  if (auto day = day_number(days)) return {*day};
  std::vector<int> ends;
  for (const auto& part : split(days, "-"))
    if (auto day = day_number(part)) ends.push_back(*day);
  if (ends.size() != 2) return {};
  std::vector<int> expanded;
  for (int d = ends[0]; d <= (ends[0] > ends[1] ? 6 : ends[1]); ++d) expanded.push_back(d);
  if (ends[0] > ends[1])
    for (int d = 0; d <= ends[1]; ++d) expanded.push_back(d);
  return expanded;
}

// "[(m-f,19),(u,18)]" or "(m-f,19)" or "[m-f,19]".
std::optional<std::vector<HourRule>> parse_rules(std::string_view lexeme) {
  std::vector<HourRule> rules;
  for (const auto& expression : split(without(std::string(lexeme), "[]"), ",(")) {
    auto tokens = split(without(expression, "()"), ",");
    if (tokens.size() != 2) return std::nullopt;
    const std::string& digits = tokens[1];
    int hour = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), hour);
    if (digits.empty() || !std::isdigit(static_cast<unsigned char>(digits[0])) ||
        error != std::errc() || end != digits.data() + digits.size() || hour > 23)
      return std::nullopt;
    auto days = expand_days(tokens[0]);
    if (days.empty()) return std::nullopt;
    rules.push_back({std::move(days), hour});
  }
  return rules;
}

// Python's str.title(): a letter after a non-letter upper case, the others lower case.
std::string title_case(const std::string& name) {
  std::string titled;
  bool after_letter = false;
  for (unsigned char c : name) {
    titled += static_cast<char>(after_letter ? std::tolower(c) : std::toupper(c));
    after_letter = std::isalpha(c);
  }
  return titled;
}

// c7n maps the zones whose names are not title case ("Etc/GMT+5", "America/Port-au-Prince")
// from lower case: the same over the system's zoneinfo folder, read once.
const std::map<std::string, std::string>& zones_by_lower_name() {
  static const std::map<std::string, std::string> zones = [] {
    std::map<std::string, std::string> found;
    const char* dir = std::getenv("TZDIR");
    std::filesystem::path root(dir && *dir ? dir : "/usr/share/zoneinfo");
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(root, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
      if (it->is_regular_file(error)) {
        // Not std::filesystem::relative: it resolves links (Chile/EasterIsland is a link).
        std::string name = it->path().string().substr(root.string().size() + 1);
        found.emplace(lowercase(name), name);
      }
    return found;
  }();
  return zones;
}

// c7n's schema pattern for skip-days: a string starting YYYY-MM-DD.
bool starts_with_date(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  return true;
}

}  // namespace

std::optional<HourSchedule> parse_hour_schedule(std::string_view value,
                                                const std::string& default_tz) {
  if (!keys_are_valid(value)) return std::nullopt;
  HourSchedule schedule;
  for (const auto& piece : split(value, ";")) {
    auto kv = split(piece, "=");
    if (kv.size() != 2) return std::nullopt;
    if (kv[0] == "tz") {
      schedule.tz = kv[1];
      continue;
    }
    auto rules = parse_rules(kv[1]);
    if (!rules) return std::nullopt;
    schedule.rules[kv[0]] = std::move(*rules);
  }
  if (schedule.tz.empty()) schedule.tz = default_tz;
  return schedule;
}

std::optional<TimeZone> schedule_zone(const std::string& name) {
  if (auto zone = TimeZone::find(name)) return zone;
  if (auto zone = TimeZone::find(title_case(name))) return zone;
  auto found = zones_by_lower_name().find(lowercase(name));
  return found == zones_by_lower_name().end() ? std::nullopt : TimeZone::find(found->second);
}

HourFilter::HourFilter(const Spec& spec, Kind kind, std::vector<std::string> origin_states)
    : key_(kind == Kind::kOff ? "off" : "on"),
      tag_(lowercase(spec.optional_string("tag", "maid_offhours"))),
      opt_out_(spec.optional_bool("opt-out", false)),
      origin_states_(spec.optional_bool("state-filter", true) ? std::move(origin_states)
                                                              : std::vector<std::string>{}) {
  std::string hour_key = key_ + "hour";
  for (const char* required : {"default_tz", hour_key.c_str()})
    if (!spec.has(required))
      spec.fail(std::string("'") + required + "' is required (Cloud Custodian's schema)");
  default_.tz = spec.required_string("default_tz");
  if (!schedule_zone(default_.tz))
    spec.child("default_tz")
        .fail("unknown time zone '" + default_.tz +
              "' (use an alias such as et, pt, utc, or an IANA name such as Europe/Paris)");
  const Json& hour = spec.value()[hour_key];
  if (!hour.is_number_integer() || hour.get<long long>() < 0 || hour.get<long long>() > 23)
    spec.child(hour_key).fail("'" + hour_key + "' must be a whole hour from 0 to 23, not " +
                              hour.dump());
  std::vector<int> days{0, 1, 2, 3, 4};
  if (spec.optional_bool("weekends-only", false))
    days = {kind == Kind::kOff ? 4 : 0};  // off Friday evening, on Monday morning
  else if (!spec.optional_bool("weekends", true))
    days = {0, 1, 2, 3, 4, 5, 6};
  default_.rules[key_] = {{days, static_cast<int>(hour.get<long long>())}};
  // c7n reads `fallback-schedule or fallback_schedule`: an empty one is none.
  for (const char* key : {"fallback-schedule", "fallback_schedule"})
    if (std::string text = spec.optional_string(key); !text.empty() && !fallback_) fallback_ = text;
  if (spec.has("skip-days") && spec.has("skip-days-from"))
    spec.child("skip-days-from").fail("write skip-days or skip-days-from, not both");
  skip_days_ = spec.string_list("skip-days");
  for (std::size_t i = 0; i < skip_days_.size(); ++i)
    if (!starts_with_date(skip_days_[i]))
      spec.child("skip-days").element(i).fail("skip-days are dates written YYYY-MM-DD");
  if (spec.has("skip-days-from")) skip_days_from_.emplace(spec.child("skip-days-from"));
}

bool HourFilter::match(const Json& resource, const FilterContext& context) const {
  return match_at(resource, system_clock::now(), context);
}

bool HourFilter::match_at(const Json& resource, TimePoint now, const FilterContext& context) const {
  if (!origin_states_.empty()) {
    std::string state = resource.value("State", Json::object()).value("Name", "");
    if (std::find(origin_states_.begin(), origin_states_.end(), state) == origin_states_.end())
      return false;
  }
  auto value = tag_value(resource);
  if (!value && !opt_out_) return false;
  if (value == "off") return false;  // the resource opted out
  auto schedule = schedule_for(value.value_or(""));
  if (!schedule) return false;
  auto zone = schedule_zone(schedule->tz);
  if (!zone) return false;
  auto wall = floor<hours>(zone->at(now).wall);
  auto day = floor<days>(wall);
  year_month_day date{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  if (skipped(text, context)) return false;
  int monday_first = static_cast<int>(weekday(day).iso_encoding()) - 1;
  auto hour = static_cast<int>((wall - day).count());
  auto rules = schedule->rules.find(key_);
  if (rules == schedule->rules.end()) return false;
  return std::any_of(rules->second.begin(), rules->second.end(), [&](const HourRule& rule) {
    return rule.hour == hour &&
           std::find(rule.days.begin(), rule.days.end(), monday_first) != rule.days.end();
  });
}

std::optional<std::string> HourFilter::tag_value(const Json& resource) const {
  std::optional<std::string> found = fallback_;
  auto tags = resource.find("Tags");
  if (tags != resource.end() && tags->is_array())
    for (const Json& tag : *tags)
      if (tag.is_object() && lowercase(tag.value("Key", "")) == tag_) {
        found = tag.value("Value", "");
        break;
      }
  if (!found) return std::nullopt;
  std::string value = lowercase(*found);
  // AWS tag values cannot hold these characters; c7n reads their escapes (u28 for '(' ...).
  static const std::pair<const char*, const char*> kEscapes[] = {
      {"u28", "("}, {"u29", ")"}, {"u5b", "["}, {"u5d", "]"}, {"u2c", ","},
      {"u3b", ";"}, {"u3d", "="}, {"u2f", "/"}, {"u2d", "-"}};
  for (const auto& [escape, character] : kEscapes)
    for (auto at = value.find(escape); at != std::string::npos; at = value.find(escape, at + 1))
      value.replace(at, 3, character);
  // People copy the docs' quote marks into the tag.
  auto strip = [&](char quote) {
    auto first = value.find_first_not_of(quote);
    value = first == std::string::npos
                ? ""
                : value.substr(first, value.find_last_not_of(quote) - first + 1);
  };
  strip('\'');
  strip('"');
  return value;
}

std::optional<HourSchedule> HourFilter::schedule_for(const std::string& tag) const {
  // c7n drops empty pieces ("off=(m-f,1);" and ";;") before parsing.
  std::string value;
  for (const auto& piece : split(tag, ";"))
    if (!piece.empty()) value += (value.empty() ? "" : ";") + piece;
  auto raw = raw_data(value);
  if (raw.contains(key_)) return parse_hour_schedule(value, default_.tz);
  if (!keys_are_valid(value)) return std::nullopt;
  HourSchedule schedule = default_;
  if (auto tz = raw.find("tz"); tz != raw.end()) schedule.tz = tz->second;
  return schedule;
}

bool HourFilter::skipped(const std::string& day, const FilterContext& context) const {
  if (!skip_days_from_)
    return std::find(skip_days_.begin(), skip_days_.end(), day) != skip_days_.end();
  const Json& values = skip_days_from_->values(context.client);
  return values.is_array() && std::find(values.begin(), values.end(), Json(day)) != values.end();
}

FilterInfo hour_filter_info(HourFilter::Kind kind, std::vector<std::string> origin_states) {
  std::string name = kind == HourFilter::Kind::kOff ? "offhour" : "onhour";
  FilterInfo info;
  info.description = std::string("Resources whose schedule (tag or defaults) ") +
                     (kind == HourFilter::Kind::kOff ? "stops" : "starts") + " them this hour";
  info.options = {
      "tag",           "default_tz", "fallback-schedule", "fallback_schedule", "weekends",
      "weekends-only", "opt-out",    "skip-days",         "skip-days-from",    name};
  if (!origin_states.empty()) info.options.push_back("state-filter");
  info.factory = [kind, name, options = info.options, origin_states](
                     const Spec& spec, const BuildContext&) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write " + name + " as {type: " + name + ", default_tz: ZONE, " + name + ": HOUR}");
    spec.allow_keys(options, "filter '" + name + "'");
    return std::make_unique<HourFilter>(spec, kind, origin_states);
  };
  return info;
}

void register_offhours_filters(Registry& registry) {
  registry.add_filter("offhour", hour_filter_info(HourFilter::Kind::kOff));
  registry.add_filter("onhour", hour_filter_info(HourFilter::Kind::kOn));
}

}  // namespace custos::policy
