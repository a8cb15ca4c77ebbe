// dax update-cluster and glue-job toggle-metrics over real HTTP, Cloud Custodian's examples
// unchanged: the setting changed, read back with the AWS CLI, and put back by the undo. moto
// 5.2.1 has neither UpdateCluster nor UpdateJob: a proxy keeps the cluster or job (as moto
// described it) and applies the change, and the AWS CLI reads it back through it.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/paths.h"

namespace custos::test {
namespace {

using UpdateCallsTest = ActionTest;

// Cloud Custodian's dax-update-cluster: a cluster on the default parameter group moved to
// testparamgroup.
TEST_F(UpdateCallsTest, DaxClusterIsMovedToTheParameterGroupNamed) {
  aws_cli({"dax", "create-cluster", "--cluster-name", "sessions", "--node-type", "dax.t3.small",
           "--replication-factor", "1", "--iam-role-arn", "arn:aws:iam::123456789012:role/dax"});
  Json clusters = aws_cli({"dax", "describe-clusters"})["Clusters"];
  ASSERT_EQ(clusters.size(), 1u);
  clusters[0]["Status"] = "available";  // created
  FaultProxy proxy(emulator().url());
  keep_resources(
      proxy,
      {.describe = "DescribeClusters",
       .list_key = "Clusters",
       .ids_param = "ClusterNames",
       .modify = "UpdateCluster",
       .id_param = "ClusterName",
       .id_field = "ClusterName",
       .reply_key = "Cluster",
       .not_found = "ClusterNotFoundFault",
       .apply =
           [](Json& cluster, const Json& request) {
             for (const char* member : {"Description", "PreferredMaintenanceWindow"})
               if (request.contains(member)) cluster[member] = request[member];
             if (request.contains("ParameterGroupName"))
               cluster["ParameterGroup"]["ParameterGroupName"] = request["ParameterGroupName"];
             if (request.contains("NotificationTopicArn"))
               cluster["NotificationConfiguration"]["TopicArn"] = request["NotificationTopicArn"];
             if (request.contains("NotificationTopicStatus"))
               cluster["NotificationConfiguration"]["TopicStatus"] =
                   request["NotificationTopicStatus"];
           }},
      clusters);
  auto group = [&] {
    Json listed = aws_cli({"dax", "describe-clusters", "--endpoint-url", proxy.url()});
    Json found = Json::array();
    for (const Json& cluster : listed.value("Clusters", Json::array()))
      found.push_back(cluster["ParameterGroup"]["ParameterGroupName"]);
    return found;
  };
  const Json before = group();
  EXPECT_EQ(before, Json::array({"default.dax1.0"}));
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/dax/dynamodb-591-dax-update-cluster.yml")),
      "dax-update-cluster", group, "dax UpdateCluster", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], "sessions");
  EXPECT_EQ(group(), Json::array({"testparamgroup"}));
  expect_undo_restores(records, group, before, proxy.url());
}

// Cloud Custodian's gluejob-enable-metrics: --enable-metrics added to a job's default
// arguments, the rest of its definition sent back as it was (without MaxCapacity, which AWS
// refuses with WorkerType); the undo writes the definition as it was.
TEST_F(UpdateCallsTest, GlueJobMetricsAreTurnedOnAndTheRestKept) {
  aws_cli({"glue", "create-job", "--name", "nightly", "--role",
           "arn:aws:iam::123456789012:role/glue", "--command",
           "Name=glueetl,ScriptLocation=s3://etl/nightly.py", "--default-arguments",
           R"({"--job-language": "python"})", "--worker-type", "G.1X", "--number-of-workers", "2",
           "--glue-version", "3.0"});
  FaultProxy proxy(emulator().url());
  keep_resources(proxy,
                 {.describe = "GetJobs",
                  .list_key = "Jobs",
                  .modify = "UpdateJob",
                  .id_param = "JobName",
                  .id_field = "Name",
                  .not_found = "EntityNotFoundException",
                  .apply =
                      [](Json& job, const Json& request) {
                        // UpdateJob replaces the definition.
                        Json updated = request["JobUpdate"];
                        for (const char* kept : {"Name", "CreatedOn", "LastModifiedOn"})
                          if (job.contains(kept)) updated[kept] = job[kept];
                        job = updated;
                      },
                  .reply =
                      [](const Json& job) {
                        return Json{{"JobName", job["Name"]}};
                      },
                  .get = "GetJob",
                  .get_key = "Job"},
                 aws_cli({"glue", "get-jobs"})["Jobs"]);
  auto job = [&] {
    return aws_cli({"glue", "get-job", "--job-name", "nightly", "--endpoint-url", proxy.url()})
        .value("Job", Json::object());
  };
  auto arguments = [&] { return job().value("DefaultArguments", Json::object()); };
  const Json before = arguments();
  const Json definition = job();
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/glue-job/glue-179-gluejob-enable-metrics.yml")),
      "gluejob-enable-metrics", arguments, "glue UpdateJob", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(arguments(), Json::parse(R"({"--job-language": "python", "--enable-metrics": ""})"));
  Json now = job();
  for (const char* kept : {"Role", "Command", "WorkerType", "NumberOfWorkers", "GlueVersion"})
    EXPECT_EQ(now[kept], definition[kept]) << kept;
  for (const auto& arrival : proxy.arrivals()) {
    auto target = arrival.headers.find("X-Amz-Target");
    if (target == arrival.headers.end() || !target->second.ends_with(".UpdateJob")) continue;
    Json update = Json::parse(arrival.body)["JobUpdate"];
    EXPECT_FALSE(update.contains("MaxCapacity")) << arrival.body;
    EXPECT_FALSE(update.contains("AllocatedCapacity")) << arrival.body;
  }
  expect_undo_restores(records, arguments, before, proxy.url());
}

}  // namespace
}  // namespace custos::test
