// Test helper: puts parsed results in a form comparable with botocore's expectations.
#pragma once

#include "aws/model.h"
#include "aws/protocol_codec.h"
#include "core/json.h"

namespace custos::aws::compare {

// Our results carry ISO timestamps and base64 blobs; the suites compare epoch seconds and
// decoded bytes.
inline Json normalized(const ShapeRef& ref, const Json& value) {
  if (!ref.shape) return value;
  const Shape& shape = *ref.shape;
  if (shape.type == "timestamp" && value.is_string()) {
    const auto t = custos::aws::codec::parse_timestamp(value.get<std::string>());
    if (!t) return value;
    return t->micros == 0 ? Json(t->seconds) : Json(double(t->seconds) + t->micros / 1e6);
  }
  if (shape.type == "blob" && value.is_string())
    return custos::aws::codec::base64_decode(value.get<std::string>());
  Json out = value;
  if (shape.type == "structure" && value.is_object() && !shape.document) {
    for (const auto& [name, member] : shape.members) {
      if (value.contains(name)) out[name] = normalized(member, value[name]);
    }
  } else if (shape.type == "list" && value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) out[i] = normalized(shape.member, value[i]);
  } else if (shape.type == "map" && value.is_object()) {
    for (const auto& [key, item] : value.items()) out[key] = normalized(shape.value, item);
  }
  return out;
}

}  // namespace custos::aws::compare
