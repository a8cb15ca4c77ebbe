// Cloud Custodian's kms-key filter (KmsRelatedFilter) on the types that name a KMS key: a value
// filter over the key, looked up by whatever the resource holds (a key id, a key ARN, an alias
// name or an alias ARN), with c7n:AliasName its first alias ("" when it has none), so that
// `key: c7n:AliasName, value: alias/aws/sqs` finds what AWS's own key protects.
#include "resources/kms_key.h"
#include "resources/related_resource_filter.h"

namespace custos::resources {
namespace {

// Where each type names its key: Cloud Custodian 0.9.21's RelatedIdsExpression.
const std::pair<const char*, const char*> kKeyPaths[] = {
    {"aws.airflow", "KmsKey"},
    {"aws.lambda", "KMSKeyArn"},
    {"aws.log-group", "kmsKeyId"},
    {"aws.dms-instance", "KmsKeyId"},
    {"aws.dynamodb-table", "SSEDescription.KMSMasterKeyArn"},
    {"aws.efs", "KmsKeyId"},
    {"aws.elasticache-group", "KmsKeyId"},
    {"aws.elasticsearch", "EncryptionAtRestOptions.KmsKeyId"},
    {"aws.fsx", "KmsKeyId"},
    {"aws.fsx-backup", "KmsKeyId"},
    {"aws.kafka", "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId"},
    {"aws.kinesis", "KeyId"},
    {"aws.firehose", "DeliveryStreamEncryptionConfiguration.KeyARN"},
    {"aws.kinesis-video", "KmsKeyId"},
    {"aws.message-broker", "EncryptionOptions.KmsKeyId"},
    {"aws.rds-cluster", "KmsKeyId"},
    {"aws.redshift", "KmsKeyId"},
    {"aws.sagemaker-endpoint-config", "KmsKeyId"},
    {"aws.secrets-manager", "KmsKeyId"},
    {"aws.sns", "KmsMasterKeyId"},
    {"aws.sqs", "KmsMasterKeyId"},
    {"aws.ssm-data-sync", "S3Destination.AWSKMSKeyARN"},
    {"aws.workspaces", "VolumeEncryptionKey"},
};

// A key under its id, its ARN, and each alias by name and by ARN.
void index_key(Json key, std::map<std::string, Json>& by_id) {
  const std::string arn = key.value("Arn", "");
  const Json aliases = key.value("AliasNames", Json::array());
  key["c7n:AliasName"] = aliases.empty() ? Json("") : aliases[0];
  std::vector<std::string> names = {key.value("KeyId", ""), arn};
  const std::size_t at = arn.find(":key/");
  for (const Json& alias : aliases) {
    names.push_back(alias.get<std::string>());
    if (at != std::string::npos) names.push_back(arn.substr(0, at + 1) + alias.get<std::string>());
  }
  for (const std::string& name : names)
    if (!name.empty()) by_id[name] = key;
}

}  // namespace

void register_kms_key_filters(policy::Registry& registry) {
  for (const auto& [resource, path] : kKeyPaths) {
    if (!registry.table_type(resource)) continue;
    add_related_resource_filter(registry, resource, "kms-key",
                                {.type = "aws.kms-key",
                                 .ids = path,
                                 .annotation = "c7n:matched-kms-key",
                                 .permissions = {"kms:DescribeKey", "kms:ListAliases"},
                                 .index = index_key});
  }
}

}  // namespace custos::resources
