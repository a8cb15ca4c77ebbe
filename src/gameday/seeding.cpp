#include "gameday/seeding.h"

#include "core/uuid.h"

namespace custos::gameday {
namespace {

long queued_messages(const aws::Client& client, const std::string& url) {
  Json attributes = client.call(
      "sqs", "GetQueueAttributes",
      {{"QueueUrl", url}, {"AttributeNames", {"ApproximateNumberOfMessages"}}})["Attributes"];
  return std::stol(attributes.value("ApproximateNumberOfMessages", "0"));
}

}  // namespace

std::string new_run_id() { return random_uuid().substr(0, 8); }

Json tag_list(const std::string& name, const std::string& run_id) {
  return Json::array(
      {{{"Key", "Name"}, {"Value", name}}, {{"Key", "custos:gameday"}, {"Value", run_id}}});
}

void create_bucket(const aws::Client& client, const std::string& bucket) {
  Json params = {{"Bucket", bucket}};
  std::string region = client.session().region();
  if (region != "us-east-1") params["CreateBucketConfiguration"] = {{"LocationConstraint", region}};
  client.call("s3", "CreateBucket", params);
}

AlertQueue alert_queue(const aws::Client& client) {
  AlertQueue queue;
  try {
    queue.url = client.call("sqs", "GetQueueUrl", {{"QueueName", "custos-alerts"}})["QueueUrl"];
  } catch (const aws::AwsError& e) {
    if (e.code().find("NonExistentQueue") == std::string::npos) throw;
    queue.url = client.call("sqs", "CreateQueue", {{"QueueName", "custos-alerts"}})["QueueUrl"];
    queue.created = true;
  }
  queue.messages_before = queued_messages(client, queue.url);
  return queue;
}

Json alert_queue_json(const AlertQueue& queue) {
  return {
      {"url", queue.url}, {"messages_before", queue.messages_before}, {"created", queue.created}};
}

Check alert_sent(const aws::Client& client, const Json& queue) {
  long before = queue.value("messages_before", 0L);
  long now = queued_messages(client, queue.value("url", ""));
  return {"the team was told: custos-alerts holds " + std::to_string(now) + " message(s), " +
              std::to_string(before) + " before",
          now == before + 1};
}

void remove_alert_queue(const aws::Client& client, const Json& queue) {
  if (queue.value("created", false))
    client.call("sqs", "DeleteQueue", {{"QueueUrl", queue.value("url", "")}});
}

Check check_equal(const std::string& what, const Json& actual, const Json& expected) {
  return {what + " (saw: " + (actual.is_string() ? actual.get<std::string>() : actual.dump()) + ")",
          actual == expected};
}

}  // namespace custos::gameday
