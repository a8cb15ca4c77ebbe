#include "aws/http.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace custos::aws {
namespace {}  // namespace

const std::string& HttpResponse::header(std::string_view name) const {
  static const std::string kAbsent;
  // Case-insensitive so that a caller's "Content-Type" still finds "content-type".
  auto it = std::ranges::find_if(headers, [&](const auto& h) { return iequals(h.first, name); });
  return it == headers.end() ? kAbsent : it->second;
}

}  // namespace custos::aws
