// Notifications end to end: a root sign-in (AWS's own sample event) sends Cloud Custodian's
// message to SQS, read back with the AWS CLI and decoded as c7n-mailer decodes it; SNS delivers
// the same message to a subscribed queue; webhook posts to a local HTTP server; invoke-lambda's
// request reaches moto through a recording proxy. A dry run sends nothing.
#include <gtest/gtest.h>

#include <set>

#include "aws/transport.h"
#include "integration/action_check.h"
#include "resources/c7n_message.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class NotifyTest : public ActionTest {
 protected:
  std::string make_queue(const std::string& name) const {
    return aws_cli({"sqs", "create-queue", "--queue-name", name})["QueueUrl"];
  }
  // The messages waiting in the queue (taken off it).
  Json receive(const std::string& queue_url) const {
    return aws_cli({"sqs", "receive-message", "--queue-url", queue_url, "--max-number-of-messages",
                    "10", "--message-attribute-names", "All"})
        .value("Messages", Json::array());
  }
  void write_event(const std::string& identity_type) const {
    Json event = Json::parse(
        read_file(data_path("events/aws-docs-cwe-guide_root-console-sign-in_aws.signin.json")));
    if (identity_type != "Root") {
      event["detail"]["userIdentity"] = {{"type", identity_type},
                                         {"arn", "arn:aws:iam::123456789012:user/alice"},
                                         {"accountId", "123456789012"},
                                         {"userName", "alice"}};
    }
    write("event.json", event.dump());
  }
};

const char* const kRootSignIn = R"(policies:
  - name: root-sign-in
    resource: aws.account
    mode:
      type: cloudtrail
      events: [ConsoleLogin]
    filters:
      - type: event
        key: detail.userIdentity.type
        value: Root
    actions:
      - type: notify
        to: [security@example.com]
        subject: Root signed in to {account_id}
        violation_desc: The root user signed in to the console.
        action_desc: Find out who holds the root password.
        template: default
        transport:
          type: sqs
          queue: custos-alerts
)";

TEST_F(NotifyTest, ARootSignInSendsCloudCustodiansMessageToSqs) {
  std::string queue = make_queue("custos-alerts");
  aws_cli({"iam", "create-account-alias", "--account-alias", "custos-prod"});
  write("policy.yml", kRootSignIn);
  write_event("Root");

  ProcessResult dry = run_event({"--dryrun"});
  EXPECT_NE(dry.out.find("would call sqs SendMessage"), std::string::npos) << dry.out;
  EXPECT_TRUE(receive(queue).empty()) << "the dry run sent a message";

  run_event();
  Json messages = receive(queue);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["MessageAttributes"]["mtype"]["StringValue"], "maidmsg/1.0");
  std::string body = messages[0]["Body"];
  std::string text = resources::unpack(body);  // base64, then zlib: as c7n-mailer reads it
  EXPECT_EQ(text.rfind("{\n\"event\": {\n", 0), 0u) << "not json.dumps(indent=0)'s text";
  Json message = Json::parse(text);
  EXPECT_EQ(message["account_id"], "123456789012");
  EXPECT_EQ(message["account"], "custos-prod");
  EXPECT_EQ(message["partition"], "aws");
  EXPECT_EQ(message["region"], "us-east-1");
  EXPECT_FALSE(message["execution_id"].get<std::string>().empty());
  EXPECT_GT(message["execution_start"].get<double>(), 1.7e9);
  EXPECT_EQ(message["policy"]["name"], "root-sign-in");
  EXPECT_EQ(message["policy"]["resource"], "aws.account");
  const Json& action = message["action"];
  EXPECT_EQ(action["to"], Json::array({"security@example.com"}));
  EXPECT_EQ(action["subject"], "Root signed in to 123456789012");
  EXPECT_EQ(action["violation_desc"], "The root user signed in to the console.");
  EXPECT_EQ(action["action_desc"], "Find out who holds the root password.");
  EXPECT_EQ(action["transport"]["queue"], "custos-alerts");
  EXPECT_EQ(message["event"]["detail"]["userIdentity"]["type"], "Root");
  EXPECT_EQ(message["resources"],
            Json::parse(R"([{"account_id": "123456789012", "account_name": "custos-prod"}])"));
  // The emulator's keys (custos's credentials) are nowhere in it.
  EXPECT_EQ(text.find("testing"), std::string::npos);
  EXPECT_EQ(body.find("testing"), std::string::npos);
  Json records = actions_of("root-sign-in");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["undo"], Json::array());

  // The same sign-in delivered again is not told twice; an IAM user's sign-in is not told.
  ProcessResult again = run_event();
  EXPECT_NE(again.out.find("done earlier in incident"), std::string::npos) << again.out;
  write_event("IAMUser");
  run_event();
  EXPECT_TRUE(receive(queue).empty());
}

// A queue named without a URL lives in the transport's `region` when it gives one (Cloud
// Custodian's documented policies say where their queue is), and c7n-mailer's priority_header
// may be written as a number.
TEST_F(NotifyTest, AQueueByNameIsFoundInTheTransportsRegion) {
  std::string west = aws_cli({"sqs", "create-queue", "--queue-name", "custos-alerts", "--region",
                              "us-west-2"})["QueueUrl"];
  std::string east = make_queue("custos-alerts");
  std::string policy = kRootSignIn;
  policy.replace(policy.find("          queue: custos-alerts"), std::string::npos,
                 "          queue: custos-alerts\n          region: us-west-2\n"
                 "        priority_header: 2\n");
  write("policy.yml", policy);
  write_event("Root");
  run_event();
  EXPECT_TRUE(receive(east).empty()) << "sent to the run's region, not the transport's";
  Json messages = aws_cli({"sqs", "receive-message", "--queue-url", west, "--region", "us-west-2"})
                      .value("Messages", Json::array());
  ASSERT_EQ(messages.size(), 1u);
  Json message = Json::parse(resources::unpack(messages[0]["Body"].get<std::string>()));
  EXPECT_EQ(message["action"]["priority_header"], 2);
  EXPECT_EQ(message["action"]["transport"]["region"], "us-west-2");
}

// SNS: the topic delivers the message (with its mtype attribute) to a subscribed queue.
TEST_F(NotifyTest, SnsDeliversTheMessageToItsSubscribers) {
  std::string queue = make_queue("custos-sns-copy");
  std::string queue_arn = aws_cli({"sqs", "get-queue-attributes", "--queue-url", queue,
                                   "--attribute-names", "QueueArn"})["Attributes"]["QueueArn"];
  std::string topic = aws_cli({"sns", "create-topic", "--name", "custos-alerts"})["TopicArn"];
  aws_cli({"sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint",
           queue_arn});
  write("policy.yml", R"(policies:
  - name: account-alert
    resource: account
    actions:
      - type: notify
        to: [security@example.com]
        transport:
          type: sns
          topic: custos-alerts
          attributes:
            team: security
)");
  ProcessResult run = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json messages = receive(queue);
  ASSERT_EQ(messages.size(), 1u);
  Json envelope = Json::parse(messages[0]["Body"].get<std::string>());
  EXPECT_EQ(envelope["TopicArn"], topic);
  EXPECT_EQ(envelope["MessageAttributes"]["mtype"]["Value"], "maidmsg/1.0");
  EXPECT_EQ(envelope["MessageAttributes"]["team"]["Value"], "security");
  Json message = Json::parse(resources::unpack(envelope["Message"].get<std::string>()));
  EXPECT_EQ(message["policy"]["name"], "account-alert");
  EXPECT_EQ(message["resources"][0]["account_id"], "123456789012");
  EXPECT_TRUE(message["event"].is_null());
}

// Cloud Custodian's documented sns transport names the topic's `region`: a topic given by name
// is looked for there, not in the run's region (custos honours it; Cloud Custodian 0.9.21 keeps
// the run's region).
TEST_F(NotifyTest, ATopicByNameIsFoundInTheTransportsRegion) {
  ProcessResult valid =
      custos({"validate", data_path("policies/c7n/notify/ec2-notify-with-attributes.yml")});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
  // The run is in us-east-1; the topic (and its subscriber) in the transport's us-west-2.
  std::string queue = aws_cli({"sqs", "create-queue", "--queue-name", "custos-notify-copy",
                               "--region", "us-west-2"})["QueueUrl"];
  std::string queue_arn =
      aws_cli({"sqs", "get-queue-attributes", "--queue-url", queue, "--attribute-names", "QueueArn",
               "--region", "us-west-2"})["Attributes"]["QueueArn"];
  std::string topic = aws_cli(
      {"sns", "create-topic", "--name", "your-notify-topic", "--region", "us-west-2"})["TopicArn"];
  aws_cli({"sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint",
           queue_arn, "--region", "us-west-2"});
  write("policy.yml", R"(policies:
  - name: notify-with-attributes
    resource: account
    actions:
     - type: notify
       to: [event-user, resource-creator, email@address]
       owner_absent_contact: [other_email@address]
       template: policy-template
       transport:
         type: sns
         region: us-west-2
         topic: your-notify-topic
         attributes:
            attribute_key: attribute_value
            attribute_key_2: attribute_value_2
)");
  ProcessResult run = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json messages = aws_cli({"sqs", "receive-message", "--queue-url", queue, "--region", "us-west-2",
                           "--message-attribute-names", "All"})
                      .value("Messages", Json::array());
  ASSERT_EQ(messages.size(), 1u);
  Json envelope = Json::parse(messages[0]["Body"].get<std::string>());
  EXPECT_EQ(envelope["TopicArn"], topic);
  EXPECT_EQ(envelope["MessageAttributes"]["attribute_key_2"]["Value"], "attribute_value_2");
  Json message = Json::parse(resources::unpack(envelope["Message"].get<std::string>()));
  EXPECT_EQ(message["region"], "us-east-1");
}

// webhook: one POST per resource, or one per batch, to a local server that records them.
TEST_F(NotifyTest, WebhookPostsJmespathBodiesToTheUrl) {
  aws_cli({"route53", "create-hosted-zone", "--name", "a.example", "--caller-reference", "a"});
  aws_cli({"route53", "create-hosted-zone", "--name", "b.example", "--caller-reference", "b"});
  FaultProxy server(FaultProxy::Reply{200, "{}", "application/json", {}});
  write("policy.yml", R"(policies:
  - name: zones-hook
    resource: hostedzone
    actions:
      - type: webhook
        url: )" + server.url() +
                          R"(/hook?source=custos&zone=x
        query-params:
          zone: resource.Name
        headers:
          X-Policy: policy.name
        body: '{zone: resource.Name, account: account_id, region: region}'
      - type: webhook
        url: )" + server.url() +
                          R"(/batch
        method: PUT
        batch: true
        body: 'resources[].Name'
)");
  ProcessResult dry = custos({"run", "--dryrun", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would call webhook POST"), std::string::npos) << dry.out;
  EXPECT_TRUE(server.arrivals().empty()) << "the dry run called the webhook";

  ProcessResult run = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto arrivals = server.arrivals();
  ASSERT_EQ(arrivals.size(), 3u);
  std::set<std::string> zones;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& hook = arrivals[i];
    EXPECT_EQ(hook.method, "POST");
    EXPECT_EQ(hook.headers.at("X-Policy"), "zones-hook");
    EXPECT_EQ(hook.headers.at("Content-Type"), "application/json");
    Json body = Json::parse(hook.body);
    zones.insert(body["zone"].get<std::string>());
    EXPECT_EQ(body["account"], "123456789012");
    EXPECT_EQ(body["region"], "us-east-1");
    EXPECT_EQ(hook.target, "/hook?source=custos&zone=" + body["zone"].get<std::string>());
  }
  EXPECT_EQ(zones, (std::set<std::string>{"a.example.", "b.example."}));
  EXPECT_EQ(arrivals[2].method, "PUT");
  EXPECT_EQ(arrivals[2].target, "/batch");
  EXPECT_EQ(Json::parse(arrivals[2].body).size(), 2u);
  for (const Json& record : actions_of("zones-hook")) {
    EXPECT_EQ(record["outcome"], "changed") << record.dump();
    EXPECT_EQ(record["undo"], Json::array());
  }
}

// moto runs no functions without Docker; its simple Lambda backend (configured for this test)
// answers Invoke, and a proxy in front of it records the request custos sent.
TEST_F(NotifyTest, InvokeLambdaHandsTheResourcesToTheFunction) {
  auto configure = [](bool docker) {
    aws::HttpRequest request{.method = "POST",
                             .url = emulator().url() + "/moto-api/config",
                             .headers = {{"Content-Type", "application/json"}},
                             .body = Json{{"lambda", {{"use_docker", docker}}}}.dump()};
    ASSERT_EQ(aws::send(request).status, 201);
  };
  configure(false);
  std::shared_ptr<void> restore(nullptr, [&](void*) { configure(true); });
  aws_cli(
      {"iam", "create-role", "--role-name", "responder", "--assume-role-policy-document",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
  write("code.zip", std::string("PK\x05\x06", 4) + std::string(18, '\0'));
  aws_cli({"lambda", "create-function", "--function-name", "responder", "--runtime", "python3.12",
           "--handler", "h.handler", "--role", "arn:aws:iam::123456789012:role/responder",
           "--zip-file", "fileb://" + path("code.zip")});
  write("policy.yml", R"(policies:
  - name: account-to-lambda
    resource: account
    actions:
      - type: invoke-lambda
        function: responder
)");
  FaultProxy proxy(emulator().url());
  ProcessResult run =
      custos({"run", "-s", path("out"), path("policy.yml")}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<FaultProxy::Arrival> invokes;
  for (const auto& arrival : proxy.arrivals())
    if (arrival.target == "/2015-03-31/functions/responder/invocations") invokes.push_back(arrival);
  ASSERT_EQ(invokes.size(), 1u);
  EXPECT_EQ(invokes[0].headers.at("X-Amz-Invocation-Type"), "Event");
  EXPECT_EQ(invokes[0].status, 202);
  Json payload = Json::parse(invokes[0].body);
  EXPECT_EQ(payload["account_id"], "123456789012");
  EXPECT_EQ(payload["action"]["function"], "responder");
  EXPECT_EQ(payload["policy"]["name"], "account-to-lambda");
  EXPECT_EQ(payload["resources"][0]["account_id"], "123456789012");
  EXPECT_EQ(invokes[0].body.find("testing"), std::string::npos);
  Json records = actions_of("account-to-lambda");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
}

}  // namespace
}  // namespace custos::test
