// Build facts: the version string and where botocore's service models were found.
#pragma once

#include <string_view>

namespace custos {
std::string_view version();
// Default folder of botocore's data (service models); CUSTOS_BOTOCORE_DATA overrides it.
std::string_view botocore_data_default();
}  // namespace custos
