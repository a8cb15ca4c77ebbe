// The audit's report: a terminal table, Markdown, one self-contained HTML page, JSON (a list of
// checks) or SARIF 2.1.0 (for code-scanning dashboards).
#pragma once

#include <string>
#include <vector>

#include "audit/audit.h"

namespace custos::audit {

enum class Format { kTable, kMarkdown, kHtml, kJson, kSarif };

// "table", "md", "html", "json", "sarif"; throws InputError for another name.
Format format_named(const std::string& name);

std::string render(const std::vector<Check>& checks, Format format);

// The checks as JSON: [{name, phase, severity, status, resources, ...}].
Json checks_json(const std::vector<Check>& checks);
Json sarif(const std::vector<Check>& checks);

}  // namespace custos::audit
