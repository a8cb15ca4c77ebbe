// param on redshift and db-parameter on rds over real HTTP against moto: clusters and databases
// judged by their parameter groups' values. moto gives every Redshift group the same default
// parameters, typed "type", so a proxy in front of it answers DescribeClusterParameters as AWS
// does (require_ssl a boolean: true in group strict, false in the default group); RDS's groups
// and their modified values are moto's own.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class ParameterFiltersTest : public ActionTest {
 protected:
  Json matched(const std::string& yaml, const std::map<std::string, std::string>& env = {}) const {
    return matched_by(yaml, "params", env);
  }
};

std::optional<FaultProxy::Reply> redshift_parameters(const FaultProxy::Arrival& arrival) {
  if (arrival.body.find("Action=DescribeClusterParameters") == std::string::npos)
    return std::nullopt;
  bool strict = arrival.body.find("ParameterGroupName=strict") != std::string::npos;
  FaultProxy::Reply reply;
  reply.body =
      "<DescribeClusterParametersResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\">"
      "<DescribeClusterParametersResult><Parameters><Parameter><ParameterName>require_ssl"
      "</ParameterName><ParameterValue>" +
      std::string(strict ? "true" : "false") +
      "</ParameterValue><DataType>boolean</DataType><Source>user</Source></Parameter>"
      "<Parameter><ParameterName>max_concurrency_scaling_clusters</ParameterName>"
      "<ParameterValue>" +
      std::string(strict ? "1" : "default") +
      "</ParameterValue><DataType>integer</DataType></Parameter></Parameters>"
      "</DescribeClusterParametersResult><ResponseMetadata><RequestId>recorded</RequestId>"
      "</ResponseMetadata></DescribeClusterParametersResponse>";
  return reply;
}

// Cloud Custodian's redshift-param-ssl: the cluster of the default group (require_ssl false).
TEST_F(ParameterFiltersTest, RedshiftClustersThatDoNotRequireSsl) {
  aws_cli({"redshift", "create-cluster-parameter-group", "--parameter-group-name", "strict",
           "--parameter-group-family", "redshift-1.0", "--description", "ssl only"});
  for (const char* cluster : {"loose", "tight"}) {
    std::vector<std::string> args = {"redshift",
                                     "create-cluster",
                                     "--cluster-identifier",
                                     cluster,
                                     "--node-type",
                                     "dc2.large",
                                     "--master-username",
                                     "admin",
                                     "--master-user-password",
                                     "Password123",
                                     "--cluster-type",
                                     "single-node"};
    if (std::string(cluster) == "tight")
      args.insert(args.end(), {"--cluster-parameter-group-name", "strict"});
    aws_cli(args);
  }
  FaultProxy proxy(emulator().url());
  proxy.answer_with(redshift_parameters);
  Json found = matched(R"(policies:
  - name: params
    resource: redshift
    filters:
      - {type: param, key: require_ssl, value: false, op: eq}
)",
                       {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["ClusterIdentifier"], "loose");
  Json tight = matched(R"(policies:
  - name: params
    resource: redshift
    filters:
      - {type: param, key: max_concurrency_scaling_clusters, value: 1}
)",
                       {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(tight.size(), 1u);  // the integer typed as a number
  EXPECT_EQ(tight[0]["ClusterIdentifier"], "tight");
}

// db-parameter: the database whose group sets a parameter; the key kept as
// c7n:MatchedDBParameter.
TEST_F(ParameterFiltersTest, RdsDatabasesByAParameterOfTheirGroup) {
  aws_cli({"rds", "create-db-parameter-group", "--db-parameter-group-name", "tuned",
           "--db-parameter-group-family", "postgres13", "--description", "tuned"});
  aws_cli({"rds", "modify-db-parameter-group", "--db-parameter-group-name", "tuned", "--parameters",
           "ParameterName=log_connections,ParameterValue=on,ApplyMethod=immediate"});
  for (const char* db : {"plain", "logged"}) {
    std::vector<std::string> args = {"rds",
                                     "create-db-instance",
                                     "--db-instance-identifier",
                                     db,
                                     "--engine",
                                     "postgres",
                                     "--db-instance-class",
                                     "db.t3.micro",
                                     "--master-username",
                                     "admin",
                                     "--master-user-password",
                                     "password123",
                                     "--allocated-storage",
                                     "20"};
    if (std::string(db) == "logged")
      args.insert(args.end(), {"--db-parameter-group-name", "tuned"});
    aws_cli(args);
  }
  Json found = matched(R"(policies:
  - name: params
    resource: rds
    filters:
      - {type: db-parameter, key: log_connections, op: eq, value: "on"}
)");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["DBInstanceIdentifier"], "logged");
  EXPECT_EQ(found[0]["c7n:MatchedDBParameter"], Json::array({"log_connections"}));
}

}  // namespace
}  // namespace custos::test
