// builtin_registry() registers a type's group when the type is first looked up: each type,
// looked up alone, must have exactly what registering every type at once gives it.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "resources/builtin.h"
#include "resources/type_groups.h"

namespace custos {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + ",";
  return out;
}

template <typename Info>
std::vector<std::string> described(const policy::InfoByName<Info>& entries) {
  std::vector<std::string> out;
  for (const auto& [name, info] : entries)
    out.push_back(name + " options=" + joined(info.options) +
                  " permissions=" + joined(info.permissions) + " " + info.description);
  return out;
}

const policy::Registry& eager() {
  static const policy::Registry registry = resources::eager_builtin_registry();
  return registry;
}

TEST(LazyRegistry, ListsEveryTypeInRegistrationOrder) {
  EXPECT_EQ(resources::make_builtin_registry()->resource_names(), eager().resource_names());
  EXPECT_GT(eager().resource_names().size(), 100u);
}

TEST(LazyRegistry, EachTypeLookedUpAloneHasTheFiltersAndActionsOfTheEagerRegistry) {
  for (const auto& name : eager().resource_names()) {
    auto lazy = resources::make_builtin_registry();
    const policy::ResourceType* type = lazy->find_resource(name);
    ASSERT_NE(type, nullptr) << name;
    EXPECT_EQ(type->name, name);
    EXPECT_EQ(type->service, eager().find_resource(name)->service) << name;
    EXPECT_EQ(described(lazy->filters(name)), described(eager().filters(name))) << name;
    EXPECT_EQ(described(lazy->actions(name)), described(eager().actions(name))) << name;
  }
}

TEST(LazyRegistry, FindsEachTypeByItsAliases) {
  for (const auto& name : eager().resource_names())
    for (const auto& alias : eager().find_resource(name)->aliases) {
      auto lazy = resources::make_builtin_registry();
      const policy::ResourceType* found = lazy->find_resource(alias);
      ASSERT_NE(found, nullptr) << alias;
      EXPECT_EQ(found->name, eager().find_resource(alias)->name) << alias;
    }
}

TEST(LazyRegistry, UnknownNamesFindNothing) {
  auto lazy = resources::make_builtin_registry();
  EXPECT_EQ(lazy->find_resource("aws.no-such-type"), nullptr);
  EXPECT_EQ(lazy->find_filter("aws.no-such-type", "kms-key"), nullptr);
  EXPECT_NE(lazy->find_filter("aws.no-such-type", "value"), nullptr);  // every type's
}

TEST(LazyRegistry, ThreadsLookingUpAtOnceEachFindTheirType) {
  auto lazy = resources::make_builtin_registry();
  const auto names = eager().resource_names();
  std::vector<std::thread> threads;
  std::vector<int> found(2, 0);
  for (int half = 0; half < 2; ++half)
    threads.emplace_back([&, half] {
      for (std::size_t i = half; i < names.size(); i += 2)
        if (lazy->find_resource(names[i]) && !lazy->actions(names[i]).empty()) ++found[half];
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(static_cast<std::size_t>(found[0] + found[1]), names.size());
}

}  // namespace
}  // namespace custos
