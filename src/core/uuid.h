// Random (version 4) UUIDs: execution ids, idempotency tokens.
#pragma once

#include <string>

namespace custos {
std::string random_uuid();
}
