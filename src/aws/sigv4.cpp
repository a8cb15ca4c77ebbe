#include "aws/sigv4.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.h"
#include "core/error.h"

namespace custos::aws {
namespace {

using Digest = std::array<unsigned char, 32>;
using QueryPairs = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kPayloadHeader = "X-Amz-Content-SHA256";
// botocore leaves these unsigned: HTTP clients and proxies add or rewrite them in transit.
constexpr std::array<std::string_view, 4> kUnsignedHeaders = {"authorization", "expect",
                                                              "user-agent", "x-amzn-trace-id"};

// ---- Hashing (OpenSSL) -------------------------------------------------------------------

[[noreturn]] void openssl_failed(std::string_view what) {
  throw Error(fmt::format("{} failed in OpenSSL while signing an AWS request", what));
}

// OpenSSL 3 looks algorithms up by name on every implicit use, which costs more than hashing a
// request; so the algorithms are fetched once and each thread reuses its contexts.
EVP_MD_CTX* sha256_context() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 EVP_MD_CTX_free);
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) {
    openssl_failed("SHA-256 setup");
  }
  return ctx.get();
}

EVP_MAC_CTX* hmac_context() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  thread_local const std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> made(
        mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac), EVP_MAC_CTX_free);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (made != nullptr && EVP_MAC_CTX_set_params(made.get(), params) != 1) made.reset();
    return made;
  }();
  if (ctx == nullptr) openssl_failed("HMAC-SHA256 setup");
  return ctx.get();
}

Digest sha256(std::string_view data) {
  EVP_MD_CTX* ctx = sha256_context();
  Digest out;
  if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), nullptr) != 1) {
    openssl_failed("SHA-256");
  }
  return out;
}

Digest hmac(const unsigned char* key, size_t key_size, std::string_view data) {
  EVP_MAC_CTX* ctx = hmac_context();
  Digest out;
  size_t size = 0;
  if (EVP_MAC_init(ctx, key, key_size, nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &size, out.size()) != 1) {
    openssl_failed("HMAC-SHA256");
  }
  return out;
}

Digest hmac(const Digest& key, std::string_view data) { return hmac(key.data(), key.size(), data); }

std::string hex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

Digest derive_signing_key(const SigningParams& params, std::string_view date) {
  std::string secret = "AWS4" + params.secret_access_key;
  Digest key = hmac(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), date);
  OPENSSL_cleanse(secret.data(), secret.size());
  key = hmac(key, params.region);
  key = hmac(key, params.service);
  return hmac(key, "aws4_request");
}

// The key changes once a day per (secret, region, service) but costs four HMACs, more than the
// rest of a signature; each thread keeps its last few, so no lock sits on the hot path.
const Digest& signing_key(const SigningParams& params, std::string_view date) {
  struct Entry {
    std::string secret, date, region, service;
    Digest key{};
  };
  thread_local std::array<Entry, 4> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (e.date == date && e.region == params.region && e.service == params.service &&
        e.secret == params.secret_access_key) {
      return e.key;
    }
  }
  Entry& slot = cache[next++ % cache.size()];
  slot = Entry{params.secret_access_key, std::string(date), params.region, params.service,
               derive_signing_key(params, date)};
  return slot.key;
}

// ---- URL pieces and percent-encoding -----------------------------------------------------

struct Url {
  std::string_view origin;  // scheme://authority
  std::string_view scheme, host, port, path, query;
};

Url parse_url(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t authority_begin = scheme_end + 3;
  if (scheme_end == 0 || scheme_end == std::string_view::npos || authority_begin == url.size() ||
      url.find_first_of("/?#", authority_begin) == authority_begin) {
    throw Error(
        fmt::format("cannot sign AWS request: URL '{}' is not absolute (scheme://host/path)", url));
  }
  const size_t authority_end = std::min(url.find_first_of("/?#", authority_begin), url.size());
  Url parts;
  parts.origin = url.substr(0, authority_end);
  parts.scheme = url.substr(0, scheme_end);
  std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
  authority.remove_prefix(authority.find('@') + 1);  // drops user:password@ (npos + 1 == 0)
  const size_t colon = authority.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && authority.find(']', colon) == authority.npos;
  parts.host = has_port ? authority.substr(0, colon) : authority;
  parts.port = has_port ? authority.substr(colon + 1) : std::string_view();
  std::string_view rest = url.substr(authority_end);
  rest = rest.substr(0, rest.find('#'));
  const size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  parts.query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  return parts;
}

// What the HTTP client sends as Host: lower-case, with the port only when not the default.
std::string host_header(const Url& url) {
  std::string host = lowercase(std::string(url.host));
  const bool default_port = url.port.empty() || (iequals(url.scheme, "http") && url.port == "80") ||
                            (iequals(url.scheme, "https") && url.port == "443");
  if (!default_port) host += ":" + std::string(url.port);
  return host;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  out += '%';
  out += kDigits[c >> 4];
  out += kDigits[c & 15];
}

void append_byte(std::string& out, unsigned char c, bool keep_slash) {
  if (unreserved(c) || (keep_slash && c == '/')) {
    out += static_cast<char>(c);
  } else {
    append_escaped(out, c);
  }
}

// AWS's UriEncode: escapes every byte but the unreserved ones (and '/' when keep_slash).
std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) append_byte(out, c, keep_slash);
  return out;
}

// Rewrites already-encoded text in the canonical encoding the service recomputes on its side:
// %XX escapes are decoded first, so "%7e" becomes "~" and "%2f" stays "%2F".
std::string canonical_encoding(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const int high = text[i] == '%' && i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low >= 0) {
      append_byte(out, static_cast<unsigned char>(high * 16 + low), false);
      i += 2;
    } else {
      append_byte(out, static_cast<unsigned char>(text[i]), keep_slash);
    }
  }
  return out;
}

// RFC 3986 dot-segment removal plus the collapsing of empty segments AWS services expect.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  for (size_t begin = 0; begin <= path.size();) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const std::string_view segment = path.substr(begin, end - begin);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    begin = end + 1;
  }
  std::string out = path.empty() || path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (!path.empty() && path.back() == '/' && !segments.empty()) out += '/';
  return out;
}

std::string canonical_uri(std::string_view path, bool normalize) {
  // Services other than S3 sign the normalised wire path encoded once more ("double encoding").
  if (normalize) return uri_encode(remove_dot_segments(path), true);
  return path.empty() ? "/" : canonical_encoding(path, true);
}

QueryPairs query_pairs(std::string_view query) {
  QueryPairs pairs;
  for (size_t begin = 0; begin < query.size();) {
    const size_t end = std::min(query.find('&', begin), query.size());
    const std::string_view pair = query.substr(begin, end - begin);
    if (!pair.empty()) {
      const size_t equals = pair.find('=');
      pairs.emplace_back(
          canonical_encoding(pair.substr(0, equals), false),
          equals == pair.npos ? "" : canonical_encoding(pair.substr(equals + 1), false));
    }
    begin = end + 1;
  }
  return pairs;
}

std::string join_query(const QueryPairs& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::string canonical_query(QueryPairs pairs) {
  std::ranges::sort(pairs);
  return join_query(pairs);
}

// ---- Headers ----------------------------------------------------------------------------

const std::string* find_header(const Headers& headers, std::string_view name) {
  auto it = std::ranges::find_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  return it == headers.end() ? nullptr : &it->second;
}

void set_header(Headers& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// Trimall: no leading or trailing white space, inner runs of it reduced to one space.
void append_trimmed(std::string& out, std::string_view value) {
  bool pending_space = false;
  const size_t start = out.size();
  for (char c : value) {
    if (is_space(c)) {
      pending_space = out.size() > start;
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out += c;
    }
  }
}

struct CanonicalHeaders {
  std::string lines;  // "name:value\n" per signed header, sorted by name
  std::string names;  // "host;x-amz-date"
};

// `host` is signed when the request has no Host header: the HTTP client will send that value.
CanonicalHeaders canonical_headers(const Headers& headers, std::string_view host) {
  std::vector<std::pair<std::string, std::string_view>> signed_headers;
  for (const auto& [name, value] : headers) {
    std::string key = lowercase(std::string(name));
    if (std::ranges::find(kUnsignedHeaders, key) == kUnsignedHeaders.end()) {
      signed_headers.emplace_back(std::move(key), value);
    }
  }
  if (std::ranges::find(signed_headers, "host", &decltype(signed_headers)::value_type::first) ==
      signed_headers.end()) {
    signed_headers.emplace_back("host", host);
  }
  // Stable: a repeated header's values are signed in the order they are sent.
  std::ranges::stable_sort(signed_headers, {}, &decltype(signed_headers)::value_type::first);
  CanonicalHeaders out;
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    const auto& [name, value] = signed_headers[i];
    const bool repeated = i > 0 && signed_headers[i - 1].first == name;
    if (repeated) {
      out.lines.back() = ',';  // a repeated header's values share one line, comma-separated
    } else {
      if (!out.names.empty()) out.names += ';';
      out.names += name;
      out.lines += name;
      out.lines += ':';
    }
    append_trimmed(out.lines, value);
    out.lines += '\n';
  }
  return out;
}

std::string payload_hash(const HttpRequest& request, const SigningParams& params) {
  if (const std::string* declared = find_header(request.headers, kPayloadHeader)) return *declared;
  return params.unsigned_payload ? std::string(kUnsignedPayload) : hex(sha256(request.body));
}

// ---- Signature --------------------------------------------------------------------------

struct Scope {
  std::string timestamp;   // 20150830T123600Z
  std::string scope;       // 20150830/us-east-1/service/aws4_request
  std::string credential;  // access key id/scope
};

Scope make_scope(const SigningParams& params) {
  if (params.access_key_id.empty() || params.secret_access_key.empty()) {
    throw Error(
        "cannot sign AWS request: the access key id or secret access key is empty; "
        "check the credentials configuration");
  }
  if (params.region.empty() || params.service.empty()) {
    throw Error(
        "cannot sign AWS request: no signing region or service; set a region "
        "(--region, AWS_REGION or the profile's region)");
  }
  const auto seconds = std::chrono::floor<std::chrono::seconds>(params.time);
  const auto day = std::chrono::floor<std::chrono::days>(seconds);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{seconds - day};
  Scope scope;
  scope.timestamp =
      fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  time.hours().count(), time.minutes().count(), time.seconds().count());
  scope.scope = fmt::format("{}/{}/{}/aws4_request", std::string_view(scope.timestamp).substr(0, 8),
                            params.region, params.service);
  scope.credential = params.access_key_id + "/" + scope.scope;
  return scope;
}

struct CanonicalParts {
  std::string_view method, uri, query;
  const CanonicalHeaders& headers;
  std::string_view payload_hash;
};

SigningSteps compute(const CanonicalParts& parts, const SigningParams& params, const Scope& scope) {
  SigningSteps steps;
  std::string& request = steps.canonical_request;
  request.reserve(parts.method.size() + parts.uri.size() + parts.query.size() +
                  parts.headers.lines.size() + parts.headers.names.size() +
                  parts.payload_hash.size() + 5);
  std::ranges::transform(parts.method, std::back_inserter(request), [](char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  });
  for (std::string_view piece : {parts.uri, parts.query, std::string_view(parts.headers.lines),
                                 std::string_view(parts.headers.names), parts.payload_hash}) {
    request += '\n';
    request += piece;
  }
  steps.string_to_sign =
      fmt::format("{}\n{}\n{}\n{}", kAlgorithm, scope.timestamp, scope.scope, hex(sha256(request)));
  const Digest& key = signing_key(params, std::string_view(scope.timestamp).substr(0, 8));
  steps.signature = hex(hmac(key, steps.string_to_sign));
  return steps;
}

}  // namespace

void sign_request(HttpRequest& request, const SigningParams& params, SigningSteps* steps) {
  const Scope scope = make_scope(params);
  const Url url = parse_url(request.url);
  Headers& headers = request.headers;
  std::erase_if(headers, [](const auto& h) { return iequals(h.first, "authorization"); });
  if (find_header(headers, "host") == nullptr) headers.emplace_back("Host", host_header(url));
  set_header(headers, "X-Amz-Date", scope.timestamp);
  if (!params.session_token.empty())
    set_header(headers, "X-Amz-Security-Token", params.session_token);
  if (params.payload_hash_header || params.unsigned_payload) {
    set_header(headers, kPayloadHeader,
               params.unsigned_payload ? std::string(kUnsignedPayload) : hex(sha256(request.body)));
  }
  const CanonicalHeaders signed_headers = canonical_headers(headers, {});
  const std::string uri = canonical_uri(url.path, params.normalize_path);
  const std::string query = canonical_query(query_pairs(url.query));
  const std::string payload = payload_hash(request, params);
  SigningSteps result =
      compute({request.method, uri, query, signed_headers, payload}, params, scope);
  headers.emplace_back("Authorization",
                       fmt::format("{} Credential={}, SignedHeaders={}, Signature={}", kAlgorithm,
                                   scope.credential, signed_headers.names, result.signature));
  if (steps != nullptr) *steps = std::move(result);
}

std::string presign_url(const HttpRequest& request, const SigningParams& params,
                        std::chrono::seconds expires, SigningSteps* steps) {
  const Scope scope = make_scope(params);
  const Url url = parse_url(request.url);
  const CanonicalHeaders signed_headers = canonical_headers(request.headers, host_header(url));
  QueryPairs query = query_pairs(url.query);
  auto add = [&](std::string_view key, std::string_view value) {
    query.emplace_back(std::string(key), uri_encode(value, false));
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", scope.credential);
  add("X-Amz-Date", scope.timestamp);
  add("X-Amz-Expires", std::to_string(expires.count()));
  add("X-Amz-SignedHeaders", signed_headers.names);
  if (!params.session_token.empty()) add("X-Amz-Security-Token", params.session_token);
  // The URL carries the parameters in the canonical encoding, so it says exactly what was signed.
  std::string presigned = fmt::format("{}{}?{}", url.origin, url.path, join_query(query));
  const std::string uri = canonical_uri(url.path, params.normalize_path);
  const std::string canonical = canonical_query(std::move(query));
  const std::string payload = payload_hash(request, params);
  SigningSteps result =
      compute({request.method, uri, canonical, signed_headers, payload}, params, scope);
  presigned += "&X-Amz-Signature=" + result.signature;
  if (steps != nullptr) *steps = std::move(result);
  return presigned;
}

}  // namespace custos::aws
