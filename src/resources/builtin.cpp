#include "resources/builtin.h"

#include "policy/core_filters.h"
#include "resources/ec2.h"

namespace custos::resources {

const policy::Registry& builtin_registry() {
  static const policy::Registry registry = [] {
    policy::Registry r;
    policy::register_core_filters(r);
    register_ec2(r);
    return r;
  }();
  return registry;
}

}  // namespace custos::resources
