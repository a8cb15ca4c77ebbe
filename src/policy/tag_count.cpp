#include "policy/tag_count.h"

#include "policy/spec_numbers.h"

namespace custos::policy {
namespace {

// Cloud Custodian's TagCountFilter: the number of tags, those AWS reserves (aws:...) aside,
// compared by `op` (default gte) with `count` (default 10).
class TagCount : public Filter {
 public:
  explicit TagCount(const Spec& spec)
      : compare_(comparison_option(spec, "op", "gte")),
        count_(static_cast<double>(integer_option(spec, "count", 10))) {}

  bool match(const Json& resource, const FilterContext&) const override {
    double tags = 0;
    for (const Json& tag : resource.value("Tags", Json::array()))
      if (tag.is_object() && !tag.value("Key", "").starts_with("aws:")) ++tags;
    return compare_(tags, count_);
  }

 private:
  std::function<bool(double, double)> compare_;
  double count_;
};

}  // namespace

void register_tag_count_filter(Registry& registry) {
  registry.add_filter("tag-count", filter_info<TagCount>({"count", "op"},
                                                         "Resources by their number of tags "
                                                         "(aws: tags aside): op (default gte) "
                                                         "count (default 10)"));
}

}  // namespace custos::policy
