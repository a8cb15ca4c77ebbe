// IAM's groups, instance profiles, server certificates and OpenID Connect providers (global,
// listed once), ACM certificates, and Cognito's user and identity pools.
#include "aws/client.h"
#include "resources/iam_principal.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// A Cognito pool: listed, then described (the description holds its tags as a map).
ResourceType cognito(std::string name, std::string service, std::string kind, std::string id,
                     std::string tags) {
  std::string param = kind + "Id";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = std::move(service),
      .enumerate_operation = "List" + kind + "s",
      .enumerate_params = {{"MaxResults", 60}},
      .result_path = kind + "s[]",
      .details = {{.operation = "Describe" + kind,
                   .params = {{param, id}},
                   .absent_codes = {"ResourceNotFoundException"},
                   .required = true}},
      .tags_map = std::move(tags),
      .lookup = Lookup::kEnumerate,
      .id_field = id,
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .actions = {{.operation = "Delete" + kind,
                   .params = {{param, id}},
                   .gone_codes = {"ResourceNotFoundException"}}},
  };
}

// delete's force (Cloud Custodian's): the group's users taken out of it first. Its policies stay
// (c7n 0.9.21 leaves them too): IAM then refuses the delete and the record says failed.
std::string remove_members(const aws::Client& client, const Json& group) {
  Json users = client.call_all("iam", "GetGroup", {{"GroupName", group["GroupName"]}})["Users"];
  Json names = Json::array();
  for (const Json& user : users) {
    client.call("iam", "RemoveUserFromGroup",
                {{"GroupName", group["GroupName"]}, {"UserName", user["UserName"]}});
    names.push_back(user["UserName"]);
  }
  return names.empty() ? "" : "; its users " + names.dump() + " taken out first";
}

}  // namespace

void register_cognito(policy::Registry& registry) {
  ResourceType user_pool = cognito("user-pool", "cognito-idp", "UserPool", "Id", "UserPoolTags");
  user_pool.details[0].select = "UserPool";
  user_pool.name_field = "Name";
  user_pool.date_field = "CreationDate";
  user_pool.arn_field = "Arn";
  add_type(registry, std::move(user_pool));
  ResourceType identity_pool = cognito("identity-pool", "cognito-identity", "IdentityPool",
                                       "IdentityPoolId", "IdentityPoolTags");
  identity_pool.name_field = "IdentityPoolName";
  identity_pool.arn_format =
      "arn:{partition}:cognito-identity:{region}:{account_id}:identitypool/{id}";
  add_type(registry, std::move(identity_pool));
}

void register_identity(policy::Registry& registry) {
  register_cognito(registry);
  // IAM groups cannot be tagged.
  add_type(registry,
           {
               .name = "aws.iam-group",
               .aliases = {"iam-group"},
               .service = "iam",
               .enumerate_operation = "ListGroups",
               .result_path = "Groups[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "GroupName",
               .date_field = "CreateDate",
               .global = true,
               .arn_field = "Arn",
               // Cloud Custodian's delete without force: a group with members or policies
               // is refused by IAM (DeleteConflict) and recorded as failed.
               .actions = {{.operation = "DeleteGroup",
                            .params = {{"GroupName", "GroupName"}},
                            .options = {{.name = "force", .prepare = remove_members}},
                            .gone_codes = {"NoSuchEntity"}}},
           },
           false);
  register_principal_policy_actions(registry, "aws.iam-group", Principal("Group"));
  add_type(registry, {
                         .name = "aws.iam-profile",
                         .aliases = {"iam-profile"},
                         .service = "iam",
                         .enumerate_operation = "ListInstanceProfiles",
                         .result_path = "InstanceProfiles[]",
                         .details = {{.operation = "ListInstanceProfileTags",
                                      .params = {{"InstanceProfileName", "InstanceProfileName"}},
                                      .select = "Tags",
                                      .key = "Tags"}},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "InstanceProfileName",
                         .date_field = "CreateDate",
                         .global = true,
                         .arn_field = "Arn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagInstanceProfile",
                                     .untag_operation = "UntagInstanceProfile",
                                     .id_param = "InstanceProfileName"},
                     });
  register_iam_profile_role(registry);
  add_type(registry, {
                         .name = "aws.iam-certificate",
                         .aliases = {"iam-certificate"},
                         .service = "iam",
                         .enumerate_operation = "ListServerCertificates",
                         .result_path = "ServerCertificateMetadataList[]",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "ServerCertificateName",
                         .date_field = "Expiration",
                         .global = true,
                         .arn_field = "Arn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagServerCertificate",
                                     .untag_operation = "UntagServerCertificate",
                                     .id_param = "ServerCertificateName"},
                         .actions = {ResourceType::CallAction{
                             .operation = "DeleteServerCertificate",
                             .params = {{"ServerCertificateName", "ServerCertificateName"}},
                             .gone_codes = {"NoSuchEntity"}}},
                     });
  // OpenID Connect identity providers, named by ARN and completed by
  // GetOpenIDConnectProvider (Cloud Custodian's detail_spec); it does not tag them.
  add_type(registry,
           {
               .name = "aws.iam-oidc-provider",
               .aliases = {"iam-oidc-provider"},
               .service = "iam",
               .enumerate_operation = "ListOpenIDConnectProviders",
               .result_path = "OpenIDConnectProviderList[]",
               .details = {{.operation = "GetOpenIDConnectProvider",
                            .params = {{"OpenIDConnectProviderArn", "Arn"}},
                            .absent_codes = {"NoSuchEntity"},
                            .required = true}},
               .lookup = Lookup::kFromId,
               .id_field = "Arn",
               .global = true,
               .arn_field = "Arn",
           },
           false);
  add_type(
      registry,
      {
          .name = "aws.acm-certificate",
          .aliases = {"acm-certificate"},
          .service = "acm",
          .enumerate_operation = "ListCertificates",
          .result_path = "CertificateSummaryList[]",
          .details = {{.operation = "DescribeCertificate",
                       .params = {{"CertificateArn", "CertificateArn"}},
                       .select = "Certificate",
                       .required = true},
                      {.operation = "ListTagsForCertificate",
                       .params = {{"CertificateArn", "CertificateArn"}},
                       .select = "Tags",
                       .key = "Tags"}},
          .lookup = Lookup::kEnumerate,
          .id_field = "CertificateArn",
          .name_field = "DomainName",
          .date_field = "CreatedAt",
          .arn_field = "CertificateArn",
          .tagging = {.api = Tagging::Api::kResourceGroups},
          .actions = {ResourceType::CallAction{.operation = "DeleteCertificate",
                                               .params = {{"CertificateArn", "CertificateArn"}},
                                               .gone_codes = {"ResourceNotFoundException"}}},
      });
}

}  // namespace custos::resources
