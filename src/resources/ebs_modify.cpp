// Cloud Custodian's modifyable filter and modify action on aws.ebs: Elastic Volumes, which
// change a volume's type, size and IOPS while it is in use, where AWS allows it.
#include <algorithm>
#include <map>
#include <set>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/filter.h"
#include "policy/set_filter.h"
#include "resources/ebs.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

// Instance types whose volumes cannot be modified while attached (Cloud Custodian's list).
const std::set<std::string> kOlderGeneration = {
    "m1.small",    "m1.medium",   "m1.large",   "m1.xlarge",  "c1.medium",   "c1.xlarge",
    "cc2.8xlarge", "m2.xlarge",   "m2.2xlarge", "m2.4xlarge", "cr1.8xlarge", "hi1.4xlarge",
    "hs1.8xlarge", "cg1.4xlarge", "t1.micro",   "m3.large",   "m3.xlarge",   "m3.2xlarge"};

// modifyable: volumes that are not magnetic (standard), not attached before Elastic Volumes
// (2016-11-01) or to an older-generation instance, and not being modified now.
class Modifyable : public policy::SetFilter {
 public:
  explicit Modifyable(const Spec&) {}

  std::vector<Json> process(std::vector<Json> volumes,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    std::map<std::string, std::vector<Json>> by_instance;
    for (Json& volume : volumes) {
      if (volume.value("VolumeType", "") == "standard") continue;
      Json attachments = volume.value("Attachments", Json::array());
      if (attachments.empty()) {
        kept.push_back(std::move(volume));
        continue;
      }
      if (attachments[0].value("AttachTime", "") < "2016-11-01") continue;
      by_instance[attachments[0].value("InstanceId", "")].push_back(std::move(volume));
    }
    if (kept.empty() && by_instance.empty()) return kept;
    const aws::Client& client = policy::require_client(context, "the volumes' instances");
    if (!by_instance.empty()) {
      Json ids = Json::array();
      for (const auto& [id, unused] : by_instance) ids.push_back(id);
      client.paginate("ec2", "DescribeInstances", {{"InstanceIds", ids}}, [&](const Json& page) {
        for (const Json& reservation : page.value("Reservations", Json::array()))
          for (const Json& instance : reservation.value("Instances", Json::array()))
            if (!kOlderGeneration.count(instance.value("InstanceType", "")))
              for (Json& volume : by_instance[instance.value("InstanceId", "")])
                kept.push_back(std::move(volume));
        return true;
      });
    }
    std::set<std::string> modifying = being_modified(client, kept);
    std::erase_if(
        kept, [&](const Json& volume) { return modifying.count(volume.value("VolumeId", "")); });
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"ec2:DescribeInstances", "ec2:DescribeVolumesModifications"};
  }

 private:
  // The volumes with a modification under way (or failed): 197 ids a call, as AWS allows 200
  // filter values in all.
  static std::set<std::string> being_modified(const aws::Client& client,
                                              const std::vector<Json>& volumes) {
    std::set<std::string> ids;
    for (std::size_t start = 0; start < volumes.size(); start += 197) {
      Json some = Json::array();
      for (std::size_t i = start; i < std::min(volumes.size(), start + 197); ++i)
        some.push_back(volumes[i].value("VolumeId", ""));
      Json answer = client.call(
          "ec2", "DescribeVolumesModifications",
          {{"Filters", Json::array({{{"Name", "volume-id"}, {"Values", some}},
                                    {{"Name", "modification-state"},
                                     {"Values", {"modifying", "optimizing", "failed"}}}})}});
      for (const Json& change : answer.value("VolumesModifications", Json::array()))
        ids.insert(change.value("VolumeId", ""));
    }
    return ids;
  }
};

// modify: ModifyVolume to `volume-type`, `size-percent` of the size (below 100 only with
// `shrink: true`, which AWS then refuses: EBS volumes cannot shrink) and `iops-percent` of the
// IOPS (io1 only, at least 100). A volume grown cannot be made smaller: that record has no
// undo; otherwise the undo puts the type and IOPS back.
class Modify : public policy::PerResourceAction {
 public:
  Modify(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("modify"),
        type_(spec.has("volume-type")
                  ? spec.one_of("volume-type", {"io1", "gp2", "gp3", "st1", "sc1"})
                  : ""),
        size_percent_(percent(spec, "size-percent")),
        iops_percent_(percent(spec, "iops-percent")) {
    if (context.policy &&
        !policy::filter_types(context.policy->value("filters", Json())).count("modifyable"))
      spec.fail("modify needs the modifyable filter in the policy (as Cloud Custodian)");
    if (size_percent_ && *size_percent_ < 100 && !spec.optional_bool("shrink", false))
      spec.child("size-percent")
          .fail(
              "shrinking a volume needs support from its file system or data is lost; "
              "write shrink: true to ask anyway");
  }

 private:
  static std::optional<double> percent(const Spec& spec, const char* key) {
    if (!spec.has(key)) return std::nullopt;
    if (!spec.value()[key].is_number() || spec.value()[key].get<double>() <= 0)
      spec.child(key).fail(std::string(key) + " must be a positive number");
    return spec.value()[key].get<double>();
  }

  ActionRecord apply(const Json& volume, ActionContext& context) const override {
    std::string id = volume.value("VolumeId", "");
    std::string now_type = volume.value("VolumeType", "");
    Json params = {{"VolumeId", id}};
    if (iops_percent_ && (type_ == "io1" || now_type == "io1"))
      params["Iops"] =
          std::max(static_cast<int>(volume.value("Iops", 10) * *iops_percent_ / 100), 100);
    if (size_percent_)
      params["Size"] =
          std::max(static_cast<int>(volume.value("Size", 0) * *size_percent_ / 100), 1);
    if (!type_.empty()) params["VolumeType"] = type_;
    Json before = {{"VolumeType", now_type}, {"Size", volume.value("Size", 0)}};
    if (volume.contains("Iops")) before["Iops"] = volume["Iops"];
    bool changes = false;
    for (const auto& [key, value] : params.items())
      if (key != "VolumeId" && before.value(key, Json()) != value) changes = true;
    if (!changes) return ActionRecord::unchanged(name(), id, "already so");
    const aws::Client& client = context.client;
    client.call("ec2", "ModifyVolume", params);
    ActionRecord record{name(), id};
    record.before = before;
    record.after = params;
    record.summary = "modified " + id + ": " + describe(before, params);
    std::string expect;
    for (const auto& [key, value] : params.items())
      if (key != "VolumeId")
        expect += (expect.empty() ? "" : " && ") + std::string("Volumes[0].") + key +
                  " == " + policy::jmespath_literal(value);
    record.check = policy::check_call("ec2", "DescribeVolumes", {{"VolumeIds", {id}}}, expect,
                                      client.session().region());
    if (params.contains("Size") && params["Size"] != before["Size"]) {
      record.undo = nullptr;
      record.summary += "; irreversible: a volume cannot be made smaller";
    } else {
      Json undo = {{"VolumeId", id}, {"VolumeType", now_type}};
      if (before.contains("Iops") && params.contains("Iops")) undo["Iops"] = before["Iops"];
      record.undo =
          Json::array({policy::undo_call("ec2", "ModifyVolume", undo, client.session().region())});
    }
    return record;
  }

  static std::string describe(const Json& before, const Json& after) {
    std::string text;
    for (const auto& [key, value] : after.items())
      if (key != "VolumeId")
        text += (text.empty() ? "" : ", ") + key + " " + before.value(key, Json()).dump() + " -> " +
                value.dump();
    return text;
  }

  std::string type_;
  std::optional<double> size_percent_, iops_percent_;
};

}  // namespace

void register_ebs_modify(policy::Registry& registry) {
  registry.add_filter("aws.ebs", "modifyable",
                      policy::filter_info<Modifyable>(
                          {},
                          "Volumes Elastic Volumes can modify now (not magnetic, not attached "
                          "to an older-generation instance, not being modified)",
                          {"ec2:DescribeInstances", "ec2:DescribeVolumesModifications"}));
  registry.add_action(
      "aws.ebs", "modify",
      policy::action_info<Modify>(
          {"volume-type", "size-percent", "iops-percent", "shrink"}, {"ec2:ModifyVolume"},
          "Change the volume's type, size (size-percent) and io1 IOPS (iops-percent) in "
          "place; needs the modifyable filter"));
}

}  // namespace custos::resources
