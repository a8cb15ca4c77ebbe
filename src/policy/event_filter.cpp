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

 private:
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
