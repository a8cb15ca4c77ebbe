// A generated corpus of requests for comparing custos's SigV4 signer with botocore's: real
// botocore operations serialized by custos with awkward parameters, and raw URLs, headers and
// bodies that stress canonicalisation. Fixed seeds: the same corpus on every run.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "aws/model.h"
#include "aws/protocol.h"
#include "aws/protocol_codec.h"
#include "aws/sigv4.h"
#include "core/ascii.h"
#include "core/json.h"

namespace custos::aws::corpus {

struct Case {
  std::string name{};  // how to find it again: generator, operation, index
  HttpRequest request{};
  SigningParams params{};
  bool presign = false;
  int expires = 3600;
};

// mt19937_64's sequence is fixed by the standard (the <random> distributions are not), so a
// seed gives the same corpus with every standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  size_t below(size_t n) { return n == 0 ? 0 : engine_() % n; }
  bool percent(unsigned p) { return below(100) < p; }
  template <class Range>
  const auto& pick(const Range& items) {
    return *std::next(std::begin(items), below(std::size(items)));
  }

 private:
  std::mt19937_64 engine_;
};

// What makes canonicalisation go wrong: unicode, white space, every reserved character, escapes
// that look decoded already, and the pieces of double slashes and dot segments.
inline constexpr std::array<std::string_view, 45> kPieces = {
    "a",   "Web", "name-1", "x_y", "v2.0", " ",   "  ",  "café", "日本語",  "✓",   "😀",   "Ünï",
    "!",   "'",   "(",      ")",   "*",    "~",   "+",   "&",    "=",       ";",   ":",   ",",
    "/",   "?",   "#",      "[",   "]",    "@",   "$",   "%",    "%2F",     "%20", "%zz", "//",
    "/./", "..",  "/../",   ".",   "a b",  "a+b", "x=y", "é/ü",  "\xc2\xa9"};

inline std::string lowercase(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

inline std::string text(Rng& rng, size_t most = 4) {
  std::string out;
  for (size_t n = 1 + rng.below(most); n > 0; --n) out += rng.pick(kPieces);
  return out;
}

inline std::string token(Rng& rng, std::string_view alphabet, size_t length) {
  std::string out;
  for (size_t i = 0; i < length; ++i) out += alphabet[rng.below(alphabet.size())];
  return out;
}

inline std::string dns_label(Rng& rng) {
  return "b" + token(rng, "abcdefghijklmnopqrstuvwxyz0123456789-", 3 + rng.below(20)) + "1";
}

// A header value as callers write them: runs of spaces and tabs inside and around the text.
inline std::string header_value(Rng& rng) {
  static constexpr std::array<std::string_view, 5> kSpace = {"", " ", "   ", "\t", " \t "};
  return std::string(rng.pick(kSpace)) + text(rng) + std::string(rng.pick(kSpace)) + text(rng) +
         std::string(rng.pick(kSpace));
}

// Empty (many requests), small text, binary, and one in twenty 1 MB.
inline std::string body(Rng& rng) {
  const size_t kind = rng.below(20);
  if (kind < 8) return "";
  if (kind < 14) return text(rng, 12);
  if (kind < 19) return token(rng, std::string_view("\0\x01\xff\xfe\r\n{}\"\\ab", 12), 64);
  std::string large(1 << 20, 'x');
  for (size_t i = 0; i < large.size(); i += 997) large[i] = static_cast<char>(rng.below(256));
  return large;
}

inline Credentials credentials(Rng& rng) {
  constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  constexpr std::string_view kSecret =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Credentials out;
  out.access_key_id =
      rng.percent(50) ? "AKIA" + token(rng, kUpper, 16) : "ASIA" + token(rng, kUpper, 16);
  out.secret_access_key = token(rng, kSecret, 40);
  if (rng.percent(50)) out.session_token = token(rng, kSecret, 40 + rng.below(300)) + "==";
  return out;
}

// Any second from 2015 to 2034, so that dates, months and leap days vary.
inline std::chrono::system_clock::time_point signing_time(Rng& rng) {
  constexpr std::int64_t kStart = 1420070400;  // 2015-01-01T00:00:00Z
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(kStart + static_cast<std::int64_t>(rng.below(20LL * 365 * 86400))));
}

inline constexpr std::array<std::string_view, 6> kRegions = {
    "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"};

// ---- Parameters for real operations, from their input shapes ----------------------------

// boto3-shaped parameters for any input shape: every required member and some optional ones,
// strings full of kPieces. Headers get header-like values and names, host labels DNS labels,
// idempotency tokens fixed ones (custos would draw random ones).
class ParamsGenerator {
 public:
  explicit ParamsGenerator(Rng& rng) : rng_(rng) {}

  Json structure(const Shape& shape, int depth = 0) {
    Json out = Json::object();
    if (shape.document) return out;
    if (shape.is_union && !shape.members.empty()) {
      const auto& [name, ref] = rng_.pick(shape.members);
      if (ref.shape) out[name] = value(ref, depth + 1);
      return out;
    }
    for (const auto& [name, ref] : shape.members) {
      if (ref.shape && wanted(shape, name, ref, depth)) out[name] = value(ref, depth + 1);
    }
    return out;
  }

 private:
  bool wanted(const Shape& shape, const std::string& name, const ShapeRef& ref, int depth) {
    const bool required = std::ranges::find(shape.required, name) != shape.required.end();
    if (ref.json_value || ref.shape->document) return false;
    return required || ref.idempotency_token || (depth < 3 && rng_.percent(35));
  }

  Json value(const ShapeRef& ref, int depth) {
    const Shape& shape = *ref.shape;
    if (ref.idempotency_token) return "00000000-0000-4000-8000-" + token(rng_, "0123456789", 12);
    if (ref.host_label) return dns_label(rng_);
    if (ref.location == "headers") return header_map();
    if (shape.type == "structure") return structure(shape, depth);
    if (shape.type == "list") return list(shape, depth);
    if (shape.type == "map") return map(shape, depth);
    return scalar(ref);
  }

  Json list(const Shape& shape, int depth) {
    Json out = Json::array();
    for (size_t n = 1 + rng_.below(3); n > 0; --n) out.push_back(value(shape.member, depth + 1));
    return out;
  }

  Json map(const Shape& shape, int depth) {
    Json out = Json::object();
    for (size_t n = 1 + rng_.below(2); n > 0; --n) out[text(rng_)] = value(shape.value, depth + 1);
    return out;
  }

  // S3's x-amz-meta-* and the like: names must be tokens, values anything.
  Json header_map() {
    Json out = Json::object();
    for (size_t n = 1 + rng_.below(3); n > 0; --n) {
      out[token(rng_, "abcdefghijklmnopqrstuvwxyz0123456789-_", 1 + rng_.below(12))] =
          header_value(rng_);
    }
    return out;
  }

  Json scalar(const ShapeRef& ref) {
    const std::string& type = ref.shape->type;
    if (type == "integer" || type == "long") return static_cast<int>(rng_.below(100000));
    if (type == "float" || type == "double") return 0.25 * static_cast<double>(rng_.below(1000));
    if (type == "boolean") return rng_.percent(50);
    if (type == "timestamp") {
      return rng_.percent(50) ? Json("2024-02-29T23:59:59Z") : Json(1700000000 + rng_.below(1000));
    }
    return ref.location == "header" ? header_value(rng_) : text(rng_);
  }

  Rng& rng_;
};

// ---- Requests of real operations ---------------------------------------------------------

// One call to make: an operation of a loaded model, its parameters and where to send it.
struct Call {
  std::shared_ptr<const ServiceModel> model;
  const Operation* op = nullptr;
  Json params;
  Endpoint endpoint;
};

// Serialized by custos's protocol code and signed with the parameters custos's client uses.
// Throws InputError when custos refuses the parameters (e.g. a label it cannot place).
inline Case model_case(const Call& call, Rng& rng) {
  Case out;
  out.name = call.model->service_name() + " " + call.op->name;
  out.request = serialize_request(*call.model, *call.op, call.params, call.endpoint.url);
  out.params = signing_params(*call.model, call.endpoint, credentials(rng), signing_time(rng));
  return out;
}

// `count` cases of the calls `draw(rng)` makes up; calls custos refuses are drawn again.
template <class Draw>
std::vector<Case> model_cases(size_t count, std::uint64_t seed, Draw draw) {
  Rng rng(seed);
  std::vector<Case> out;
  for (size_t attempt = 0; out.size() < count && attempt < 4 * count; ++attempt) {
    try {
      out.push_back(model_case(draw(rng), rng));
    } catch (const InputError&) {
      continue;
    }
    out.back().name += " #" + std::to_string(out.size());
  }
  return out;
}

inline Json input_params(const Operation& op, Rng& rng) {
  return op.input.shape ? ParamsGenerator(rng).structure(*op.input.shape) : Json::object();
}

// Any operation of `services`, in a random region, at its default endpoint.
inline auto any_operation(std::vector<std::string> services) {
  return [services = std::move(services)](Rng& rng) {
    Call call;
    call.model = ServiceModel::load(rng.pick(services));
    call.op = &call.model->operation(rng.pick(call.model->operation_names()));
    call.params = input_params(*call.op, rng);
    call.endpoint = EndpointResolver::standard().resolve(call.model->metadata().endpoint_prefix,
                                                         rng.pick(kRegions));
    return call;
  };
}

// The S3 operations on a bucket. Virtual-hosted: a DNS-label bucket at AWS's endpoint. Path
// style: a bucket that is no DNS label at AWS's endpoint, or any bucket at an emulator's.
inline auto bucket_operation(bool virtual_hosted) {
  return [virtual_hosted](Rng& rng) {
    static constexpr std::array<std::string_view, 4> kEmulators = {
        "http://127.0.0.1:5000", "http://localhost:4566", "https://minio.example.com:9000",
        "http://[::1]:9000"};
    Call call;
    call.model = ServiceModel::load("s3");
    const bool object = rng.percent(60);  // keys are where paths get awkward
    do {
      call.op = &call.model->operation(rng.pick(call.model->operation_names()));
    } while (!call.op->request_uri.starts_with("/{Bucket}") ||
             (object && call.op->request_uri.find("{Key+}") == std::string::npos));
    call.params = input_params(*call.op, rng);
    const std::string region(rng.pick(kRegions));
    call.endpoint = EndpointResolver::standard().resolve("s3", region);
    const bool emulator = !virtual_hosted && rng.percent(50);
    if (emulator) call.endpoint = {std::string(rng.pick(kEmulators)), region};
    call.params["Bucket"] = virtual_hosted || emulator ? dns_label(rng) : "Logs_" + dns_label(rng);
    if (call.params.contains("Body") && rng.percent(20))
      call.params["Body"] = std::string(1 << 20, 'b');
    return call;
  };
}

// ---- Raw requests ------------------------------------------------------------------------

// Where SDKs and emulators send requests: regional and global hosts, explicit default and
// other ports, upper-case hosts, loopback by name, IPv4 and IPv6.
inline std::string raw_origin(Rng& rng, std::string_view service) {
  const std::string region(rng.pick(kRegions));
  switch (rng.below(6)) {
    case 0:
      return fmt::format("https://{}.{}.amazonaws.com:443", service, region);
    case 1:
      return fmt::format("https://{}.amazonaws.com", service);
    case 2:
      return fmt::format("https://{}.{}.AmazonAWS.com", service, region);
    case 3:
      return fmt::format("https://{}.{}.amazonaws.com:8443", service, region);
    case 4:
      return rng.pick(std::array{"http://127.0.0.1:5000", "http://localhost:80"});
    default:
      return "http://[::1]:4566";
  }
}

// A path as botocore builds one: text escaped as a URI label (S3 keeps '/', as for keys),
// between double slashes and dot segments. Other services also get raw reserved characters,
// which both signers escape the same way.
inline std::string raw_path(Rng& rng, bool s3) {
  static constexpr std::array<std::string_view, 4> kStructure = {"", ".", "..", "/"};
  std::string path;
  for (size_t n = rng.below(6); n > 0; --n) {
    path += '/';
    std::string piece = text(rng);
    if (rng.percent(20)) {
      path += rng.pick(kStructure);
    } else if (!s3 && rng.percent(30)) {
      std::erase_if(piece, [](char c) { return c == '?' || c == '#'; });
      path += piece;
    } else {
      path += codec::percent_encode(piece, s3 && rng.percent(70) ? "/" : "");
    }
  }
  return path.empty() || rng.percent(20) ? path + "/" : path;
}

// Pairs escaped as botocore escapes them, some repeated, some empty, some bare keys.
inline std::string raw_query(Rng& rng, bool repeat_keys) {
  std::string query;
  std::vector<std::string> keys;
  for (size_t n = rng.below(6); n > 0; --n) {
    std::string key = repeat_keys && !keys.empty() && rng.percent(25)
                          ? rng.pick(keys)
                          : codec::percent_encode(text(rng));
    if (std::ranges::find(keys, key) != keys.end() && !repeat_keys) continue;
    keys.push_back(key);
    query += (query.empty() ? "" : "&") + key;
    if (rng.percent(80)) query += "=" + (rng.percent(15) ? "" : codec::percent_encode(text(rng)));
  }
  return query;
}

// Custom and metadata headers, some sent twice (the second time in another case), and the
// ones both signers leave unsigned.
inline Headers raw_headers(Rng& rng) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "X-Amz-Meta-Note", "X-Custom",        "Content-Type", "x-amz-server-side-encryption",
      "User-Agent",      "X-Amzn-Trace-Id", "Expect"};
  Headers headers;
  for (size_t n = rng.below(6); n > 0; --n) {
    const std::string name(rng.pick(kNames));
    headers.emplace_back(name, header_value(rng));
    if (rng.percent(25)) headers.emplace_back(lowercase(name), header_value(rng));
  }
  return headers;
}

// A request of no operation: every awkward path, query, header and body, signed for a service
// named at random (S3's signer when `s3`).
inline Case raw_case(Rng& rng, bool s3) {
  static constexpr std::array<std::string_view, 5> kServices = {"ec2", "iam", "lambda",
                                                                "execute-api", "logs"};
  static constexpr std::array<std::string_view, 6> kMethods = {"GET",    "POST", "PUT",
                                                               "DELETE", "HEAD", "PATCH"};
  const std::string service(s3 ? "s3" : rng.pick(kServices));
  std::string url = raw_origin(rng, service) + raw_path(rng, s3);
  if (const std::string query = raw_query(rng, true); !query.empty() || rng.percent(10))
    url += "?" + query;
  Case out;
  out.request = {std::string(rng.pick(kMethods)), url, raw_headers(rng), body(rng)};
  const Credentials keys = credentials(rng);
  out.params = {keys.access_key_id,
                keys.secret_access_key,
                keys.session_token,
                std::string(rng.pick(kRegions)),
                service,
                signing_time(rng)};
  out.params.normalize_path = !s3;
  out.params.payload_hash_header = s3;
  // botocore signs the payload over plain HTTP whatever it is told, except for S3.
  out.params.unsigned_payload = (s3 || url.starts_with("https:")) && rng.percent(20);
  return out;
}

inline std::vector<Case> raw_cases(size_t count, std::uint64_t seed, bool s3) {
  Rng rng(seed);
  std::vector<Case> out;
  while (out.size() < count) {
    out.push_back(raw_case(rng, s3));
    out.back().name = fmt::format("raw {} #{}", s3 ? "s3" : out.back().params.service, out.size());
  }
  return out;
}

// ---- Variants ----------------------------------------------------------------------------

inline bool repeats_a_key(std::string_view url) {
  const size_t question = url.find('?');
  std::vector<std::string_view> keys;
  for (size_t begin = question + 1; question != url.npos && begin <= url.size();) {
    const size_t end = std::min(url.find('&', begin), url.size());
    const std::string_view pair = url.substr(begin, end - begin);
    keys.push_back(pair.substr(0, pair.find('=')));
    begin = end + 1;
  }
  std::ranges::sort(keys);
  return std::ranges::adjacent_find(keys) != keys.end();
}

// The case as a presigned URL, when botocore's query signer can take it: it moves a body into
// the query and keeps only the first value of a repeated key, which custos's presigning does
// not mean to do. Query-protocol forms go into the URL of a GET, as in presigned STS URLs.
inline std::optional<Case> presigned(Case c, Rng& rng) {
  HttpRequest& request = c.request;
  const std::string* type = codec::find_header(request.headers, "Content-Type");
  if (type != nullptr && type->starts_with("application/x-www-form-urlencoded")) {
    request.url += (request.url.find('?') == request.url.npos ? "?" : "&") + request.body;
    request.body.clear();
    request.method = "GET";
    std::erase_if(request.headers, [](const auto& h) { return iequals(h.first, "Content-Type"); });
  }
  if (!request.body.empty() || repeats_a_key(request.url)) return std::nullopt;
  static constexpr std::array<int, 6> kExpiries = {1, 60, 900, 3600, 43200, 604800};
  c.presign = true;
  c.expires = rng.pick(kExpiries);
  c.params.payload_hash_header = false;
  c.params.unsigned_payload = !c.params.normalize_path;  // S3's presigned URLs never sign one
  c.name = "presigned " + c.name;
  return c;
}

inline std::vector<Case> presigned(const std::vector<Case>& cases, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Case> out;
  for (const Case& c : cases) {
    if (auto url = presigned(c, rng)) out.push_back(std::move(*url));
  }
  return out;
}

}  // namespace custos::aws::corpus
