// Cloud Custodian's message format: Python's json.dumps(indent=0) text, packed as notify packs
// it, and the ResourceMessageBuffer's batching, checked against the numbers of Cloud
// Custodian's own tests (tests/test_notify.py test_msg_buffer) and a message it really sent
// (its recorded SQS ReceiveMessage), decoded as c7n-mailer decodes it.
#include "resources/c7n_message.h"

#include <gtest/gtest.h>

#include "support/paths.h"

namespace custos::resources {
namespace {

OrderedJson numbered(int i) {
  OrderedJson resource;
  resource["id"] = "x" + std::to_string(i);
  resource["a"] = 1;
  resource["b"] = 2 + i;
  resource["c"] = 5 * i;
  return resource;
}

OrderedJson envelope() {
  OrderedJson env;
  env["env"] = "dev";
  env["region"] = "us-east-2";
  return env;
}

// test_msg_buffer: the same resources fill the same messages, of the same packed sizes.
TEST(MessageBuffer, FillsAsCloudCustodiansTestSays) {
  MessageBuffer buffer(envelope(), 1024);
  EXPECT_FALSE(buffer.full());
  for (int i = 0; i < 50; ++i) {
    buffer.add(numbered(i));
    if (buffer.full()) break;
  }
  EXPECT_EQ(buffer.size(), 47u);
  EXPECT_EQ(static_cast<int>(buffer.estimated_size()), 995);
  std::string payload = buffer.consume();
  EXPECT_EQ(payload.size(), 532u);
  EXPECT_GT(buffer.observed_ratio(), 0.36);
  EXPECT_LT(buffer.observed_ratio(), 0.5);
  EXPECT_TRUE(Json::parse(unpack(payload)).contains("resources"));
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.raw_size(), 56);  // back to the envelope's

  for (int i = 0; i < 100; ++i) {  // now with the ratio it observed
    buffer.add(numbered(i));
    if (buffer.full()) break;
  }
  EXPECT_EQ(buffer.size(), 65u);
  EXPECT_EQ(buffer.consume().size(), 680u);
}

// test_msg_buffer_exceed: a message over the limit is an error, not a cut message.
TEST(MessageBuffer, RefusesAMessageOverTheLimit) {
  OrderedJson env;
  env["env"] = "dev";
  env["region"] = "us-west-2";
  MessageBuffer buffer(env, 100);
  EXPECT_FALSE(buffer.full());
  Json values = Json::array();
  for (int i = 0; i < 100; ++i) values.push_back(i);
  buffer.add(Json{{"id", "x"}, {"values", values}});
  EXPECT_THROW(buffer.consume(), Error);
}

TEST(MessageBuffer, PutsTheResourcesInTheEnvelopesResourcesList) {
  OrderedJson env;
  env["policy"] = {{"name", "p"}, {"filters", Json::array()}};
  env["action"] = {{"to", {"a@example.com"}}};
  MessageBuffer buffer(env, 262144);
  buffer.add(Json{{"InstanceId", "i-1"}});
  buffer.add(Json{{"InstanceId", "i-2"}});
  std::string text = unpack(buffer.consume());
  EXPECT_EQ(text,
            "{\n\"policy\": {\n\"name\": \"p\",\n\"filters\": []\n},\n\"action\": {\n\"to\": "
            "[\n\"a@example.com\"\n]\n},\n\"resources\": [{\n\"InstanceId\": \"i-1\"\n},{\n"
            "\"InstanceId\": \"i-2\"\n}]\n}");
}

// What Python 3's json.dumps(value, indent=0) prints for the same value.
TEST(PythonJson, IsJsonDumpsWithIndentZero) {
  OrderedJson value;
  value["a"] = Json::parse("[1, 2.5, true, null]");
  value["b"] = Json::object();
  value["c"] = "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80";
  value["d"] = Json::array();
  value["e"] = 1e16;
  value["f"] = 0.1;
  EXPECT_EQ(python_json(value),
            "{\n\"a\": [\n1,\n2.5,\ntrue,\nnull\n],\n\"b\": {},\n\"c\": \"caf\\u00e9 \\u2603 "
            "\\ud83d\\ude00\",\n\"d\": [],\n\"e\": 1e+16,\n\"f\": 0.1\n}");
}

// base64.b64encode(zlib.compress(b'{\n"resources": []\n}')) in Python.
TEST(Pack, IsZlibThenBase64AsPythonMakesIt) {
  EXPECT_EQ(pack("{\n\"resources\": []\n}"), "eJyr5lIqSi3OLy1KTi1WslKIjuWqBQBAhQY+");
  EXPECT_EQ(unpack(pack("anything at all")), "anything at all");
  EXPECT_THROW(unpack("bm90IHpsaWI="), Error);
}

// A message Cloud Custodian sent (its test_notify_address_from, recorded from SQS) reads back
// with the members its test expects.
TEST(Pack, ReadsAMessageCloudCustodianSent) {
  Json recorded = Json::parse(test::read_file(test::data_path(
      "responses/cloud-custodian-placebo/test_notify_address_from__sqs.ReceiveMessage_1.json")));
  Json message = Json::parse(unpack(recorded["data"]["Messages"][0]["Body"].get<std::string>()));
  for (const char* key : {"account_id", "action", "event", "policy", "region", "account"})
    EXPECT_TRUE(message.contains(key)) << key;
  EXPECT_EQ(message["action"]["to"], Json::array({"me@example.com"}));
  EXPECT_EQ(message["resources"].size(), 1u);
}

TEST(WithoutSecrets, RemovesCredentialsAndUserData) {
  Json event = Json::parse(R"({"detail": {"responseElements": {"credentials": {
      "accessKeyId": "ASIAEXAMPLE", "sessionToken": "token", "SecretAccessKey": "secret"}},
      "requestParameters": {"password": "hunter2", "passwordReset": null}}})");
  Json clean = without_secrets(event);
  const Json& credentials = clean["detail"]["responseElements"]["credentials"];
  EXPECT_EQ(credentials["accessKeyId"], "ASIAEXAMPLE");
  EXPECT_EQ(credentials["sessionToken"], "(removed by custos)");
  EXPECT_EQ(credentials["SecretAccessKey"], "(removed by custos)");
  EXPECT_EQ(clean["detail"]["requestParameters"]["password"], "(removed by custos)");
  EXPECT_TRUE(clean["detail"]["requestParameters"]["passwordReset"].is_null());
  EXPECT_FALSE(without_secrets(Json{{"c7n:user-data", "x"}, {"Id", 1}}).contains("c7n:user-data"));
}

}  // namespace
}  // namespace custos::resources
