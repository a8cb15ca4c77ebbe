// Test names for tests parameterized by resource type.
#pragma once

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace custos::test {

// gtest's name for a row whose `type` is a resource type ("app-elb" -> app_elb).
template <typename Row>
std::string type_param_name(const ::testing::TestParamInfo<Row>& info) {
  std::string name = info.param.type;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace custos::test
