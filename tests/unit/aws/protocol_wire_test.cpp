// botocore's XML response-parsing pairs: raw EC2, IAM, STS and S3 responses parsed with the
// real service models must give botocore's parsed result.
#include <gtest/gtest.h>

#include <filesystem>

#include "aws/protocol.h"
#include "support/paths.h"
#include "unit/aws/protocol_compare.h"

namespace custos::aws {
namespace {

// "ec2-describe-instances" -> {"ec2", "DescribeInstances"}.
std::pair<std::string, std::string> service_and_operation(const std::string& stem) {
  const auto dash = stem.find('-');
  std::string op;
  bool upper = true;
  for (char c : stem.substr(dash + 1)) {
    if (c == '-') {
      upper = true;
    } else {
      op += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return {stem.substr(0, dash), op};
}

std::vector<std::string> wire_cases() {
  std::vector<std::string> stems;
  for (const auto& entry : std::filesystem::directory_iterator(
           custos::test::data_path("responses/botocore-xml-wire"))) {
    if (entry.path().extension() == ".xml") stems.push_back(entry.path().stem().string());
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

class XmlWire : public ::testing::TestWithParam<std::string> {};

TEST_P(XmlWire, ParsesLikeBotocore) {
  const auto [service, operation] = service_and_operation(GetParam());
  const std::string base = custos::test::data_path("responses/botocore-xml-wire/" + GetParam());
  const auto model = ServiceModel::load(service);
  const Operation& op = model->operation(operation);
  HttpResponse response;
  response.status = 200;
  response.body = custos::test::read_file(base + ".xml");
  Json expected = Json::parse(custos::test::read_file(base + ".json"));
  expected.erase("ResponseMetadata");  // custos leaves response metadata out of results
  const Json parsed = parse_response(*model, op, response);
  EXPECT_EQ(compare::normalized(op.output, parsed), compare::normalized(op.output, expected));
}

INSTANTIATE_TEST_SUITE_P(Botocore, XmlWire, ::testing::ValuesIn(wire_cases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(XmlWire, CoversAllPairs) { EXPECT_EQ(wire_cases().size(), 20u); }

}  // namespace
}  // namespace custos::aws
