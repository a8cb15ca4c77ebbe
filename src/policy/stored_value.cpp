#include "policy/stored_value.h"

#include <tsl/robin_map.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace custos::policy {
namespace {

using Value = DocStore::Value;
constexpr Value kMissing = DocStore::kMissing;

// Finds a value filter's key in stored documents as ValueKey::find does in Json: tag:NAME in
// the Tags list, else the key as one top-level member, else its path of fields and indexes.
class StoredKey {
 public:
  StoredKey(const DocStore& store, const ValueKey& key)
      : store_(store),
        direct_(store, key.text()),
        tags_(store, "Tags"),
        tag_key_(store, "Key"),
        tag_value_(store, "Value"),
        tag_name_(store.find_string(key.tag())),
        is_tag_(!key.tag().empty()) {
    if (is_tag_) return;
    literal_ = !key.expression();
    if (literal_) return;
    for (auto& step : key.expression()->path())
      steps_.push_back(step.index ? Step{std::nullopt, *step.index}
                                  : Step{DocStore::KeyLookup(store, step.field), 0});
  }

  Value find(Value document) { return is_tag_ ? find_tag(document) : find_path(document); }

 private:
  struct Step {
    std::optional<DocStore::KeyLookup> field;  // else an index
    std::int64_t index;
  };

  Value find_tag(Value document) {
    Value tags = tags_(document);
    if (tag_name_ == kMissing || store_.kind(tags) != DocStore::Kind::kArray) return kMissing;
    for (std::size_t i = 0, n = store_.size(tags); i < n; ++i) {
      Value tag = store_.element(tags, i);
      if (tag_key_(tag) == tag_name_) return tag_value_(tag);
    }
    return kMissing;
  }

  Value find_path(Value document) {
    if (Value direct = direct_(document); direct != kMissing || literal_) return direct;
    Value at = document;
    for (Step& step : steps_) {
      at = step.field ? (*step.field)(at) : element(at, step.index);
      if (at == kMissing) break;
    }
    return at;
  }

  Value element(Value array, std::int64_t index) const {
    if (store_.kind(array) != DocStore::Kind::kArray) return kMissing;
    auto size = static_cast<std::int64_t>(store_.size(array));
    std::int64_t i = index < 0 ? index + size : index;
    return i < 0 || i >= size ? kMissing : store_.element(array, static_cast<std::size_t>(i));
  }

  const DocStore& store_;
  DocStore::KeyLookup direct_, tags_, tag_key_, tag_value_;
  Value tag_name_;
  bool is_tag_;
  bool literal_ = false;  // a key that is no JMESPath (c7n:InstanceOwnerIds): the member only
  std::vector<Step> steps_;
};

class StoredValueMatcher : public StoredMatcher {
 public:
  StoredValueMatcher(const ValueMatcher& matcher, const DocStore& store)
      : matcher_(matcher), store_(store), key_(store, *matcher.key()) {}

  bool match(Value document, const FilterContext& context) override {
    bool matched = verdict(key_.find(document), context);
    if (matched && context.matched_keys) context.matched_keys->push_back(matcher_.key_text());
    return matched;
  }

 private:
  bool verdict(Value found, const FilterContext& context) {
    auto known = verdicts_.find(found.word);
    if (known != verdicts_.end()) return known->second;
    bool matched = matcher_.matches_found(as_json(found), context);
    verdicts_.emplace(found.word, matched);
    return matched;
  }

  // Most values met are distinct strings (names, ids): they reuse one Json's buffer.
  const Json* as_json(Value found) {
    if (found == kMissing) return nullptr;
    if (store_.kind(found) != DocStore::Kind::kString) return &(value_ = store_.to_json(found));
    if (!value_.is_string()) value_ = "";
    value_.get_ref<std::string&>().assign(store_.string(found));
    return &value_;
  }

  const ValueMatcher& matcher_;
  const DocStore& store_;
  StoredKey key_;
  // Equal Values are equal JSON, so the verdict on a value holds for the whole pass.
  tsl::robin_map<std::uint32_t, bool> verdicts_;
  Json value_;
};

}  // namespace

StoredMatcherPtr make_stored_value_matcher(const ValueMatcher& matcher, const DocStore& store) {
  if (!matcher.judges_found()) return nullptr;
  const jmespath::Expression* expression = matcher.key()->expression();
  if (expression && !expression->is_path()) return nullptr;
  return std::make_unique<StoredValueMatcher>(matcher, store);
}

}  // namespace custos::policy
