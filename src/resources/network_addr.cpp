// aws.network-addr (Cloud Custodian's elastic-ip): Elastic IP addresses, which an intruder's
// instance may be reached by; disassociate takes the address off, release gives it up.
#include "aws/client.h"
#include "resources/network.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

Json allocation_filter(const std::string& id) {
  return {{"Filters", Json::array({{{"Name", "allocation-id"}, {"Values", {id}}}})}};
}

// The address as EC2 has it now, or null when it was released.
Json address_now(const aws::Client& client, const std::string& id) {
  Json found = client.call("ec2", "DescribeAddresses", allocation_filter(id))
                   .value("Addresses", Json::array());
  return found.empty() ? Json() : found[0];
}

// A key's text, empty when absent (moto writes "" where AWS leaves a key out).
std::string text(const Json& address, const char* key) {
  auto at = address.find(key);
  return at != address.end() && at->is_string() ? at->get<std::string>() : "";
}

// What the address is associated with, for summaries.
std::string holder(const Json& address) {
  for (const char* key : {"InstanceId", "NetworkInterfaceId"})
    if (!text(address, key).empty()) return text(address, key);
  return "?";
}

// disassociate (Cloud Custodian's DisassociateAddress): the address stays allocated to the
// account; undo associates it again with the interface (and private address) it had.
class Disassociate : public policy::PerResourceAction {
 public:
  Disassociate() : PerResourceAction("disassociate") {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json address = address_now(client, id);
    if (address.is_null()) return ActionRecord::unchanged(name(), id, "the address was released");
    if (!address.contains("AssociationId"))
      return ActionRecord::unchanged(name(), id, "not associated with anything");
    client.call("ec2", "DisassociateAddress",
                {{"AssociationId", address.value("AssociationId", "")}});
    ActionRecord record{name(), id};
    record.before = address;
    record.after = {{"AssociationId", nullptr}};
    record.summary = "took " + address.value("PublicIp", id) + " off " + holder(address);
    // Back onto the interface and private address it had (an instance may have several).
    Json again = {{"AllocationId", id}};
    if (!text(address, "NetworkInterfaceId").empty()) {
      again["NetworkInterfaceId"] = text(address, "NetworkInterfaceId");
      if (!text(address, "PrivateIpAddress").empty())
        again["PrivateIpAddress"] = text(address, "PrivateIpAddress");
    } else {
      again["InstanceId"] = text(address, "InstanceId");
    }
    record.undo = Json::array(
        {policy::undo_call("ec2", "AssociateAddress", again, client.session().region())});
    record.check = policy::check_call("ec2", "DescribeAddresses", allocation_filter(id),
                                      "Addresses[0].AssociationId == `null`");
    return record;
  }
};

// release (Cloud Custodian's AddressRelease): gives the address back to AWS; an associated one
// only with force: true, which disassociates it first.
class Release : public policy::PerResourceAction {
 public:
  explicit Release(const Spec& spec)
      : PerResourceAction("release"), force_(spec.optional_bool("force", false)) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(resource);
    Json address = address_now(client, id);
    if (address.is_null()) return ActionRecord::unchanged(name(), id, "already released");
    bool associated = address.contains("AssociationId");
    if (associated && !force_)
      return ActionRecord::unchanged(
          name(), id,
          "left allocated: associated with " + holder(address) +
              " (release: force: true disassociates it first, as Cloud Custodian)");
    if (associated)
      client.call("ec2", "DisassociateAddress",
                  {{"AssociationId", address.value("AssociationId", "")}});
    client.call("ec2", "ReleaseAddress", {{"AllocationId", id}});
    ActionRecord record{name(), id};
    record.before = address;
    record.after = {{"Released", true}};
    record.summary = "released " + address.value("PublicIp", id) +
                     (associated ? " after taking it off " + holder(address) : "") +
                     " (irreversible: AllocateAddress may get it back only while no one else has "
                     "it)";
    record.undo = nullptr;
    record.check = policy::check_call("ec2", "DescribeAddresses", allocation_filter(id),
                                      "length(Addresses) == `0`");
    return record;
  }

  bool force_;
};

}  // namespace

void register_network_addr(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.network-addr",
      .aliases = {"network-addr", "aws.elastic-ip", "elastic-ip"},
      .service = "ec2",
      .enumerate_operation = "DescribeAddresses",
      // Cloud Custodian keeps VPC addresses only (EC2-Classic ones have no allocation id).
      .result_path = "Addresses[?AllocationId]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "AllocationIds",
      .not_found_codes = {"InvalidAllocationID.NotFound"},
      .id_field = "AllocationId",
      .name_field = "PublicIp",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:elastic-ip/{id}",
      .report_fields = {"AllocationId", "PublicIp", "InstanceId", "NetworkInterfaceId",
                        "PrivateIpAddress"},
  });
  registry.add_action("aws.network-addr", "disassociate",
                      policy::action_info<Disassociate>(
                          {}, {"ec2:DescribeAddresses", "ec2:DisassociateAddress"},
                          "Take the address off its instance or interface (it stays allocated)"));
  registry.add_action(
      "aws.network-addr", "release",
      policy::action_info<Release>(
          {"force"}, {"ec2:DescribeAddresses", "ec2:ReleaseAddress", "ec2:DisassociateAddress"},
          "Release the address (irreversible); associated ones only with force: true, which "
          "disassociates them first"));
  register_tag_actions(registry, "aws.network-addr");
}

}  // namespace custos::resources
