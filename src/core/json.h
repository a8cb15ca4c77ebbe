// The document type of custos: AWS params/results (boto3's shape), resources, events.
#pragma once

#include <nlohmann/json.hpp>

namespace custos {
using Json = nlohmann::json;
}
