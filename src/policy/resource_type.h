// What custos knows of a resource type, as data (Cloud Custodian's resource_type): how to
// list it, complete its documents, fetch given ids, name it (id, ARN), tag it, and which
// GuardDuty findings name it. policy/describe.h turns this into AWS calls.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace custos::aws {
class Client;
}

namespace custos::policy {

// One AWS call of the type's service: an operation, parameters taken from a resource
// document, and the part of the answer kept.
struct DetailCall {
  std::string operation;  // "GetBucketPolicy"
  std::string service{};  // the botocore service, when not the type's own (sts for aws.account)
  // Each parameter and the JMESPath into the document that gives its value: {"Bucket", "Name"}.
  std::vector<std::pair<std::string, std::string>> params{};
  std::string select{};   // JMESPath into the answer ("Policy"); empty: the whole answer
  std::string key{};      // the document key the answer is stored under; empty: merged into it
  Json absent = nullptr;  // stored under `key` when AWS answers that the thing does not exist
  // Error codes that mean "does not exist"; empty: any code starting with NoSuch or containing
  // NotFound, as Cloud Custodian's S3 assembly treats them.
  std::vector<std::string> absent_codes{};
  bool omit_empty = false;   // store nothing when the answer is an empty list
  bool required = false;     // "absent" means the resource itself is gone: leave it out
  bool sets_region = false;  // the answer names the resource's region (S3's Location)
  // Made only for documents built from an id (Lookup::kFromId): the listing already gives what
  // it adds (DescribeAccount for an organization's accounts).
  bool lookup_only = false;
};

struct ResourceType {
  std::string name;                  // "aws.ec2"
  std::vector<std::string> aliases;  // "ec2"
  std::string service;               // botocore service name: "ec2"
  // Where a call of this type goes: `call_service` when the call names one, else the type's.
  const std::string& service_of(const std::string& call_service) const {
    return call_service.empty() ? service : call_service;
  }

  // Listing every resource: one paginated call, and the JMESPath to the resources in a page.
  std::string enumerate_operation;  // "DescribeInstances"
  Json enumerate_params = Json::object();
  std::string result_path;  // "Reservations[].Instances[]"
  // A listing that is not one paginated call (an organization's OUs, a tree walked down; each
  // service's quotas, two calls merged): given the client and the query's parameters, it hands
  // the documents to `on_items`. enumerate_operation then names its first call (the one whose
  // input the query's parameters are checked against).
  using Lister = std::function<void(const aws::Client& client, const Json& params,
                                    const std::function<void(std::vector<Json>&)>& on_items)>;
  Lister lister{};
  // Calls made for each listed resource to complete its document (Cloud Custodian's
  // detail_spec and augment), in order, several resources at a time.
  std::vector<DetailCall> details{};
  // Fields computed on each listed document, in order: {key, JMESPath over the document}. An id
  // where AWS gives no unique one (a record set's zone, name, type and set identifier).
  std::vector<std::pair<std::string, std::string>> computed{};
  // Where the document holds its tags as a {key: value} map (Lambda's ListTags, SQS's
  // ListQueueTags, API Gateway's tags): copied into Tags as [{Key, Value}], the form Cloud
  // Custodian's tag filters and actions read.
  std::string tags_map{};

  // A child type, listed per parent as Cloud Custodian's ChildResourceManager does (Route 53
  // record sets per hosted zone): the parent type's resources are listed (without their detail
  // calls), then the listing call is made for each with `param` set to the parent's id, and
  // each child is annotated with that id under "c7n:parent-id".
  struct Parent {
    std::shared_ptr<const ResourceType> type;
    std::string param;  // "HostedZoneId"
    // False where Cloud Custodian's parent_spec does not annotate (a Route 53 ARC control
    // panel names its cluster itself, in ClusterArn).
    bool annotate = true;
  };
  std::optional<Parent> parent{};

  // The IAM actions that listing and completing documents need, where they are not named
  // service:Operation (s3:ListAllMyBuckets for ListBuckets); empty: service:Operation of the
  // listing call and of each detail call. `custos schema --permissions` reports them.
  std::vector<std::string> permissions{};

  // Fetching given ids (the resources an event names).
  enum class Lookup {
    kIdsParam,   // the listing call with ids_param set to the ids (EC2)
    kFromId,     // a document {id_field: id} completed by `details` (IAM, KMS)
    kEnumerate,  // list everything, keep the ids (S3: one ListBuckets call)
  };
  Lookup lookup = Lookup::kIdsParam;
  std::string ids_param{};  // "InstanceIds"
  // Error codes of the lookup that mean "no such resource": zero resources, not an error.
  std::vector<std::string> not_found_codes{};
  // An ARN names the resource by its account (aws.account: a root sign-in names
  // arn:aws:iam::123456789012:root), not by its last part.
  bool named_by_account = false;

  std::string id_field;        // "InstanceId"
  std::string name_field{};    // "UserName"; empty: id_field
  std::string date_field{};    // "LaunchTime", for reports
  bool global = false;         // one per partition (IAM): listed once, whatever the region
  std::string region_field{};  // where a resource's own region is (S3: Location.LocationConstraint)
  // The one region the service answers in, whatever the run's: every call of the type (listing,
  // details, actions, undo) goes there (Route 53 ARC's control plane: us-west-2, as Cloud
  // Custodian's ARC_REGION).
  std::string home_region{};

  // The ARN: the document's `arn_field` when set, else `arn_format` with {partition},
  // {region}, {account_id}, {id} and any other {Field} of the document filled in
  // ("arn:{partition}:s3:::{id}").
  std::string arn_field{};
  std::string arn_format{};

  // How the tag actions (tag, remove-tag, rename-tag, mark-for-op) change this type's tags.
  struct Tagging {
    enum class Api {
      kEc2,             // ec2 CreateTags/DeleteTags, naming resources by id, in batches
      kResourceGroups,  // the Resource Groups Tagging API, naming resources by ARN
      kPerResource,     // the service's own calls, one resource at a time (IAM, KMS)
      kS3,              // S3's whole tag set: read, change, write back (or delete when empty)
      // CloudFormation's whole tag set, written by UpdateStack with the previous template, its
      // parameters' previous values, capabilities and notification ARNs (Cloud Custodian's
      // cfn.py _tag_stack); only tag and remove-tag, as there.
      kCfnStack,
    };
    Api api = Api::kEc2;
    // kPerResource: the calls ({id_param: ID, Tags: [...]}, {id_param: ID, TagKeys: [...]}),
    // with `params` added to both.
    std::string tag_operation{};    // "TagUser"
    std::string untag_operation{};  // "UntagUser"
    std::string id_param{};         // the parameter naming the resource: "UserName"; empty: none
    // The document field id_param takes; empty: id_field (Route 53: the zone id without
    // /hostedzone/, c7n:ConfigHostedZoneId).
    std::string id_member{};
    std::string key_member = "Key";       // KMS: TagKey
    std::string value_member = "Value";   // KMS: TagValue
    std::string tags_member = "Tags";     // CloudTrail: TagsList; Route 53: AddTags
    std::string keys_member = "TagKeys";  // Route 53: RemoveTagKeys; CloudTrail: TagsList
    bool tags_as_map = false;             // the tags as {key: value} (Route 53 ARC's TagResource)
    bool keys_as_tags = false;            // the keys to remove as [{Key: K}] (CloudTrail)
    Json params = Json::object();         // Route 53: {"ResourceType": "hostedzone"}
    // Members added to every tag and key item, "{id}" standing for the resource's id: Auto
    // Scaling names the group in each tag ({"ResourceId": "{id}", "ResourceType": ...}).
    Json item_params = Json::object();
    // Cloud Custodian's aws.asg tag actions take more option forms: tag's `propagate` (the
    // item's PropagateAtLaunch), remove-tag's `key`, mark-for-op's `key` and `message`.
    bool autoscaling_forms = false;
  };
  Tagging tagging{};

  // The GuardDuty findings that name resources of this type: a finding whose
  // detail.resource.resourceType is `resource_type` and for which `when` holds names the ids
  // that `ids` gives (a string or a list), and each such resource is merged with `annotate`.
  struct GuardDutyTarget {
    std::string resource_type;  // "AccessKey"
    std::string when{};         // JMESPath over the event; empty: always
    std::string ids;            // JMESPath over the event
    std::string annotate{};     // JMESPath over the event giving an object; empty: none
  };
  std::vector<GuardDutyTarget> guard_duty{};

  // The columns `custos report` prints by default (Cloud Custodian's default_report_fields, as
  // JMESPath or tag:NAME); empty: the date and the id.
  std::vector<std::string> report_fields{};

  // CloudWatch (the metrics filter): the dimensions naming a resource, each with the JMESPath
  // over its document giving the value (Cloud Custodian's `dimension` and get_dimensions; empty:
  // none), and the namespace when it is not the service's usual one (c7n's metrics_namespace).
  std::vector<std::pair<std::string, std::string>> metric_dimensions{};
  std::string metrics_namespace{};

  // Who besides the account may use a resource, for the cross-account filter (Cloud
  // Custodian's CrossAccountAccessFilter and its per-type kin): either `policy`, the JMESPath
  // to the resource's IAM policy document (a JSON text or an object), or `shared_with`, the
  // JMESPath to the accounts (or organization ARNs; "all" for everyone) it is shared with. Both
  // are read after `call`, when it has an operation: a detail call the filter makes (not the
  // listing) for a document that lacks its key.
  struct Access {
    std::string policy{};
    std::string shared_with{};
    DetailCall call{};
    // Accounts always allowed (S3's log delivery accounts, as Cloud Custodian's S3 filter).
    std::vector<std::string> trusted_accounts{};
    // The service's condition keys the policy checker judges ("kms:calleraccount", "sns:endpoint").
    std::vector<std::string> condition_keys{};
    // Options of the filter beyond Cloud Custodian's common ones (SNS: whitelist_endpoints).
    std::vector<std::string> options{};
    // How remove-statements changes the policy (parameters are JMESPath over the resource):
    // `operation` writes the whole policy, its text at `text_param` (a dotted path:
    // "Attributes.Policy"), or `delete_operation` when no statement is left; where the service
    // removes statements by Sid (SQS, Lambda), `remove_operation` once per statement with the
    // Sid at `sid_param`. The undo writes the policy as it was, when `operation` is known.
    struct Write {
      std::vector<std::pair<std::string, std::string>> params{};
      std::string operation{};
      std::string text_param{};
      std::string delete_operation{};
      std::string remove_operation{};
      std::string sid_param{};
    };
    std::optional<Write> write{};
    // How set-permissions changes who may use the resource: `operation` with `params` (JMESPath
    // over the resource), the grantees either as the values of `add_param` and `remove_param`
    // (RDS's restore attribute) or, when those are empty, EC2's way: OperationType add or
    // remove, each kind of grantee in a list parameter of its own (a kind without one cannot
    // be granted: snapshots are not shared with organizations).
    struct Share {
      std::string operation{};
      std::vector<std::pair<std::string, std::string>> params{};
      std::string add_param{};
      std::string remove_param{};
      std::string everyone_param{};       // "all": GroupNames, UserGroups
      std::string accounts_param{};       // 12-digit ids: UserIds
      std::string organizations_param{};  // arn:aws:organizations::...:organization/o-...
      std::string units_param{};          // arn:aws:organizations::...:ou/o-.../ou-...
    };
    std::optional<Share> share{};
  };
  std::optional<Access> access{};

  // An action that is one AWS call per resource, as data (Cloud Custodian's delete, stop,
  // set-public-access, retention...). The call's parameters are JMESPath over the resource (a
  // literal for a constant; null leaves the parameter out) plus what the policy's options give;
  // it is made only while `when` holds. resources/call_action.cpp runs it.
  struct CallAction {
    std::string name = "delete";
    std::string operation;  // "DeleteLoadBalancer"
    std::vector<std::pair<std::string, std::string>> params{};
    std::string service{};  // the botocore service, when not the type's own (ec2 for aws.account)
    // A call made first, its answer added to the document the paths below read (the account's
    // settings: GetBlockPublicAccessConfiguration), as the type's detail calls add theirs.
    std::optional<DetailCall> read{};
    struct Option {
      std::string name;  // "skip-snapshot", "days"
      // A boolean option (false unless the policy or default_value says true) adds parameters...
      std::vector<std::pair<std::string, std::string>> if_true{};
      std::vector<std::pair<std::string, std::string>> if_false{};
      // ...and, when true, `prepare` is called first with the acting client and the resource
      // (force: empty the thing so that the call can delete it); it says what it did.
      std::function<std::string(const aws::Client&, const Json&)> prepare{};
      // ...or the option's value, through `transform` (JMESPath over it) when set, is the
      // parameter `param` ("@": an object of parameters), checked against the operation's
      // input shape when the policy loads.
      std::string param{};
      std::string transform{};
      // Several options may give one parameter (an object): their values are merged, and
      // the boolean options' parameters are merged last.
      Json default_value = nullptr;  // when the policy leaves it out; null: the parameter too
      bool required = false;         // the policy must give it
      // JMESPath over the resource giving the parameter's value now: when every such option
      // already has its value nothing is called, and the values before are the undo.
      std::string current{};
      // The value is an object whose members the policy leaves out keep their `current` values
      // (Cloud Custodian's merge with the settings in place: set-password-policy).
      bool keep_current = false;
      // The option says how the change is made (ApplyImmediately), not what it is: it is sent
      // but never compared with the resource, and needs no `current`.
      bool instruction = false;
    };
    std::vector<Option> options{};
    std::string when{};  // JMESPath over the resource, true in the states it acts in
    // Answers meaning "already done" (a delete of what is gone), besides not_found_codes: a
    // code, or "Code: text" where the code alone says less (ValidationException: Could not find).
    std::vector<std::string> gone_codes{};
    // The call that reverses it (StartNotebookInstance for StopNotebookInstance), its parameters
    // JMESPath over the resource as it was, with the call's parameters as "custos:params". Without
    // one, only the options' `current` values can undo it; a delete cannot be undone.
    std::string undo_operation{};
    std::vector<std::pair<std::string, std::string>> undo_params{};
    std::string description{};  // for `custos schema`; empty: "Call OPERATION"
  };
  std::vector<CallAction> actions{};

  const CallAction* call_action(std::string_view action_name) const {
    for (const CallAction& action : actions)
      if (action.name == action_name) return &action;
    return nullptr;
  }
  CallAction* call_action(std::string_view action_name) {
    return const_cast<CallAction*>(std::as_const(*this).call_action(action_name));
  }

  const std::string& display_name_field() const {
    return name_field.empty() ? id_field : name_field;
  }
};

}  // namespace custos::policy
