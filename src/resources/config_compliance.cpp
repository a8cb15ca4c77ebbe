// config-compliance (Cloud Custodian's ConfigCompliance, c7n/filters/config.py) on every type
// AWS Config records: the resources that AWS Config rules evaluated in one of `states`
// (NON_COMPLIANT unless given), by GetComplianceDetailsByConfigRule for each rule, keeping the
// evaluations whose resource type is the type's (its config or CloudFormation type) and that
// `eval_filters` (value filters over an evaluation; op: or, the default, or and) accept. A
// resource is found by its ARN or its id; the evaluations are kept as c7n:config-compliance.
#include <map>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "policy/describe.h"
#include "policy/registry.h"
#include "policy/vars.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::BuildContext;
using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

// Cloud Custodian 0.9.21's resource_type.config_type and cfn_type ("": none).
struct ConfigTypes {
  const char* type;
  const char* config;
  const char* cfn;
};

const ConfigTypes kConfigTypes[] = {
    {"aws.account", "", "AWS::::Account"},
    {"aws.acm-certificate", "AWS::ACM::Certificate", "AWS::CertificateManager::Certificate"},
    {"aws.airflow", "", "AWS::MWAA::Environment"},
    {"aws.alarm", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Alarm"},
    {"aws.apigw-domain-name", "", "AWS::ApiGateway::DomainName"},
    {"aws.apigwv2", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Api"},
    {"aws.app-elb", "AWS::ElasticLoadBalancingV2::LoadBalancer",
     "AWS::ElasticLoadBalancingV2::LoadBalancer"},
    {"aws.app-elb-target-group", "", "AWS::ElasticLoadBalancingV2::TargetGroup"},
    {"aws.artifact-domain", "", "AWS::CodeArtifact::Domain"},
    {"aws.artifact-repo", "", "AWS::CodeArtifact::Repository"},
    {"aws.asg", "AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::AutoScalingGroup"},
    {"aws.backup-plan", "AWS::Backup::BackupPlan", "AWS::Backup::BackupPlan"},
    {"aws.backup-vault", "AWS::Backup::BackupVault", "AWS::Backup::BackupVault"},
    {"aws.batch-compute", "AWS::Batch::ComputeEnvironment", "AWS::Batch::ComputeEnvironment"},
    {"aws.batch-definition", "", "AWS::Batch::JobDefinition"},
    {"aws.batch-queue", "AWS::Batch::JobQueue", "AWS::Batch::JobQueue"},
    {"aws.cache-cluster", "", "AWS::ElastiCache::CacheCluster"},
    {"aws.cache-subnet-group", "", "AWS::ElastiCache::SubnetGroup"},
    {"aws.catalog-portfolio", "AWS::ServiceCatalog::Portfolio", "AWS::ServiceCatalog::Portfolio"},
    {"aws.catalog-product", "", "AWS::ServiceCatalog::CloudFormationProduct"},
    {"aws.cfn", "AWS::CloudFormation::Stack", "AWS::CloudFormation::Stack"},
    {"aws.cloudtrail", "AWS::CloudTrail::Trail", "AWS::CloudTrail::Trail"},
    {"aws.codebuild", "AWS::CodeBuild::Project", "AWS::CodeBuild::Project"},
    {"aws.codecommit", "", "AWS::CodeCommit::Repository"},
    {"aws.codedeploy-app", "AWS::CodeDeploy::Application", "AWS::CodeDeploy::Application"},
    {"aws.codedeploy-group", "AWS::CodeDeploy::DeploymentGroup",
     "AWS::CodeDeploy::DeploymentGroup"},
    {"aws.codepipeline", "AWS::CodePipeline::Pipeline", "AWS::CodePipeline::Pipeline"},
    {"aws.composite-alarm", "", "AWS::CloudWatch::CompositeAlarm"},
    {"aws.config-recorder", "", "AWS::Config::ConfigurationRecorder"},
    {"aws.config-rule", "", "AWS::Config::ConfigRule"},
    {"aws.customer-gateway", "AWS::EC2::CustomerGateway", "AWS::EC2::CustomerGateway"},
    {"aws.datalake-location", "", "AWS::LakeFormation::Resource"},
    {"aws.dax", "", "AWS::DAX::Cluster"},
    {"aws.distribution", "AWS::CloudFront::Distribution", "AWS::CloudFront::Distribution"},
    {"aws.dlm-policy", "", "AWS::DLM::LifecyclePolicy"},
    {"aws.dms-endpoint", "", "AWS::DMS::Endpoint"},
    {"aws.dms-instance", "", "AWS::DMS::ReplicationInstance"},
    {"aws.dynamodb-table", "AWS::DynamoDB::Table", "AWS::DynamoDB::Table"},
    {"aws.ebs", "AWS::EC2::Volume", "AWS::EC2::Volume"},
    {"aws.ec2", "AWS::EC2::Instance", "AWS::EC2::Instance"},
    {"aws.ec2-host", "AWS::EC2::Host", "AWS::EC2::Host"},
    {"aws.ec2-spot-fleet-request", "", "AWS::EC2::SpotFleet"},
    {"aws.ecr", "AWS::ECR::Repository", "AWS::ECR::Repository"},
    {"aws.ecs", "AWS::ECS::Cluster", "AWS::ECS::Cluster"},
    {"aws.ecs-service", "AWS::ECS::Service", "AWS::ECS::Service"},
    {"aws.ecs-task", "", "AWS::ECS::TaskSet"},
    {"aws.ecs-task-definition", "AWS::ECS::TaskDefinition", "AWS::ECS::TaskDefinition"},
    {"aws.efs", "AWS::EFS::FileSystem", "AWS::EFS::FileSystem"},
    {"aws.efs-mount-target", "", "AWS::EFS::MountTarget"},
    {"aws.eks", "AWS::EKS::Cluster", "AWS::EKS::Cluster"},
    {"aws.elastic-ip", "AWS::EC2::EIP", "AWS::EC2::EIP"},
    {"aws.elasticache-group", "", "AWS::ElastiCache::ReplicationGroup"},
    {"aws.elasticbeanstalk", "AWS::ElasticBeanstalk::Application",
     "AWS::ElasticBeanstalk::Application"},
    {"aws.elasticbeanstalk-environment", "AWS::ElasticBeanstalk::Environment",
     "AWS::ElasticBeanstalk::Environment"},
    {"aws.elasticsearch", "AWS::Elasticsearch::Domain", "AWS::Elasticsearch::Domain"},
    {"aws.elb", "AWS::ElasticLoadBalancing::LoadBalancer",
     "AWS::ElasticLoadBalancing::LoadBalancer"},
    {"aws.emr", "", "AWS::EMR::Cluster"},
    {"aws.emr-security-configuration", "", "AWS::EMR::SecurityConfiguration"},
    {"aws.eni", "AWS::EC2::NetworkInterface", "AWS::EC2::NetworkInterface"},
    {"aws.event-rule", "", "AWS::Events::Rule"},
    {"aws.firehose", "", "AWS::KinesisFirehose::DeliveryStream"},
    {"aws.firewall", "AWS::NetworkFirewall::Firewall", "AWS::NetworkFirewall::Firewall"},
    {"aws.fis-template", "", "AWS::FIS::ExperimentTemplate"},
    {"aws.fsx", "", "AWS::FSx::FileSystem"},
    {"aws.gamelift-build", "", "AWS::GameLift::Build"},
    {"aws.gamelift-fleet", "", "AWS::GameLift::Fleet"},
    {"aws.glue-catalog", "", "AWS::Glue::DataCatalogEncryptionSettings"},
    {"aws.glue-classifier", "", "AWS::Glue::Classifier"},
    {"aws.glue-connection", "", "AWS::Glue::Connection"},
    {"aws.glue-crawler", "", "AWS::Glue::Crawler"},
    {"aws.glue-database", "", "AWS::Glue::Database"},
    {"aws.glue-dev-endpoint", "", "AWS::Glue::DevEndpoint"},
    {"aws.glue-job", "", "AWS::Glue::Job"},
    {"aws.glue-ml-transform", "", "AWS::Glue::MLTransform"},
    {"aws.glue-security-configuration", "", "AWS::Glue::SecurityConfiguration"},
    {"aws.glue-trigger", "", "AWS::Glue::Trigger"},
    {"aws.glue-workflow", "", "AWS::Glue::Workflow"},
    {"aws.graphql-api", "", "AWS::AppSync::GraphQLApi"},
    {"aws.healthcheck", "", "AWS::Route53::HealthCheck"},
    {"aws.hostedzone", "", "AWS::Route53::HostedZone"},
    {"aws.iam-group", "AWS::IAM::Group", "AWS::IAM::Group"},
    {"aws.iam-policy", "AWS::IAM::Policy", "AWS::IAM::Policy"},
    {"aws.iam-profile", "", "AWS::IAM::InstanceProfile"},
    {"aws.iam-role", "AWS::IAM::Role", "AWS::IAM::Role"},
    {"aws.iam-user", "AWS::IAM::User", "AWS::IAM::User"},
    {"aws.identity-pool", "", "AWS::Cognito::IdentityPool"},
    {"aws.insight-rule", "", "AWS::CloudWatch::InsightRule"},
    {"aws.internet-gateway", "AWS::EC2::InternetGateway", "AWS::EC2::InternetGateway"},
    {"aws.iot", "", "AWS::IoT::Thing"},
    {"aws.kafka", "AWS::MSK::Cluster", "AWS::MSK::Cluster"},
    {"aws.kinesis", "AWS::Kinesis::Stream", "AWS::Kinesis::Stream"},
    {"aws.kinesis-analytics", "", "AWS::KinesisAnalytics::Application"},
    {"aws.kinesis-analyticsv2", "", "AWS::KinesisAnalyticsV2::Application"},
    {"aws.kms", "", "AWS::KMS::Alias"},
    {"aws.kms-key", "AWS::KMS::Key", "AWS::KMS::Key"},
    {"aws.lambda", "AWS::Lambda::Function", "AWS::Lambda::Function"},
    {"aws.lambda-layer", "", "AWS::Lambda::LayerVersion"},
    {"aws.launch-config", "AWS::AutoScaling::LaunchConfiguration",
     "AWS::AutoScaling::LaunchConfiguration"},
    {"aws.log-group", "", "AWS::Logs::LogGroup"},
    {"aws.log-metric", "", "AWS::Logs::MetricFilter"},
    {"aws.message-broker", "", "AWS::AmazonMQ::Broker"},
    {"aws.message-config", "", "AWS::AmazonMQ::Configuration"},
    {"aws.mirror-session", "", "AWS::EC2::TrafficMirrorSession"},
    {"aws.mirror-target", "", "AWS::EC2::TrafficMirrorTarget"},
    {"aws.nat-gateway", "AWS::EC2::NatGateway", "AWS::EC2::NatGateway"},
    {"aws.network-acl", "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAcl"},
    {"aws.opswork-cm", "", "AWS::OpsWorksCM::Server"},
    {"aws.opswork-stack", "", "AWS::OpsWorks::App"},
    {"aws.peering-connection", "AWS::EC2::VPCPeeringConnection", "AWS::EC2::VPCPeeringConnection"},
    {"aws.qldb", "AWS::QLDB::Ledger", "AWS::QLDB::Ledger"},
    {"aws.rds", "AWS::RDS::DBInstance", "AWS::RDS::DBInstance"},
    {"aws.rds-cluster", "AWS::RDS::DBCluster", "AWS::RDS::DBCluster"},
    {"aws.rds-cluster-param-group", "", "AWS::RDS::DBClusterParameterGroup"},
    {"aws.rds-cluster-snapshot", "AWS::RDS::DBClusterSnapshot", ""},
    {"aws.rds-param-group", "", "AWS::RDS::DBParameterGroup"},
    {"aws.rds-proxy", "AWS::RDS::DBInstance", "AWS::RDS::DBInstance"},
    {"aws.rds-snapshot", "AWS::RDS::DBSnapshot", "AWS::RDS::DBSnapshot"},
    {"aws.rds-subnet-group", "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBSubnetGroup"},
    {"aws.rds-subscription", "", "AWS::RDS::EventSubscription"},
    {"aws.redshift", "AWS::Redshift::Cluster", "AWS::Redshift::Cluster"},
    {"aws.redshift-snapshot", "AWS::Redshift::ClusterSnapshot", "AWS::Redshift::ClusterSnapshot"},
    {"aws.redshift-subnet-group", "AWS::Redshift::ClusterSubnetGroup",
     "AWS::Redshift::ClusterSubnetGroup"},
    {"aws.resolver-logs", "", "AWS::Route53Resolver::ResolverQueryLoggingConfig"},
    {"aws.rest-api", "AWS::ApiGateway::RestApi", "AWS::ApiGateway::RestApi"},
    {"aws.rest-client-certificate", "", "AWS::ApiGateway::ClientCertificate"},
    {"aws.rest-resource", "", "AWS::ApiGateway::Resource"},
    {"aws.rest-stage", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Stage"},
    {"aws.rest-vpclink", "", "AWS::ApiGateway::VpcLink"},
    {"aws.route-table", "AWS::EC2::RouteTable", "AWS::EC2::RouteTable"},
    {"aws.rrset", "", "AWS::Route53::RecordSet"},
    {"aws.s3", "AWS::S3::Bucket", "AWS::S3::Bucket"},
    {"aws.s3-access-point", "", "AWS::S3::AccessPoint"},
    {"aws.s3-access-point-multi", "", "AWS::S3::MultiRegionAccessPoint"},
    {"aws.sagemaker-endpoint", "", "AWS::SageMaker::Endpoint"},
    {"aws.sagemaker-endpoint-config", "", "AWS::SageMaker::EndpointConfig"},
    {"aws.sagemaker-model", "AWS::SageMaker::Model", "AWS::SageMaker::Model"},
    {"aws.sagemaker-notebook", "", "AWS::SageMaker::NotebookInstance"},
    {"aws.scaling-policy", "", "AWS::AutoScaling::ScalingPolicy"},
    {"aws.secrets-manager", "AWS::SecretsManager::Secret", "AWS::SecretsManager::Secret"},
    {"aws.security-group", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroup"},
    {"aws.serverless-app", "", "AWS::Serverless::Application"},
    {"aws.shield-protection", "AWS::Shield::Protection", ""},
    {"aws.sns", "AWS::SNS::Topic", "AWS::SNS::Topic"},
    {"aws.sns-subscription", "", "AWS::SNS::Subscription"},
    {"aws.sqs", "AWS::SQS::Queue", "AWS::SQS::Queue"},
    {"aws.ssm-parameter", "", "AWS::SSM::Parameter"},
    {"aws.step-machine", "AWS::StepFunctions::StateMachine", "AWS::StepFunctions::StateMachine"},
    {"aws.streaming-distribution", "AWS::CloudFront::StreamingDistribution",
     "AWS::CloudFront::StreamingDistribution"},
    {"aws.subnet", "AWS::EC2::Subnet", "AWS::EC2::Subnet"},
    {"aws.transfer-server", "", "AWS::Transfer::Server"},
    {"aws.transfer-user", "", "AWS::Transfer::User"},
    {"aws.transit-attachment", "", "AWS::EC2::TransitGatewayAttachment"},
    {"aws.transit-gateway", "AWS::EC2::TransitGateway", "AWS::EC2::TransitGateway"},
    {"aws.user-pool", "", "AWS::Cognito::UserPool"},
    {"aws.vpc", "AWS::EC2::VPC", "AWS::EC2::VPC"},
    {"aws.vpc-endpoint", "AWS::EC2::VPCEndpoint", "AWS::EC2::VPCEndpoint"},
    {"aws.vpn-connection", "AWS::EC2::VPNConnection", "AWS::EC2::VPNConnection"},
    {"aws.vpn-gateway", "AWS::EC2::VPNGateway", "AWS::EC2::VPNGateway"},
    {"aws.waf", "AWS::WAF::WebACL", "AWS::WAF::WebACL"},
    {"aws.waf-regional", "AWS::WAFRegional::WebACL", "AWS::WAFRegional::WebACL"},
    {"aws.wafv2", "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACL"},
    {"aws.workspaces", "AWS::WorkSpaces::Workspace", "AWS::WorkSpaces::Workspace"},
};

const ConfigTypes* config_types_of(const std::string& type) {
  for (const ConfigTypes& each : kConfigTypes)
    if (type == each.type) return &each;
  return nullptr;
}

class ConfigCompliance : public policy::AnnotatingFilter {
 public:
  ConfigCompliance(const Spec& spec, const BuildContext& context)
      : type_(context.resource), types_(*config_types_of(context.resource.name)) {
    if (!spec.has("rules")) spec.fail("config-compliance needs rules: the AWS Config rule names");
    if (!spec.value()["rules"].is_array())
      spec.child("rules").fail("'rules' must be a list of AWS Config rule names");
    rules_ = spec.string_list("rules");
    if (spec.has("states")) {
      if (!spec.value()["states"].is_array())
        spec.child("states").fail(
            "'states' must be a list of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, "
            "INSUFFICIENT_DATA");
      states_ = Json::array();
      for (std::size_t i = 0; i < spec.value()["states"].size(); ++i) {
        const Json& state = spec.value()["states"][i];
        if (!state.is_string() || (state != "COMPLIANT" && state != "NON_COMPLIANT" &&
                                   state != "NOT_APPLICABLE" && state != "INSUFFICIENT_DATA"))
          spec.child("states").element(i).fail(
              "'states' items are COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or "
              "INSUFFICIENT_DATA");
        states_.push_back(state);
      }
    }
    all_ = spec.one_of("op", {"or", "and"}, "or") == "and";
    if (spec.has("eval_filters")) {
      Spec filters = spec.child("eval_filters");
      if (!filters.value().is_array())
        filters.fail("'eval_filters' must be a list of value filters over an evaluation");
      for (std::size_t i = 0; i < filters.value().size(); ++i) {
        Spec filter = filters.element(i);
        if (!filter.value().is_object() ||
            (filter.value().contains("type") && filter.value()["type"] != "value"))
          filter.fail(
              "each of 'eval_filters' is a value filter ({key: value} or type: value) over an "
              "evaluation (ComplianceType, ResultRecordedTime, ...)");
        eval_filters_.push_back(context.registry.build_filter(filter, context));
      }
    }
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "config-compliance");
    std::map<std::string, Json> found = evaluations(client, context);
    if (found.empty()) return {};
    const std::string& region = client.session().region();
    policy::ArnScope scope{aws::EndpointResolver::standard().partition_of(region), region, ""};
    const bool has_arn = !type_.arn_field.empty() || !type_.arn_format.empty();
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (has_arn && type_.arn_field.empty() && scope.account_id.empty())
        scope.account_id = policy::sts_account_id(client);
      const std::string arn = has_arn ? policy::arn_of(type_, resource, scope) : "";
      const std::string id = resource.value(type_.id_field, "");
      // As Cloud Custodian: rules name a resource by its ARN or by its id, and an id that is
      // an ARN by the ARN's resource part.
      auto at = found.find(arn);
      if (arn.empty() || at == found.end()) at = found.find(id);
      if (at == found.end() && id.starts_with("arn:")) at = found.find(policy::id_from_arn(id));
      if (at == found.end()) continue;
      resource["c7n:config-compliance"] = at->second;
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"config:GetComplianceDetailsByConfigRule"};
  }

 private:
  // The evaluations of the type's resources, by the resource id the rules give.
  std::map<std::string, Json> evaluations(const aws::Client& client,
                                          const FilterContext& context) const {
    FilterContext plain{context.event, context.client};
    std::map<std::string, Json> found;
    for (const std::string& rule : rules_) {
      client.paginate(
          "config", "GetComplianceDetailsByConfigRule",
          {{"ConfigRuleName", rule}, {"ComplianceTypes", states_}}, [&](const Json& page) {
            for (const Json& evaluation : page.value("EvaluationResults", Json::array())) {
              const Json qualifier = evaluation.value("EvaluationResultIdentifier", Json::object())
                                         .value("EvaluationResultQualifier", Json::object());
              const std::string type = qualifier.value("ResourceType", "");
              if (type.empty() || (type != types_.config && type != types_.cfn)) continue;
              if (!eval_filters_.empty()) {
                std::size_t passed = 0;
                for (const auto& filter : eval_filters_)
                  if (filter->match(evaluation, plain)) ++passed;
                if (all_ ? passed != eval_filters_.size() : passed == 0) continue;
              }
              found[qualifier.value("ResourceId", "")].push_back(evaluation);
            }
            return true;
          });
    }
    return found;
  }

  const ResourceType& type_;
  const ConfigTypes& types_;
  std::vector<std::string> rules_;
  Json states_ = Json::array({"NON_COMPLIANT"});
  bool all_ = false;
  std::vector<policy::FilterPtr> eval_filters_;
};

}  // namespace

void register_config_compliance(policy::Registry& registry) {
  for (const ConfigTypes& each : kConfigTypes) {
    if (!registry.find_resource(each.type)) continue;
    registry.add_filter(
        each.type, "config-compliance",
        policy::filter_info<ConfigCompliance>(
            {"rules", "states", "op", "eval_filters"},
            "Resources AWS Config rules evaluated in one of `states` (NON_COMPLIANT unless "
            "given), the evaluations eval_filters accept (op: or|and) kept as "
            "c7n:config-compliance",
            {"config:GetComplianceDetailsByConfigRule"}));
  }
}

}  // namespace custos::resources
