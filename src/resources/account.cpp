// aws.account: the account itself, as Cloud Custodian's DescribeAccount builds it
// ({account_id, account_name}: the id from STS, the name from the account's first IAM alias).
// Any event of the account names it: a root sign-in names arn:aws:iam::123456789012:root.
#include "resources/account.h"

#include "policy/action.h"
#include "policy/spec.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using CallAction = policy::ResourceType::CallAction;

// set-ebs-encryption (Cloud Custodian's SetEbsEncryption): EBS encryption by default in the
// region on (`state: true`) or off (c7n's default), and with `key` the default KMS key: two
// calls. The key is set again on every run (AWS answers it as an ARN the policy need not use).
class SetEbsEncryption : public policy::PerResourceAction {
 public:
  explicit SetEbsEncryption(const policy::Spec& spec)
      : PerResourceAction("set-ebs-encryption"),
        state_(spec.optional_bool("state", false)),
        key_(spec.optional_string("key", "")) {
    if (!key_.empty() && !state_)
      spec.child("key").fail("'key' is the key encryption uses: it needs state: true");
  }

 private:
  ActionRecord apply(const Json& account, ActionContext& context) const override {
    const std::string id = context.id_of(account);
    const aws::Client& client = context.client_for(account);
    const std::string& region = client.session().region();
    bool on = client.call("ec2", "GetEbsEncryptionByDefault", Json::object())
                  .value("EbsEncryptionByDefault", false);
    if (on == state_ && key_.empty())
      return ActionRecord::unchanged(name(), id,
                                     std::string("EBS encryption by default already ") +
                                         (on ? "on" : "off") + " in " + region);
    ActionRecord record{name(), id};
    record.before = {{"EbsEncryptionByDefault", on}};
    record.after = {{"EbsEncryptionByDefault", state_}};
    record.undo = Json::array();
    if (!key_.empty()) {
      Json key_before = client.call("ec2", "GetEbsDefaultKmsKeyId", Json::object())["KmsKeyId"];
      client.call("ec2", "ModifyEbsDefaultKmsKeyId", {{"KmsKeyId", key_}});
      record.before["KmsKeyId"] = key_before;
      record.after["KmsKeyId"] = key_;
      record.undo.push_back(
          policy::undo_call("ec2", "ModifyEbsDefaultKmsKeyId", {{"KmsKeyId", key_before}}, region));
    }
    if (on != state_) {
      client.call("ec2", state_ ? "EnableEbsEncryptionByDefault" : "DisableEbsEncryptionByDefault",
                  Json::object());
      record.undo.push_back(policy::undo_call(
          "ec2", on ? "EnableEbsEncryptionByDefault" : "DisableEbsEncryptionByDefault",
          Json::object(), region));
    }
    record.check = policy::check_call(
        "ec2", "GetEbsEncryptionByDefault", Json::object(),
        "EbsEncryptionByDefault == `" + std::string(state_ ? "true" : "false") + "`", region);
    record.summary = "EBS encryption by default " + std::string(state_ ? "on" : "off") + " in " +
                     region + (key_.empty() ? "" : " with key " + key_);
    return record;
  }

  bool state_;
  std::string key_;
};

// The account's settings that are one call each, as data: each reads the setting first (the
// record's before and its undo) and leaves what the policy does not name as it is.
std::vector<CallAction> account_actions() {
  return {
      {.name = "set-xray-encrypt",
       .operation = "PutEncryptionConfig",
       .service = "xray",
       .read = policy::DetailCall{.operation = "GetEncryptionConfig",
                                  .service = "xray",
                                  .select = "EncryptionConfig",
                                  .key = "c7n:XrayEncryptionConfig"},
       .options = {{.name = "key",
                    .param = "@",
                    .transform = "@ == 'default' && {Type: 'NONE'} || {Type: 'KMS', KeyId: @}",
                    .required = true,
                    .current = "\"c7n:XrayEncryptionConfig\".{Type: Type, KeyId: KeyId}"}},
       .description = "Encrypt X-Ray's data with `key` (default: X-Ray's own encryption; else "
                      "a KMS key id, ARN or alias)"},
      {.name = "set-emr-block-public-access",
       .operation = "PutBlockPublicAccessConfiguration",
       .service = "emr",
       .read = policy::DetailCall{.operation = "GetBlockPublicAccessConfiguration",
                                  .service = "emr",
                                  .key = "c7n:emr-block-public-access",
                                  .absent = Json::object()},
       .options = {{.name = "config",
                    .param = "BlockPublicAccessConfiguration",
                    .required = true,
                    .current = "\"c7n:emr-block-public-access\".BlockPublicAccessConfiguration",
                    .keep_current = true}},
       .description = "Set EMR's block public access configuration in the region: `config`'s "
                      "members, the others kept"},
      {.name = "set-password-policy",
       .operation = "UpdateAccountPasswordPolicy",
       .service = "iam",
       .read = policy::DetailCall{.operation = "GetAccountPasswordPolicy",
                                  .service = "iam",
                                  .select = "PasswordPolicy",
                                  .key = "c7n:password_policy",
                                  .absent = Json::object(),
                                  .absent_codes = {"NoSuchEntity"}},
       .options = {{.name = "policy",
                    .param = "@",
                    .required = true,
                    // A 0 age or reuse count (as some answer "not set") is left out: AWS
                    // takes neither below 1.
                    .current = "\"c7n:password_policy\".{MinimumPasswordLength: "
                               "MinimumPasswordLength, RequireSymbols: RequireSymbols, "
                               "RequireNumbers: RequireNumbers, RequireUppercaseCharacters: "
                               "RequireUppercaseCharacters, RequireLowercaseCharacters: "
                               "RequireLowercaseCharacters, AllowUsersToChangePassword: "
                               "AllowUsersToChangePassword, MaxPasswordAge: "
                               "(MaxPasswordAge > `0` && MaxPasswordAge) || null, "
                               "PasswordReusePrevention: (PasswordReusePrevention > `0` && "
                               "PasswordReusePrevention) || null, HardExpiry: HardExpiry}",
                    .keep_current = true}},
       .description = "Set the account's IAM password policy: `policy`'s members, the others "
                      "kept"},
  };
}

}  // namespace

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
      .actions = account_actions(),
  });
  registry.add_action("aws.account", "set-ebs-encryption",
                      policy::action_info<SetEbsEncryption>(
                          {"state", "key"},
                          {"ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault",
                           "ec2:DisableEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId",
                           "ec2:ModifyEbsDefaultKmsKeyId"},
                          "Turn EBS encryption by default on (state: true) or off in the "
                          "region, with `key` the default KMS key"));
  register_account_filters(registry);
  register_ses_stats_filters(registry);
  register_enable_cloudtrail(registry);
  register_service_limits(registry);
}

}  // namespace custos::resources
