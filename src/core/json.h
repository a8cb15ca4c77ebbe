// The document type of custos: AWS params/results (boto3's shape), resources, events.
#pragma once

#include <nlohmann/json.hpp>

namespace custos {
using Json = nlohmann::json;

// `over` written onto `base`, mapping into mapping, anything else (lists included) replaced:
// Cloud Custodian's merge_dict, for settings merged into the ones in place.
inline Json merged(Json base, const Json& over) {
  if (!base.is_object() || !over.is_object()) return over;
  for (const auto& [key, value] : over.items()) base[key] = merged(base.value(key, Json()), value);
  return base;
}
}  // namespace custos
