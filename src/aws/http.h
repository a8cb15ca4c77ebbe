// Plain HTTP messages exchanged between the protocol layer, the signer and the transport.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace custos::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // absolute: scheme://host[:port]/path?query (percent-encoded)
  Headers headers;  // names as given; the signer and transport add Host, X-Amz-Date, ...
  std::string body;
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;

  // Value of the first header named `name` (lower-case), or "" when absent.
  const std::string& header(std::string_view name) const;
};

}  // namespace custos::aws
