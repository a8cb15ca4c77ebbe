// Credentials over HTTP from the platform: the container endpoint (ECS, EKS Pod Identity,
// Lambda) and the EC2 instance metadata service (IMDSv2).
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "aws/credentials_sources.h"
#include "aws/protocol_codec.h"
#include "aws/transport.h"
#include "core/error.h"
#include "core/file.h"

namespace custos::aws {
namespace {

using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

constexpr std::string_view kEcsAgent = "http://169.254.170.2";
// The hosts botocore lets a plain-http AWS_CONTAINER_CREDENTIALS_FULL_URI name, besides loopback.
constexpr std::string_view kContainerHosts[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                                "localhost"};
// As botocore's ContainerMetadataFetcher.
constexpr int kContainerAttempts = 3;
const TransportOptions kContainerTimeouts{2000ms, 2000ms};
constexpr auto kContainerRetryPause = 1s;

constexpr std::string_view kImdsV4 = "http://169.254.169.254";
constexpr std::string_view kImdsV6 = "http://[fd00:ec2::254]";
const TransportOptions kImdsTimeouts{1000ms, 1000ms};
constexpr std::string_view kImdsRolesPath = "/latest/meta-data/iam/security-credentials/";
// botocore's ec2_credential_refresh_window.
constexpr auto kImdsRefreshWindow = 15min;

bool is_true(const std::optional<std::string>& value) {
  return value && ascii_lower(*value) == "true";
}

bool is_loopback(const std::string& host) {
  unsigned char address[16];
  if (inet_pton(AF_INET, host.c_str(), address) == 1) return address[0] == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

void check_full_uri(const std::string& url) {
  if (ascii_lower(url.substr(0, 8)) == "https://") return;
  const std::string host = codec::url_host(url);
  if (is_loopback(host) || std::find(std::begin(kContainerHosts), std::end(kContainerHosts),
                                     host) != std::end(kContainerHosts)) {
    return;
  }
  throw InputError(
      "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to a loopback address or to "
      "169.254.170.2, 169.254.170.23, fd00:ec2::23 or localhost; host '" +
      host + "' is none of them");
}

// The Authorization header's value, read again at each fetch since agents rotate the file.
std::optional<std::string> container_token(const std::string& what) {
  std::optional<std::string> token;
  if (auto path = env_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    token = read_file(*path);
    if (!token) {
      throw Error(what + ": cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *path);
    }
  } else {
    token = env_var("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token && token->find_first_of("\r\n") != std::string::npos) {
    throw InputError(what +
                     ": the authorization token contains a line break, which cannot go "
                     "in an HTTP header");
  }
  return token;
}

// One GET; the reason it failed, or the parsed JSON object.
std::optional<Json> try_get_json(const HttpRequest& request, std::string& failure) {
  try {
    const HttpResponse response = send(request, kContainerTimeouts);
    if (response.status != 200) {
      failure = "HTTP " + std::to_string(response.status);
      return std::nullopt;
    }
    Json document = Json::parse(response.body, nullptr, false);
    if (!document.is_object()) {
      failure = "the answer is not a JSON object";
      return std::nullopt;
    }
    return document;
  } catch (const NoResponseError& e) {
    failure = e.what();
    return std::nullopt;
  }
}

// Metadata servers answer 200 with a JSON error when the role cannot be used.
void check_metadata_code(const Json& document, const std::string& what) {
  auto code = document.find("Code");
  if (code == document.end() || !code->is_string() || *code == "Success") return;
  auto message = document.find("Message");
  throw Error(what + " answered " + code->get<std::string>() +
              (message != document.end() && message->is_string()
                   ? ": " + message->get<std::string>()
                   : std::string()));
}

class Imds {
 public:
  explicit Imds(const InstanceMetadata& settings)
      : settings_(settings), what_("EC2 instance metadata (" + settings.endpoint + ")") {}

  Credentials fetch() {
    token_ = token();
    if (!token_ && settings_.v1_disabled) {
      throw Error(what_ +
                  " gave no IMDSv2 token and IMDSv1 is disabled (ec2_metadata_v1_disabled)");
    }
    const std::string roles = get(std::string(kImdsRolesPath));
    const std::string role = roles.substr(0, roles.find_first_of("\r\n"));
    const std::string source = what_ + ", role " + role;
    const Json document = Json::parse(get(std::string(kImdsRolesPath) + role), nullptr, false);
    if (document.is_object()) check_metadata_code(document, source);
    Credentials credentials = credentials_from_json(document, {}, source);
    extend_if_expiring(credentials);
    return credentials;
  }

 private:
  // botocore falls back to IMDSv1 when the token request is not answered or not allowed.
  std::optional<std::string> token() const {
    HttpRequest request{"PUT",
                        settings_.endpoint + "/latest/api/token",
                        {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                        ""};
    try {
      const HttpResponse response = send(request, kImdsTimeouts);
      if (response.status == 200 && !response.body.empty()) return response.body;
      if (response.status == 400) throw Error(what_ + " refused the token request (HTTP 400)");
    } catch (const NoResponseError&) {
    }
    return std::nullopt;
  }

  std::string get(const std::string& path) const {
    HttpRequest request{"GET", settings_.endpoint + path, {}, ""};
    if (token_) request.headers.emplace_back("x-aws-ec2-metadata-token", *token_);
    HttpResponse response;
    try {
      response = send(request, kImdsTimeouts);
    } catch (const NoResponseError& e) {
      throw Error(what_ + ": " + e.what());
    }
    if (response.status != 200 || response.body.empty()) {
      throw Error(what_ + ": GET " + path + " answered HTTP " + std::to_string(response.status) +
                  (response.body.empty() ? " with no body" : "") +
                  (response.status == 404 ? " (is an instance profile attached?)" : ""));
    }
    return response.body;
  }

  // botocore's static stability: keys the service hands out already (nearly) expired, as it
  // does while it is impaired, are used a few more minutes instead of fetched at every call.
  static void extend_if_expiring(Credentials& credentials) {
    thread_local std::mt19937 random{std::random_device{}()};
    const auto window =
        kImdsRefreshWindow + std::chrono::seconds(std::uniform_int_distribution(120, 600)(random));
    const auto now = Clock::now();
    if (now >= *credentials.expiration - window) credentials.expiration = now + window;
  }

  const InstanceMetadata& settings_;
  const std::string what_;
  std::optional<std::string> token_;
};

}  // namespace

std::optional<std::string> container_url() {
  if (auto relative = env_var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    return std::string(kEcsAgent) + *relative;
  }
  auto full = env_var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (full) check_full_uri(*full);
  return full;
}

Credentials fetch_container_credentials(const std::string& url) {
  const std::string what = "container credentials endpoint " + url;
  HttpRequest request{"GET", url, {{"Accept", "application/json"}}, ""};
  if (auto token = container_token(what)) request.headers.emplace_back("Authorization", *token);
  std::string failure;
  for (int attempt = 1; attempt <= kContainerAttempts; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(kContainerRetryPause);
    if (auto document = try_get_json(request, failure)) {
      check_metadata_code(*document, what);
      return credentials_from_json(*document, {}, what);
    }
  }
  throw Error(what + " failed after " + std::to_string(kContainerAttempts) +
              " attempts: " + failure);
}

std::optional<InstanceMetadata> instance_metadata(const Profile& profile) {
  if (is_true(env_var("AWS_EC2_METADATA_DISABLED"))) return std::nullopt;
  auto setting = [&](const char* variable, std::string_view key) {
    auto value = env_var(variable);
    if (const std::string* configured = profile.find(key); !value && configured) {
      value = *configured;
    }
    return value;
  };
  InstanceMetadata imds;
  imds.v1_disabled = is_true(setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"));
  if (auto endpoint =
          setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint")) {
    const auto scheme = ascii_lower(endpoint->substr(0, endpoint->find("://") + 3));
    if ((scheme != "http://" && scheme != "https://") || codec::url_host(*endpoint).empty()) {
      throw InputError("the EC2 metadata endpoint '" + *endpoint +
                       "' (AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint) "
                       "is not an http:// or https:// URL");
    }
    imds.endpoint = endpoint->substr(0, endpoint->find_last_not_of('/') + 1);
    return imds;
  }
  const auto mode = ascii_lower(
      setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode")
          .value_or("ipv4"));
  if (mode != "ipv4" && mode != "ipv6") {
    throw InputError("the EC2 metadata endpoint mode must be IPv4 or IPv6, not '" + mode + "'");
  }
  imds.endpoint = std::string(mode == "ipv6" ? kImdsV6 : kImdsV4);
  return imds;
}

Credentials fetch_instance_metadata_credentials(const InstanceMetadata& imds) {
  return Imds(imds).fetch();
}

}  // namespace custos::aws
