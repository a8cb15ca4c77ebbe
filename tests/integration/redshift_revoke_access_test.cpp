// revoke-access on aws.redshift-snapshot, Cloud Custodian's documented
// redshift-snapshot-revoke-access unchanged: moto 5.2.1 has no snapshot access calls, so a proxy
// in front of it keeps one snapshot, nightly, as Redshift's query API serves it
// (DescribeClusterSnapshots, RevokeSnapshotAccess, AuthorizeSnapshotAccess); the AWS CLI reads
// who may restore it through the proxy, and the undo authorizes the account again.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "integration/action_check.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class SnapshotAccessStore {
 public:
  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    const std::string& body = arrival.body;
    std::lock_guard lock(mutex_);
    if (body.find("Action=DescribeClusterSnapshots") != std::string::npos)
      return reply("DescribeClusterSnapshots",
                   "<Snapshots><Snapshot>" + snapshot() + "</Snapshot></Snapshots>");
    for (const char* action : {"RevokeSnapshotAccess", "AuthorizeSnapshotAccess"}) {
      if (body.find(std::string("Action=") + action) == std::string::npos) continue;
      std::string account = param(body, "AccountWithRestoreAccess");
      if (std::string(action) == "RevokeSnapshotAccess")
        accounts_.erase(account);
      else
        accounts_.insert(account);
      return reply(action, "<Snapshot>" + snapshot() + "</Snapshot>");
    }
    return std::nullopt;
  }

 private:
  static std::string param(const std::string& body, const std::string& name) {
    std::size_t at = body.find(name + "=");
    if (at == std::string::npos) return "";
    at += name.size() + 1;
    return body.substr(at, body.find('&', at) - at);
  }
  std::string snapshot() const {
    std::string access;
    for (const auto& account : accounts_)
      access += "<AccountWithRestoreAccess><AccountId>" + account +
                "</AccountId></AccountWithRestoreAccess>";
    return "<SnapshotIdentifier>nightly</SnapshotIdentifier><ClusterIdentifier>main"
           "</ClusterIdentifier><SnapshotCreateTime>2026-11-01T00:00:00Z</SnapshotCreateTime>"
           "<Status>available</Status><SnapshotType>manual</SnapshotType><OwnerAccount>"
           "123456789012</OwnerAccount><AccountsWithRestoreAccess>" +
           access + "</AccountsWithRestoreAccess>";
  }
  static FaultProxy::Reply reply(const std::string& action, const std::string& result) {
    FaultProxy::Reply reply;
    reply.body = "<" + action +
                 "Response xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><" + action +
                 "Result>" + result + "</" + action +
                 "Result><ResponseMetadata><RequestId>proxy</RequestId></ResponseMetadata></" +
                 action + "Response>";
    return reply;
  }

  std::mutex mutex_;
  std::set<std::string> accounts_ = {"012345678910", "999988887777"};
};

class RedshiftRevokeAccessTest : public ActionTest {};

TEST_F(RedshiftRevokeAccessTest, TheAccountOutsideTheWhitelistCannotRestoreTheSnapshot) {
  auto store = std::make_shared<SnapshotAccessStore>();
  FaultProxy proxy(emulator().url());
  proxy.answer_with([store](const FaultProxy::Arrival& arrival) { return store->answer(arrival); });
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  auto restorers = [&] {
    ProcessResult read =
        run_aws_cli({"redshift", "describe-cluster-snapshots", "--snapshot-identifier", "nightly",
                     "--endpoint-url", proxy.url()},
                    emulator_env());
    EXPECT_EQ(read.exit_code, 0) << read.err;
    Json who = Json::array();
    for (const Json& access :
         Json::parse(read.out)["Snapshots"][0].value("AccountsWithRestoreAccess", Json::array()))
      who.push_back(access["AccountId"]);
    std::sort(who.begin(), who.end());
    return who;
  };
  const Json before = restorers();
  ASSERT_EQ(before, Json::array({"012345678910", "999988887777"}));
  Json records = prove_remedy(
      read_file(data_path(
          "policies/c7n/redshift-snapshot/redshift-920-redshift-snapshot-revoke-access.yml")),
      "redshift-snapshot-revoke-access", restorers, "redshift RevokeSnapshotAccess", env);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(restorers(), Json::array({"012345678910"}));
  EXPECT_EQ(records[0]["summary"], "revoked the restore access of 999988887777");
  expect_undo_restores(records, restorers, before, proxy.url());
}

}  // namespace
}  // namespace custos::test
