// Boolean blocks pass a whole set to a filter that judges sets at once (one listing per run),
// even through a `not`, which sweeps the annotations the filter wrote.
#include <gtest/gtest.h>

#include "policy/core_filters.h"
#include "policy/policy.h"

namespace custos::policy {
namespace {

int calls = 0;  // process() calls of `listed`: one listing of AWS each in a real filter

// Keeps the resources whose Name a (pretend) listing holds, and notes the listing on them.
class Listed : public AnnotatingFilter {
 public:
  explicit Listed(const Spec&) {}
  bool match(const Json& resource, const FilterContext& context) const override {
    return process({resource}, context).size() == 1;
  }
  std::vector<Json> process(std::vector<Json> resources, const FilterContext&) const override {
    ++calls;
    std::erase_if(resources, [](const Json& r) { return r.at("Name") == "b"; });
    for (Json& r : resources) r["c7n:listed"] = true;
    return resources;
  }
};

const Registry& registry() {
  static const Registry r = [] {
    Registry r;
    register_core_filters(r);
    ResourceType thing;
    thing.name = "test.thing";
    thing.id_field = "Name";
    r.add_resource(thing);
    r.add_filter("test.thing", "listed", filter_info<Listed>({}, "listed"));
    return r;
  }();
  return r;
}

std::vector<Json> run(const std::string& filters) {
  auto source = SourceDocument::parse(
      "policies:\n  - name: p\n    resource: test.thing\n    filters:\n" + filters, "p.yml");
  auto policies = compile_policies(source, registry());
  const std::vector<Json> things = {{{"Name", "a"}}, {{"Name", "b"}}, {{"Name", "c"}}};
  return policies.at(0).filter_resources(things, FilterContext{.annotate = true});
}

std::vector<std::string> names(const std::vector<Json>& kept) {
  std::vector<std::string> out;
  for (const Json& r : kept) out.push_back(r.at("Name"));
  return out;
}

TEST(BooleanBlocks, PassTheWholeSetThroughANotToAFilterThatListsOnce) {
  calls = 0;
  auto kept = run("      - or:\n          - Name: c\n          - not:\n              - listed\n");
  EXPECT_EQ(names(kept), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(calls, 1);
  for (const Json& r : kept) EXPECT_FALSE(r.contains("c7n:listed")) << r.dump();  // swept by not
}

TEST(BooleanBlocks, PassTheWholeSetToAFilterThatListsOnceInsideOr) {
  calls = 0;
  auto kept = run("      - or:\n          - Name: b\n          - listed\n");
  EXPECT_EQ(names(kept), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace custos::policy
