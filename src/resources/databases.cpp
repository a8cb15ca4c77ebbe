// Databases: RDS instances, clusters, snapshots, subnet groups, event subscriptions and
// proxies, Redshift clusters, DynamoDB tables and backups, DAX clusters, Elasticsearch
// (OpenSearch) domains, ElastiCache clusters and subnet groups, Redshift subnet groups and
// DynamoDB streams.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// RDS lists tags with each resource as TagList; Cloud Custodian renames it Tags. Its tag calls
// name the resource by ARN.
ResourceType rds(std::string name, std::string operation, std::string kind, std::string date) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "rds",
      .enumerate_operation = std::move(operation),
      .result_path = kind + "s[]",
      .computed = {{"Tags", "TagList || `[]`"}},
      .lookup = Lookup::kEnumerate,
      .id_field = kind + "Identifier",
      .date_field = std::move(date),
      .arn_field = kind + "Arn",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "AddTagsToResource",
                  .untag_operation = "RemoveTagsFromResource",
                  .id_param = "ResourceName",
                  .id_member = kind + "Arn"},
  };
}

// The rds types whose listing holds no tags (parameter groups, cluster snapshots): read with
// ListTagsForResource by ARN.
ResourceType rds_tagged_by_call(std::string name, std::string operation, const std::string& kind,
                                std::string id) {
  std::string arn = kind + "Arn";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "rds",
      .enumerate_operation = std::move(operation),
      .result_path = kind + "s[]",
      .details = {{.operation = "ListTagsForResource",
                   .params = {{"ResourceName", arn}},
                   .select = "TagList",
                   .key = "Tags"}},
      .lookup = Lookup::kEnumerate,
      .id_field = std::move(id),
      .arn_field = arn,
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "AddTagsToResource",
                  .untag_operation = "RemoveTagsFromResource",
                  .id_param = "ResourceName",
                  .id_member = arn},
  };
}

// A service whose TagResource/UntagResource name the resource by ARN in `param`.
Tagging tag_resource(const std::string& param, const std::string& arn_field) {
  return {.api = Tagging::Api::kPerResource,
          .tag_operation = "TagResource",
          .untag_operation = "UntagResource",
          .id_param = param,
          .id_member = arn_field};
}

DetailCall elasticache_tags() {
  return {.operation = "ListTagsForResource",
          .params = {{"ResourceName", "ARN"}},
          .select = "TagList",
          .key = "Tags"};
}

Tagging elasticache_tagging() {
  return {.api = Tagging::Api::kPerResource,
          .tag_operation = "AddTagsToResource",
          .untag_operation = "RemoveTagsFromResource",
          .id_param = "ResourceName",
          .id_member = "ARN"};
}

DetailCall dms_tags(const std::string& arn) {
  return {.operation = "ListTagsForResource",
          .params = {{"ResourceArn", arn}},
          .select = "TagList",
          .key = "Tags"};
}

Tagging dms_tagging(const std::string& arn) {
  return {.api = Tagging::Api::kPerResource,
          .tag_operation = "AddTagsToResource",
          .untag_operation = "RemoveTagsFromResource",
          .id_param = "ResourceArn",
          .id_member = arn};
}

// Who may restore an RDS snapshot (`kind` DBSnapshot or DBClusterSnapshot): its restore
// attribute, as Cloud Custodian's rds and rds-cluster-snapshot cross-account read it.
// Who may restore a manual snapshot: its restore attribute (set-permissions changes it).
ResourceType::Access restorers(const std::string& kind) {
  std::vector<std::pair<std::string, std::string>> snapshot = {
      {kind + "Identifier", kind + "Identifier"}};
  ResourceType::Access::Share share{.operation = "Modify" + kind + "Attribute",
                                    .params = snapshot,
                                    .add_param = "ValuesToAdd",
                                    .remove_param = "ValuesToRemove"};
  share.params.emplace_back("AttributeName", "`\"restore\"`");
  return shared_with({.operation = "Describe" + kind + "Attributes",
                      .params = snapshot,
                      .select = kind + "AttributesResult." + kind +
                                "Attributes[?AttributeName=='restore'].AttributeValues[]"},
                     std::move(share));
}

ResourceType::CallAction modify_cluster(std::string name, ResourceType::CallAction::Option option) {
  return {.name = std::move(name),
          .operation = "ModifyCluster",
          .params = {{"ClusterIdentifier", "ClusterIdentifier"}},
          .options = {std::move(option)}};
}

// The cluster's member instances, deleted without final snapshots (the cluster's is the one
// kept): what DeleteDBCluster needs first.
std::string delete_cluster_members(const aws::Client& client, const Json& cluster) {
  std::string deleted;
  for (const Json& member : cluster.value("DBClusterMembers", Json::array())) {
    std::string id = member.value("DBInstanceIdentifier", "");
    try {
      client.call("rds", "DeleteDBInstance",
                  {{"DBInstanceIdentifier", id}, {"SkipFinalSnapshot", true}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "DBInstanceNotFound") throw;
      continue;
    }
    deleted += (deleted.empty() ? "" : ", ") + id;
  }
  return deleted.empty() ? "" : "; its instances " + deleted + " deleted first";
}

// Cloud Custodian's modify-endpoint on dms-endpoint: ModifyEndpoint with the settings given
// (SslMode: require), each undone to its value before. Password is refused: the journal would
// keep it.
ResourceType::CallAction modify_endpoint() {
  ResourceType::CallAction modify{.name = "modify-endpoint",
                                  .operation = "ModifyEndpoint",
                                  .params = {{"EndpointArn", "EndpointArn"}}};
  for (const char* field : {"Port", "ServerName", "SslMode", "CertificateArn", "DatabaseName",
                            "EndpointIdentifier", "EngineName", "ExtraConnectionAttributes",
                            "Username", "DynamoDbSettings", "S3Settings", "MongoDbSettings"})
    modify.options.push_back(setting(field, field, nullptr));
  return modify;
}

// Cloud Custodian's update-cluster on dax: UpdateCluster with the settings given, each undone to
// its value before, on an available cluster (c7n skips one being changed).
ResourceType::CallAction dax_update_cluster() {
  ResourceType::CallAction update{
      .name = "update-cluster",
      .operation = "UpdateCluster",
      .params = {{"ClusterName", "ClusterName"}},
      .when = "Status == 'available'",
      .description =
          "UpdateCluster with the settings given (ParameterGroupName, Description, "
          "PreferredMaintenanceWindow, NotificationTopicArn, NotificationTopicStatus) "
          "on an available cluster; undo sets the old values back"};
  for (auto [option, current] :
       {std::pair{"Description", "Description"},
        {"PreferredMaintenanceWindow", "PreferredMaintenanceWindow"},
        {"NotificationTopicArn", "NotificationConfiguration.TopicArn"},
        {"NotificationTopicStatus", "NotificationConfiguration.TopicStatus"},
        {"ParameterGroupName", "ParameterGroup.ParameterGroupName"}})
    update.options.push_back({.name = option, .param = option, .current = current});
  return update;
}

// Cloud Custodian's modify-instance on dms-instance: ModifyReplicationInstance with the settings
// given, each undone to its value before, on an available instance (c7n skips one being
// changed). ApplyImmediately and AllowMajorVersionUpgrade say how the change is made.
ResourceType::CallAction modify_replication_instance() {
  ResourceType::CallAction modify{
      .name = "modify-instance",
      .operation = "ModifyReplicationInstance",
      .params = {{"ReplicationInstanceArn", "ReplicationInstanceArn"}},
      .when = "ReplicationInstanceStatus == 'available'",
      .gone_codes = {"ResourceNotFoundFault"},
      .description =
          "ModifyReplicationInstance with the settings given (AutoMinorVersionUpgrade, "
          "PreferredMaintenanceWindow...) on an available instance; undo sets the "
          "old values back"};
  for (const char* field :
       {"AllocatedStorage", "ReplicationInstanceClass", "PreferredMaintenanceWindow", "MultiAZ",
        "EngineVersion", "AutoMinorVersionUpgrade", "ReplicationInstanceIdentifier"})
    modify.options.push_back(setting(field, field, nullptr));
  modify.options.push_back({.name = "VpcSecurityGroupIds",
                            .param = "VpcSecurityGroupIds",
                            .current = "VpcSecurityGroups[].VpcSecurityGroupId"});
  for (const char* how : {"ApplyImmediately", "AllowMajorVersionUpgrade"})
    modify.options.push_back({.name = how, .param = how, .instruction = true});
  return modify;
}

// RDS's subnet groups, event subscriptions and proxies, and DynamoDB's backups (Cloud
// Custodian's universal_taggable ones tagged by ARN through RDS's own calls, as rds is).
void register_rds_parts(policy::Registry& registry) {
  ResourceType subnet_group = rds_tagged_by_call("rds-subnet-group", "DescribeDBSubnetGroups",
                                                 "DBSubnetGroup", "DBSubnetGroupName");
  subnet_group.actions.push_back({.operation = "DeleteDBSubnetGroup",
                                  .params = {{"DBSubnetGroupName", "DBSubnetGroupName"}},
                                  .gone_codes = {"DBSubnetGroupNotFoundFault"}});
  add_type(registry, std::move(subnet_group));
  ResourceType subscription = rds_tagged_by_call("rds-subscription", "DescribeEventSubscriptions",
                                                 "EventSubscription", "CustSubscriptionId");
  subscription.result_path = "EventSubscriptionsList[]";
  subscription.date_field = "SubscriptionCreateTime";
  // As Cloud Custodian: a subscription gone or being changed is left as it is.
  subscription.actions.push_back(
      {.operation = "DeleteEventSubscription",
       .params = {{"SubscriptionName", "CustSubscriptionId"}},
       .gone_codes = {"SubscriptionNotFound", "SubscriptionNotFoundFault",
                      "InvalidEventSubscriptionStateFault"}});
  add_type(registry, std::move(subscription));
  ResourceType proxy =
      rds_tagged_by_call("rds-proxy", "DescribeDBProxies", "DBProxy", "DBProxyName");
  proxy.result_path = "DBProxies[]";
  proxy.date_field = "CreatedDate";
  add_type(registry, std::move(proxy));
  add_type(
      registry,
      {
          .name = "aws.dynamodb-backup",
          .aliases = {"dynamodb-backup"},
          .service = "dynamodb",
          .enumerate_operation = "ListBackups",
          .result_path = "BackupSummaries[]",
          .lookup = Lookup::kEnumerate,
          .id_field = "BackupArn",
          .name_field = "BackupName",
          .date_field = "BackupCreationDateTime",
          .arn_field = "BackupArn",
          .actions = {{.operation = "DeleteBackup",
                       .params = {{"BackupArn", "BackupArn"}},
                       .when = "BackupStatus == 'AVAILABLE'",
                       .gone_codes = {"BackupNotFoundException", "ResourceNotFoundException"}}},
      },
      false);
}

}  // namespace

// Cloud Custodian's snapshot: a snapshot named as its snapshot_identifier names them
// (Backup-ID-2026-12-06-16-40); a second one in the same minute is there already.
ResourceType::CallAction snapshot_action(std::string operation, const std::string& name_param,
                                         const std::string& id_field, std::string exists,
                                         std::string when = {}) {
  return {.name = "snapshot",
          .operation = std::move(operation),
          .params = {{id_field, id_field},
                     {name_param, "join('-', ['Backup', " + id_field + ", \"custos:now\"])"}},
          .when = std::move(when),
          .gone_codes = {std::move(exists)}};
}

void register_databases(policy::Registry& registry) {
  ResourceType instance = rds("rds", "DescribeDBInstances", "DBInstance", "InstanceCreateTime");
  instance.report_fields = {"DBInstanceIdentifier", "Engine", "DBInstanceClass",
                            "PubliclyAccessible", "StorageEncrypted"};
  instance.metric_dimensions = {{"DBInstanceIdentifier", "DBInstanceIdentifier"}};
  instance.actions.push_back(ResourceType::CallAction{
      .operation = "DeleteDBInstance",
      .params = {{"DBInstanceIdentifier", "DBInstanceIdentifier"}},
      // As Cloud Custodian: a final snapshot unless told to skip it, or the instance cannot
      // have one (a read replica, an Aurora cluster member).
      .options =
          {{.name = "skip-snapshot",
            .if_true = {{"SkipFinalSnapshot", "`true`"}},
            .if_false = {{"SkipFinalSnapshot",
                          "!!(ReadReplicaSourceDBInstanceIdentifier || DBClusterIdentifier)"},
                         {"FinalDBSnapshotIdentifier",
                          "!(ReadReplicaSourceDBInstanceIdentifier || DBClusterIdentifier) "
                          "&& join('-', ['final', DBInstanceIdentifier]) || null"}}}},
      .gone_codes = {"DBInstanceNotFound"}});
  auto modify_instance = [](std::string name,
                            std::vector<ResourceType::CallAction::Option> options) {
    return ResourceType::CallAction{.name = std::move(name),
                                    .operation = "ModifyDBInstance",
                                    .params = {{"DBInstanceIdentifier", "DBInstanceIdentifier"}},
                                    .options = std::move(options)};
  };
  instance.actions.push_back(
      modify_instance("set-public-access", {setting("state", "PubliclyAccessible", false)}));
  instance.actions.push_back(
      modify_instance("auto-patch", {setting("minor", "AutoMinorVersionUpgrade", true),
                                     setting("window", "PreferredMaintenanceWindow")}));
  instance.actions.push_back(
      modify_instance("set-snapshot-copy-tags", {setting("enable", "CopyTagsToSnapshot", true)}));
  // As c7n's _db_instance_eligible_for_backup, but for its mysql < 5.6 replicas.
  instance.actions.push_back(snapshot_action(
      "CreateDBSnapshot", "DBSnapshotIdentifier", "DBInstanceIdentifier", "DBSnapshotAlreadyExists",
      "DBInstanceStatus == 'available' && !DBClusterIdentifier && "
      "!(ReadReplicaSourceDBInstanceIdentifier && Engine == 'postgres')"));
  add_type(registry, std::move(instance));
  ResourceType cluster = rds("rds-cluster", "DescribeDBClusters", "DBCluster", "ClusterCreateTime");
  cluster.metric_dimensions = {{"DBClusterIdentifier", "DBClusterIdentifier"}};
  cluster.actions.push_back(snapshot_action("CreateDBClusterSnapshot",
                                            "DBClusterSnapshotIdentifier", "DBClusterIdentifier",
                                            "DBClusterSnapshotAlreadyExistsFault"));
  // As Cloud Custodian: the members go first (delete-instances, the default), then the cluster,
  // with a final snapshot unless told to skip it.
  cluster.actions.push_back(
      {.operation = "DeleteDBCluster",
       .params = {{"DBClusterIdentifier", "DBClusterIdentifier"}},
       .options = {{.name = "skip-snapshot",
                    .if_true = {{"SkipFinalSnapshot", "`true`"}},
                    .if_false = {{"FinalDBSnapshotIdentifier",
                                  "join('-', ['final', DBClusterIdentifier])"}}},
                   {.name = "delete-instances",
                    .prepare = delete_cluster_members,
                    .default_value = true}},
       .gone_codes = {"DBClusterNotFoundFault"}});
  add_type(registry, std::move(cluster));
  ResourceType snapshot =
      rds("rds-snapshot", "DescribeDBSnapshots", "DBSnapshot", "SnapshotCreateTime");
  snapshot.access = restorers("DBSnapshot");
  snapshot.actions.push_back({.operation = "DeleteDBSnapshot",
                              .params = {{"DBSnapshotIdentifier", "DBSnapshotIdentifier"}},
                              .when = "SnapshotType == 'manual'",
                              .gone_codes = {"DBSnapshotNotFound"}});
  add_type(registry, std::move(snapshot));
  for (const char* kind : {"DBParameterGroup", "DBClusterParameterGroup"}) {
    std::string name =
        kind == std::string("DBParameterGroup") ? "rds-param-group" : "rds-cluster-param-group";
    ResourceType group = rds_tagged_by_call(name, "Describe" + std::string(kind) + "s", kind,
                                            kind + std::string("Name"));
    group.actions.push_back(ResourceType::CallAction{
        .operation = "Delete" + std::string(kind),
        .params = {{kind + std::string("Name"), kind + std::string("Name")}},
        .gone_codes = {"DBParameterGroupNotFound"}});
    // Cloud Custodian's copy: a new group with the given name, "Copy of NAME" unless described.
    std::string target = "Target" + std::string(kind);
    group.actions.push_back(
        {.name = "copy",
         .operation = "Copy" + std::string(kind),
         .params = {{"Source" + std::string(kind) + "Identifier", kind + std::string("Name")},
                    {target + "Description",
                     "join(' ', ['Copy of', " + std::string(kind) + "Name])"}},
         .options = {{.name = "name", .param = target + "Identifier", .required = true},
                     {.name = "description", .param = target + "Description"}}});
    add_type(registry, std::move(group));
  }
  ResourceType cluster_snapshot =
      rds_tagged_by_call("rds-cluster-snapshot", "DescribeDBClusterSnapshots", "DBClusterSnapshot",
                         "DBClusterSnapshotIdentifier");
  cluster_snapshot.date_field = "SnapshotCreateTime";
  cluster_snapshot.access = restorers("DBClusterSnapshot");
  cluster_snapshot.actions.push_back(
      {.operation = "DeleteDBClusterSnapshot",
       .params = {{"DBClusterSnapshotIdentifier", "DBClusterSnapshotIdentifier"}},
       .gone_codes = {"DBClusterSnapshotNotFoundFault"}});
  add_type(registry, std::move(cluster_snapshot));
  add_type(
      registry,
      {
          .name = "aws.redshift-snapshot",
          .aliases = {"redshift-snapshot"},
          .service = "redshift",
          .enumerate_operation = "DescribeClusterSnapshots",
          .result_path = "Snapshots[]",
          .lookup = Lookup::kEnumerate,
          .id_field = "SnapshotIdentifier",
          .date_field = "SnapshotCreateTime",
          .arn_format = "arn:{partition}:redshift:{region}:{account_id}:snapshot:"
                        "{ClusterIdentifier}/{id}",
          .tagging = {.api = Tagging::Api::kResourceGroups},
          .access = ResourceType::Access{.shared_with = "AccountsWithRestoreAccess[].AccountId"},
          .actions = {{.operation = "DeleteClusterSnapshot",
                       .params = {{"SnapshotIdentifier", "SnapshotIdentifier"},
                                  {"SnapshotClusterIdentifier", "ClusterIdentifier"}},
                       .gone_codes = {"ClusterSnapshotNotFound"}}},
      });
  add_type(
      registry,
      {
          .name = "aws.redshift",
          .aliases = {"redshift"},
          .service = "redshift",
          .enumerate_operation = "DescribeClusters",
          .result_path = "Clusters[]",
          .lookup = Lookup::kEnumerate,
          .id_field = "ClusterIdentifier",
          .date_field = "ClusterCreateTime",
          .arn_format = "arn:{partition}:redshift:{region}:{account_id}:cluster:{id}",
          .tagging = {.api = Tagging::Api::kResourceGroups},
          .actions = {ResourceType::CallAction{
                          .operation = "DeleteCluster",
                          .params = {{"ClusterIdentifier", "ClusterIdentifier"}},
                          .options = {{.name = "skip-snapshot",
                                       .if_true = {{"SkipFinalClusterSnapshot", "`true`"}},
                                       .if_false = {{"FinalClusterSnapshotIdentifier",
                                                     "join('-', ['final', ClusterIdentifier])"}}}},
                          .gone_codes = {"ClusterNotFound"}},
                      modify_cluster("set-public-access",
                                     setting("state", "PubliclyAccessible", false)),
                      modify_cluster("enable-vpc-routing",
                                     setting("value", "EnhancedVpcRouting", true)),
                      snapshot_action("CreateClusterSnapshot", "SnapshotIdentifier",
                                      "ClusterIdentifier", "ClusterSnapshotAlreadyExists")},
      });
  add_type(registry,
           {
               .name = "aws.dynamodb-table",
               .aliases = {"dynamodb-table"},
               .service = "dynamodb",
               .enumerate_operation = "ListTables",
               .result_path = "TableNames[].{TableName: @}",
               .details = {{.operation = "DescribeTable",
                            .params = {{"TableName", "TableName"}},
                            .select = "Table",
                            .absent_codes = {"ResourceNotFoundException"},
                            .required = true},
                           {.operation = "ListTagsOfResource",
                            .params = {{"ResourceArn", "TableArn"}},
                            .select = "Tags",
                            .key = "Tags"}},
               .lookup = Lookup::kFromId,
               .id_field = "TableName",
               .date_field = "CreationDateTime",
               .arn_field = "TableArn",
               .tagging = tag_resource("ResourceArn", "TableArn"),
               .actions = {{.operation = "DeleteTable",
                            .params = {{"TableName", "TableName"}},
                            .gone_codes = {"ResourceNotFoundException"}},
                           // Cloud Custodian's set-stream: the stream on or off, and its view.
                           {.name = "set-stream",
                            .operation = "UpdateTable",
                            .params = {{"TableName", "TableName"}},
                            .options = {{.name = "state",
                                         .param = "StreamSpecification",
                                         .transform = "{StreamEnabled: @}",
                                         .required = true,
                                         .current = "{StreamEnabled: StreamSpecification."
                                                    "StreamEnabled || `false`}"},
                                        {.name = "stream_view_type",
                                         .param = "StreamSpecification",
                                         .transform = "{StreamViewType: @}",
                                         .current = "{StreamViewType: StreamSpecification."
                                                    "StreamViewType}"}},
                            .when = "TableStatus == 'ACTIVE'"},
                           {.name = "set-continuous-backup",
                            .operation = "UpdateContinuousBackups",
                            .params = {{"TableName", "TableName"}},
                            .read = DetailCall{.operation = "DescribeContinuousBackups",
                                               .params = {{"TableName", "TableName"}},
                                               .select = "ContinuousBackupsDescription",
                                               .key = "c7n:continuous-backup",
                                               .absent = Json::object()},
                            .options = {{.name = "state",
                                         .param = "PointInTimeRecoverySpecification",
                                         .transform = "{PointInTimeRecoveryEnabled: @}",
                                         .default_value = true,
                                         .current = "{PointInTimeRecoveryEnabled: "
                                                    "\"c7n:continuous-backup\"."
                                                    "PointInTimeRecoveryDescription."
                                                    "PointInTimeRecoveryStatus == 'ENABLED'}"}},
                            .when = "TableStatus == 'ACTIVE'"}},
           });
  add_type(registry,
           {
               .name = "aws.dax",
               .aliases = {"dax"},
               .service = "dax",
               .enumerate_operation = "DescribeClusters",
               .result_path = "Clusters[]",
               .details = {{.operation = "ListTags",
                            .params = {{"ResourceName", "ClusterArn"}},
                            .select = "Tags",
                            .key = "Tags"}},
               .ids_param = "ClusterNames",
               .not_found_codes = {"ClusterNotFoundFault"},
               .id_field = "ClusterName",
               .arn_field = "ClusterArn",
               .tagging = tag_resource("ResourceName", "ClusterArn"),
               .actions = {ResourceType::CallAction{.operation = "DeleteCluster",
                                                    .params = {{"ClusterName", "ClusterName"}}},
                           dax_update_cluster()},
           });
  add_type(
      registry,
      {
          .name = "aws.elasticsearch",
          .aliases = {"elasticsearch"},
          .service = "es",
          .enumerate_operation = "ListDomainNames",
          .result_path = "DomainNames[].{DomainName: DomainName}",
          .details = {{.operation = "DescribeElasticsearchDomain",
                       .params = {{"DomainName", "DomainName"}},
                       .select = "DomainStatus",
                       .absent_codes = {"ResourceNotFoundException"},
                       .required = true},
                      {.operation = "ListTags",
                       .params = {{"ARN", "ARN"}},
                       .select = "TagList",
                       .key = "Tags"}},
          .lookup = Lookup::kFromId,
          .id_field = "DomainName",
          .arn_field = "ARN",
          .tagging = {.api = Tagging::Api::kPerResource,
                      .tag_operation = "AddTags",
                      .untag_operation = "RemoveTags",
                      .id_param = "ARN",
                      .id_member = "ARN",
                      .tags_member = "TagList"},
          .access = ResourceType::Access{.policy = "AccessPolicies",
                                         .write =
                                             ResourceType::Access::Write{
                                                 .params = {{"DomainName", "DomainName"}},
                                                 .operation = "UpdateElasticsearchDomainConfig",
                                                 .text_param = "AccessPolicies"}},
          .actions = {{.operation = "DeleteElasticsearchDomain",
                       .params = {{"DomainName", "DomainName"}},
                       .gone_codes = {"ResourceNotFoundException"}},
                      {.name = "update-tls-config",
                       .operation = "UpdateElasticsearchDomainConfig",
                       .params = {{"DomainName", "DomainName"}},
                       .options = {{.name = "value",
                                    .param = "DomainEndpointOptions",
                                    .transform = "{EnforceHTTPS: `true`, TLSSecurityPolicy: @}",
                                    .required = true,
                                    .current = "DomainEndpointOptions.{EnforceHTTPS: "
                                               "EnforceHTTPS, TLSSecurityPolicy: "
                                               "TLSSecurityPolicy}"}}}},
      });
  add_type(
      registry,
      {
          .name = "aws.cache-cluster",
          .aliases = {"cache-cluster"},
          .service = "elasticache",
          .enumerate_operation = "DescribeCacheClusters",
          .result_path = "CacheClusters[]",
          .details = {elasticache_tags()},
          .lookup = Lookup::kEnumerate,
          .id_field = "CacheClusterId",
          .date_field = "CacheClusterCreateTime",
          .arn_field = "ARN",
          .tagging = elasticache_tagging(),
          .actions =
              {ResourceType::CallAction{
                   .operation = "DeleteCacheCluster",
                   .params = {{"CacheClusterId", "CacheClusterId"}},
                   .options = {{.name = "skip-snapshot",
                                .if_false =
                                    {{"FinalSnapshotIdentifier",
                                      "Engine == 'redis' && !starts_with(CacheNodeType, 'cache.t') "
                                      "&& join('-', ['final', CacheClusterId]) || null"}}}},
                   .when = "!ReplicationGroupId",
                   .gone_codes = {"CacheClusterNotFound"}},
               // As c7n's _cluster_eligible_for_snapshot.
               snapshot_action("CreateSnapshot", "SnapshotName", "CacheClusterId",
                               "SnapshotAlreadyExistsFault",
                               "Engine != 'memcached' && "
                               "!starts_with(CacheNodeType, 'cache.t1')")},
      });
  add_type(registry, {
                         .name = "aws.cache-snapshot",
                         .aliases = {"cache-snapshot"},
                         .service = "elasticache",
                         .enumerate_operation = "DescribeSnapshots",
                         .result_path = "Snapshots[]",
                         .details = {elasticache_tags()},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "SnapshotName",
                         .arn_field = "ARN",
                         .tagging = elasticache_tagging(),
                         .actions = {{.operation = "DeleteSnapshot",
                                      .params = {{"SnapshotName", "SnapshotName"}},
                                      .gone_codes = {"SnapshotNotFoundFault"}}},
                     });
  add_type(registry,
           {
               .name = "aws.elasticache-group",
               .aliases = {"elasticache-group"},
               .service = "elasticache",
               .enumerate_operation = "DescribeReplicationGroups",
               .result_path = "ReplicationGroups[]",
               .details = {elasticache_tags()},
               .lookup = Lookup::kEnumerate,
               .id_field = "ReplicationGroupId",
               .arn_field = "ARN",
               .tagging = elasticache_tagging(),
               .actions = {ResourceType::CallAction{
                   .operation = "DeleteReplicationGroup",
                   .params = {{"ReplicationGroupId", "ReplicationGroupId"}},
                   .options = {{.name = "snapshot",
                                .if_true = {{"FinalSnapshotIdentifier",
                                             "join('', [ReplicationGroupId, '-snapshot'])"}}}},
                   .when = "Status == 'available'",
                   .gone_codes = {"ReplicationGroupNotFoundFault"}}},
           });
  add_type(registry,
           {
               .name = "aws.dms-instance",
               .aliases = {"dms-instance"},
               .service = "dms",
               .enumerate_operation = "DescribeReplicationInstances",
               .result_path = "ReplicationInstances[]",
               .details = {dms_tags("ReplicationInstanceArn")},
               .lookup = Lookup::kEnumerate,
               .id_field = "ReplicationInstanceIdentifier",
               .date_field = "InstanceCreateTime",
               .arn_field = "ReplicationInstanceArn",
               .tagging = dms_tagging("ReplicationInstanceArn"),
               .actions = {ResourceType::CallAction{
                               .operation = "DeleteReplicationInstance",
                               .params = {{"ReplicationInstanceArn", "ReplicationInstanceArn"}},
                               .gone_codes = {"ResourceNotFoundFault"}},
                           modify_replication_instance()},
           });
  add_type(registry,
           {
               .name = "aws.dms-endpoint",
               .aliases = {"dms-endpoint"},
               .service = "dms",
               .enumerate_operation = "DescribeEndpoints",
               .result_path = "Endpoints[]",
               .details = {dms_tags("EndpointArn")},
               .lookup = Lookup::kEnumerate,
               .id_field = "EndpointArn",
               .name_field = "EndpointIdentifier",
               .arn_field = "EndpointArn",
               .tagging = dms_tagging("EndpointArn"),
               .actions = {ResourceType::CallAction{.operation = "DeleteEndpoint",
                                                    .params = {{"EndpointArn", "EndpointArn"}},
                                                    .gone_codes = {"ResourceNotFoundFault"}},
                           modify_endpoint()},
           });
  for (const char* snapshots :
       {"aws.rds-snapshot", "aws.rds-cluster-snapshot", "aws.redshift-snapshot"})
    add_age_filter(registry, snapshots, "age", "SnapshotCreateTime");
  add_age_filter(registry, "aws.cache-snapshot", "age",
                 "min_by(NodeSnapshots, &SnapshotCreateTime).SnapshotCreateTime");
  // Subnet groups: ElastiCache's (which Cloud Custodian does not tag) and Redshift's (tagged by
  // ARN, its tags in the listing).
  add_type(registry,
           {
               .name = "aws.cache-subnet-group",
               .aliases = {"cache-subnet-group"},
               .service = "elasticache",
               .enumerate_operation = "DescribeCacheSubnetGroups",
               .result_path = "CacheSubnetGroups[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "CacheSubnetGroupName",
               .arn_format = "arn:{partition}:elasticache:{region}:{account_id}:subnet-group/{id}",
           },
           false);
  add_type(registry,
           {
               .name = "aws.redshift-subnet-group",
               .aliases = {"redshift-subnet-group"},
               .service = "redshift",
               .enumerate_operation = "DescribeClusterSubnetGroups",
               .result_path = "ClusterSubnetGroups[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "ClusterSubnetGroupName",
               .arn_format = "arn:{partition}:redshift:{region}:{account_id}:subnetgroup:{id}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
           });
  // DynamoDB's streams, completed by DescribeStream (managed on their table, not tagged).
  add_type(registry,
           {
               .name = "aws.dynamodb-stream",
               .aliases = {"dynamodb-stream"},
               .service = "dynamodbstreams",
               .enumerate_operation = "ListStreams",
               .result_path = "Streams[]",
               .details = {{.operation = "DescribeStream",
                            .params = {{"StreamArn", "StreamArn"}},
                            .select = "StreamDescription",
                            .absent_codes = {"ResourceNotFoundException"},
                            .required = true}},
               .permissions = {"dynamodb:ListStreams", "dynamodb:DescribeStream"},
               .lookup = Lookup::kEnumerate,
               .id_field = "StreamArn",
               .name_field = "TableName",
               .date_field = "CreationDateTime",
               .arn_field = "StreamArn",
               .metric_dimensions = {{"TableName", "TableName"}},
           },
           false);
  register_rds_parts(registry);
  register_param_group_modify(registry);
  register_rds_modify(registry);
  register_rds_upgrade(registry);
  register_redshift_logging(registry);
  register_dynamodb_backup(registry);
  register_consecutive_snapshots(registry);
  register_retention_window(registry);
  register_set_attributes(registry);
}

}  // namespace custos::resources
