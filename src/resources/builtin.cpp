#include "resources/builtin.h"

#include <string_view>

#include "resources/type_groups.h"

namespace custos::resources {
namespace {

#include "type_index.inc"

const policy::TypeGroups& builtin_groups() {
  static const policy::TypeGroups groups{.groups = type_groups(),
                                         .derive = derive_from_type_data,
                                         .names = kTypeNames,
                                         .type_names = kTypeOrder,
                                         .contributions = kContributions};
  return groups;
}

}  // namespace

std::unique_ptr<policy::Registry> make_builtin_registry() {
  auto registry = std::make_unique<policy::Registry>(builtin_groups());
  register_common(*registry);
  return registry;
}

const policy::Registry& builtin_registry() {
  // Never destroyed: freeing every type, filter and action at exit cost a tenth of a short
  // command's instructions, for memory the process gives back anyway.
  static const policy::Registry& registry = *make_builtin_registry().release();
  return registry;
}

}  // namespace custos::resources
