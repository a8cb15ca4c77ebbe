#include "aws/credentials.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <vector>

#include "aws/credentials_sources.h"
#include "core/error.h"
#include "core/file.h"

namespace custos::aws {
namespace {

using Clock = std::chrono::system_clock;

std::string home() {
  if (auto value = env_var("HOME")) return *value;
  const passwd* user = getpwuid(getuid());
  return user != nullptr && user->pw_dir != nullptr ? user->pw_dir : "";
}

// botocore expands a leading ~; messages show paths under HOME with ~ again.
SharedFiles::File shared_file(const char* variable, std::string_view fallback) {
  std::string path = env_var(variable).value_or(std::string(fallback));
  const std::string dir = home();
  if (path == "~" || path.starts_with("~/")) path = dir + path.substr(1);
  const bool under_home = !dir.empty() && path.starts_with(dir + "/");
  SharedFiles::File file{path, under_home ? "~" + path.substr(dir.size()) : path, std::nullopt};
  file.ini = read_ini(file.path, file.display);
  return file;
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

std::string string_field(const Json& document, const char* name, bool required,
                         const std::string& what) {
  auto it = document.find(name);
  if (it == document.end() || it->is_null()) {
    if (required) throw Error(what + " returned no " + name);
    return {};
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
    throw Error(what + " returned an empty or non-string " + name);
  }
  return it->get<std::string>();
}

// --- the chain ---

using Fetch = CredentialFetch;

struct Chain {
  const ChainSettings& settings;

  std::string where(const Profile& profile) const { return "profile '" + profile.name + "'"; }

  ResolvedCredentials resolve() const;
  std::optional<Fetch> environment() const;
  std::optional<Fetch> role(const Profile& profile, std::vector<std::string>& visited) const;
  Fetch role_source(const Profile& profile, std::vector<std::string>& visited) const;
  Fetch named_source(const Profile& profile, const std::string& name) const;
  Fetch source_profile(const Profile& parent, const std::string& name,
                       std::vector<std::string>& visited) const;
  std::optional<Fetch> profile_sources(const Profile& profile, bool use_environment) const;
  std::optional<Fetch> web_identity(const Profile& profile, bool use_environment) const;
  std::optional<Fetch> keys(const IniSection* section, const std::string& source) const;
  std::optional<Fetch> process(const Profile& profile) const;
  std::optional<Fetch> container() const;
  [[noreturn]] void none_found(const Profile& profile, const std::string& metadata) const;
};

ResolvedCredentials Chain::resolve() const {
  const Profile profile = find_profile(*settings.files, settings.profile);
  std::optional<Fetch> found;
  if (settings.use_environment) found = environment();
  std::vector<std::string> visited = {profile.name};
  if (!found) found = role(profile, visited);
  if (!found) found = profile_sources(profile, settings.use_environment);
  if (!found) found = container();
  if (found) return {(*found)(), *found};

  // Instance metadata is the last resort, so its failure means "no credentials anywhere".
  const auto imds = instance_metadata(profile);
  if (!imds) none_found(profile, "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
  const Fetch fetch = [imds = *imds] { return fetch_instance_metadata_credentials(imds); };
  try {
    return {fetch(), fetch};
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    none_found(profile, e.what());
  }
}

std::optional<Fetch> Chain::environment() const {
  if (!env_var("AWS_ACCESS_KEY_ID")) return std::nullopt;
  // Read again at each refresh, as botocore does: a wrapper may update them.
  return [] {
    auto access_key = env_var("AWS_ACCESS_KEY_ID");
    auto secret_key = env_var("AWS_SECRET_ACCESS_KEY");
    if (!access_key || !secret_key) {
      throw InputError(
          "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset "
          "AWS_ACCESS_KEY_ID to use a profile");
    }
    // botocore prefers the legacy AWS_SECURITY_TOKEN when both are set.
    auto token = env_var("AWS_SECURITY_TOKEN");
    if (!token) token = env_var("AWS_SESSION_TOKEN");
    Credentials credentials{*access_key, *secret_key, token.value_or(""), std::nullopt,
                            "environment"};
    if (auto expiration = env_var("AWS_CREDENTIAL_EXPIRATION")) {
      credentials.expiration = parse_iso_time(*expiration);
      if (!credentials.expiration) {
        throw InputError(
            "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time like 2026-01-31T12:00:00Z");
      }
    }
    return credentials;
  };
}

// A profile with role_arn assumes that role, unless it is a web identity profile.
std::optional<Fetch> Chain::role(const Profile& profile, std::vector<std::string>& visited) const {
  if (!profile.has("role_arn") || profile.has("web_identity_token_file")) return std::nullopt;
  const std::string role_arn = *profile.find("role_arn");
  const std::string what = "AssumeRole of " + role_arn + " for " + where(profile);
  if (profile.has("mfa_serial")) {
    throw InputError(where(profile) +
                     " sets mfa_serial: custos runs unattended and cannot ask "
                     "for an MFA code; export keys from `aws sts assume-role --serial-number ... "
                     "--token-code ...`, or use a role that does not require MFA");
  }
  Json params = {{"RoleArn", role_arn}};
  if (const std::string* external_id = profile.find("external_id")) {
    params["ExternalId"] = *external_id;
  }
  if (const std::string* duration = profile.find("duration_seconds")) {
    int seconds = 0;
    auto [end, error] =
        std::from_chars(duration->data(), duration->data() + duration->size(), seconds);
    if (error != std::errc{} || end != duration->data() + duration->size() || seconds <= 0) {
      throw InputError("duration_seconds of " + where(profile) + " must be a whole number of " +
                       "seconds (900 to 43200), not '" + *duration + "'");
    }
    params["DurationSeconds"] = seconds;
  }
  const std::string* session_name = profile.find("role_session_name");
  params["RoleSessionName"] = session_name ? *session_name : default_role_session_name();
  return [source = role_source(profile, visited), params, what, session = settings.session] {
    return assume_role(session, source(), params, what);
  };
}

Fetch Chain::role_source(const Profile& profile, std::vector<std::string>& visited) const {
  const std::string* source_profile = profile.find("source_profile");
  const std::string* credential_source = profile.find("credential_source");
  if (source_profile != nullptr && credential_source != nullptr) {
    throw InputError(where(profile) +
                     " sets both source_profile and credential_source: keep one of them");
  }
  if (credential_source != nullptr) return named_source(profile, *credential_source);
  if (source_profile != nullptr) return this->source_profile(profile, *source_profile, visited);
  throw InputError(where(profile) +
                   " sets role_arn but neither source_profile nor credential_source: add one to "
                   "say which credentials assume the role");
}

// credential_source: the canonical names of the providers botocore allows there.
Fetch Chain::named_source(const Profile& profile, const std::string& name) const {
  const std::string what = "credential_source " + name + " of " + where(profile);
  std::optional<Fetch> found;
  std::string missing;
  const std::string lower = ascii_lower(name);
  if (lower == "environment") {
    found = environment();
    missing = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set";
  } else if (lower == "ecscontainer") {
    found = container();
    missing =
        "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI "
        "is set";
  } else if (lower == "ec2instancemetadata") {
    if (auto imds = instance_metadata(profile)) {
      found = [imds = *imds] { return fetch_instance_metadata_credentials(imds); };
    }
    missing = "AWS_EC2_METADATA_DISABLED is true";
  } else {
    throw InputError(what + " is not valid: use Environment, Ec2InstanceMetadata or EcsContainer");
  }
  if (!found) throw Error(what + " has no credentials: " + missing);
  return *found;
}

Fetch Chain::source_profile(const Profile& parent, const std::string& name,
                            std::vector<std::string>& visited) const {
  const Profile profile = find_profile(*settings.files, name);
  if (!profile.exists()) {
    throw InputError("source_profile '" + name + "' of " + where(parent) + " is not in " +
                     settings.files->config.display + " or " + settings.files->credentials.display);
  }
  const bool static_keys = profile.has("aws_access_key_id") || profile.has("aws_secret_access_key");
  // A profile may name itself to assume its role with its own keys; any other repeat loops.
  if (std::find(visited.begin(), visited.end(), name) != visited.end() &&
      (name != parent.name || !static_keys)) {
    std::string chain;
    for (const auto& step : visited) chain += "'" + step + "' -> ";
    throw InputError("source_profile loop: " + chain + "'" + name + "'; break the cycle");
  }
  visited.push_back(name);
  if (!static_keys) {
    if (auto assumed = role(profile, visited)) return *assumed;
  }
  // botocore's source profile chain: the profile's own sources, never the environment.
  if (auto found = profile_sources(profile, false)) return *found;
  throw InputError("source_profile '" + name + "' of " + where(parent) +
                   " has no credentials: give it keys, credential_process or a role");
}

std::optional<Fetch> Chain::profile_sources(const Profile& profile, bool use_environment) const {
  if (auto found = web_identity(profile, use_environment)) return found;
  if (profile.has("sso_session") || profile.has("sso_start_url")) {
    throw InputError(where(profile) +
                     " uses IAM Identity Center (sso_session/sso_start_url), which custos does "
                     "not support: run `aws sso login --profile " +
                     profile.name +
                     "`, then export keys with `aws configure export-credentials "
                     "--profile " +
                     profile.name + " --format env`");
  }
  const auto& files = *settings.files;
  if (auto found =
          keys(profile.credentials, "shared credentials file " + files.credentials.display +
                                        ", profile " + profile.name)) {
    return found;
  }
  if (auto found = process(profile)) return found;
  return keys(profile.config, "config file " + files.config.display + ", profile " + profile.name);
}

// Each setting from its variable (unless --profile was given), else from the profile.
std::optional<Fetch> Chain::web_identity(const Profile& profile, bool use_environment) const {
  auto setting = [&](const char* variable, std::string_view key) -> std::optional<Setting> {
    if (use_environment) {
      if (auto value = env_var(variable)) return Setting{*value, variable};
    }
    if (const std::string* value = profile.find(key)) {
      return Setting{*value, std::string(key) + " of " + where(profile)};
    }
    return std::nullopt;
  };
  const auto token_file = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (!token_file) return std::nullopt;
  const auto role_arn = setting("AWS_ROLE_ARN", "role_arn");
  if (!role_arn) {
    throw InputError("a web identity token file is set (" + token_file->origin +
                     ") but no role to assume: set AWS_ROLE_ARN, or role_arn in " + where(profile));
  }
  const auto session_name = setting("AWS_ROLE_SESSION_NAME", "role_session_name");
  const std::string what = "AssumeRoleWithWebIdentity of " + role_arn->value +
                           " with the token in " + token_file->value + " (" + token_file->origin +
                           ")";
  const Json request = {
      {"RoleArn", role_arn->value},
      {"RoleSessionName", session_name ? session_name->value : default_role_session_name()}};
  return [what, request, session = settings.session, path = token_file->value] {
    // Read at each refresh: EKS rotates the token file.
    auto token = custos::read_file(path);
    if (!token || token->empty()) {
      throw Error(what + " failed: cannot read the token file " + path +
                  " (missing, unreadable or empty)");
    }
    Json params = request;
    params["WebIdentityToken"] = *token;
    return assume_role_with_web_identity(session, params, what);
  };
}

std::optional<Fetch> Chain::keys(const IniSection* section, const std::string& source) const {
  const std::string* access_key = section ? section->find("aws_access_key_id") : nullptr;
  if (access_key == nullptr) return std::nullopt;
  const std::string* secret_key = section->find("aws_secret_access_key");
  if (secret_key == nullptr) {
    throw InputError(source + " has aws_access_key_id but no aws_secret_access_key: add it");
  }
  const std::string* token = section->find("aws_security_token");
  if (token == nullptr) token = section->find("aws_session_token");
  Credentials credentials{*access_key, *secret_key, token ? *token : "", std::nullopt, source};
  return [credentials] { return credentials; };
}

std::optional<Fetch> Chain::process(const Profile& profile) const {
  const std::string* command = profile.find("credential_process");
  if (command == nullptr) return std::nullopt;
  return [command = *command, what = "credential_process of profile " + profile.name] {
    return run_credential_process(command, what);
  };
}

std::optional<Fetch> Chain::container() const {
  auto url = container_url();
  if (!url) return std::nullopt;
  return [url = *url] { return fetch_container_credentials(url); };
}

void Chain::none_found(const Profile& profile, const std::string& metadata) const {
  const auto& files = *settings.files;
  const std::string environment =
      settings.use_environment ? "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
                               : "environment variables (skipped: --profile was given)";
  throw Error("no AWS credentials found for " + where(profile) + "; tried " + environment +
              ", shared credentials file " + files.credentials.display +
              ", credential_process and keys in config file " + files.config.display +
              ", container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set) "
              "and " +
              metadata + ". Run `aws configure --profile " + profile.name +
              "` or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
}

}  // namespace

std::optional<std::string> env_var(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

SharedFiles SharedFiles::read() {
  return {shared_file("AWS_CONFIG_FILE", "~/.aws/config"),
          shared_file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")};
}

const std::string* Profile::find(std::string_view key) const {
  const std::string* value = credentials != nullptr ? credentials->find(key) : nullptr;
  return value != nullptr || config == nullptr ? value : config->find(key);
}

Profile find_profile(const SharedFiles& files, std::string_view name) {
  static const IniFile kNoFile;
  Profile profile{std::string(name)};
  // [profile NAME], or [default] for "default"; the later one wins, as in botocore.
  for (const auto& section : files.config.ini ? *files.config.ini : kNoFile) {
    if ((name == "default" && section.name == "default") || is_titled(section, "profile", name)) {
      profile.config = &section;
    }
  }
  for (const auto& section : files.credentials.ini ? *files.credentials.ini : kNoFile) {
    if (section.name == name && profile.credentials == nullptr) profile.credentials = &section;
  }
  return profile;
}

std::optional<Clock::time_point> parse_iso_time(std::string_view text) {
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

Credentials credentials_from_json(const Json& document, const CredentialFields& fields,
                                  const std::string& what) {
  // The document holds secrets: messages name what is wrong, never what was returned.
  if (!document.is_object()) throw Error(what + " did not return a JSON object");
  Credentials credentials{string_field(document, "AccessKeyId", true, what),
                          string_field(document, "SecretAccessKey", true, what),
                          string_field(document, fields.token, fields.required, what), std::nullopt,
                          what};
  const std::string expiration = string_field(document, "Expiration", fields.required, what);
  if (expiration.empty()) return credentials;
  credentials.expiration = parse_iso_time(expiration);
  if (!credentials.expiration) throw Error(what + " returned an Expiration that is not ISO 8601");
  if (*credentials.expiration <= Clock::now()) {
    throw Error(what + " returned credentials that expired at " + expiration);
  }
  return credentials;
}

ResolvedCredentials resolve_credentials(const ChainSettings& chain) {
  return Chain{chain}.resolve();
}

}  // namespace custos::aws
