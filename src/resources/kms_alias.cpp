#include "resources/kms_alias.h"

namespace custos::resources {

void register_kms_alias(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.kms-alias",
      // Cloud Custodian calls this type `kms`.
      .aliases = {"kms-alias", "aws.kms", "kms"},
      .service = "kms",
      .enumerate_operation = "ListAliases",
      // As Cloud Custodian: AWS lists aliases reserved for AWS managed keys that do not exist
      // yet, without TargetKeyId; they are left out.
      .result_path = "Aliases[?TargetKeyId]",
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "AliasArn",
      .name_field = "AliasName",
      .arn_field = "AliasArn",
  });
}

}  // namespace custos::resources
