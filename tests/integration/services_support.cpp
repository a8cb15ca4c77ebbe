#include "integration/services_support.h"

#include <fstream>
#include <regex>
#include <set>

#include "aws/protocol_codec.h"
#include "support/paths.h"

namespace custos::test {
namespace {

constexpr char kPython[] = "/usr/bin/python3";  // Debian's, with python3-botocore

// botocore sets EncodingType=url on S3 listings the caller did not ask to encode, and decodes
// the keys afterwards; its handlers learn that from the request context.
Json request_context(const std::string& service, const std::string& operation, const Json& params) {
  static const std::set<std::string> kListings = {"ListObjects", "ListObjectsV2",
                                                  "ListObjectVersions"};
  if (service == "s3" && kListings.contains(operation) && !params.contains("EncodingType")) {
    return {{"encoding_type_auto_set", true}};
  }
  return Json::object();
}

// Only what custos's AwsError carries is compared for refusals.
Json error_part(const Json& parsed) {
  const Json& error = parsed.value("Error", Json::object());
  return {{"Error", {{"Code", error.value("Code", "")}, {"Message", error.value("Message", "")}}}};
}

}  // namespace

Json normalized(const Json& document) {
  static const std::regex kTimestamp(R"((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00:?00)?)");
  if (document.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : document.items()) {
      if (key != "ResponseMetadata") out[key] = normalized(value);
    }
    return out;
  }
  if (document.is_array()) {
    Json out = Json::array();
    for (const auto& value : document) out.push_back(normalized(value));
    return out;
  }
  std::smatch match;
  if (document.is_string() &&
      std::regex_match(document.get_ref<const std::string&>(), match, kTimestamp)) {
    return match[1].str() + "Z";
  }
  return document;
}

Json ServicesTest::call(const std::string& service, const std::string& operation,
                        const Json& params, bool expect_error) {
  aws::SessionOptions options;
  options.endpoint_url = proxy_.url();
  options.region = "us-east-1";
  options.credentials = aws::Credentials{"testing", "testing", "", std::nullopt, "test"};
  const aws::Client client(std::make_shared<const aws::Session>(options), aws::RetryPolicy{});
  Json result;
  try {
    result = client.call(service, operation, params);
    EXPECT_FALSE(expect_error) << service << " " << operation << " succeeded";
  } catch (const aws::AwsError& e) {
    EXPECT_TRUE(expect_error) << e.what();
    result = {{"Error", {{"Code", e.code()}, {"Message", e.aws_message()}}}};
  }
  calls_.push_back({service, operation, params, result, proxy_.arrivals().size() - 1});
  return result;
}

Json ServicesTest::custos_call(const std::string& service, const std::string& operation,
                               const Json& params, const std::vector<std::string>& extra) const {
  std::vector<std::string> argv = {"call", service, operation, "--params", params.dump()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const ProcessResult result = custos(argv);
  EXPECT_EQ(result.exit_code, 0) << "custos call " << service << " " << operation << ": "
                                 << result.err;
  return result.out.empty() ? Json() : Json::parse(result.out);
}

void ServicesTest::TearDown() {
  if (!calls_.empty()) {
    const auto arrivals = proxy_.arrivals();
    Json cases = Json::array();
    for (const auto& call : calls_) {
      const auto& exchange = arrivals.at(call.arrival);
      cases.push_back({{"service", call.service},
                       {"operation", call.operation},
                       {"status", exchange.status},
                       {"headers", exchange.response_headers},
                       {"body", aws::codec::base64_encode(exchange.response_body)},
                       {"context", request_context(call.service, call.operation, call.params)}});
    }
    write("responses.json", cases.dump());
    const ProcessResult reference = run_process(
        {kPython, source_path("tests/support/botocore_parse.py"), path("responses.json")});
    ASSERT_EQ(reference.exit_code, 0) << reference.err;
    const Json parsed = Json::parse(reference.out);
    ASSERT_EQ(parsed.size(), calls_.size());
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      const auto& call = calls_[i];
      const bool refused = arrivals.at(call.arrival).status >= 300;
      EXPECT_EQ(call.result, refused ? error_part(parsed[i]) : parsed[i])
          << call.service << " " << call.operation << " "
          << call.params.dump(-1, ' ', false, Json::error_handler_t::replace)
          << "\nresponse: " << arrivals.at(call.arrival).response_body;
    }
  }
  IntegrationTest::TearDown();
}

}  // namespace custos::test
