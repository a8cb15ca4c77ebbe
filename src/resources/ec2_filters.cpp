#include "resources/ec2_filters.h"

#include <algorithm>
#include <functional>

#include <simdjson.h>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "core/error.h"
#include "policy/age_filter.h"
#include "policy/dates.h"
#include "policy/offhours.h"
#include "policy/related_filter.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "resources/iam_principal.h"
#include "resources/inflate.h"

namespace custos::resources {
namespace {

using namespace std::chrono;
using policy::FilterContext;
using policy::Spec;
using policy::TimePoint;

using policy::age_filter_info;
using policy::date_of;

// instance-age: the earliest attach time of its EBS volumes (the root one's is when the
// instance first ran, LaunchTime changes at each start), else LaunchTime.
std::optional<TimePoint> instance_age_date(const Json& instance, const FilterContext&) {
  std::optional<TimePoint> earliest;
  for (const Json& mapping : instance.value("BlockDeviceMappings", Json::array()))
    if (auto attached = date_of(mapping.value("Ebs", Json::object()).value("AttachTime", Json())))
      earliest = earliest ? std::min(*earliest, *attached) : *attached;
  return earliest ? earliest : date_of(instance.value("LaunchTime", Json()));
}

// state-age: the date in the parentheses of StateTransitionReason ("User initiated
// (2016-05-06 19:33:52 GMT)").
std::optional<TimePoint> state_date(const Json& instance, const FilterContext&) {
  std::string reason = instance.value("StateTransitionReason", "");
  auto open = reason.find('(');
  auto close = reason.find(')', open);
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  return policy::parse_datetime(reason.substr(open + 1, close - open - 1));
}

// The instance's image as DescribeImages answers; null when EC2 no longer has it.
Json instance_image(const Json& instance, const aws::Client& client) {
  std::string id = instance.value("ImageId", "");
  if (id.empty()) return nullptr;
  try {
    Json images =
        client.call("ec2", "DescribeImages", {{"ImageIds", {id}}}).value("Images", Json());
    return images.is_array() && !images.empty() ? images[0] : Json();
  } catch (const aws::AwsError& e) {
    if (e.code() != "InvalidAMIID.NotFound" && e.code() != "InvalidAMIID.Unavailable") throw;
  }
  return nullptr;
}

// image-age: the image's CreationDate; a deregistered image counts as made in 2000, as in c7n.
std::optional<TimePoint> image_date(const Json& instance, const FilterContext& context) {
  Json image = instance.contains("c7n:instance-image")
                   ? instance["c7n:instance-image"]
                   : instance_image(instance, policy::require_client(context, "the image"));
  if (auto created =
          image.is_object() ? date_of(image.value("CreationDate", Json())) : std::nullopt)
    return created;
  return policy::parse_datetime("2000-01-01T01:01:01.000Z");
}

// termination-protected / stop-protected: the instance attribute is on.
class ProtectedFilter : public policy::Filter {
 public:
  ProtectedFilter(std::string attribute, std::string field)
      : attribute_(std::move(attribute)), field_(std::move(field)) {}

  bool match(const Json& instance, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, attribute_);
    return client
        .call("ec2", "DescribeInstanceAttribute",
              {{"InstanceId", instance.value("InstanceId", "")}, {"Attribute", attribute_}})
        .value(field_, Json::object())
        .value("Value", false);
  }
  std::vector<std::string> permissions() const override {
    return {"ec2:DescribeInstanceAttribute"};
  }

 private:
  std::string attribute_, field_;
};

bool in_state(const Json& instance, std::initializer_list<const char*> states) {
  std::string state = instance.value("State", Json::object()).value("Name", "");
  return std::any_of(states.begin(), states.end(), [&](const char* s) { return state == s; });
}

// ephemeral: the root device (/dev/sda1, /dev/xvda) is instance store, or there is none.
class Ephemeral : public policy::Filter {
 public:
  bool match(const Json& instance, const FilterContext&) const override {
    for (const Json& mapping : instance.value("BlockDeviceMappings", Json::array())) {
      std::string device = mapping.value("DeviceName", "");
      if (device == "/dev/sda1" || device == "/dev/xvda" || device == "xvda")
        return !mapping.contains("Ebs");
    }
    return true;
  }
};

// singleton: not in an auto scaling group and without a CloudWatch alarm that recovers it.
class Singleton : public policy::Filter {
 public:
  bool match(const Json& instance, const FilterContext& context) const override {
    if (!in_state(instance, {"running", "stopped", "pending", "stopping"})) return false;
    for (const Json& tag : instance.value("Tags", Json::array()))
      if (tag.value("Key", "") == "aws:autoscaling:groupName") return false;
    const Json dimensions =
        Json::array({{{"Name", "InstanceId"}, {"Value", instance.value("InstanceId", "")}}});
    Json alarms = policy::require_client(context, "recover alarms")
                      .call("cloudwatch", "DescribeAlarmsForMetric",
                            {{"MetricName", "StatusCheckFailed_System"},
                             {"Namespace", "AWS/EC2"},
                             {"Dimensions", dimensions}});
    for (const Json& alarm : alarms.value("MetricAlarms", Json::array())) {
      // AWS answers only this instance's alarms; an emulator may not (moto 5.2.1).
      if (alarm.value("Dimensions", Json::array()) != dimensions) continue;
      for (const Json& action : alarm.value("AlarmActions", Json::array()))
        if (action.is_string() && action.get<std::string>().starts_with("arn:aws:automate:") &&
            action.get<std::string>().ends_with(":ec2:recover"))
          return false;
    }
    return true;
  }
  std::vector<std::string> permissions() const override {
    return {"cloudwatch:DescribeAlarmsForMetric"};
  }
};

// ebs: a value filter over the instance's attached volumes (DescribeVolumes); `operator: or`
// (default) keeps an instance when one volume matches, `and` when all do; `skip-devices` leaves
// out volumes attached as those devices.
class AttachedVolume : public policy::Filter {
 public:
  explicit AttachedVolume(const Spec& spec)
      : matcher_(spec, {.extra_keys = {"operator", "skip-devices"}, .default_key = {}}),
        all_(spec.one_of("operator", {"and", "or"}, "or") == "and"),
        skip_(spec.string_list("skip-devices")) {}

  bool match(const Json& instance, const FilterContext& context) const override {
    Json volumes =
        policy::require_client(context, "the instance's volumes")
            .call_all(
                "ec2", "DescribeVolumes",
                {{"Filters", Json::array({{{"Name", "attachment.instance-id"},
                                           {"Values", {instance.value("InstanceId", "")}}}})}})
            .value("Volumes", Json::array());
    std::vector<const Json*> kept;
    for (const Json& volume : volumes) {
      bool skipped = false;
      for (const Json& attachment : volume.value("Attachments", Json::array()))
        skipped = skipped || std::find(skip_.begin(), skip_.end(),
                                       attachment.value("Device", "")) != skip_.end();
      if (!skipped) kept.push_back(&volume);
    }
    if (kept.empty()) return false;
    auto matches = [&](const Json* volume) { return matcher_.matches(*volume, context); };
    return all_ ? std::all_of(kept.begin(), kept.end(), matches)
                : std::any_of(kept.begin(), kept.end(), matches);
  }
  std::vector<std::string> permissions() const override { return {"ec2:DescribeVolumes"}; }

 private:
  policy::ValueMatcher matcher_;
  bool all_;
  std::vector<std::string> skip_;
};

// The SSM agent's information about the instance ({} when SSM does not manage it).
Json ssm_information(const Json& instance, const aws::Client& client) {
  std::string id = instance.value("InstanceId", "");
  Json found =
      client.call("ssm", "DescribeInstanceInformation",
                  {{"Filters", Json::array({{{"Key", "InstanceIds"}, {"Values", {id}}}})}});
  for (const Json& information : found.value("InstanceInformationList", Json::array()))
    if (information.value("InstanceId", "") == id) return information;
  return Json::object();
}

// The managed policies of the role in the instance's profile (c7n's HasSpecificManagedPolicy:
// none for a terminated instance, one without a profile or a profile without a role).
Json profile_policies(const Json& instance, const aws::Client& client) {
  std::string arn = instance.value("IamInstanceProfile", Json::object()).value("Arn", "");
  if (arn.empty() || instance.value("State", Json::object()).value("Name", "") == "terminated")
    return Json::array();
  Json profile;
  try {
    profile = client
                  .call("iam", "GetInstanceProfile",
                        {{"InstanceProfileName", arn.substr(arn.rfind('/') + 1)}})
                  .value("InstanceProfile", Json::object());
  } catch (const aws::AwsError& e) {
    if (e.code() != "NoSuchEntity") throw;
    return Json::array();
  }
  Json policies = Json::array();
  for (const Json& role : profile.value("Roles", Json::array()))
    policies = Principal("Role").attached_policies(client, role.value("RoleName", ""));
  return policies;
}

// The instance's user data as text (c7n's deserialize_user_data): base64, then gzip when it is
// not UTF-8; null when the instance has none.
Json user_data(const Json& instance, const aws::Client& client) {
  std::string id = instance.value("InstanceId", "");
  Json answer = client.call("ec2", "DescribeInstanceAttribute",
                            {{"InstanceId", id}, {"Attribute", "userData"}});
  const Json value = answer.value("UserData", Json::object()).value("Value", Json());
  if (!value.is_string()) return nullptr;
  std::string data = aws::codec::base64_decode(value.get<std::string>());
  if (simdjson::validate_utf8(data.data(), data.size())) return data;
  auto text = inflate_all(data, Wrapping::kGzip);
  if (!text || !simdjson::validate_utf8(text->data(), text->size()))
    throw Error("instance " + id + ": its user data is neither UTF-8 text nor gzip of it");
  return *text;
}

// user-data: a value filter over the user data itself (c7n sets the key to it: one given is
// refused rather than ignored).
policy::FilterInfo user_data_info() {
  policy::ValueMatcher::Options options = policy::related_options("@");
  policy::FilterInfo info;
  info.factory = [options](const Spec& spec,
                           const policy::BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write user-data as {type: user-data, op: regex, value: ...}");
    if (spec.has("key"))
      spec.child("key").at_key().fail(
          "user-data compares the instance's user data itself: remove 'key'");
    return std::make_unique<policy::RelatedValueFilter>(
        spec,
        policy::RelatedData{.annotation_key = "c7n:user-data",
                            .fetch = user_data,
                            .permissions = {"ec2:DescribeInstanceAttribute"}},
        options, context.block);
  };
  info.description = "A value filter over the instance's user data (base64 and gzip decoded)";
  info.options = {"value", "op", "value_type", "value_from", "value_regex"};
  info.permissions = {"ec2:DescribeInstanceAttribute"};
  return info;
}

// instance-attribute: a value filter over one DescribeInstanceAttribute answer (its only member
// besides InstanceId), kept as c7n:attribute-NAME.
policy::FilterInfo instance_attribute_info() {
  static const std::vector<std::string> kAttributes = {"instanceType",
                                                       "kernel",
                                                       "ramdisk",
                                                       "userData",
                                                       "disableApiTermination",
                                                       "instanceInitiatedShutdownBehavior",
                                                       "rootDeviceName",
                                                       "blockDeviceMapping",
                                                       "productCodes",
                                                       "sourceDestCheck",
                                                       "groupSet",
                                                       "ebsOptimized",
                                                       "sriovNetSupport",
                                                       "enaSupport"};
  policy::ValueMatcher::Options options = policy::related_options();
  options.extra_keys.push_back("attribute");
  policy::FilterInfo info;
  info.factory = [options](const Spec& spec,
                           const policy::BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write instance-attribute as {type: instance-attribute, attribute: NAME, ...}");
    std::string attribute = spec.one_of("attribute", kAttributes);
    policy::RelatedData related{
        .annotation_key = "c7n:attribute-" + attribute,
        .fetch =
            [attribute](const Json& instance, const aws::Client& client) {
              Json answer = client.call(
                  "ec2", "DescribeInstanceAttribute",
                  {{"InstanceId", instance.value("InstanceId", "")}, {"Attribute", attribute}});
              answer.erase("InstanceId");
              return answer.empty() ? Json() : answer.begin().value();
            },
        .permissions = {"ec2:DescribeInstanceAttribute"}};
    return std::make_unique<policy::RelatedValueFilter>(spec, related, options, context.block);
  };
  info.description = "A value filter over one of the instance's attributes (attribute: NAME)";
  info.options = policy::value_filter_options({"attribute"});
  info.permissions = {"ec2:DescribeInstanceAttribute"};
  return info;
}

// A filter without options.
policy::FilterInfo plain_info(std::function<policy::FilterPtr()> make, std::string description,
                              std::vector<std::string> permissions = {}) {
  policy::FilterInfo info;
  info.factory = [make](const Spec& spec, const policy::BuildContext&) {
    if (spec.value().is_object()) spec.allow_keys({}, "this filter");
    return make();
  };
  info.description = std::move(description);
  info.permissions = std::move(permissions);
  return info;
}

template <typename FilterType, typename... Args>
std::function<policy::FilterPtr()> make(Args... args) {
  return [args...] { return std::make_unique<FilterType>(args...); };
}

}  // namespace

void register_ec2_filters(policy::Registry& registry) {
  const std::string ec2 = "aws.ec2";
  const std::vector<std::string> days = {"op", "days"};
  registry.add_filter(ec2, "instance-age",
                      age_filter_info(instance_age_date,
                                      "Instances by age: their first volume's attach time, else "
                                      "LaunchTime (op, days, hours, minutes)",
                                      {"op", "days", "hours", "minutes"}));
  registry.add_filter(
      ec2, "instance-uptime",
      age_filter_info([](const Json& i,
                         const FilterContext&) { return date_of(i.value("LaunchTime", Json())); },
                      "Instances by time since their last start (LaunchTime; op, days)", days));
  registry.add_filter(ec2, "state-age",
                      age_filter_info(state_date,
                                      "Instances by time in their state (the date of "
                                      "StateTransitionReason; op, days)",
                                      days));
  registry.add_filter(ec2, "image-age",
                      age_filter_info(image_date, "Instances by their image's age (op, days)", days,
                                      {"ec2:DescribeImages"}));
  registry.add_filter(
      ec2, "image",
      policy::related_filter_info({.annotation_key = "c7n:instance-image",
                                   .fetch = instance_image,
                                   .permissions = {"ec2:DescribeImages"}},
                                  "A value filter over the instance's image (DescribeImages)"));
  registry.add_filter(ec2, "termination-protected",
                      plain_info(make<ProtectedFilter>(std::string("disableApiTermination"),
                                                       std::string("DisableApiTermination")),
                                 "Instances whose termination protection is on",
                                 {"ec2:DescribeInstanceAttribute"}));
  registry.add_filter(
      ec2, "stop-protected",
      plain_info(
          make<ProtectedFilter>(std::string("disableApiStop"), std::string("DisableApiStop")),
          "Instances whose stop protection is on", {"ec2:DescribeInstanceAttribute"}));
  registry.add_filter(
      ec2, "ephemeral",
      plain_info(make<Ephemeral>(), "Instances whose root device is instance store"));
  registry.add_filter(ec2, "singleton",
                      plain_info(make<Singleton>(),
                                 "Instances outside auto scaling groups and without "
                                 "a CloudWatch alarm that recovers them",
                                 {"cloudwatch:DescribeAlarmsForMetric"}));
  policy::FilterInfo ebs;
  ebs.factory = [](const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
    if (!spec.value().is_object()) spec.fail("write ebs as {type: ebs, key: ..., value: ...}");
    return std::make_unique<AttachedVolume>(spec);
  };
  ebs.description = "A value filter over the instance's volumes (operator: or|and, skip-devices)";
  ebs.options = policy::value_filter_options({"operator", "skip-devices"});
  ebs.permissions = {"ec2:DescribeVolumes"};
  registry.add_filter(ec2, "ebs", std::move(ebs));
  registry.add_filter(
      ec2, "ssm",
      policy::related_filter_info({.annotation_key = "c7n:SsmState",
                                   .fetch = ssm_information,
                                   .permissions = {"ssm:DescribeInstanceInformation"}},
                                  "A value filter over the instance's SSM agent information"));
  registry.add_filter(ec2, "instance-attribute", instance_attribute_info());
  registry.add_filter(ec2, "user-data", user_data_info());
  registry.add_filter(
      ec2, "has-specific-managed-policy",
      policy::related_filter_info(
          {.annotation_key = "c7n:AttachedPolicies",
           .matched_key = "c7n:MatchedPolicies",
           .fetch = profile_policies,
           .permissions = {"iam:GetInstanceProfile", "iam:ListAttachedRolePolicies"}},
          "A value filter over the managed policies of the role in the instance's profile (key "
          "PolicyName unless given)",
          "PolicyName"));
  registry.add_filter(ec2, "offhour",
                      policy::hour_filter_info(policy::HourFilter::Kind::kOff, {"running"}));
  registry.add_filter(ec2, "onhour",
                      policy::hour_filter_info(policy::HourFilter::Kind::kOn, {"stopped"}));
}

}  // namespace custos::resources
