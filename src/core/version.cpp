#include "core/version.h"

namespace custos {
std::string_view version() { return CUSTOS_VERSION; }
std::string_view botocore_data_default() { return CUSTOS_BOTOCORE_DATA_DEFAULT; }
}  // namespace custos
