#include "audit/format.h"

#include <fmt/format.h>

#include <map>

#include "core/error.h"
#include "core/html.h"
#include "core/version.h"

namespace custos::audit {
namespace {

std::string upper(std::string text) {
  for (char& c : text) c = c == '-' ? ' ' : static_cast<char>(std::toupper(c));
  return text;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// "id (region)" when the audit covered more than one region, else the ids.
std::vector<std::string> offending(const Check& check) {
  std::map<std::string, std::vector<std::string>> regions;
  for (const auto& f : check.findings) regions[f.id].push_back(f.region);
  bool several = false;
  for (const auto& f : check.findings) several = several || f.region != check.findings[0].region;
  std::vector<std::string> shown;
  for (const auto& id : check.resource_ids())
    shown.push_back(several ? id + " (" + joined(regions[id], ", ") + ")" : id);
  return shown;
}

std::size_t count(const std::vector<Check>& checks, const std::string& status) {
  return std::count_if(checks.begin(), checks.end(),
                       [&](const Check& c) { return c.status == status; });
}

std::string summary(const std::vector<Check>& checks) {
  return fmt::format(
      "{} of {} checks pass, {} fail{}; readiness {}%", count(checks, "pass"), checks.size(),
      count(checks, "fail"),
      count(checks, "error") ? fmt::format(", {} could not run", count(checks, "error")) : "",
      readiness_score(checks));
}

std::string table(const std::vector<Check>& checks) {
  std::size_t width = 10;
  for (const auto& check : checks) width = std::max(width, check.name.size());
  std::string out = "custos audit: " + summary(checks) + "\n";
  for (const auto& phase : phases_of(checks)) {
    out += "\n" + upper(phase) + "\n";
    for (const auto& check : checks) {
      if (check.phase != phase) continue;
      out += fmt::format("  {:<5}  {:<8}  {:<{}}  {}\n", upper(check.status), check.severity,
                         check.name, width, check.description);
      if (!check.findings.empty())
        out += "         offending: " + joined(offending(check), ", ") + "\n";
      for (const auto& error : check.errors) out += "         error: " + error + "\n";
      if (check.status != "pass" && !check.remediation.empty())
        out += "         fix: " + check.remediation + "\n";
    }
  }
  return out;
}

std::string markdown_cell(std::string text) {
  std::string out;
  for (char c : text)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string markdown(const std::vector<Check>& checks) {
  std::string out = "# Incident-response readiness\n\n" + summary(checks) + ".\n";
  for (const auto& phase : phases_of(checks)) {
    out += "\n## " + phase +
           "\n\n| Status | Check | Severity | CIS | Offending resources |\n"
           "|---|---|---|---|---|\n";
    for (const auto& check : checks)
      if (check.phase == phase)
        out +=
            fmt::format("| {} | {} | {} | {} | {} |\n", upper(check.status),
                        markdown_cell(check.name), check.severity, markdown_cell(check.cis),
                        markdown_cell(joined(offending(check), ", ") + joined(check.errors, "; ")));
  }
  std::string fixes;
  for (const auto& check : checks)
    if (check.status != "pass" && !check.remediation.empty())
      fixes += "- **" + check.name + "**: " + markdown_cell(check.remediation) + "\n";
  if (!fixes.empty()) out += "\n## Remediation\n\n" + fixes;
  return out;
}

// Status colours; the screenshot test looks for them.
const char* colour(const std::string& status) {
  return status == "pass" ? "#16a34a" : status == "fail" ? "#dc2626" : "#d97706";
}

std::string html(const std::vector<Check>& checks) {
  int score = readiness_score(checks);
  std::string out = fmt::format(
      R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>custos audit</title>
<style>
body{{font-family:system-ui,sans-serif;margin:24px;color:#111827}}
h1{{font-size:22px;margin:0 0 8px}} h2{{font-size:16px;margin:24px 0 8px;text-transform:uppercase;color:#374151}}
.bar{{width:600px;height:18px;background:#e5e7eb;border-radius:4px;overflow:hidden}}
.fill{{height:18px;background:{}}}
table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;vertical-align:top;font-size:13px}}
.badge{{display:inline-block;min-width:44px;padding:3px 6px;border-radius:4px;color:#fff;font-weight:600;text-align:center}}
.ids{{font-family:monospace;font-size:12px}} .fix{{color:#374151;font-size:12px}}
</style></head><body>
<h1>Incident-response readiness: {}%</h1><div class="bar"><div class="fill" style="width:{}%"></div></div>
<p>{}</p>
)",
      score >= 80   ? "#16a34a"
      : score >= 50 ? "#d97706"
                    : "#dc2626",
      score, score, html_escape(summary(checks)));
  for (const auto& phase : phases_of(checks)) {
    out += "<h2>" + html_escape(upper(phase)) +
           "</h2><table><tr><th>Status</th><th>Check</th><th>Severity</th><th>CIS</th>"
           "<th>Offending resources and remediation</th></tr>\n";
    for (const auto& check : checks) {
      if (check.phase != phase) continue;
      std::string detail = "<div class=\"ids\">" + html_escape(joined(offending(check), ", ")) +
                           html_escape(joined(check.errors, "; ")) + "</div>";
      if (check.status != "pass" && !check.remediation.empty())
        detail += "<div class=\"fix\">" + html_escape(check.remediation) + "</div>";
      out += fmt::format(
          "<tr><td><span class=\"badge\" style=\"background:{}\">{}</span></td><td><b>{}</b><br>{}"
          "</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
          colour(check.status), upper(check.status), html_escape(check.name),
          html_escape(check.description), html_escape(check.severity), html_escape(check.cis),
          detail);
    }
    out += "</table>\n";
  }
  return out + "</body></html>\n";
}

// SARIF's level and GitHub's security-severity (0-10) for a severity.
std::pair<const char*, const char*> sarif_level(const std::string& severity) {
  if (severity == "critical") return {"error", "9.5"};
  if (severity == "high") return {"error", "8.0"};
  if (severity == "low") return {"note", "3.0"};
  return {"warning", "5.5"};
}

Json location(const Check& check, const Finding* finding) {
  Json where = {{"physicalLocation",
                 {{"artifactLocation", {{"uri", check.file}}},
                  {"region", {{"startLine", std::max(1, check.line)}}}}}};
  if (finding)
    where["logicalLocations"] =
        Json::array({{{"name", finding->id},
                      {"fullyQualifiedName", finding->region + "/" + finding->id},
                      {"kind", "resource"}}});
  return where;
}

}  // namespace

Format format_named(const std::string& name) {
  static const std::map<std::string, Format> kNames = {
      {"table", Format::kTable}, {"md", Format::kMarkdown}, {"markdown", Format::kMarkdown},
      {"html", Format::kHtml},   {"json", Format::kJson},   {"sarif", Format::kSarif}};
  auto found = kNames.find(name);
  if (found == kNames.end())
    throw InputError("--format is table, md, html, json or sarif, not '" + name + "'");
  return found->second;
}

Json checks_json(const std::vector<Check>& checks) {
  Json list = Json::array();
  for (const auto& check : checks) {
    Json findings = Json::array();
    for (const auto& f : check.findings) findings.push_back({{"region", f.region}, {"id", f.id}});
    list.push_back({{"name", check.name},
                    {"phase", check.phase},
                    {"severity", check.severity},
                    {"status", check.status},
                    {"resources", check.resource_ids()},
                    {"findings", findings},
                    {"errors", check.errors},
                    {"description", check.description},
                    {"cis", check.cis},
                    {"remediation", check.remediation},
                    {"resource_type", check.resource},
                    {"policy_file", check.file}});
  }
  return list;
}

Json sarif(const std::vector<Check>& checks) {
  Json rules = Json::array(), results = Json::array();
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const Check& check = checks[i];
    auto [level, security_severity] = sarif_level(check.severity);
    Json tags = Json::array({"security", check.phase});
    if (!check.cis.empty()) tags.push_back("CIS " + check.cis);
    rules.push_back(
        {{"id", check.name},
         {"name", check.name},
         {"shortDescription",
          {{"text", check.description.empty() ? check.name : check.description}}},
         {"help", {{"text", check.remediation.empty() ? check.description : check.remediation}}},
         {"defaultConfiguration", {{"level", level}}},
         {"properties",
          {{"tags", tags},
           {"security-severity", security_severity},
           {"phase", check.phase},
           {"resource", check.resource}}}});
    auto result = [&](std::string message, const Finding* finding) {
      results.push_back({{"ruleId", check.name},
                         {"ruleIndex", i},
                         {"level", level},
                         {"message", {{"text", std::move(message)}}},
                         {"locations", Json::array({location(check, finding)})}});
    };
    for (const auto& finding : check.findings)
      result(fmt::format("{} {} in {} fails {}: {}", check.resource, finding.id, finding.region,
                         check.name, check.description),
             &finding);
    for (const auto& error : check.errors)
      result("the check " + check.name + " could not run: " + error, nullptr);
  }
  bool ran = exit_code(checks) < 2;
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", Json::array({{{"tool",
                                  {{"driver",
                                    {{"name", "custos"},
                                     {"version", std::string(custos::version())},
                                     {"rules", rules}}}}},
                                 {"invocations", Json::array({{{"executionSuccessful", ran}}})},
                                 {"results", results}}})}};
}

std::string render(const std::vector<Check>& checks, Format format) {
  switch (format) {
    case Format::kTable:
      return table(checks);
    case Format::kMarkdown:
      return markdown(checks);
    case Format::kHtml:
      return html(checks);
    case Format::kJson:
      return checks_json(checks).dump(2) + "\n";
    case Format::kSarif:
      return sarif(checks).dump(2) + "\n";
  }
  return {};
}

}  // namespace custos::audit
