// The data-only resource types moto 5.2.1 cannot serve (the rows of type_rows.cpp with a
// `skip`), listed from real AWS answers: Cloud Custodian's placebo recordings of its own tests,
// put on the wire by a proxy in front of moto (recorded_answers.h). custos must list exactly
// the ids the recording holds, written here by hand from the recorded files. Where custos makes
// a per-resource call the recording lacks (it holds Cloud Custodian's batch or tagging call
// instead), moto answers it for a resource made with the recorded name, or moto_gaps.h does
// where moto cannot.
#include <gtest/gtest.h>

#include <set>

#include "integration/fixture.h"
#include "integration/moto_gaps.h"
#include "integration/param_names.h"
#include "integration/recorded_answers.h"
#include "integration/type_rows.h"
#include "resources/builtin.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

struct Recorded {
  std::string type;
  std::string placebo_test;  // the recordings (tests/data/responses/cloud-custodian-placebo/)
  std::vector<std::string> ids;
  std::vector<Call> moto_setup{};       // made in moto first: what its per-resource calls read
  void (*gaps)(FaultProxy&) = nullptr;  // answers for calls neither recorded nor in moto
};

void PrintTo(const Recorded& recorded, std::ostream* out) { *out << recorded.type; }

std::vector<Recorded> recorded_types() {
  return {
      {"streaming-distribution", "test_streaming_distrbution_tag", {"E3R1TPTJ12ZQLQ"}},
      {"codecommit",
       "test_codecommit",
       {"custodian-config-repo"},
       {{"codecommit", "CreateRepository", R"({"repositoryName": "custodian-config-repo"})"}},
       answer_codecommit_tags},
      {"sagemaker-job",
       "test_sagemaker_training_job_query",
       {"arn:aws:sagemaker:us-east-1:644160558196:training-job/c7n-job-2018-01-12-18-23-33"}},
      {"sagemaker-transform-job",
       "test_sagemaker_transform_job_query",
       {"arn:aws:sagemaker:us-east-1:644160558196:transform-job/"
        "batch-transform-2018-10-24-20-23-46-100"}},
      {"ml-model", "test_ml_model_query", {"ml-qPNsFWW05dv"}},
      {"kinesis-video", "test_kinesis_video_kms_key", {"test-video"}, {}, answer_video_stream_tags},
      {"composite-alarm", "test_add_composite_alarm_tags", {"c7n-composite-alarm"}},
      {"ops-item", "test_ops_item_get_resources", {"oi-5aa4c36439ed"}},
      {"ssm-data-sync",
       "test_get_data_sync_resources",
       {"invsync", "test-data-sync", "test-data-sync-2"}},
      {"fis-template", "test_fis_mark_match", {"EXT2NuZ4Z1LDfqy2"}},
      {"batch-compute", "test_batch_compute_update", {"c7n-test-env"}},
      {"glue-connection", "test_glue_connection_tag_untag", {"test"}},
      {"transfer-user", "test_transfer_user", {"test"}},
      {"opswork-stack",
       "test_opswork-stack_query",
       {"ba31e78a-19a0-44a1-9ba3-e04ab78e00d0", "ebd5f168-f7a4-43bc-9a7b-7aa5bb83b9ad"}},
      {"app-flow", "test_appflow_tag", {"test"}},
      {"artifact-domain", "test_artifact_delete", {"pizzaspace"}},
      {"artifact-repo", "test_artifact_repo_cross_account", {"dop"}},
      {"cloudsearch", "test_cloudsearch_query", {"sock-index"}},
      {"mirror-session", "test_traffic_mirror_session_delete", {"tms-084dc356a819e99ae"}},
      {"r53domain", "test_route53_domain", {"genericdomain.com"}},
      // MWAA's calls take the api. host prefix, which custos leaves off an IP address endpoint.
      {"airflow", "test_airflow_environment_value_filter", {"testEnvironment"}},
      // moto serves the listing; only the tags each profile's listing reads are a gap.
      {"iam-profile",
       "",
       {"ops"},
       {{"iam", "CreateInstanceProfile", R"({"InstanceProfileName": "ops"})"}},
       answer_instance_profile_tags},
  };
}

class ResourceTypeRecorded : public IntegrationTest,
                             public ::testing::WithParamInterface<Recorded> {};

TEST_P(ResourceTypeRecorded, ListsTheRecordedIds) {
  const Recorded& recorded = GetParam();
  Row setup{.type = recorded.type, .setup = recorded.moto_setup, .id = "", .tagged = false};
  create(setup, client());
  FaultProxy proxy(emulator().url());
  if (!recorded.placebo_test.empty()) answer_from_recordings(proxy, recorded.placebo_test);
  if (recorded.gaps) recorded.gaps(proxy);
  write("p.yml", "policies:\n  - name: listed\n    resource: " + recorded.type + "\n");
  auto result =
      custos({"run", "-s", path("out"), path("p.yml")}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  std::string calls;  // what custos asked, for a failure's message
  for (const auto& arrival : proxy.arrivals())
    calls += arrival.method + " " + arrival.target + " " + arrival.body.substr(0, 80) + " -> " +
             std::to_string(arrival.status) + " " + arrival.response_body.substr(0, 300) + "\n";
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err << calls;
  const auto* type = resources::builtin_registry().find_resource(recorded.type);
  ASSERT_NE(type, nullptr);
  std::set<std::string> listed;
  for (const Json& resource : Json::parse(read_file(path("out/listed/resources.json"))))
    listed.insert(resource.value(type->id_field, ""));
  EXPECT_EQ(listed, std::set<std::string>(recorded.ids.begin(), recorded.ids.end())) << calls;
}

INSTANTIATE_TEST_SUITE_P(Types, ResourceTypeRecorded, ::testing::ValuesIn(recorded_types()),
                         type_param_name<Recorded>);

// Every type moto cannot serve is listed from a recording instead, or by a test of its own
// against a proxy answering its service (the Route 53 recovery types: Route53RecoveryTest).
TEST(ResourceTypeRecordings, CoverEveryTypeMotoCannotServe) {
  std::set<std::string> recorded = {"recovery-cluster", "recovery-control-panel",
                                    "readiness-check"};
  for (const Recorded& each : recorded_types()) recorded.insert(each.type);
  for (const Row& row : rows())
    if (!row.skip.empty()) {
      EXPECT_TRUE(recorded.contains(row.type)) << row.type << " (" << row.skip << ")";
    }
}

}  // namespace
}  // namespace custos::test
