// Python's text conversions where Cloud Custodian relies on them: str() of a value (reduce
// groups, tag values) and str.format() templates (tag values, mark-for-op messages).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace custos::policy {

// Python's str() of the value json.loads would give: True, None, 1.5, ['a', 1], {'k': 'v'}.
std::string python_str(const Json& value);

// Resolves one replacement field of a template: its name and format spec ("" when none).
using FormatField = std::function<std::string(const std::string& name, const std::string& spec)>;

// Python's template.format(**fields) for named fields: {name}, {name:spec}, {{ and }}.
// Throws custos::InputError on an unbalanced brace or an empty field name.
std::string python_format(std::string_view text, const FormatField& field);

}  // namespace custos::policy
