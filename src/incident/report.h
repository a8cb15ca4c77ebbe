// The post-incident report from the journal: the triggering finding, what was done (when, by
// which policy, with request ids and whether it was seen to hold), the evidence kept, a
// timeline, recovery, open follow-up items and the log's integrity, as Markdown, a
// self-contained HTML page (the timeline drawn as inline SVG, no script, no network) or JSON.
#pragma once

#include <string>

#include "incident/incident_journal.h"

namespace custos::incident {

enum class ReportFormat { kMarkdown, kHtml, kJson };

// Throws InputError for an unknown format name (md, html, json).
ReportFormat report_format(const std::string& name);

// The report of `incident`; throws InputError when the journal has no such incident.
std::string render_report(const IncidentJournal& journal, const std::string& incident,
                          ReportFormat format);

}  // namespace custos::incident
