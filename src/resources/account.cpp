// aws.account: the account itself, as Cloud Custodian's DescribeAccount builds it
// ({account_id, account_name}: the id from STS, the name from the account's first IAM alias).
// Any event of the account names it: a root sign-in names arn:aws:iam::123456789012:root.
#include "resources/account.h"

namespace custos::resources {

void register_account(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.account",
      .aliases = {"account"},
      .service = "sts",
      .enumerate_operation = "GetCallerIdentity",
      .result_path = "[{account_id: Account}]",
      .details = {{.operation = "ListAccountAliases",
                   .service = "iam",
                   .select = "{account_name: AccountAliases[0] || ''}"}},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .named_by_account = true,
      .id_field = "account_id",
      .name_field = "account_name",
      .global = true,
      .arn_format = "arn:::{id}",  // Cloud Custodian's get_arns
      .report_fields = {"account_id", "account_name"},
  });
  register_account_filters(registry);
}

}  // namespace custos::resources
