#include "integration/type_rows.h"

#include <gtest/gtest.h>

#include "jmespath/jmespath.h"

namespace custos::test {
namespace {

// What the rows share: the tag (in the service's spelling), an IAM role, and the calls that
// create what several types need.
const std::string kTags = R"([{"Key": "team", "Value": "blue"}])";
const std::string kLowerTags = R"([{"key": "team", "value": "blue"}])";
const std::string kRole = R"("arn:aws:iam::123456789012:role/custos-test")";

Call launch_config() {
  return {"autoscaling", "CreateLaunchConfiguration",
          R"({"LaunchConfigurationName": "lc", "ImageId": "ami-12c6146b",
              "InstanceType": "t2.micro"})"};
}

Call vpc() { return {"ec2", "CreateVpc", R"({"CidrBlock": "10.0.0.0/16"})"}; }
// `call` after a VPC and two subnets in two zones (what load balancers and proxies need): the
// VPC's answer is [0], the subnets' [1] and [2].
std::vector<Call> in_two_subnets(Call call) {
  auto subnet = [](const char* cidr, const char* zone) {
    return Call{"ec2", "CreateSubnet",
                std::string(R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": ")") + cidr +
                    R"(", "AvailabilityZone": ")" + zone + "\"}"};
  };
  return {vpc(), subnet("10.0.1.0/24", "us-east-1a"), subnet("10.0.2.0/24", "us-east-1b"),
          std::move(call)};
}

Call rest_api() { return {"apigateway", "CreateRestApi", R"({"name": "api"})"}; }
Call api_root() { return {"apigateway", "GetResources", R"({"restApiId": "=[0].id"})"}; }

Call model(const std::string& tags) {
  return {"sagemaker", "CreateModel",
          R"({"ModelName": "m", "ExecutionRoleArn": )" + kRole +
              R"(, "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m"},
              "Tags": )" +
              tags + "}"};
}

Call endpoint_config(const std::string& tags) {
  return {"sagemaker", "CreateEndpointConfig",
          R"({"EndpointConfigName": "ec", "ProductionVariants": [{"VariantName": "v",
              "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}],
              "Tags": )" +
              tags + "}"};
}

}  // namespace

Call db_instance(const std::string& tags) {
  return {"rds", "CreateDBInstance",
          R"({"DBInstanceIdentifier": "db1", "DBInstanceClass": "db.t3.micro",
              "Engine": "postgres", "MasterUsername": "admin", "MasterUserPassword": "password123",
              "AllocatedStorage": 20, "Tags": )" +
              tags + "}"};
}

std::vector<Row> rows() {
  return {
      {"asg",
       {launch_config(),
        {"autoscaling", "CreateAutoScalingGroup",
         R"({"AutoScalingGroupName": "web", "LaunchConfigurationName": "lc", "MinSize": 0,
             "MaxSize": 1, "AvailabilityZones": ["us-east-1a"], "Tags": )" +
             kTags + "}"}},
       "'web'",
       true},
      {"launch-config", {launch_config()}, "'lc'", false},
      {"ami",
       {{"ec2", "RegisterImage", R"({"Name": "golden", "RootDeviceName": "/dev/xvda"})"},
        {"ec2", "CreateTags", R"({"Resources": "=[[0].ImageId]", "Tags": )" + kTags + "}"}},
       "[0].ImageId",
       true},
      {"lambda",
       {{"iam", "CreateRole",
         R"({"RoleName": "fn", "AssumeRolePolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"lambda.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]}"})"},
        {"lambda", "CreateFunction",
         R"({"FunctionName": "fn", "Runtime": "python3.12", "Role": "=[0].Role.Arn",
             "Handler": "index.handler", "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
             "Tags": {"team": "blue"}})"}},
       "'fn'",
       true},
      {"ecs",
       {{"ecs", "CreateCluster", R"({"clusterName": "c1", "tags": )" + kLowerTags + "}"}},
       "[0].cluster.clusterArn",
       true},
      {"ecs-task-definition",
       {{"ecs", "RegisterTaskDefinition",
         R"({"family": "worker", "containerDefinitions": [{"name": "worker", "image": "busybox",
             "memory": 64}], "tags": )" +
             kLowerTags + "}"}},
       "[0].taskDefinition.taskDefinitionArn",
       true},
      {"ecs-service",
       {{"ecs", "CreateCluster", R"({"clusterName": "c1"})"},
        {"ecs", "RegisterTaskDefinition",
         R"({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx",
             "memory": 128}]})"},
        {"ecs", "CreateService",
         R"({"cluster": "c1", "serviceName": "svc", "taskDefinition": "web", "desiredCount": 0,
             "tags": )" +
             kLowerTags + "}"}},
       "[2].service.serviceArn",
       true,
       {},
       {},
       {},
       "moto 5.2.1 lists a deleted service (INACTIVE); AWS's ListServices does not (EcsTest "
       "checks the status)"},
      {"ecr",
       {{"ecr", "CreateRepository", R"({"repositoryName": "images", "tags": )" + kTags + "}"}},
       "'images'",
       true},
      {"elb",
       {{"elb", "CreateLoadBalancer",
         R"({"LoadBalancerName": "classic", "Listeners": [{"Protocol": "HTTP",
             "LoadBalancerPort": 80, "InstancePort": 80}], "AvailabilityZones": ["us-east-1a"],
             "Tags": )" +
             kTags + "}"}},
       "'classic'",
       true},
      {"app-elb",
       in_two_subnets({"elbv2", "CreateLoadBalancer",
                       R"({"Name": "alb", "Subnets": "=[[1].Subnet.SubnetId, [2].Subnet.SubnetId]",
             "Tags": )" + kTags +
                           "}"}),
       "[3].LoadBalancers[0].LoadBalancerArn", true},
      {"app-elb-target-group",
       {vpc(),
        {"elbv2", "CreateTargetGroup",
         R"({"Name": "tg", "Protocol": "HTTP", "Port": 80, "VpcId": "=[0].Vpc.VpcId",
             "Tags": )" +
             kTags + "}"}},
       "[1].TargetGroups[0].TargetGroupArn",
       true},
      {"rds", {db_instance(kTags)}, "'db1'", true},
      {"rds-cluster",
       {{"rds", "CreateDBCluster",
         R"({"DBClusterIdentifier": "cluster1", "Engine": "aurora-postgresql",
             "MasterUsername": "admin", "MasterUserPassword": "password123", "Tags": )" +
             kTags + "}"}},
       "'cluster1'",
       true},
      {"rds-snapshot",
       {db_instance("[]"),
        {"rds", "CreateDBSnapshot",
         R"({"DBInstanceIdentifier": "db1", "DBSnapshotIdentifier": "snap1", "Tags": )" + kTags +
             "}"}},
       "'snap1'",
       true},
      {"redshift",
       {{"redshift", "CreateCluster",
         R"({"ClusterIdentifier": "warehouse", "NodeType": "dc2.large", "MasterUsername": "admin",
             "MasterUserPassword": "Password123", "ClusterType": "single-node", "Tags": )" +
             kTags + "}"}},
       "'warehouse'",
       true},
      {"dynamodb-table",
       {{"dynamodb", "CreateTable",
         R"({"TableName": "orders", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
             "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
             "BillingMode": "PAY_PER_REQUEST", "Tags": )" +
             kTags + "}"}},
       "'orders'",
       true},
      {"dax",
       {{"dax", "CreateCluster",
         R"({"ClusterName": "cache", "NodeType": "dax.t3.small", "ReplicationFactor": 1,
             "IamRoleArn": )" +
             kRole + R"(, "Tags": )" + kTags + "}"}},
       "'cache'",
       true},
      {"elasticsearch",
       {{"es", "CreateElasticsearchDomain",
         R"({"DomainName": "search", "TagList": )" + kTags + "}"}},
       "'search'",
       true},
      {"cache-cluster",
       {{"elasticache", "CreateCacheCluster",
         R"({"CacheClusterId": "redis1", "Engine": "redis", "CacheNodeType": "cache.t3.micro",
             "NumCacheNodes": 1, "Tags": )" +
             kTags + "}"}},
       "'redis1'",
       true},
      {"sns",
       {{"sns", "CreateTopic", R"({"Name": "alerts", "Tags": )" + kTags + "}"}},
       "[0].TopicArn",
       true},
      {"sqs",
       {{"sqs", "CreateQueue", R"({"QueueName": "jobs", "tags": {"team": "blue"}})"}},
       "[0].QueueUrl",
       true},
      {"kinesis",
       {{"kinesis", "CreateStream", R"({"StreamName": "events", "ShardCount": 1})"}},
       "'events'",
       false},
      {"firehose",
       {{"firehose", "CreateDeliveryStream",
         R"({"DeliveryStreamName": "delivery", "ExtendedS3DestinationConfiguration":
             {"RoleARN": )" +
             kRole + R"(, "BucketARN": "arn:aws:s3:::archive"}, "Tags": )" + kTags + "}"}},
       "'delivery'",
       true},
      {"distribution",
       {{"cloudfront", "CreateDistributionWithTags",
         R"({"DistributionConfigWithTags": {"DistributionConfig": {"CallerReference": "custos",
             "Comment": "", "Enabled": false, "Origins": {"Quantity": 1, "Items": [{"Id": "o",
             "DomainName": "example.s3.amazonaws.com", "S3OriginConfig":
             {"OriginAccessIdentity": ""}}]}, "DefaultCacheBehavior": {"TargetOriginId": "o",
             "ViewerProtocolPolicy": "allow-all", "MinTTL": 0, "ForwardedValues":
             {"QueryString": false, "Cookies": {"Forward": "none"}}, "TrustedSigners":
             {"Enabled": false, "Quantity": 0}}}, "Tags": {"Items": )" +
             kTags + "}}}"}},
       "[0].Distribution.Id",
       true},
      {"streaming-distribution",
       {},
       "",
       false,
       "moto 5.2.1 does not implement CloudFront's streaming distributions"},
      {"rest-api",
       {{"apigateway", "CreateRestApi", R"({"name": "api", "tags": {"team": "blue"}})"}},
       "[0].id",
       true,
       "",
       {},
       "moto 5.2.1 answers DeleteRestApi of a deleted API with HTTP 500"},
      {"rest-stage",
       {rest_api(),
        api_root(),
        {"apigateway", "PutMethod",
         R"({"restApiId": "=[0].id", "resourceId": "=[1].items[0].id", "httpMethod": "GET",
             "authorizationType": "NONE"})"},
        {"apigateway", "PutIntegration",
         R"({"restApiId": "=[0].id", "resourceId": "=[1].items[0].id", "httpMethod": "GET",
             "type": "MOCK"})"},
        {"apigateway", "CreateDeployment", R"({"restApiId": "=[0].id", "stageName": "prod"})"}},
       "[4].id",
       false},
      {"rest-resource", {rest_api(), api_root()}, "[1].items[0].id", false},
      {"sagemaker-notebook",
       {{"sagemaker", "CreateNotebookInstance",
         R"({"NotebookInstanceName": "nb", "InstanceType": "ml.t2.medium", "RoleArn": )" + kRole +
             R"(, "Tags": )" + kTags + "}"}},
       "[0].NotebookInstanceArn",
       true,
       "",
       {{"sagemaker", "StopNotebookInstance", R"({"NotebookInstanceName": "nb"})"}}},
      {"sagemaker-model", {model(kTags)}, "[0].ModelArn", true},
      {"sagemaker-endpoint-config",
       {model("[]"), endpoint_config(kTags)},
       "[1].EndpointConfigArn",
       true},
      {"sagemaker-endpoint",
       {model("[]"),
        endpoint_config("[]"),
        {"sagemaker", "CreateEndpoint",
         R"({"EndpointName": "ep", "EndpointConfigName": "ec", "Tags": )" + kTags + "}"}},
       "[2].EndpointArn",
       true},
      {"log-group",
       {{"logs", "CreateLogGroup", R"({"logGroupName": "/app/web", "tags": {"team": "blue"}})"}},
       "'/app/web'",
       true},
      {"cfn",
       {{"cloudformation", "CreateStack",
         R"({"StackName": "stack", "TemplateBody":
             "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}}", "Tags": )" +
             kTags + "}"}},
       "'stack'",
       true},
      {"secrets-manager",
       {{"secretsmanager", "CreateSecret",
         R"({"Name": "db-password", "SecretString": "x", "Tags": )" + kTags + "}"}},
       "'db-password'",
       true},
      {"efs",
       {{"efs", "CreateFileSystem", R"({"CreationToken": "fs", "Tags": )" + kTags + "}"}},
       "[0].FileSystemId",
       true},
      {"step-machine",
       {{"stepfunctions", "CreateStateMachine",
         R"({"name": "flow", "definition":
             "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}",
             "roleArn": )" +
             kRole + R"(, "tags": )" + kLowerTags + "}"}},
       "[0].stateMachineArn",
       true},
      {"subnet",
       {vpc(),
        {"ec2", "CreateSubnet",
         R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": "10.0.1.0/24",
             "TagSpecifications": [{"ResourceType": "subnet", "Tags": )" +
             kTags + "}]}"}},
       "[1].Subnet.SubnetId",
       true},
      {"route-table",
       {vpc(),
        {"ec2", "CreateRouteTable",
         R"({"VpcId": "=[0].Vpc.VpcId",
             "TagSpecifications": [{"ResourceType": "route-table", "Tags": )" +
             kTags + "}]}"}},
       "[1].RouteTable.RouteTableId",
       true},
      {"internet-gateway",
       {{"ec2", "CreateInternetGateway",
         R"({"TagSpecifications": [{"ResourceType": "internet-gateway", "Tags": )" + kTags +
             "}]}"}},
       "[0].InternetGateway.InternetGatewayId",
       true},
      {"vpc-endpoint",
       {vpc(),
        {"ec2", "CreateVpcEndpoint",
         R"({"VpcId": "=[0].Vpc.VpcId", "ServiceName": "com.amazonaws.us-east-1.s3",
             "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": )" +
             kTags + "}]}"}},
       "[1].VpcEndpoint.VpcEndpointId",
       true},
      {"nat-gateway",
       {vpc(),
        {"ec2", "CreateSubnet", R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": "10.0.1.0/24"})"},
        {"ec2", "CreateNatGateway",
         R"({"SubnetId": "=[1].Subnet.SubnetId",
             "ConnectivityType": "private", "TagSpecifications": [{"ResourceType":
             "natgateway", "Tags": )" +
             kTags + "}]}"}},
       "[2].NatGateway.NatGatewayId",
       true},
      {"network-acl",
       {vpc(),
        {"ec2", "CreateNetworkAcl",
         R"({"VpcId": "=[0].Vpc.VpcId",
             "TagSpecifications": [{"ResourceType": "network-acl", "Tags": )" +
             kTags + "}]}"}},
       "[1].NetworkAcl.NetworkAclId",
       true},
      {"peering-connection",
       {vpc(),
        {"ec2", "CreateVpc", R"({"CidrBlock": "10.1.0.0/16"})"},
        {"ec2", "CreateVpcPeeringConnection",
         R"({"VpcId": "=[0].Vpc.VpcId",
             "PeerVpcId": "=[1].Vpc.VpcId", "TagSpecifications": [{"ResourceType":
             "vpc-peering-connection", "Tags": )" +
             kTags + "}]}"}},
       "[2].VpcPeeringConnection.VpcPeeringConnectionId",
       true},
      {"key-pair",
       {{"ec2", "CreateKeyPair",
         R"({"KeyName": "ops", "TagSpecifications":
             [{"ResourceType": "key-pair", "Tags": )" +
             kTags + "}]}"}},
       "[0].KeyPairId",
       true},
      {"iam-group", {{"iam", "CreateGroup", R"({"GroupName": "ops"})"}}, "'ops'", false},
      {"iam-profile",
       {},
       "",
       false,
       "moto 5.2.1 does not implement ListInstanceProfileTags (HTTP 500)"},
      {"acm-certificate",
       {{"acm", "RequestCertificate", R"({"DomainName": "example.com", "Tags": )" + kTags + "}"}},
       "[0].CertificateArn",
       true},
      {"rds-param-group",
       {{"rds", "CreateDBParameterGroup",
         R"({"DBParameterGroupName": "pg",
             "DBParameterGroupFamily": "postgres14", "Description": "custos", "Tags": )" +
             kTags + "}"}},
       "'pg'",
       true},
      {"rds-cluster-param-group",
       {{"rds", "CreateDBClusterParameterGroup", R"({"DBClusterParameterGroupName": "cpg",
             "DBParameterGroupFamily": "aurora-postgresql14", "Description": "custos",
             "Tags": )" + kTags + "}"}},
       "'cpg'",
       true},
      {"rds-cluster-snapshot",
       {{"rds", "CreateDBCluster", R"({"DBClusterIdentifier": "cluster1", "Engine":
             "aurora-postgresql", "MasterUsername": "admin", "MasterUserPassword":
             "password123"})"},
        {"rds", "CreateDBClusterSnapshot",
         R"({"DBClusterIdentifier": "cluster1",
             "DBClusterSnapshotIdentifier": "csnap", "Tags": )" +
             kTags + "}"}},
       "'csnap'",
       true},
      {"redshift-snapshot",
       {{"redshift", "CreateCluster", R"({"ClusterIdentifier": "warehouse", "NodeType":
             "dc2.large", "MasterUsername": "admin", "MasterUserPassword": "Password123",
             "ClusterType": "single-node"})"},
        {"redshift", "CreateClusterSnapshot",
         R"({"ClusterIdentifier": "warehouse",
             "SnapshotIdentifier": "rsnap", "Tags": )" +
             kTags + "}"}},
       "'rsnap'",
       true},
      {"elasticache-group",
       {{"elasticache", "CreateReplicationGroup",
         R"({"ReplicationGroupId": "rg",
             "ReplicationGroupDescription": "custos", "Engine": "redis", "CacheNodeType":
             "cache.t3.micro", "NumCacheClusters": 1, "Tags": )" +
             kTags + "}"}},
       "'rg'",
       true},
      {"dms-instance",
       {{"dms", "CreateReplicationInstance",
         R"({"ReplicationInstanceIdentifier": "rep",
             "ReplicationInstanceClass": "dms.t3.micro", "Tags": )" +
             kTags + "}"}},
       "'rep'",
       true},
      {"dms-endpoint",
       {{"dms", "CreateEndpoint",
         R"({"EndpointIdentifier": "src", "EndpointType": "source",
             "EngineName": "mysql", "Tags": )" +
             kTags + "}"}},
       "[0].Endpoint.EndpointArn",
       true},
      {"elasticbeanstalk-environment",
       {{"elasticbeanstalk", "CreateApplication", R"({"ApplicationName": "app"})"},
        {"elasticbeanstalk", "CreateEnvironment",
         R"({"ApplicationName": "app",
             "EnvironmentName": "prod", "SolutionStackName":
             "64bit Amazon Linux 2 v3.5.0 running Python 3.8", "Tags": )" +
             kTags + "}"}},
       "'prod'",
       true},
      {"graphql-api",
       {{"appsync", "CreateGraphqlApi", R"({"name": "api", "authenticationType": "API_KEY",
             "tags": {"team": "blue"}})"}},
       "[0].graphqlApi.apiId",
       true},
      {"alarm",
       {{"cloudwatch", "PutMetricAlarm",
         R"({"AlarmName": "cpu", "MetricName":
             "CPUUtilization", "Namespace": "AWS/EC2", "Statistic": "Average", "Period": 60,
             "EvaluationPeriods": 1, "Threshold": 90, "ComparisonOperator":
             "GreaterThanThreshold", "Tags": )" +
             kTags + "}"}},
       "'cpu'",
       true},
      {"codecommit", {}, "", false, "moto 5.2.1 does not implement ListRepositories (HTTP 500)"},
      {"codebuild",
       {{"codebuild", "CreateProject",
         R"({"name": "build", "source": {"type": "S3",
             "location": "sources/build.zip"}, "artifacts": {"type": "NO_ARTIFACTS"},
             "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
             "computeType": "BUILD_GENERAL1_SMALL"}, "serviceRole": )" +
             kRole + R"(, "tags": )" + kLowerTags + "}"}},
       "'build'",
       true},
      {"transfer-server",
       {{"transfer", "CreateServer", R"({"Tags": )" + kTags + "}"}},
       "[0].ServerId",
       true,
       "",
       {},
       "moto 5.2.1 answers DeleteServer of a deleted server with HTTP 500"},
      {"ssm-document",
       {{"ssm", "CreateDocument",
         R"({"Name": "runbook", "DocumentType": "Command",
             "Content": "{\"schemaVersion\": \"2.2\", \"description\": \"x\", \"mainSteps\": [{\"action\": \"aws:runShellScript\", \"name\": \"run\", \"inputs\": {\"runCommand\": [\"true\"]}}]}", "Tags": )" +
             kTags + "}"}},
       "'runbook'",
       true},
      {"emr",
       {{"emr", "RunJobFlow",
         R"({"Name": "etl", "ReleaseLabel": "emr-6.10.0",
             "Instances": {"MasterInstanceType": "m5.xlarge", "InstanceCount": 1,
             "KeepJobFlowAliveWhenNoSteps": true}, "JobFlowRole": "EMR_EC2_DefaultRole",
             "ServiceRole": "EMR_DefaultRole", "Tags": )" +
             kTags + "}"}},
       "[0].JobFlowId",
       true},
      {"glue-job",
       {{"glue", "CreateJob",
         R"({"Name": "etl", "Role": )" + kRole +
             R"(, "Command": {"Name": "glueetl", "ScriptLocation": "s3://scripts/etl.py"}})"}},
       "'etl'",
       false},
      {"glue-crawler",
       {{"glue", "CreateCrawler",
         R"({"Name": "crawl", "Role": )" + kRole +
             R"(, "Targets": {"S3Targets": [{"Path": "s3://data"}]}})"}},
       "'crawl'",
       false},
      {"glacier",
       {{"glacier", "CreateVault", R"({"accountId": "-", "vaultName": "archive"})"}},
       "'archive'",
       false,
       "",
       {},
       "moto 5.2.1 answers DeleteVault of a deleted vault with HTTP 500"},
      {"sagemaker-job",
       {},
       "",
       false,
       "moto 5.2.1 makes training jobs Completed at once (listed: InProgress ones)"},
      {"sagemaker-transform-job",
       {},
       "",
       false,
       "moto 5.2.1 makes transform jobs Completed at once (listed: InProgress ones)"},
      {"ml-model", {}, "", false, "moto 5.2.1 does not implement machinelearning"},
      {"rds-subnet-group",
       {vpc(),
        {"ec2", "CreateSubnet", R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": "10.0.1.0/24"})"},
        {"rds", "CreateDBSubnetGroup",
         R"({"DBSubnetGroupName": "private", "DBSubnetGroupDescription": "custos",
             "SubnetIds": ["=[1].Subnet.SubnetId"], "Tags": )" +
             kTags + "}"}},
       "'private'",
       true},
      {"rds-subscription",
       {{"sns", "CreateTopic", R"({"Name": "rds-events"})"},
        {"rds", "CreateEventSubscription",
         R"({"SubscriptionName": "events", "SnsTopicArn": "=[0].TopicArn", "Tags": )" + kTags +
             "}"}},
       "'events'",
       true},
      {"rds-proxy",
       in_two_subnets(
           {"rds", "CreateDBProxy",
            R"({"DBProxyName": "proxy", "EngineFamily": "POSTGRESQL", "RoleArn": )" + kRole +
                R"(, "Auth": [{"SecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}],
             "VpcSubnetIds": ["=[1].Subnet.SubnetId", "=[2].Subnet.SubnetId"], "Tags": )" +
                kTags + "}"}),
       "'proxy'", true},
      {"dynamodb-backup",
       {{"dynamodb", "CreateTable",
         R"({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
             "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
             "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}]})"},
        {"dynamodb", "CreateBackup", R"({"TableName": "orders", "BackupName": "nightly"})"}},
       "[1].BackupDetails.BackupArn",
       false},
      {"sns-subscription",
       {{"sns", "CreateTopic", R"({"Name": "alerts"})"},
        {"sns", "Subscribe",
         R"({"TopicArn": "=[0].TopicArn", "Protocol": "sqs",
             "Endpoint": "arn:aws:sqs:us-east-1:123456789012:inbox"})"}},
       "[1].SubscriptionArn",
       false},
      {"kinesis-video",
       {},
       "",
       false,
       "moto 5.2.1 does not implement kinesisvideo ListTagsForStream"},
      {"rest-account", {}, "'apigw-settings'", false},
      {"insight-rule",
       {{"cloudwatch", "PutInsightRule",
         R"({"RuleName": "top-talkers", "RuleState": "ENABLED", "RuleDefinition": "{}"})"}},
       "'top-talkers'",
       false},
      {"composite-alarm", {}, "", false, "moto 5.2.1 does not implement PutCompositeAlarm"},
      {"log-metric",
       {{"logs", "CreateLogGroup", R"({"logGroupName": "app"})"},
        {"logs", "PutMetricFilter",
         R"({"logGroupName": "app", "filterName": "errors", "filterPattern": "ERROR",
             "metricTransformations": [{"metricName": "errors", "metricNamespace": "app",
             "metricValue": "1"}]})"}},
       "'errors'",
       false},
      {"ops-item", {}, "", false, "moto 5.2.1 does not implement DescribeOpsItems"},
      {"ssm-data-sync", {}, "", false, "moto 5.2.1 does not implement ListResourceDataSync"},
      {"fis-template", {}, "", false, "moto 5.2.1 does not implement fis"},
      {"config-rule",
       {{"config", "PutConfigRule",
         R"({"ConfigRule": {"ConfigRuleName": "versioning", "Source": {"Owner": "AWS",
             "SourceIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}}})"}},
       "'versioning'",
       false},
      {"user-pool",
       {{"cognito-idp", "CreateUserPool",
         R"({"PoolName": "users", "UserPoolTags": {"team": "blue"}})"}},
       "[0].UserPool.Id",
       true},
      {"identity-pool",
       {{"cognito-identity", "CreateIdentityPool",
         R"({"IdentityPoolName": "ids", "AllowUnauthenticatedIdentities": false,
             "IdentityPoolTags": {"team": "blue"}})"}},
       "[0].IdentityPoolId",
       true},
      {"resolver-logs",
       {{"route53resolver", "CreateResolverQueryLogConfig",
         R"({"Name": "dns-logs", "DestinationArn": "arn:aws:s3:::logs", "CreatorRequestId": "c1",
             "Tags": )" +
             kTags + "}"}},
       "[0].ResolverQueryLogConfig.Id",
       false},
      {"recovery-cluster",
       {},
       "",
       false,
       "moto 5.2.1 does not serve route53-recovery-control-config (route53_recovery_test.cpp "
       "answers it through a proxy)"},
      {"recovery-control-panel",
       {},
       "",
       false,
       "moto 5.2.1 does not serve route53-recovery-control-config (route53_recovery_test.cpp "
       "answers it through a proxy)"},
      {"readiness-check",
       {},
       "",
       false,
       "moto 5.2.1 does not serve route53-recovery-readiness (route53_recovery_test.cpp answers "
       "it through a proxy)"},
      {"batch-compute",
       {},
       "",
       false,
       "moto 5.2.1 fails CreateComputeEnvironment for an unmanaged environment"},
      {"batch-definition",
       {{"batch", "RegisterJobDefinition",
         R"({"jobDefinitionName": "etl", "type": "container",
             "containerProperties": {"image": "amazonlinux", "vcpus": 1, "memory": 128}})"}},
       "'etl'",
       false},
      {"connect-instance",
       {{"connect", "CreateInstance",
         R"({"IdentityManagementType": "CONNECT_MANAGED", "InstanceAlias": "support",
             "InboundCallsEnabled": true, "OutboundCallsEnabled": true})"}},
       "[0].Id",
       false},
      {"datalake-location",
       {{"lakeformation", "RegisterResource",
         R"({"ResourceArn": "arn:aws:s3:::lake", "UseServiceLinkedRole": true})"}},
       "'arn:aws:s3:::lake'",
       false},
      {"glue-catalog", {}, "'123456789012'", false},
      {"glue-connection", {}, "", false, "moto 5.2.1 does not implement glue DeleteConnection"},
      {"glue-dev-endpoint",
       {{"glue", "CreateDevEndpoint", R"({"EndpointName": "dev", "RoleArn": )" + kRole + "}"}},
       "'dev'",
       false},
      {"ecr-image",
       {{"ecr", "CreateRepository", R"({"repositoryName": "app"})"},
        {"ecr", "PutImage",
         R"({"repositoryName": "app", "imageTag": "v1", "imageManifest": "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\", \"config\": {\"mediaType\": \"application/vnd.docker.container.image.v1+json\", \"size\": 1, \"digest\": \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}, \"layers\": []}"})"}},
       "[1].image.imageId.imageDigest",
       false},
      {"transfer-user", {}, "", false, "moto 5.2.1 answers transfer ListUsers with HTTP 500"},
      {"opswork-stack", {}, "", false, "moto 5.2.1 answers opsworks calls with HTTP 500"},
      {"airflow", {}, "", false, "moto 5.2.1 does not serve mwaa at its api. host prefix"},
      {"app-flow", {}, "", false, "moto 5.2.1 does not implement appflow ListFlows"},
      {"artifact-domain", {}, "", false, "moto 5.2.1 does not implement codeartifact ListDomains"},
      {"artifact-repo",
       {},
       "",
       false,
       "moto 5.2.1 does not implement codeartifact ListRepositories"},
      {"cloudsearch", {}, "", false, "moto 5.2.1 does not implement cloudsearch"},
      {"mirror-session",
       {},
       "",
       false,
       "moto 5.2.1 does not implement DescribeTrafficMirrorSessions"},
      {"r53domain", {}, "", false, "not yet: a row registering a domain (RegisterDomain)"},
      {"customer-gateway",
       {{"ec2", "CreateCustomerGateway",
         R"({"Type": "ipsec.1", "BgpAsn": 65000, "IpAddress": "203.0.113.1",
             "TagSpecifications": [{"ResourceType": "customer-gateway", "Tags": )" +
             kTags + "}]}"}},
       "[0].CustomerGateway.CustomerGatewayId",
       true},
      {"vpn-gateway",
       {{"ec2", "CreateVpnGateway",
         R"({"Type": "ipsec.1",
             "TagSpecifications": [{"ResourceType": "vpn-gateway", "Tags": )" +
             kTags + "}]}"}},
       "[0].VpnGateway.VpnGatewayId",
       true},
      {"vpn-connection",
       {{"ec2", "CreateCustomerGateway",
         R"({"Type": "ipsec.1", "BgpAsn": 65000, "IpAddress": "203.0.113.1"})"},
        {"ec2", "CreateVpnGateway", R"({"Type": "ipsec.1"})"},
        {"ec2", "CreateVpnConnection",
         R"({"Type": "ipsec.1", "CustomerGatewayId": "=[0].CustomerGateway.CustomerGatewayId",
             "VpnGatewayId": "=[1].VpnGateway.VpnGatewayId",
             "TagSpecifications": [{"ResourceType": "vpn-connection", "Tags": )" +
             kTags + "}]}"}},
       "[2].VpnConnection.VpnConnectionId",
       true},
      {"transit-gateway",
       {{"ec2", "CreateTransitGateway",
         R"({"Description": "hub",
             "TagSpecifications": [{"ResourceType": "transit-gateway", "Tags": )" +
             kTags + "}]}"}},
       "[0].TransitGateway.TransitGatewayId",
       true},
      {"prefix-list",
       {{"ec2", "CreateManagedPrefixList",
         R"({"PrefixListName": "office", "MaxEntries": 5, "AddressFamily": "IPv4",
             "TagSpecifications": [{"ResourceType": "prefix-list", "Tags": )" +
             kTags + "}]}"}},
       "[0].PrefixList.PrefixListId",
       true},
      {"cache-subnet-group",
       {vpc(),
        {"ec2", "CreateSubnet", R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": "10.0.1.0/24"})"},
        {"elasticache", "CreateCacheSubnetGroup",
         R"({"CacheSubnetGroupName": "cache", "CacheSubnetGroupDescription": "cache",
             "SubnetIds": ["=[1].Subnet.SubnetId"]})"}},
       "'cache'",
       false},
      {"redshift-subnet-group",
       {vpc(),
        {"ec2", "CreateSubnet", R"({"VpcId": "=[0].Vpc.VpcId", "CidrBlock": "10.0.1.0/24"})"},
        {"redshift", "CreateClusterSubnetGroup",
         R"({"ClusterSubnetGroupName": "warehouse", "Description": "warehouse",
             "SubnetIds": ["=[1].Subnet.SubnetId"], "Tags": )" +
             kTags + "}"}},
       "'warehouse'",
       true},
      {"ssm-parameter",
       {{"ssm", "PutParameter",
         R"({"Name": "db-host", "Value": "db.internal", "Type": "String", "Tags": )" + kTags +
             "}"}},
       "'db-host'",
       true},
      {"backup-vault",
       {{"backup", "CreateBackupVault",
         R"({"BackupVaultName": "vault", "BackupVaultTags": {"team": "blue"}})"}},
       "[0].BackupVaultName",
       true},
      {"backup-plan",
       {{"backup", "CreateBackupVault", R"({"BackupVaultName": "vault"})"},
        {"backup", "CreateBackupPlan",
         R"({"BackupPlan": {"BackupPlanName": "daily", "Rules": [{"RuleName": "nightly",
             "TargetBackupVaultName": "vault"}]}, "BackupPlanTags": {"team": "blue"}})"}},
       "'daily'",
       true},
      {"config-recorder",
       {{"config", "PutConfigurationRecorder",
         R"({"ConfigurationRecorder": {"name": "default", "roleARN": )" + kRole + "}}"}},
       "'default'",
       false},
      {"efs-mount-target",
       {{"efs", "CreateFileSystem", R"({"CreationToken": "fs"})"},
        vpc(),
        {"ec2", "CreateSubnet",
         R"({"VpcId": "=[1].Vpc.VpcId", "CidrBlock": "10.0.1.0/24",
             "AvailabilityZone": "us-east-1a"})"},
        {"efs", "CreateMountTarget",
         R"({"FileSystemId": "=[0].FileSystemId", "SubnetId": "=[2].Subnet.SubnetId"})"}},
       "[3].MountTargetId",
       false},
      {"dynamodb-stream",
       {{"dynamodb", "CreateTable",
         R"({"TableName": "orders", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
             "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
             "BillingMode": "PAY_PER_REQUEST", "StreamSpecification": {"StreamEnabled": true,
             "StreamViewType": "NEW_IMAGE"}})"}},
       "[0].TableDescription.LatestStreamArn",
       false},
      // The account is there already: the row reads its id.
      {"account", {{"sts", "GetCallerIdentity", "{}"}}, "[0].Account", false},
  };
}

Json resolve(const Json& params, const Json& answers) {
  if (params.is_string()) {
    const auto& text = params.get_ref<const std::string&>();
    return text.starts_with("=") ? jmespath::Expression::compile(text.substr(1)).search(answers)
                                 : params;
  }
  Json resolved = params;
  if (params.is_structured())
    for (auto& [key, value] : resolved.items()) value = resolve(value, answers);
  return resolved;
}

void PrintTo(const Row& row, std::ostream* out) { *out << row.type; }

const Row& row_of(const std::string& type) {
  static const std::vector<Row> all = rows();
  for (const Row& row : all)
    if (row.type == type) return row;
  ADD_FAILURE() << "no row creates a " << type;
  return all.front();
}

Json create(const Row& row, const aws::Client& aws) {
  Json answers = Json::array();
  for (const Call& call : row.setup)
    answers.push_back(
        aws.call(call.service, call.operation, resolve(Json::parse(call.params), answers)));
  return answers;
}

}  // namespace custos::test
