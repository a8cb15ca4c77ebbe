#include "aws/config.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "aws/endpoints.h"
#include "aws/ini.h"
#include "core/error.h"
#include "core/json.h"

extern char** environ;

namespace custos::aws {
namespace {

using Clock = std::chrono::system_clock;

// Like botocore, keys expiring within this window are fetched again before use.
constexpr auto kRefreshWindow = std::chrono::minutes(10);
constexpr std::string_view kNotSupportedHint =
    ", which custos does not support yet; export temporary keys instead (for example with "
    "`aws configure export-credentials --profile ";

// An environment variable; empty counts as unset.
std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string home() {
  if (auto value = env("HOME")) return *value;
  const passwd* user = getpwuid(getuid());
  return user != nullptr && user->pw_dir != nullptr ? user->pw_dir : "";
}

// A value and where it was set, for messages.
struct Setting {
  std::string value;
  std::string origin;
};

// The command-line value if given, else the first of `variables` that is set.
std::optional<Setting> flag_or_env(const std::string& value, const char* flag,
                                   std::initializer_list<const char*> variables) {
  if (!value.empty()) return Setting{value, flag};
  for (const char* variable : variables) {
    if (auto set = env(variable)) return Setting{*set, variable};
  }
  return std::nullopt;
}

// A shared file's path (botocore expands a leading ~) and how messages show it.
struct FilePath {
  std::string path;
  std::string display;
};

FilePath file_path(const char* variable, std::string_view fallback) {
  std::string path = env(variable).value_or(std::string(fallback));
  const std::string dir = home();
  if (path == "~" || path.starts_with("~/")) path = dir + path.substr(1);
  const bool under_home = !dir.empty() && path.starts_with(dir + "/");
  return {path, under_home ? "~" + path.substr(dir.size()) : path};
}

// Section titles are split like a shell command line, as botocore does with shlex.
std::vector<std::string> words(std::string_view title) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : title) {
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
      in_word = true;
    } else if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return {};  // unbalanced quotes: botocore skips the section
  if (in_word) out.push_back(word);
  return out;
}

bool titled(const IniSection& section, std::string_view kind, std::string_view name) {
  auto parts = words(section.name);
  return parts.size() == 2 && parts[0] == kind && parts[1] == name;
}

// A profile's section of the config file: `[profile NAME]`, or `[default]` for "default";
// the later one wins when both exist, as in botocore.
const IniSection* find_config_profile(const IniFile& file, std::string_view name) {
  const IniSection* found = nullptr;
  for (const auto& section : file) {
    if ((name == "default" && section.name == "default") || titled(section, "profile", name)) {
      found = &section;
    }
  }
  return found;
}

const IniSection* named_section(const IniFile& file, std::string_view name) {
  auto it = std::find_if(file.begin(), file.end(),
                         [&](const IniSection& section) { return section.name == name; });
  return it == file.end() ? nullptr : &*it;
}

bool digits(std::string_view text, std::size_t at, std::size_t length, int& out) {
  if (at + length > text.size()) return false;
  const char* first = text.data() + at;
  auto [end, error] = std::from_chars(first, first + length, out);
  return error == std::errc{} && end == first + length;
}

// A UTC offset: "", "Z", "+01:00" or "+0100".
std::optional<std::chrono::minutes> utc_offset(std::string_view text) {
  if (text.empty() || text == "Z" || text == "z") return std::chrono::minutes(0);
  const std::size_t minutes_at = text.size() == 6 && text[3] == ':' ? 4 : 3;
  int hours = 0, minutes = 0;
  if ((text[0] != '+' && text[0] != '-') || text.size() != minutes_at + 2 ||
      !digits(text, 1, 2, hours) || !digits(text, minutes_at, 2, minutes)) {
    return std::nullopt;
  }
  const std::chrono::minutes offset(hours * 60 + minutes);
  return text[0] == '-' ? -offset : offset;
}

// ISO 8601 as credential helpers print it: 2026-01-02T03:04:05[.123](Z|+01:00|+0100)?.
std::optional<Clock::time_point> parse_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
      !digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
      !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  auto rest = text.substr(19);
  if (rest.starts_with('.')) {
    rest = rest.substr(std::min(rest.find_first_not_of("0123456789", 1), rest.size()));
  }
  const auto offset = utc_offset(rest);
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!offset || !date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) - *offset;
}

// botocore's check, so that a region can only ever be a DNS label.
bool valid_region(std::string_view region) {
  auto ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  return !region.empty() && region.size() <= 63 && std::all_of(region.begin(), region.end(), ok) &&
         region.front() != '-' && region.back() != '-';
}

// An endpoint URL from the user, checked and without trailing slashes; `origin` names where it
// was set for the message.
std::string checked_url(const std::string& url, const std::string& origin) {
  const auto scheme_end = url.find("://");
  const auto scheme = ascii_lower(url.substr(0, scheme_end));
  const auto authority_at = scheme_end == std::string::npos ? url.size() : scheme_end + 3;
  const auto authority = std::string_view(url).substr(
      authority_at, url.find_first_of("/?#", authority_at) - authority_at);
  // host[:port], where an IPv6 host is written [::1].
  const auto host_end = authority.starts_with('[') ? authority.find(']') + 1 : authority.find(':');
  const auto host = authority.substr(0, host_end);
  const auto port = authority.substr(std::min(host_end, authority.size()));
  const bool bad_port = !port.empty() && (port.size() < 2 || port.size() > 6 || port[0] != ':' ||
                                          port.find_first_not_of("0123456789", 1) != port.npos);
  if ((scheme != "http" && scheme != "https") || host.empty() || bad_port ||
      url.find_first_of(" \t\r\n") != std::string::npos) {
    throw InputError(origin + " is not a valid endpoint URL: '" + url +
                     "'; expected http://host[:port] or https://host[:port]");
  }
  return url.substr(0, url.find_last_not_of('/') + 1);
}

// The serviceId as the shared config file names it ("Route 53" -> "route_53").
std::string service_key(std::string_view service_id) {
  std::string key = ascii_lower(service_id);
  std::replace_if(
      key.begin(), key.end(), [](char c) { return c == ' ' || c == '-'; }, '_');
  return key;
}

struct ProcessOutput {
  int status = 0;  // as waitpid reports it
  std::string out;
};

// Runs `command` with /bin/sh; its stderr goes to ours so that the user sees its complaints.
ProcessOutput run_shell(const std::string& command, const std::string& what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(what + ": cannot create a pipe: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string sh = "sh", dash_c = "-c", text = command;
  char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    throw Error(what + ": cannot start /bin/sh: " + std::strerror(spawned));
  }
  ProcessOutput result;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    } else if (errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  return result;
}

// A string field of credential_process's JSON; `required` fields must be non-empty.
std::string field(const Json& document, const char* name, bool required, const std::string& what) {
  auto it = document.find(name);
  if (it == document.end() || it->is_null()) {
    if (required) throw Error(what + " printed no " + name);
    return {};
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
    throw Error(what + " printed an empty or non-string " + name);
  }
  return it->get<std::string>();
}

}  // namespace

struct Session::State {
  SessionOptions options;
  Setting profile;  // origin "--profile", "AWS_PROFILE", ...; empty for the implicit default
  FilePath config_file;
  FilePath credentials_file;
  std::optional<IniFile> config;
  IniSection config_profile;       // this profile's section of the config file (may be empty)
  IniSection credentials_profile;  // its section of the credentials file (may be empty)
  Setting region;                  // empty value when none is configured

  mutable std::mutex mutex;
  mutable std::optional<Credentials> cached;

  // A setting of the profile; the credentials file wins, as in botocore's merged profile.
  const std::string* setting(std::string_view key) const {
    const std::string* value = credentials_profile.find(key);
    return value != nullptr ? value : config_profile.find(key);
  }
  bool has(std::string_view key) const { return setting(key) != nullptr; }
  // As the CLI's --profile, it beats keys in the environment; AWS_PROFILE does not.
  bool explicit_profile() const { return profile.origin == "--profile"; }

  void choose_profile();
  void load_files();
  void choose_region();
  std::optional<std::string> checked_region() const;
  const std::string& required_region() const;
  Credentials resolve_credentials() const;
  void reject_unsupported() const;
  std::optional<Credentials> from_environment() const;
  std::optional<Credentials> from_keys(const IniSection& section, const std::string& source) const;
  std::optional<Credentials> from_process() const;
  [[noreturn]] void no_credentials() const;
  std::optional<Setting> configured_url(std::string_view service_id) const;
  std::optional<Setting> services_endpoint_url(std::string_view service_id) const;
  bool ignores_configured_endpoints() const;
};

void Session::State::choose_profile() {
  // botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE.
  profile = flag_or_env(options.profile, "--profile", {"AWS_DEFAULT_PROFILE", "AWS_PROFILE"})
                .value_or(Setting{"default", ""});
}

void Session::State::load_files() {
  config_file = file_path("AWS_CONFIG_FILE", "~/.aws/config");
  credentials_file = file_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
  config = read_ini(config_file.path, config_file.display);
  auto credentials = read_ini(credentials_file.path, credentials_file.display);
  const IniSection* in_config = config ? find_config_profile(*config, profile.value) : nullptr;
  const IniSection* in_credentials =
      credentials ? named_section(*credentials, profile.value) : nullptr;
  if (in_config == nullptr && in_credentials == nullptr && !profile.origin.empty()) {
    throw InputError("profile '" + profile.value + "' not found in " + config_file.display +
                     " or " + credentials_file.display + " (named by " + profile.origin + ")");
  }
  if (in_config != nullptr) config_profile = *in_config;
  if (in_credentials != nullptr) credentials_profile = *in_credentials;
}

void Session::State::choose_region() {
  if (auto chosen = flag_or_env(options.region, "--region", {"AWS_REGION", "AWS_DEFAULT_REGION"})) {
    region = *chosen;
  } else if (const std::string* configured = setting("region")) {
    region = {*configured, "region of profile '" + profile.value + "'"};
  }
}

std::optional<std::string> Session::State::checked_region() const {
  if (region.value.empty()) return std::nullopt;
  if (!valid_region(region.value)) {
    throw InputError("invalid AWS region '" + region.value + "' (from " + region.origin +
                     "): expected a name like us-east-1");
  }
  return region.value;
}

Credentials Session::State::resolve_credentials() const {
  if (!explicit_profile()) {
    if (auto credentials = from_environment()) return *credentials;
  }
  reject_unsupported();
  if (auto credentials =
          from_keys(credentials_profile, "shared credentials file " + credentials_file.display +
                                             ", profile " + profile.value)) {
    return *credentials;
  }
  if (auto credentials = from_process()) return *credentials;
  if (auto credentials = from_keys(
          config_profile, "config file " + config_file.display + ", profile " + profile.value)) {
    return *credentials;
  }
  no_credentials();
}

std::optional<Credentials> Session::State::from_environment() const {
  auto access_key = env("AWS_ACCESS_KEY_ID");
  if (!access_key) return std::nullopt;
  auto secret_key = env("AWS_SECRET_ACCESS_KEY");
  if (!secret_key) {
    throw InputError(
        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset "
        "AWS_ACCESS_KEY_ID to use profile '" +
        profile.value + "'");
  }
  // botocore prefers the legacy AWS_SECURITY_TOKEN when both are set.
  auto token = env("AWS_SECURITY_TOKEN");
  if (!token) token = env("AWS_SESSION_TOKEN");
  Credentials credentials{*access_key, *secret_key, token.value_or(""), std::nullopt,
                          "environment"};
  if (auto expiration = env("AWS_CREDENTIAL_EXPIRATION")) {
    credentials.expiration = parse_time(*expiration);
    if (!credentials.expiration) {
      throw InputError(
          "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time like 2026-01-31T12:00:00Z");
    }
  }
  return credentials;
}

// Sources botocore tries before the profile's keys; custos cannot use them yet, and silently
// falling through to other keys would act as a different identity than the AWS CLI.
void Session::State::reject_unsupported() const {
  const std::string hint = std::string(kNotSupportedHint) + profile.value + " --format env`)";
  if (has("role_arn") && !has("web_identity_token_file")) {
    throw Error("profile '" + profile.value + "' uses role_arn (AssumeRole)" + hint);
  }
  if (has("web_identity_token_file")) {
    throw Error("profile '" + profile.value +
                "' uses web_identity_token_file (AssumeRoleWithWebIdentity)" + hint);
  }
  if (!explicit_profile() && env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")) {
    throw Error("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set (AssumeRoleWithWebIdentity)" +
                hint);
  }
  if (has("sso_start_url") || has("sso_session")) {
    throw Error("profile '" + profile.value +
                "' uses IAM Identity Center (sso_session/sso_start_url)" + hint);
  }
}

std::optional<Credentials> Session::State::from_keys(const IniSection& section,
                                                     const std::string& source) const {
  const std::string* access_key = section.find("aws_access_key_id");
  if (access_key == nullptr) return std::nullopt;
  const std::string* secret_key = section.find("aws_secret_access_key");
  if (secret_key == nullptr) {
    throw InputError(source + " has aws_access_key_id but no aws_secret_access_key: add it");
  }
  const std::string* token = section.find("aws_security_token");
  if (token == nullptr) token = section.find("aws_session_token");
  return Credentials{*access_key, *secret_key, token ? *token : "", std::nullopt, source};
}

std::optional<Credentials> Session::State::from_process() const {
  const std::string* command = setting("credential_process");
  if (command == nullptr) return std::nullopt;
  const std::string what = "credential_process of profile " + profile.value;
  const ProcessOutput output = run_shell(*command, what);
  if (WIFSIGNALED(output.status)) {
    throw Error(what + " was killed by signal " + std::to_string(WTERMSIG(output.status)));
  }
  if (WEXITSTATUS(output.status) != 0) {
    throw Error(what + " failed with exit code " + std::to_string(WEXITSTATUS(output.status)) +
                "; see its error output above, or run it by hand");
  }
  // The output holds secrets: messages name what is wrong, never what was printed.
  const Json document = Json::parse(output.out, nullptr, false);
  if (!document.is_object()) throw Error(what + " did not print a JSON object");
  auto version = document.find("Version");
  if (version == document.end() || !version->is_number() || *version != 1) {
    throw Error(what + " must print \"Version\": 1, the only version custos supports");
  }
  Credentials credentials{field(document, "AccessKeyId", true, what),
                          field(document, "SecretAccessKey", true, what),
                          field(document, "SessionToken", false, what), std::nullopt, what};
  if (auto expiration = field(document, "Expiration", false, what); !expiration.empty()) {
    credentials.expiration = parse_time(expiration);
    if (!credentials.expiration) throw Error(what + " printed an Expiration that is not ISO 8601");
    if (*credentials.expiration <= Clock::now()) {
      throw Error(what + " printed credentials that expired at " + expiration);
    }
  }
  return credentials;
}

void Session::State::no_credentials() const {
  const std::string environment =
      explicit_profile() ? "environment variables (skipped: --profile was given)"
                         : "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
  const std::string tried = environment + ", shared credentials file " + credentials_file.display +
                            ", credential_process and keys in config file " + config_file.display;
  throw Error("no AWS credentials found for profile '" + profile.value + "'; tried " + tried +
              " (container and instance-metadata credentials are not supported yet). Run `aws "
              "configure --profile " +
              profile.value + "` or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
}

std::optional<Setting> Session::State::services_endpoint_url(std::string_view service_id) const {
  static const IniFile kNoFile;
  const std::string* name = setting("services");
  if (name == nullptr) return std::nullopt;
  const IniSection* services = nullptr;
  for (const auto& section : config ? *config : kNoFile) {
    if (titled(section, "services", *name)) services = &section;
  }
  if (services == nullptr) {
    throw InputError("profile '" + profile.value + "' sets services = " + *name + " but " +
                     config_file.display + " has no [services " + *name + "] section");
  }
  const auto key = service_key(service_id);
  auto nested = services->subsections.find(key);
  if (nested == services->subsections.end() || !nested->second.contains("endpoint_url")) {
    return std::nullopt;
  }
  return Setting{nested->second.at("endpoint_url"), "endpoint_url of " + key + " in [services " +
                                                        *name + "] of " + config_file.display};
}

bool Session::State::ignores_configured_endpoints() const {
  auto ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!ignore) {
    const std::string* configured = setting("ignore_configured_endpoint_urls");
    if (configured != nullptr) ignore = *configured;
  }
  return ignore && ascii_lower(*ignore) == "true";
}

// The SDKs' order: service variable, [services] section, AWS_ENDPOINT_URL, profile endpoint_url;
// --endpoint-url beats them all and is the only one AWS_IGNORE_CONFIGURED_ENDPOINT_URLS keeps.
std::optional<Setting> Session::State::configured_url(std::string_view service_id) const {
  if (!options.endpoint_url.empty()) return Setting{options.endpoint_url, "--endpoint-url"};
  if (ignores_configured_endpoints()) return std::nullopt;
  std::string variable = "AWS_ENDPOINT_URL_" + service_key(service_id);
  std::transform(variable.begin(), variable.end(), variable.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (auto url = env(variable.c_str())) return Setting{*url, variable};
  if (auto url = services_endpoint_url(service_id)) return url;
  if (auto url = env("AWS_ENDPOINT_URL")) return Setting{*url, "AWS_ENDPOINT_URL"};
  const std::string* url = setting("endpoint_url");
  if (url == nullptr || url->empty()) return std::nullopt;
  return Setting{*url, "endpoint_url of profile '" + profile.value + "'"};
}

const std::string& Session::State::required_region() const {
  if (!checked_region()) {
    throw InputError("no AWS region: pass --region, set AWS_REGION, or add region to profile '" +
                     profile.value + "' in " + config_file.display);
  }
  return region.value;
}

Session::Session(SessionOptions options) {
  auto state = std::make_shared<State>();
  state->options = std::move(options);
  state->choose_profile();
  state->load_files();
  state->choose_region();
  if (state->options.credentials) state->cached = state->options.credentials;
  state_ = std::move(state);
}

const std::string& Session::profile() const { return state_->profile.value; }

const std::string& Session::region() const { return state_->required_region(); }

Credentials Session::credentials() const {
  std::lock_guard lock(state_->mutex);
  auto& cached = state_->cached;
  if (!cached || (cached->expiration && *cached->expiration - kRefreshWindow <= Clock::now())) {
    cached = state_->resolve_credentials();
  }
  return *cached;
}

Endpoint Session::endpoint(std::string_view service_id, std::string_view endpoint_prefix) const {
  if (auto configured = state_->configured_url(service_id)) {
    return {checked_url(configured->value, configured->origin),
            state_->checked_region().value_or("us-east-1")};
  }
  const auto& resolver = EndpointResolver::standard();
  if (auto region = state_->checked_region()) return resolver.resolve(endpoint_prefix, *region);
  if (auto global = resolver.resolve_global(endpoint_prefix)) return *global;
  return resolver.resolve(endpoint_prefix, state_->required_region());
}

int Session::max_attempts() const {
  auto chosen = flag_or_env("", "", {"AWS_MAX_ATTEMPTS"});
  if (const std::string* configured = state_->setting("max_attempts"); !chosen && configured) {
    chosen = Setting{*configured, "max_attempts of profile '" + state_->profile.value + "'"};
  }
  if (!chosen) return 3;
  int attempts = 0;
  const auto& text = chosen->value;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), attempts);
  if (error != std::errc{} || end != text.data() + text.size() || attempts < 1) {
    throw InputError(chosen->origin + " must be a whole number of at least 1, not '" + text + "'");
  }
  return attempts;
}

}  // namespace custos::aws
