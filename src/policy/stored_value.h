// Value filters over stored documents (DocStore): the key is found in the store directly and
// the verdict is remembered per distinct value, so a regex runs once per distinct string.
#pragma once

#include "core/doc_store.h"
#include "policy/filter.h"
#include "policy/value_filter.h"

namespace custos::policy {

// `matcher`'s verdicts (and c7n:MatchedFilters key) on documents of `store`, or nullptr when
// its key is a JMESPath expression other than a path or its verdict reads more than the
// key's value (value_type expr, resource_count). `matcher` must outlive the result.
StoredMatcherPtr make_stored_value_matcher(const ValueMatcher& matcher, const DocStore& store);

}  // namespace custos::policy
