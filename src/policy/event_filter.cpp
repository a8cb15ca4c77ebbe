#include <optional>

#include "policy/core_filters.h"
#include "policy/registry.h"
#include "policy/value_filter.h"

namespace custos::policy {
namespace {

// A value filter over the triggering event instead of the resource. Without an event (a
// policy run by hand) it lets everything through, as Cloud Custodian does.
class EventFilter : public Filter {
 public:
  explicit EventFilter(const Spec& spec) : matcher_(spec) {}
  bool match(const Json&, const FilterContext& context) const override {
    return context.event == nullptr || matcher_.matches(*context.event, context);
  }
  std::vector<std::string> permissions() const override { return matcher_.permissions(); }
  // One event for the whole pass: one verdict.
  StoredMatcherPtr stored_matcher(const DocStore&) const override {
    return std::make_unique<OnceMatcher>(*this);
  }

 private:
  class OnceMatcher : public StoredMatcher {
   public:
    explicit OnceMatcher(const EventFilter& filter) : filter_(filter) {}
    bool match(DocStore::Value, const FilterContext& context) override {
      static const Json no_resource;
      if (!verdict_) verdict_ = filter_.match(no_resource, context);
      return *verdict_;
    }

   private:
    const EventFilter& filter_;
    std::optional<bool> verdict_;
  };

  ValueMatcher matcher_;
};

}  // namespace

void register_event_filter(Registry& registry) {
  registry.add_filter("event", [](const Spec& spec, const BuildContext& context) -> FilterPtr {
    if (!context.event_mode)
      spec.fail("the 'event' filter needs an event mode (e.g. mode: {type: guard-duty})");
    if (!spec.value().is_object() || !spec.has("type"))
      spec.fail("write the event filter as {type: event, key: ..., value: ..., op: ...}");
    return std::make_unique<EventFilter>(spec);
  });
}

}  // namespace custos::policy
