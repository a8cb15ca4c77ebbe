// aws.asg's filters over what a group launches (Cloud Custodian's LaunchInfo): its launch
// configuration or launch template version (launch-config), the image (image, image-age), the
// user data (user-data), whether its volumes are encrypted (not-encrypted) and whether it can
// launch at all (invalid, valid); and over the group itself: its VPC (vpc-id), whether it runs
// fewer instances than it should (capacity-delta), which tags it propagates (propagated-tags).
#include <set>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "policy/age_filter.h"
#include "policy/filter.h"
#include "policy/related_filter.h"
#include "policy/set_filter.h"
#include "resources/inflate.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;
using Names = std::set<std::string>;

const char* const kLaunchData = "c7n:launch-data";

// What the group launches: its launch configuration, or its launch template version's data
// ($Default when it names none); null when it names neither or that is gone.
Json launch_data(const Json& asg, const aws::Client& client) {
  if (asg.contains(kLaunchData)) return asg[kLaunchData];
  if (std::string config = asg.value("LaunchConfigurationName", ""); !config.empty()) {
    Json found = client
                     .call("autoscaling", "DescribeLaunchConfigurations",
                           {{"LaunchConfigurationNames", {config}}})
                     .value("LaunchConfigurations", Json::array());
    return found.empty() ? Json() : found[0];
  }
  Json spec = asg.value("LaunchTemplate", Json());
  if (spec.is_null())
    spec = asg.value("MixedInstancesPolicy", Json::object())
               .value("LaunchTemplate", Json::object())
               .value("LaunchTemplateSpecification", Json());
  if (!spec.is_object()) return nullptr;
  Json params = {{"Versions", {spec.value("Version", "$Default")}}};
  for (const char* key : {"LaunchTemplateId", "LaunchTemplateName"})
    if (spec.contains(key)) params[key] = spec[key];
  try {
    Json versions = client.call("ec2", "DescribeLaunchTemplateVersions", params)
                        .value("LaunchTemplateVersions", Json::array());
    return versions.empty() ? Json() : versions[0].value("LaunchTemplateData", Json());
  } catch (const aws::AwsError& e) {
    if (e.code().find("NotFound") == std::string::npos) throw;
    return nullptr;
  }
}

// Images by id, of those that exist (DescribeImages leaves out unknown ones; a malformed id is
// asked alone so that one bad id does not hide the others).
std::map<std::string, Json> images(const aws::Client& client, const Names& ids) {
  std::map<std::string, Json> found;
  if (ids.empty()) return found;
  auto record = [&](const Json& answer) {
    for (const Json& image : answer.value("Images", Json::array()))
      found[image.value("ImageId", "")] = image;
  };
  try {
    record(client.call("ec2", "DescribeImages", {{"ImageIds", Json(ids)}}));
  } catch (const aws::AwsError& e) {
    if (e.code().rfind("InvalidAMIID", 0) != 0) throw;
    for (const auto& id : ids) try {
        record(client.call("ec2", "DescribeImages", {{"ImageIds", {id}}}));
      } catch (const aws::AwsError& each) {
        if (each.code().rfind("InvalidAMIID", 0) != 0) throw;
      }
  }
  return found;
}

// The image `launch` (a group's launch data) launches, or null.
Json image_launched(const Json& launch, const aws::Client& client) {
  std::string id = launch.is_object() ? launch.value("ImageId", "") : "";
  if (id.empty()) return nullptr;
  auto found = images(client, {id});
  return found.empty() ? Json() : found.begin()->second;
}

Json image_of(const Json& asg, const aws::Client& client) {
  return image_launched(launch_data(asg, client), client);
}

// c7n's deserialize_user_data: base64, then gzip when that is not text.
Json user_data_of(const Json& asg, const aws::Client& client) {
  Json launch = launch_data(asg, client);
  std::string encoded = launch.is_object() ? launch.value("UserData", "") : "";
  if (encoded.empty()) return nullptr;
  std::string data = aws::codec::base64_decode(encoded);
  if (auto text = inflate_all(data, Wrapping::kGzip)) return *text;
  return data;
}

Json vpc_of(const Json& asg, const aws::Client& client) {
  std::string subnets = asg.value("VPCZoneIdentifier", "");
  std::string first = subnets.substr(0, subnets.find(','));
  if (first.empty()) return nullptr;
  try {
    Json found = client.call("ec2", "DescribeSubnets", {{"SubnetIds", {first}}})
                     .value("Subnets", Json::array());
    return found.empty() ? Json() : found[0].value("VpcId", Json());
  } catch (const aws::AwsError& e) {
    if (e.code() != "InvalidSubnetID.NotFound") throw;
    return nullptr;  // an invalid subnet: no VPC, as Cloud Custodian leaves it
  }
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = std::min(text.find(',', start), text.size());
    std::string id = text.substr(start, end - start);
    id.erase(0, id.find_first_not_of(' '));
    id.erase(id.find_last_not_of(' ') + 1);
    if (!id.empty()) ids.push_back(id);
    start = end + 1;
  }
  return ids;
}

// Snapshots by id that exist, with their Encrypted flag.
std::map<std::string, Json> snapshots(const aws::Client& client, const Names& ids) {
  std::map<std::string, Json> found;
  for (const auto& id : ids) try {
      for (const Json& snapshot : client.call("ec2", "DescribeSnapshots", {{"SnapshotIds", {id}}})
                                      .value("Snapshots", Json::array()))
        found[snapshot.value("SnapshotId", "")] = snapshot;
    } catch (const aws::AwsError& e) {
      if (e.code().rfind("InvalidSnapshot", 0) != 0) throw;
    }
  return found;
}

// not-encrypted: groups that launch an image with an unencrypted volume (unless exclude_image)
// or a launch configuration whose own volumes (not the image's) are unencrypted, or made from
// an unencrypted snapshot. Annotated Unencrypted: [Image, LaunchConfig].
class NotEncrypted : public policy::SetFilter {
 public:
  explicit NotEncrypted(const Spec& spec)
      : exclude_image_(spec.optional_bool("exclude_image", false)) {}

  std::vector<Json> process(std::vector<Json> asgs, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "the groups' launch data");
    std::vector<Json> kept;
    for (Json& asg : asgs) {
      Json launch = launch_data(asg, client);
      if (!launch.is_object()) continue;
      Json image = image_launched(launch, client);
      Json unencrypted = Json::array();
      if (!exclude_image_ && image.is_object() && has_unencrypted(image))
        unencrypted.push_back("Image");
      if (config_unencrypted(launch, image, client)) unencrypted.push_back("LaunchConfig");
      if (unencrypted.empty()) continue;
      asg["Unencrypted"] = std::move(unencrypted);
      kept.push_back(std::move(asg));
    }
    return kept;
  }
  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {"ec2:DescribeImages", "ec2:DescribeSnapshots",
            "autoscaling:DescribeLaunchConfigurations", "ec2:DescribeLaunchTemplateVersions"};
  }

 private:
  static bool has_unencrypted(const Json& image) {
    for (const Json& device : image.value("BlockDeviceMappings", Json::array()))
      if (device.contains("Ebs") && !device["Ebs"].value("Encrypted", false)) return true;
    return false;
  }

  // The launch data's own volumes: those the image also maps are the image's (it wins).
  static bool config_unencrypted(const Json& launch, const Json& image, const aws::Client& client) {
    Names image_devices, snapshot_ids;
    if (image.is_object())
      for (const Json& device : image.value("BlockDeviceMappings", Json::array()))
        if (device.contains("Ebs")) image_devices.insert(device.value("DeviceName", ""));
    for (const Json& device : launch.value("BlockDeviceMappings", Json::array())) {
      if (!device.contains("Ebs") || image_devices.count(device.value("DeviceName", ""))) continue;
      if (std::string snapshot = device["Ebs"].value("SnapshotId", ""); !snapshot.empty())
        snapshot_ids.insert(snapshot);
      else if (!device["Ebs"].value("Encrypted", false))
        return true;
    }
    for (const auto& [id, snapshot] : snapshots(client, snapshot_ids))
      if (!snapshot.value("Encrypted", false)) return true;
    return false;
  }

  bool exclude_image_;
};

// invalid / valid: whether the group can launch: its subnets, load balancers, target groups,
// launch data, security groups, key pair, image and snapshots all exist. invalid keeps the
// errors as Invalid: [[kind, id], ...].
class LaunchValidity : public policy::SetFilter {
 public:
  LaunchValidity(const Spec& spec, const policy::BuildContext& context, bool keep_invalid)
      : keep_invalid_(keep_invalid) {
    if (context.event_mode)
      spec.fail(std::string(keep_invalid ? "invalid" : "valid") +
                " lists every subnet, group and key of the account: it is not for event modes "
                "(as Cloud Custodian)");
  }

  std::vector<Json> process(std::vector<Json> asgs, const FilterContext& context) const override {
    if (asgs.empty()) return asgs;
    const aws::Client& client = policy::require_client(context, "what the groups need");
    Known known = listed(client);
    std::vector<Json> kept;
    for (Json& asg : asgs) {
      Json errors = errors_of(asg, client, known);
      if (errors.empty() == keep_invalid_) continue;
      if (keep_invalid_) asg["Invalid"] = std::move(errors);
      kept.push_back(std::move(asg));
    }
    return kept;
  }
  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {"ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeKeyPairs",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTargetGroups",
            "ec2:DescribeImages",
            "ec2:DescribeSnapshots",
            "autoscaling:DescribeLaunchConfigurations"};
  }

 private:
  struct Known {
    Names subnets, groups, keys, balancers, target_groups;
  };

  static Known listed(const aws::Client& client) {
    Known known;
    auto collect = [&](const std::string& service, const std::string& operation,
                       const std::string& list, const std::string& field, Names& into) {
      for (const Json& item :
           client.call_all(service, operation, Json::object()).value(list, Json::array()))
        into.insert(item.value(field, ""));
    };
    collect("ec2", "DescribeSubnets", "Subnets", "SubnetId", known.subnets);
    collect("ec2", "DescribeSecurityGroups", "SecurityGroups", "GroupId", known.groups);
    collect("ec2", "DescribeKeyPairs", "KeyPairs", "KeyName", known.keys);
    collect("elb", "DescribeLoadBalancers", "LoadBalancerDescriptions", "LoadBalancerName",
            known.balancers);
    collect("elbv2", "DescribeTargetGroups", "TargetGroups", "TargetGroupArn", known.target_groups);
    return known;
  }

  static Json errors_of(const Json& asg, const aws::Client& client, const Known& known) {
    Json errors = Json::array();
    auto check = [&](const std::string& id, const Names& among, const char* kind) {
      if (!among.count(id)) errors.push_back({kind, id});
    };
    for (const auto& subnet : split_ids(asg.value("VPCZoneIdentifier", "")))
      check(subnet, known.subnets, "invalid-subnet");
    for (const Json& balancer : asg.value("LoadBalancerNames", Json::array()))
      check(balancer.get<std::string>(), known.balancers, "invalid-elb");
    for (const Json& group : asg.value("TargetGroupARNs", Json::array()))
      check(group.get<std::string>(), known.target_groups, "invalid-appelb-target-group");
    Json launch = launch_data(asg, client);
    if (!launch.is_object()) {
      errors.push_back({"invalid-config", asg.value("LaunchConfigurationName",
                                                    asg.value("AutoScalingGroupName", ""))});
      return errors;
    }
    for (const char* key : {"SecurityGroups", "SecurityGroupIds"})
      for (const Json& group : launch.value(key, Json::array()))
        check(group.get<std::string>(), known.groups, "invalid-security-group");
    if (std::string key = launch.value("KeyName", ""); !key.empty())
      check(key, known.keys, "invalid-key-pair");
    Names image_snapshots;
    if (std::string image_id = launch.value("ImageId", ""); !image_id.empty()) {
      auto found = images(client, {image_id});
      if (found.empty()) errors.push_back({"invalid-image", image_id});
      for (const auto& [id, image] : found)
        for (const Json& device : image.value("BlockDeviceMappings", Json::array()))
          if (device.contains("Ebs")) image_snapshots.insert(device["Ebs"].value("SnapshotId", ""));
    }
    Names wanted;
    for (const Json& device : launch.value("BlockDeviceMappings", Json::array()))
      if (std::string id = device.value("Ebs", Json::object()).value("SnapshotId", "");
          !id.empty() && !image_snapshots.count(id))
        wanted.insert(id);
    auto existing = snapshots(client, wanted);
    for (const auto& id : wanted)
      if (!existing.count(id)) errors.push_back({"invalid-snapshot", id});
    return errors;
  }

  bool keep_invalid_;
};

// capacity-delta: groups running fewer instances than desired or than their minimum.
class CapacityDelta : public policy::Filter {
 public:
  explicit CapacityDelta(const Spec&) {}
  bool match(const Json& asg, const FilterContext&) const override {
    std::size_t running = asg.value("Instances", Json::array()).size();
    return running < asg.value("DesiredCapacity", 0u) || running < asg.value("MinSize", 0u);
  }
};

// propagated-tags: groups whose tags `keys` all propagate at launch (propagate: false, all do
// not); match: false turns it around.
class PropagatedTags : public policy::Filter {
 public:
  explicit PropagatedTags(const Spec& spec)
      : keys_(spec.string_list("keys")),
        match_(spec.optional_bool("match", true)),
        propagate_(spec.optional_bool("propagate", true)) {}
  bool match(const Json& asg, const FilterContext&) const override {
    Names tagged;
    for (const Json& tag : asg.value("Tags", Json::array()))
      if (tag.value("PropagateAtLaunch", false) == propagate_) tagged.insert(tag.value("Key", ""));
    bool all = std::all_of(keys_.begin(), keys_.end(),
                           [&](const std::string& key) { return tagged.count(key); });
    return all == match_;
  }

 private:
  std::vector<std::string> keys_;
  bool match_, propagate_;
};

template <bool KeepInvalid>
struct Validity : LaunchValidity {
  Validity(const Spec& spec, const policy::BuildContext& context)
      : LaunchValidity(spec, context, KeepInvalid) {}
};

}  // namespace

void register_asg_launch_filters(policy::Registry& registry) {
  const std::string asg = "aws.asg";
  const std::vector<std::string> launch_permissions = {"autoscaling:DescribeLaunchConfigurations",
                                                       "ec2:DescribeLaunchTemplateVersions"};
  registry.add_filter(
      asg, "launch-config",
      policy::related_filter_info(
          {.annotation_key = kLaunchData, .fetch = launch_data, .permissions = launch_permissions},
          "A value filter over the group's launch "
          "configuration or launch template data"));
  registry.add_filter(
      asg, "image",
      policy::related_filter_info(
          {.annotation_key = "c7n:image", .fetch = image_of, .permissions = {"ec2:DescribeImages"}},
          "A value filter over the image the group launches"));
  registry.add_filter(
      asg, "image-age",
      policy::age_filter_info(
          [](const Json& group, const FilterContext& context) -> std::optional<policy::TimePoint> {
            Json image = image_of(group, policy::require_client(context, "the group's image"));
            if (auto created = image.is_object()
                                   ? policy::date_of(image.value("CreationDate", Json()))
                                   : std::nullopt)
              return created;
            return policy::parse_datetime("2000-01-01T01:01:01.000Z");  // gone: old, as in c7n
          },
          "Groups by the age of the image they launch (op, days)", {"op", "days"},
          {"ec2:DescribeImages"}));
  registry.add_filter(asg, "user-data",
                      policy::related_filter_info({.annotation_key = "c7n:user-data",
                                                   .fetch = user_data_of,
                                                   .permissions = launch_permissions},
                                                  "A value filter over the user data the group "
                                                  "launches with (base64 and gzip decoded)",
                                                  "@"));
  registry.add_filter(
      asg, "vpc-id",
      policy::related_filter_info(
          {.annotation_key = "VpcId", .fetch = vpc_of, .permissions = {"ec2:DescribeSubnets"}},
          "A value filter over the VPC of the group's "
          "first subnet",
          "@"));
  registry.add_filter(asg, "not-encrypted",
                      policy::filter_info<NotEncrypted>(
                          {"exclude_image"},
                          "Groups launching unencrypted volumes (the image's, unless "
                          "exclude_image, or the launch data's own), kept as Unencrypted",
                          {"ec2:DescribeImages", "ec2:DescribeSnapshots"}));
  registry.add_filter(asg, "invalid",
                      policy::filter_info<Validity<true>>(
                          {},
                          "Groups that cannot launch: a subnet, load balancer, security "
                          "group, key, image, snapshot or launch data gone, kept as Invalid"));
  registry.add_filter(asg, "valid",
                      policy::filter_info<Validity<false>>(
                          {}, "Groups whose launch needs all exist (the opposite of invalid)"));
  registry.add_filter(asg, "capacity-delta",
                      policy::filter_info<CapacityDelta>(
                          {}, "Groups running fewer instances than desired or their minimum"));
  for (const char* name : {"propagated-tags", "progagated-tags"})
    registry.add_filter(asg, name,
                        policy::filter_info<PropagatedTags>(
                            {"keys", "match", "propagate"},
                            "Groups whose tags `keys` all propagate at launch (propagate: "
                            "false: all do not; match: false turns it around)"));
}

}  // namespace custos::resources
