#include "support/paths.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace custos::test {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read test file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace custos::test
