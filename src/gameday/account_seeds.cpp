#include "gameday/account_seeds.h"

#include <memory>

#include "core/error.h"
#include "gameday/emulator.h"

namespace custos::gameday {
namespace {

const char* const kBucket = "custos-seed-data";
const char* const kOwner = "owner";  // the pack's default owner_tag
const char* const kResponderRole = "incident-response";

Json tags(bool owned, const char* key = "Key", const char* value = "Value") {
  if (!owned) return Json::array();
  return Json::array({{{key, kOwner}, {value, "security-team"}}});
}

std::string account_of(const aws::Client& client) {
  return client.call("sts", "GetCallerIdentity").value("Account", "");
}

std::string default_vpc(const aws::Client& client) {
  Json vpcs = client.call("ec2", "DescribeVpcs").value("Vpcs", Json::array());
  for (const Json& vpc : vpcs)
    if (vpc.value("IsDefault", false)) return vpc.value("VpcId", "");
  return client.call("ec2", "CreateVpc", {{"CidrBlock", "10.0.0.0/16"}})["Vpc"]["VpcId"];
}

std::string seed_bucket(const aws::Client& client, bool prepared) {
  client.call("s3", "CreateBucket", {{"Bucket", kBucket}});
  if (!prepared) return kBucket;
  client.call("s3", "PutBucketTagging",
              {{"Bucket", kBucket}, {"Tagging", {{"TagSet", tags(true)}}}});
  client.call("s3", "PutBucketEncryption",
              {{"Bucket", kBucket},
               {"ServerSideEncryptionConfiguration",
                {{"Rules", Json::array({{{"ApplyServerSideEncryptionByDefault",
                                          {{"SSEAlgorithm", "aws:kms"}}}}})}}}});
  Json block = {{"BlockPublicAcls", true},
                {"IgnorePublicAcls", true},
                {"BlockPublicPolicy", true},
                {"RestrictPublicBuckets", true}};
  client.call("s3", "PutPublicAccessBlock",
              {{"Bucket", kBucket}, {"PublicAccessBlockConfiguration", block}});
  return kBucket;
}

std::string seed_key(const aws::Client& client, bool prepared) {
  std::string key =
      client.call("kms", "CreateKey",
                  {{"Description", "custos seed: application data"},
                   {"Tags", tags(prepared, "TagKey", "TagValue")}})["KeyMetadata"]["KeyId"];
  if (prepared) client.call("kms", "EnableKeyRotation", {{"KeyId", key}});
  return key;
}

std::string seed_role(const aws::Client& client, const std::string& name, bool owned) {
  Json trust = {{"Version", "2012-10-17"},
                {"Statement", Json::array({{{"Effect", "Allow"},
                                            {"Principal", {{"Service", "ec2.amazonaws.com"}}},
                                            {"Action", "sts:AssumeRole"}}})}};
  client.call(
      "iam", "CreateRole",
      {{"RoleName", name}, {"AssumeRolePolicyDocument", trust.dump()}, {"Tags", tags(owned)}});
  return name;
}

std::string seed_instance(const aws::Client& client, bool owned) {
  Json params = {{"ImageId", "ami-12c6146b"}, {"MinCount", 1}, {"MaxCount", 1}};
  if (owned)
    params["TagSpecifications"] =
        Json::array({{{"ResourceType", "instance"}, {"Tags", tags(true)}}});
  return client.call("ec2", "RunInstances", params)["Instances"][0]["InstanceId"];
}

// A console user: with an MFA device when prepared.
std::string seed_console_user(const aws::Client& client, bool prepared) {
  const std::string user = "console-user";
  client.call("iam", "CreateUser", {{"UserName", user}, {"Tags", tags(prepared)}});
  client.call("iam", "CreateLoginProfile", {{"UserName", user}, {"Password", "Seed-password-1!"}});
  if (prepared) {
    std::string serial =
        client.call("iam", "CreateVirtualMFADevice",
                    {{"VirtualMFADeviceName", user}})["VirtualMFADevice"]["SerialNumber"];
    client.call("iam", "EnableMFADevice",
                {{"UserName", user},
                 {"SerialNumber", serial},
                 {"AuthenticationCode1", "123456"},
                 {"AuthenticationCode2", "654321"}});
  }
  return user;
}

Json seed_unprepared(const aws::Client& client) {
  std::string account = account_of(client);
  std::string vpc = default_vpc(client);
  std::string open_ssh =
      client
          .call("ec2", "CreateSecurityGroup",
                {{"GroupName", "open-ssh"}, {"Description", "SSH from anywhere"}, {"VpcId", vpc}})
          .value("GroupId", "");
  client.call("ec2", "AuthorizeSecurityGroupIngress",
              {{"GroupId", open_ssh},
               {"IpPermissions", Json::array({{{"IpProtocol", "tcp"},
                                               {"FromPort", 22},
                                               {"ToPort", 22},
                                               {"IpRanges", {{{"CidrIp", "0.0.0.0/0"}}}}}})}});
  std::string open_all =
      client
          .call("ec2", "CreateSecurityGroup",
                {{"GroupName", "open-all"}, {"Description", "everything, IPv6"}, {"VpcId", vpc}})
          .value("GroupId", "");
  client.call("ec2", "AuthorizeSecurityGroupIngress",
              {{"GroupId", open_all},
               {"IpPermissions",
                Json::array({{{"IpProtocol", "-1"}, {"Ipv6Ranges", {{{"CidrIpv6", "::/0"}}}}}})}});
  std::string bucket = seed_bucket(client, false);
  std::string key = seed_key(client, false);
  std::string role = seed_role(client, "app-server", false);
  std::string instance = seed_instance(client, false);
  std::string user = seed_console_user(client, false);
  Json account_only = Json::array({account});
  return {{"cloudtrail-multi-region-logging", account_only},
          {"vpc-without-flow-logs", Json::array({vpc})},
          {"guardduty-enabled", account_only},
          {"guardduty-findings-routed", account_only},
          {"ebs-encryption-by-default", account_only},
          {"s3-default-encryption", Json::array({bucket})},
          {"kms-key-rotation", Json::array({key})},
          {"s3-account-public-access-block", account_only},
          {"s3-bucket-public-access-block", Json::array({bucket})},
          {"security-group-open-to-world", Json::array({open_ssh, open_all})},
          {"root-mfa", account_only},
          {"iam-user-console-without-mfa", Json::array({user})},
          {"incident-response-role", account_only},
          {"ec2-without-owner", Json::array({instance})},
          {"s3-without-owner", Json::array({bucket})},
          {"kms-key-without-owner", Json::array({key})},
          {"iam-role-without-owner", Json::array({role})}};
}

void seed_prepared(const aws::Client& client, const aws::Client& s3control) {
  std::string account = account_of(client);
  std::string vpc = default_vpc(client);
  std::string bucket = seed_bucket(client, true);
  std::string key = seed_key(client, true);
  std::string bucket_arn = "arn:aws:s3:::" + bucket;
  client.call("cloudtrail", "CreateTrail",
              {{"Name", "organization-trail"},
               {"S3BucketName", bucket},
               {"IsMultiRegionTrail", true},
               {"IncludeGlobalServiceEvents", true},
               {"EnableLogFileValidation", true},
               {"KmsKeyId", key}});
  client.call("cloudtrail", "StartLogging", {{"Name", "organization-trail"}});
  client.call("ec2", "CreateFlowLogs",
              {{"ResourceIds", Json::array({vpc})},
               {"ResourceType", "VPC"},
               {"TrafficType", "ALL"},
               {"LogDestinationType", "s3"},
               {"LogDestination", bucket_arn}});
  client.call("guardduty", "CreateDetector", {{"Enable", true}});
  std::string topic =
      client.call("sns", "CreateTopic", {{"Name", "security-findings"}}).value("TopicArn", "");
  client.call("events", "PutRule",
              {{"Name", "guardduty-findings"},
               {"EventPattern", R"({"source": ["aws.guardduty"]})"},
               {"State", "ENABLED"}});
  client.call("events", "PutTargets",
              {{"Rule", "guardduty-findings"},
               {"Targets", Json::array({{{"Id", "responders"}, {"Arn", topic}}})}});
  client.call("ec2", "EnableEbsEncryptionByDefault");
  s3control.call("s3control", "PutPublicAccessBlock",
                 {{"AccountId", account},
                  {"PublicAccessBlockConfiguration",
                   {{"BlockPublicAcls", true},
                    {"IgnorePublicAcls", true},
                    {"BlockPublicPolicy", true},
                    {"RestrictPublicBuckets", true}}}});
  seed_role(client, kResponderRole, true);
  seed_instance(client, true);
  seed_console_user(client, true);
}

bool is_loopback(const std::string& url) {
  for (const char* host : {"http://127.0.0.1", "http://localhost", "http://[::1]"})
    if (url.rfind(host, 0) == 0) return true;
  return false;
}

}  // namespace

Json seed_account(const std::string& seed, const aws::Client& client,
                  const aws::Client& s3control) {
  if (seed == "unprepared-account") return seed_unprepared(client);
  if (seed != "prepared-account")
    throw InputError("--seed-only takes unprepared-account or prepared-account, not '" + seed +
                     "'");
  seed_prepared(client, s3control);
  return Json::object();
}

int run_account_seed(const std::string& seed, const aws::SessionOptions& aws, std::ostream& out) {
  if (seed != "unprepared-account" && seed != "prepared-account")
    throw InputError("--seed-only takes unprepared-account or prepared-account, not '" + seed +
                     "'");
  aws::SessionOptions options = aws;
  if (options.endpoint_url.empty()) {
    // Started for the audit to come: it outlives this process (stop it with kill -- -PID).
    int port = free_loopback_port();
    pid_t pid = start_moto_server(port, "/tmp/custos-seed-moto-" + std::to_string(port) + ".log");
    options.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
    out << "emulator   moto server on " << options.endpoint_url << " (pid " << pid
        << "; left running: stop it with kill -- -" << pid << ")\n";
  } else if (!is_loopback(options.endpoint_url)) {
    throw InputError(
        "--seed-only seeds an emulator on this machine (it creates an open security "
        "group and a user without MFA): give a loopback --endpoint, or none");
  }
  if (options.region.empty()) options.region = "us-east-1";
  if (!options.credentials && options.profile.empty()) {
    aws::Credentials dummy;
    dummy.access_key_id = dummy.secret_access_key = "seed";
    dummy.source = "emulator (dummy keys)";
    options.credentials = dummy;
  }
  aws::SessionOptions control = options;
  std::string port = options.endpoint_url.substr(options.endpoint_url.rfind(':') + 1);
  control.endpoint_url = "http://localhost:" + port;  // {AccountId}.localhost resolves
  aws::Client client(std::make_shared<const aws::Session>(options));
  aws::Client s3control(std::make_shared<const aws::Session>(control));
  seed_account(seed, client, s3control);
  out << "seeded     " << seed << " in " << options.region << "\n"
      << "audit it   AWS_ACCESS_KEY_ID=seed AWS_SECRET_ACCESS_KEY=seed AWS_REGION="
      << options.region << " AWS_ENDPOINT_URL=" << options.endpoint_url
      << " AWS_ENDPOINT_URL_S3_CONTROL=" << control.endpoint_url << " custos audit\n";
  return 0;
}

}  // namespace custos::gameday
