// modify-security-groups for EC2 instances (every network interface of the instance) and
// network interfaces: Cloud Custodian's add / remove / isolation-group / add-by-tag, and custos's
// two-step isolation, which first moves the interfaces to a group allowing all traffic so that
// tracked connections become untracked, then to the isolation group, ending them.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Which interfaces the action changes for a matched resource.
enum class InterfacesOf {
  kInstance,   // every interface attached to the instance (aws.ec2)
  kInterface,  // the interface itself (aws.eni)
};

policy::ActionInfo modify_security_groups_info(InterfacesOf interfaces);

}  // namespace custos::resources
