// Where the tests find their data, the custos binary and the source tree.
#pragma once

#include <string>

namespace custos::test {
inline std::string data_path(const std::string& relative) {
  return std::string(CUSTOS_TEST_DATA) + "/" + relative;
}
inline std::string custos_binary() { return CUSTOS_BINARY; }
inline std::string source_path(const std::string& relative) {
  return std::string(CUSTOS_SOURCE_DIR) + "/" + relative;
}
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
}  // namespace custos::test
