#include "aws/config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/ini.h"
#include "core/error.h"

namespace custos::aws {
namespace {

using Clock = std::chrono::system_clock;

// botocore's windows: with less than 15 minutes left one caller fetches new keys while the
// others keep using the current ones; with less than 10 minutes left everyone waits for them.
constexpr auto kAdvisoryRefresh = std::chrono::minutes(15);
constexpr auto kMandatoryRefresh = std::chrono::minutes(10);

// The command-line value if given, else the first of `variables` that is set.
std::optional<Setting> flag_or_env(const std::string& value, const char* flag,
                                   std::initializer_list<const char*> variables) {
  if (!value.empty()) return Setting{value, flag};
  for (const char* variable : variables) {
    if (auto set = env_var(variable)) return Setting{*set, variable};
  }
  return std::nullopt;
}

// botocore's check, so that a region can only ever be a DNS label.
bool valid_region(std::string_view region) {
  auto ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  return !region.empty() && region.size() <= 63 && std::all_of(region.begin(), region.end(), ok) &&
         region.front() != '-' && region.back() != '-';
}

// Where plain HTTP stays on this machine.
bool loopback_host(std::string_view host) {
  std::string name = ascii_lower(host);
  return name == "localhost" || name.ends_with(".localhost") || name.starts_with("127.") ||
         name == "[::1]";
}

// An endpoint URL from the user, checked and without trailing slashes; `origin` names where it
// was set for the message. Plain http:// is refused off this machine unless allowed: signed
// requests, and the secrets some answers carry, would cross the network unencrypted.
std::string checked_url(const std::string& url, const std::string& origin, bool allow_insecure) {
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
  if (scheme == "http" && !allow_insecure && !loopback_host(host)) {
    throw InputError(origin + " is a plain http:// endpoint off this machine (" + url +
                     "): use https://, a loopback address, or pass --allow-insecure-endpoint");
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

std::string iso_time(Clock::time_point time) {
  const std::time_t seconds = Clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Whether the keys are valid for longer than `window`; keys without expiration always are.
bool lasts(const Credentials& credentials, std::chrono::minutes window) {
  return !credentials.expiration || *credentials.expiration - window > Clock::now();
}

}  // namespace

struct Session::State {
  SessionOptions options;
  Setting profile;  // origin "--profile", "AWS_PROFILE", ...; empty for the implicit default
  std::shared_ptr<const SharedFiles> files;
  Profile sections;  // this profile's sections of the shared files
  Setting region;    // empty value when none is configured
  Timeouts timeouts;
  std::string ca_bundle;

  // Shared by the sessions with_region() derives, so that one account's keys are fetched
  // and refreshed once however many regions a run reaches.
  struct Cache {
    std::mutex mutex;  // guards current
    std::optional<Credentials> current;
    std::mutex refreshing;    // held by the one caller that fetches new keys
    CredentialFetch refresh;  // the source the chain chose, once it has; under refreshing
  };
  std::shared_ptr<Cache> cache = std::make_shared<Cache>();

  const std::string* setting(std::string_view key) const { return sections.find(key); }
  // The environment variable, else the profile's key: how the CLI reads max_attempts,
  // use_fips_endpoint and the like.
  std::optional<Setting> env_or_profile(const char* variable, const std::string& key) const {
    if (auto chosen = flag_or_env("", "", {variable})) return chosen;
    if (const std::string* configured = setting(key))
      return Setting{*configured, key + " of profile '" + profile.value + "'"};
    return std::nullopt;
  }
  // A true/false setting (either case); throws InputError for anything else.
  bool switched_on(const char* variable, const std::string& key) const;
  // As the CLI's --profile, it beats keys in the environment; AWS_PROFILE does not.
  bool explicit_profile() const { return profile.origin == "--profile"; }

  void choose_profile();
  void load_files();
  void choose_region();
  void choose_timeouts();
  void choose_ca_bundle();
  std::optional<std::string> checked_region() const;
  const std::string& required_region() const;
  std::optional<Credentials> current_if(std::chrono::minutes window) const;
  Credentials credentials() const;
  Credentials fetch() const;
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
  files = std::make_shared<const SharedFiles>(SharedFiles::read());
  sections = find_profile(*files, profile.value);
  if (!sections.exists() && !profile.origin.empty()) {
    throw InputError("profile '" + profile.value + "' not found in " + files->config.display +
                     " or " + files->credentials.display + " (named by " + profile.origin + ")");
  }
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

std::optional<Credentials> Session::State::current_if(std::chrono::minutes window) const {
  std::lock_guard lock(cache->mutex);
  if (cache->current && lasts(*cache->current, window)) return cache->current;
  return std::nullopt;
}

// botocore's RefreshableCredentials: concurrent callers near expiry fetch once.
Credentials Session::State::credentials() const {
  if (auto fresh = current_if(kAdvisoryRefresh)) return *fresh;
  std::unique_lock turn(cache->refreshing, std::try_to_lock);
  if (!turn.owns_lock()) {
    if (auto usable = current_if(kMandatoryRefresh)) return *usable;
    turn.lock();
    if (auto fresh = current_if(kAdvisoryRefresh)) return *fresh;
  }
  const auto usable = current_if(kMandatoryRefresh);
  try {
    Credentials next = fetch();
    std::lock_guard lock(cache->mutex);
    cache->current = next;
    return next;
  } catch (const Error& e) {
    if (!usable) throw;
    spdlog::warn("could not refresh AWS credentials, using those from {} until {}: {}",
                 usable->source, iso_time(*usable->expiration), e.what());
    return *usable;
  }
}

Credentials Session::State::fetch() const {
  Credentials next;
  if (options.credential_source) {
    next = options.credential_source();
  } else if (cache->refresh) {
    next = cache->refresh();
  } else {
    auto resolved = resolve_credentials({files, profile.value, !explicit_profile(), options});
    next = std::move(resolved.credentials);
    cache->refresh = std::move(resolved.refresh);
  }
  if (next.expiration && *next.expiration <= Clock::now()) {
    throw Error(next.source + " returned credentials that expired at " +
                iso_time(*next.expiration));
  }
  spdlog::debug("AWS credentials from {}{}", next.source,
                next.expiration ? ", expiring at " + iso_time(*next.expiration) : "");
  return next;
}

std::optional<Setting> Session::State::services_endpoint_url(std::string_view service_id) const {
  static const IniFile kNoFile;
  const std::string* name = setting("services");
  if (name == nullptr) return std::nullopt;
  const IniSection* services = nullptr;
  const auto& config = files->config;
  for (const auto& section : config.ini ? *config.ini : kNoFile) {
    if (is_titled(section, "services", *name)) services = &section;
  }
  if (services == nullptr) {
    throw InputError("profile '" + profile.value + "' sets services = " + *name + " but " +
                     files->config.display + " has no [services " + *name + "] section");
  }
  const auto key = service_key(service_id);
  auto nested = services->subsections.find(key);
  if (nested == services->subsections.end() || !nested->second.contains("endpoint_url")) {
    return std::nullopt;
  }
  return Setting{nested->second.at("endpoint_url"), "endpoint_url of " + key + " in [services " +
                                                        *name + "] of " + files->config.display};
}

bool Session::State::ignores_configured_endpoints() const {
  auto ignore = env_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
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
  if (auto url = env_var(variable.c_str())) return Setting{*url, variable};
  if (auto url = services_endpoint_url(service_id)) return url;
  if (auto url = env_var("AWS_ENDPOINT_URL")) return Setting{*url, "AWS_ENDPOINT_URL"};
  const std::string* url = setting("endpoint_url");
  if (url == nullptr || url->empty()) return std::nullopt;
  return Setting{*url, "endpoint_url of profile '" + profile.value + "'"};
}

const std::string& Session::State::required_region() const {
  if (!checked_region()) {
    throw InputError("no AWS region: pass --region, set AWS_REGION, or add region to profile '" +
                     profile.value + "' in " + files->config.display);
  }
  return region.value;
}

namespace {

// A timeout in seconds from a flag or the profile; InputError naming where it was set.
std::chrono::milliseconds timeout_setting(const std::optional<double>& flag, const char* flag_name,
                                          const std::string* configured, const std::string& origin,
                                          std::chrono::milliseconds fallback) {
  double seconds = 0;
  std::string where;
  if (flag) {
    seconds = *flag;
    where = flag_name;
  } else if (configured) {
    where = origin;
    char* end = nullptr;
    seconds = std::strtod(configured->c_str(), &end);
    if (end == configured->c_str() || *end != '\0') seconds = -1;
  } else {
    return fallback;
  }
  // The AWS CLI reads 0 as "wait forever", which would let a hung endpoint stall a response.
  if (!(seconds > 0) || seconds > 86400)
    throw InputError(where + " must be a number of seconds above 0 (and at most a day)");
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

void Session::State::choose_timeouts() {
  const std::string in = " of profile '" + profile.value + "'";
  timeouts.connect =
      timeout_setting(options.connect_timeout, "--cli-connect-timeout",
                      setting("cli_connect_timeout"), "cli_connect_timeout" + in, timeouts.connect);
  timeouts.read =
      timeout_setting(options.read_timeout, "--cli-read-timeout", setting("cli_read_timeout"),
                      "cli_read_timeout" + in, timeouts.read);
}

void Session::State::choose_ca_bundle() {
  auto chosen = env_or_profile("AWS_CA_BUNDLE", "ca_bundle");
  if (!chosen || chosen->value.empty()) return;
  if (!std::filesystem::is_regular_file(chosen->value))
    throw InputError(chosen->origin + " names " + chosen->value +
                     ", which is not a file of CA certificates");
  ca_bundle = chosen->value;
}

Session::Session(SessionOptions options) {
  auto state = std::make_shared<State>();
  state->options = std::move(options);
  state->choose_profile();
  state->load_files();
  state->choose_region();
  state->choose_timeouts();
  state->choose_ca_bundle();
  state_ = std::move(state);
}

const Timeouts& Session::timeouts() const { return state_->timeouts; }

const std::string& Session::ca_bundle() const { return state_->ca_bundle; }

std::shared_ptr<const Session> Session::with_region(const std::string& region) const {
  if (!valid_region(region))
    throw InputError("invalid AWS region '" + region + "': expected a name like us-east-1");
  auto state = std::make_shared<State>();
  state->options = state_->options;
  state->options.region = region;
  state->profile = state_->profile;
  state->files = state_->files;
  state->sections = state_->sections;
  state->region = {region, "the resource's region"};
  state->timeouts = state_->timeouts;
  state->ca_bundle = state_->ca_bundle;
  state->cache = state_->cache;
  auto session = std::shared_ptr<Session>(new Session(nullptr));
  session->state_ = std::move(state);
  return session;
}

const std::string& Session::profile() const { return state_->profile.value; }

const std::string& Session::region() const { return state_->required_region(); }

Credentials Session::credentials() const {
  // Given explicitly: used as they are, never refreshed.
  if (state_->options.credentials) return *state_->options.credentials;
  return state_->credentials();
}

bool Session::State::switched_on(const char* variable, const std::string& key) const {
  auto chosen = env_or_profile(variable, key);
  if (!chosen) return false;
  std::string value = chosen->value;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "true") return true;
  if (value == "false") return false;
  throw InputError(chosen->origin + " must be true or false, not '" + chosen->value + "'");
}

Endpoint Session::endpoint(std::string_view service_id, std::string_view endpoint_prefix) const {
  if (auto configured = state_->configured_url(service_id)) {
    return {
        checked_url(configured->value, configured->origin, state_->options.allow_insecure_endpoint),
        state_->checked_region().value_or("us-east-1")};
  }
  const EndpointVariant variant{
      .fips = state_->switched_on("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
      .dualstack = state_->switched_on("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")};
  const auto& resolver = EndpointResolver::standard();
  if (auto region = state_->checked_region())
    return resolver.resolve(endpoint_prefix, *region, variant);
  if (auto global = resolver.resolve_global(endpoint_prefix, variant)) return *global;
  return resolver.resolve(endpoint_prefix, state_->required_region(), variant);
}

int Session::max_attempts() const {
  auto chosen = state_->env_or_profile("AWS_MAX_ATTEMPTS", "max_attempts");
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
