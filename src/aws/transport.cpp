#include "aws/transport.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <memory>

#include "core/error.h"

namespace custos::aws {
namespace {

// libcurl's functions, loaded from libcurl.so.4 at the first request: libcurl and the ~30
// libraries it links cost more start-up time than the rest of custos (docs/architecture.md), and
// most commands never reach the network.
struct Curl {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL* handle);
  void (*easy_reset)(CURL* handle);
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* line);
  void (*slist_free_all)(curl_slist* list);
};

template <typename Function>
void bind(void* library, const char* name, Function& function) {
  function = reinterpret_cast<Function>(dlsym(library, name));
  if (!function)
    throw Error(std::string("libcurl.so.4 has no ") + name + ": install Debian's libcurl4");
}

Curl load_curl() {
  void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!library)
    throw Error(std::string("custos reaches AWS through libcurl, which cannot be loaded (") +
                dlerror() + "): install it with apt-get install libcurl4");
  Curl curl{};
  bind(library, "curl_global_init", curl.global_init);
  bind(library, "curl_easy_init", curl.easy_init);
  bind(library, "curl_easy_cleanup", curl.easy_cleanup);
  bind(library, "curl_easy_reset", curl.easy_reset);
  bind(library, "curl_easy_setopt", curl.easy_setopt);
  bind(library, "curl_easy_perform", curl.easy_perform);
  bind(library, "curl_easy_getinfo", curl.easy_getinfo);
  bind(library, "curl_easy_strerror", curl.easy_strerror);
  bind(library, "curl_slist_append", curl.slist_append);
  bind(library, "curl_slist_free_all", curl.slist_free_all);
  curl.global_init(CURL_GLOBAL_DEFAULT);
  return curl;  // the library stays loaded for the process's life
}

const Curl& curl_api() {
  static const Curl curl = load_curl();  // thread-safe, once; a failure is retried next call
  return curl;
}

// One easy handle per thread keeps its connections alive between calls.
CURL* thread_handle() {
  const Curl& api = curl_api();
  thread_local std::unique_ptr<CURL, void (*)(CURL*)> handle(api.easy_init(), api.easy_cleanup);
  if (!handle) throw Error("cannot initialise libcurl");
  api.easy_reset(handle.get());
  return handle.get();
}

// A body of up to this size is given its room (its Content-Length) when it starts, rather than
// grown (and copied) as it comes, which also spares the heap a trail of freed buffers.
constexpr std::uint64_t kReservedBody = std::uint64_t{256} << 20;

void reserve_body(HttpResponse& response) {
  const std::string& length = response.header("content-length");
  std::uint64_t size = 0;
  auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), size);
  if (error == std::errc() && end == length.data() + length.size() && size <= kReservedBody)
    response.body.reserve(size);
}

size_t append_body(char* data, size_t size, size_t count, void* target) {
  auto& response = *static_cast<HttpResponse*>(target);
  if (response.body.empty()) reserve_body(response);
  response.body.append(data, size * count);
  return size * count;
}

size_t append_header(char* data, size_t size, size_t count, void* target) {
  auto& response = *static_cast<HttpResponse*>(target);
  std::string_view line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
      value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
      value.remove_suffix(1);
    response.headers.emplace_back(std::move(name), std::string(value));
  } else if (line.rfind("HTTP/", 0) == 0) {
    response.headers.clear();  // a new response (after 100-continue or redirect)
  }
  return size * count;
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find('/', start) - start);
}

}  // namespace

HttpResponse send(const HttpRequest& request, const TransportOptions& options) {
  CURL* curl = thread_handle();
  const Curl& api = curl_api();
  HttpResponse response;
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, api.slist_free_all);
  for (const auto& [name, value] : request.headers) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers.reset(api.slist_append(headers.release(), line.c_str()));
  }
  // libcurl would add these on its own, changing what was signed.
  headers.reset(api.slist_append(headers.release(), "Expect:"));
  headers.reset(api.slist_append(headers.release(), "Accept:"));

  api.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  // S3 signs dot segments as they are (its keys may hold them); libcurl would resolve them.
  api.easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  api.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  api.easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    api.easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    api.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                    static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method == "HEAD") api.easy_setopt(curl, CURLOPT_NOBODY, 1L);
  api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                  static_cast<long>(options.connect_timeout.count()));
  if (options.read_timeout.count() > 0) {
    // libcurl counts the low-speed window in whole seconds: at least one.
    auto quiet = std::chrono::ceil<std::chrono::seconds>(options.read_timeout).count();
    api.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long long>(quiet, 1)));
    api.easy_setopt(
        curl, CURLOPT_TIMEOUT_MS,
        static_cast<long>((options.connect_timeout + 5 * options.read_timeout).count()));
  }
  api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // TLS peers are always verified (libcurl's default, stated so no change can drop it).
  api.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  api.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) api.easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  api.easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  api.easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  api.easy_setopt(curl, CURLOPT_HEADERDATA, &response);

  CURLcode rc = api.easy_perform(curl);
  if (rc != CURLE_OK) {
    bool timeout = rc == CURLE_OPERATION_TIMEDOUT;
    throw NoResponseError(
        "no response from " + host_of(request.url) + ": " + api.easy_strerror(rc) +
            (timeout ? " (cli_connect_timeout / cli_read_timeout set how long custos waits)"
                     : " (check the endpoint URL and your network)"),
        timeout);
  }
  long status = 0;
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

void load_http_library() { curl_api(); }

}  // namespace custos::aws
