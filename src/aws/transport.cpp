#include "aws/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/error.h"

namespace custos::aws {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One easy handle per thread keeps its connections alive between calls.
CURL* thread_handle() {
  init_curl_once();
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(),
                                                                          curl_easy_cleanup);
  if (!handle) throw Error("cannot initialise libcurl");
  curl_easy_reset(handle.get());
  return handle.get();
}

size_t append_body(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

size_t append_header(char* data, size_t size, size_t count, void* target) {
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
    static_cast<Headers*>(target)->emplace_back(std::move(name), std::string(value));
  } else if (line.rfind("HTTP/", 0) == 0) {
    static_cast<Headers*>(target)->clear();  // a new response (after 100-continue or redirect)
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
  HttpResponse response;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  for (const auto& [name, value] : request.headers) {
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  // libcurl would add these on its own, changing what was signed.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  headers.reset(curl_slist_append(headers.release(), "Accept:"));

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  if (options.read_timeout.count() > 0) {
    // libcurl counts the low-speed window in whole seconds: at least one.
    auto quiet = std::chrono::ceil<std::chrono::seconds>(options.read_timeout).count();
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<long long>(quiet, 1)));
    curl_easy_setopt(
        curl, CURLOPT_TIMEOUT_MS,
        static_cast<long>((options.connect_timeout + 5 * options.read_timeout).count()));
  }
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // TLS peers are always verified (libcurl's default, stated so no change can drop it).
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    bool timeout = rc == CURLE_OPERATION_TIMEDOUT;
    throw NoResponseError(
        "no response from " + host_of(request.url) + ": " + curl_easy_strerror(rc) +
            (timeout ? " (cli_connect_timeout / cli_read_timeout set how long custos waits)"
                     : " (check the endpoint URL and your network)"),
        timeout);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace custos::aws
