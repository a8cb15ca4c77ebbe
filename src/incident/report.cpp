#include "incident/report.h"

#include "core/html.h"

#include <fmt/format.h>

#include <map>

namespace custos::incident {
namespace {

std::string text(const Json& value) {
  if (value.is_null()) return "";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// text() of a member that may be missing (a const Json's operator[] on a missing key is
// undefined behaviour: a CloudTrail trigger has no severity, a call may have no request id).
std::string text(const Json& object, const std::string& key) {
  return object.is_object() ? text(object.value(key, Json())) : "";
}

// The report as data: every format is drawn from this.
struct Facts {
  IncidentInfo info;
  Verification integrity;
  Json actions = Json::array();   // one per completed (or would-do) record
  Json timeline = Json::array();  // {time, label, phase}
  Json evidence = Json::array();  // snapshot ids and what they are of
  Json recovery = Json::array();
  Json follow_up = Json::array();       // strings
  Json investigations = Json::array();  // custos investigate --incident answers
};

void add_event(Facts& facts, const std::string& time, const std::string& label,
               const std::string& phase) {
  if (!time.empty()) facts.timeline.push_back({{"time", time}, {"label", label}, {"phase", phase}});
}

void note_action(Facts& facts, const Record& record, std::map<std::string, std::size_t>& by_entry) {
  const Json& body = record.body;
  Json request_ids = Json::array();
  if (body.contains("calls") && body["calls"].is_array())
    for (const Json& call : body["calls"])
      if (!text(call, "request_id").empty()) request_ids.push_back(call.at("request_id"));
  std::string key = record.entry.dump();
  by_entry[key] = facts.actions.size();
  facts.actions.push_back(
      {{"time", record.time},
       {"policy", record.entry.value("policy", "")},
       {"action", record.entry.value("action", "")},
       {"resource", record.entry.value("resource", "")},
       {"phase", record.entry.value("phase", "")},
       {"outcome", record.kind == "would-do" ? "dry run" : body.value("outcome", "")},
       {"summary", body.value("summary", "")},
       {"request_ids", request_ids},
       {"verified", nullptr},
       {"reversible", !body.value("undo", Json()).is_null()}});
  const Json& after = body.contains("after") ? body["after"] : body;
  if (after.is_object() && after.contains("Snapshots") && after["Snapshots"].is_array())
    for (const Json& snapshot : after["Snapshots"])
      facts.evidence.push_back({{"snapshot", snapshot.value("SnapshotId", "")},
                                {"of", snapshot.value("VolumeId", "")},
                                {"resource", record.entry.value("resource", "")}});
  if (record.kind == "completed")
    add_event(facts, record.time,
              record.entry.value("action", "") + " " + record.entry.value("resource", "") + ": " +
                  body.value("outcome", ""),
              record.entry.value("phase", ""));
}

// A CloudTrail investigation's answer: when the matching activity began is the first thing a
// responder asks, so it joins the timeline.
void note_investigation(Facts& facts, const Record& record) {
  const Json& body = record.body;
  const Json& summary = body.value("summary", Json::object());
  facts.investigations.push_back({{"time", record.time},
                                  {"sources", body.value("sources", Json::array())},
                                  {"query", body.value("query", Json::object())},
                                  {"matched", body.value("matched", 0)},
                                  {"summary", summary}});
  add_event(facts, text(summary.value("first_seen", Json())),
            "earliest CloudTrail record of the investigation", "identification");
  add_event(facts, record.time,
            fmt::format("investigated: {} matching CloudTrail records", body.value("matched", 0)),
            "identification");
}

Facts gather(const IncidentJournal& journal, const std::string& id) {
  Facts facts;
  facts.info = journal.incident(id);
  facts.integrity = journal.verify(id);
  const Json& summary = facts.info.summary;
  add_event(facts, text(summary, "first_seen"), "activity first seen", "identification");
  std::map<std::string, std::size_t> by_entry;
  std::map<std::string, std::string> left;  // entries not started in time and not done since
  for (const Record& record : journal.records(id)) {
    if (record.kind == "left")
      left[record.entry.dump()] =
          record.entry.value("action", "").empty()
              ? "policy " + record.entry.value("policy", "")
              : record.entry.value("action", "") + " " + record.entry.value("resource", "");
    if (record.kind == "completed") left.erase(record.entry.dump());
    if (record.kind == "opened")
      add_event(facts, record.time, "detected: incident opened", "identification");
    if (record.kind == "delivered")
      add_event(facts, record.time, "finding delivered again", "identification");
    if (record.kind == "completed" || record.kind == "would-do")
      note_action(facts, record, by_entry);
    if (record.kind == "investigated") note_investigation(facts, record);
    if (record.kind == "verified") {
      auto found = by_entry.find(record.entry.dump());
      if (found != by_entry.end())
        facts.actions[found->second]["verified"] = record.body.value("holds", false);
    }
    if (record.kind == "recovered" || record.kind == "recovery-failed") {
      facts.recovery.push_back({{"time", record.time},
                                {"action", record.entry.value("action", "")},
                                {"resource", record.entry.value("resource", "")},
                                {"status", record.kind},
                                {"verified", record.body.value("verified", false)},
                                {"detail", record.body.value("detail", "")}});
      add_event(facts, record.time,
                "recovery of " + record.entry.value("action", "") + " " +
                    record.entry.value("resource", "") + ": " + record.kind,
                "recovery");
    }
  }
  for (const Json& action : facts.actions) {
    std::string what =
        action["action"].get<std::string>() + " " + action["resource"].get<std::string>();
    if (action["outcome"] == "failed")
      facts.follow_up.push_back(what + " failed: " + text(action, "summary"));
    else if (action["outcome"] == "changed" && action["verified"] == false)
      facts.follow_up.push_back(what + " was not seen to hold when read back");
    if (action["outcome"] == "changed" && action["reversible"] == false)
      facts.follow_up.push_back(what + " cannot be undone by custos");
  }
  for (const auto& [entry, what] : left)
    facts.follow_up.push_back(what +
                              " was not started before the deadline (deliver the finding "
                              "again, or custos incident resume " +
                              id + ")");
  if (facts.recovery.empty() && !facts.actions.empty())
    facts.follow_up.push_back("when the investigation is done: custos incident recover " + id);
  if (!facts.integrity.intact)
    facts.follow_up.push_back("the journal of this incident was tampered with");
  return facts;
}

Json as_json(const Facts& facts) {
  return {{"incident", facts.info.id},
          {"key", facts.info.key},
          {"opened_at", facts.info.opened_at},
          {"trigger", facts.info.summary},
          {"actions", facts.actions},
          {"evidence", facts.evidence},
          {"timeline", facts.timeline},
          {"recovery", facts.recovery},
          {"follow_up", facts.follow_up},
          {"investigations", facts.investigations},
          {"integrity",
           {{"intact", facts.integrity.intact},
            {"problems", facts.integrity.problems},
            {"records", facts.info.records},
            {"head", facts.info.head}}}};
}

const char* kTriggerFields[][2] = {
    {"type", "Finding"},          {"severity", "Severity"},   {"resource_type", "Resource type"},
    {"resource", "Resource"},     {"principal", "Principal"}, {"remote_ip", "Remote IP"},
    {"first_seen", "First seen"}, {"last_seen", "Last seen"}, {"account", "Account"},
    {"region", "Region"}};

std::string verified_text(const Json& verified) {
  return verified.is_null() ? "not checked" : verified == true ? "verified" : "NOT verified";
}

// Who, from where and when, as each investigation of the incident found it.
std::string investigations_markdown(const Facts& facts) {
  if (facts.investigations.empty()) return "";
  std::string out = "\n## Investigation\n\n";
  for (const Json& inv : facts.investigations) {
    const Json s = inv.value("summary", Json::object());
    out += fmt::format("- {}: {} matching CloudTrail records, {} .. {}, query `{}`\n",
                       text(inv, "time"), text(inv, "matched"), text(s.value("first_seen", Json())),
                       text(s.value("last_seen", Json())), inv.value("query", Json()).dump());
    for (const auto& [list, name] :
         {std::pair{"principals", "principal"}, {"source_ips", "source_ip"}, {"events", "event"}})
      for (const Json& item : s.value(list, Json::array()))
        out += fmt::format("  - {} {} ({} records)\n", name, text(item, name), text(item, "count"));
  }
  return out;
}

std::string markdown(const Facts& facts) {
  std::string out = "# Incident " + facts.info.id + "\n\n";
  out += "Opened " + facts.info.opened_at + " (" + facts.info.key + ")\n\n## Trigger\n\n";
  for (const auto& [key, label] : kTriggerFields)
    if (!text(facts.info.summary, key).empty())
      out += "- **" + std::string(label) + "**: " + text(facts.info.summary, key) + "\n";
  out +=
      "\n## What was done\n\n| time | policy | action | resource | phase | outcome | verified | "
      "request ids | summary |\n|---|---|---|---|---|---|---|---|---|\n";
  for (const Json& a : facts.actions) {
    std::string ids;
    for (const Json& id : a["request_ids"]) ids += (ids.empty() ? "" : ", ") + text(id);
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", text(a, "time"),
                       text(a, "policy"), text(a, "action"), text(a, "resource"), text(a, "phase"),
                       text(a, "outcome"), verified_text(a.value("verified", Json())), ids,
                       text(a, "summary"));
  }
  out += investigations_markdown(facts);
  out += "\n## Evidence\n\n";
  if (facts.evidence.empty()) out += "none kept\n";
  for (const Json& e : facts.evidence)
    out += "- snapshot " + text(e, "snapshot") + " of " + text(e, "of") + " (" +
           text(e, "resource") + ")\n";
  out += "\n## Timeline\n\n";
  for (const Json& t : facts.timeline)
    out += "- " + text(t, "time") + " — " + text(t, "label") + " (" + text(t, "phase") + ")\n";
  out += "\n## Recovery\n\n";
  if (facts.recovery.empty()) out += "not recovered\n";
  for (const Json& r : facts.recovery)
    out += "- " + text(r, "time") + " " + text(r, "action") + " " + text(r, "resource") + ": " +
           text(r, "status") + (r.value("verified", false) == true ? ", verified" : "") + "\n";
  out += "\n## Follow-up\n\n";
  if (facts.follow_up.empty()) out += "nothing open\n";
  for (const Json& f : facts.follow_up) out += "- [ ] " + text(f) + "\n";
  out += "\n## Integrity\n\n" + std::to_string(facts.info.records) + " journal records, " +
         (facts.integrity.intact ? "hash chain intact" : "**hash chain broken**") +
         "; last record's hash `" + facts.info.head + "`\n";
  for (const auto& problem : facts.integrity.problems) out += "- " + problem + "\n";
  return out;
}

const char* phase_colour(const std::string& phase) {
  static const std::map<std::string, const char*> colours = {
      {"identification", "#6b7280"}, {"containment", "#dc2626"}, {"investigation", "#2563eb"},
      {"eradication", "#7c3aed"},    {"recovery", "#16a34a"},    {"follow-up", "#d97706"}};
  auto found = colours.find(phase);
  return found == colours.end() ? "#374151" : found->second;
}

// A vertical timeline: one row per event, a dot on a line coloured by NIST phase.
std::string timeline_svg(const Json& timeline) {
  const int row = 30, top = 20, height = top * 2 + row * static_cast<int>(timeline.size());
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"900\" height=\"{}\" "
      "viewBox=\"0 0 900 {}\" role=\"img\" aria-label=\"incident timeline\">\n"
      "<line x1=\"230\" y1=\"{}\" x2=\"230\" y2=\"{}\" stroke=\"#9ca3af\" stroke-width=\"3\"/>\n",
      height, height, top, height - top);
  int y = top + row / 2;
  for (const Json& event : timeline) {
    std::string phase = text(event, "phase");
    svg += fmt::format(
        "<text x=\"215\" y=\"{}\" text-anchor=\"end\" font-size=\"12\" "
        "font-family=\"monospace\" fill=\"#111827\">{}</text>\n"
        "<circle cx=\"230\" cy=\"{}\" r=\"8\" fill=\"{}\"/>\n"
        "<text x=\"250\" y=\"{}\" font-size=\"13\" font-family=\"sans-serif\" "
        "fill=\"#111827\">{} <tspan fill=\"{}\">[{}]</tspan></text>\n",
        y + 4, html_escape(text(event, "time")), y, phase_colour(phase), y + 4,
        html_escape(text(event, "label")), phase_colour(phase), html_escape(phase));
    y += row;
  }
  return svg + "</svg>\n";
}

std::string html(const Facts& facts) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Incident " +
      html_escape(facts.info.id) +
      "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#111827}"
      "table{border-collapse:collapse}td,th{border:1px solid #d1d5db;padding:4px 8px;"
      "font-size:13px;text-align:left}th{background:#f3f4f6}.bad{color:#b91c1c}"
      ".ok{color:#15803d}</style></head><body>\n";
  out += "<h1>Incident " + html_escape(facts.info.id) + "</h1>\n<p>Opened " +
         html_escape(facts.info.opened_at) + " (" + html_escape(facts.info.key) + ")</p>\n";
  out += "<h2>Trigger</h2>\n<table>\n";
  for (const auto& [key, label] : kTriggerFields)
    if (!text(facts.info.summary, key).empty())
      out += "<tr><th>" + std::string(label) + "</th><td>" +
             html_escape(text(facts.info.summary, key)) + "</td></tr>\n";
  out += "</table>\n<h2>Timeline</h2>\n" + timeline_svg(facts.timeline);
  out +=
      "<h2>What was done</h2>\n<table><tr><th>time</th><th>policy</th><th>action</th>"
      "<th>resource</th><th>phase</th><th>outcome</th><th>verified</th><th>request ids</th>"
      "<th>summary</th></tr>\n";
  for (const Json& a : facts.actions) {
    std::string ids;
    for (const Json& id : a["request_ids"]) ids += (ids.empty() ? "" : ", ") + text(id);
    std::string check = verified_text(a.value("verified", Json()));
    out += "<tr><td>" + html_escape(text(a, "time")) + "</td><td>" +
           html_escape(text(a, "policy")) + "</td><td>" + html_escape(text(a, "action")) +
           "</td><td>" + html_escape(text(a, "resource")) + "</td><td>" +
           html_escape(text(a, "phase")) + "</td><td>" + html_escape(text(a, "outcome")) +
           "</td><td class=\"" +
           (a["verified"].is_null() ? ""
            : a["verified"] == true ? "ok"
                                    : "bad") +
           "\">" + check + "</td><td>" + html_escape(ids) + "</td><td>" +
           html_escape(text(a, "summary")) + "</td></tr>\n";
  }
  out += "</table>\n<h2>Evidence</h2>\n<ul>\n";
  for (const Json& e : facts.evidence)
    out += "<li>snapshot " + html_escape(text(e, "snapshot")) + " of " +
           html_escape(text(e, "of")) + " (" + html_escape(text(e, "resource")) + ")</li>\n";
  out += "</ul>\n<h2>Recovery</h2>\n<ul>\n";
  for (const Json& r : facts.recovery)
    out += "<li>" + html_escape(text(r, "time")) + " " + html_escape(text(r, "action")) + " " +
           html_escape(text(r, "resource")) + ": " + html_escape(text(r, "status")) + "</li>\n";
  out += "</ul>\n<h2>Follow-up</h2>\n<ul>\n";
  for (const Json& f : facts.follow_up) out += "<li>" + html_escape(text(f)) + "</li>\n";
  out += "</ul>\n<h2>Integrity</h2>\n<p class=\"" +
         std::string(facts.integrity.intact ? "ok" : "bad") + "\">" +
         std::to_string(facts.info.records) + " journal records, " +
         (facts.integrity.intact ? "hash chain intact" : "hash chain broken") +
         "; last record's hash <code>" + html_escape(facts.info.head) +
         "</code></p>\n</body></html>\n";
  return out;
}

}  // namespace

ReportFormat report_format(const std::string& name) {
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  if (name == "json") return ReportFormat::kJson;
  throw InputError("unknown report format '" + name + "' (md, html or json)");
}

std::string render_report(const IncidentJournal& journal, const std::string& incident,
                          ReportFormat format) {
  Facts facts = gather(journal, incident);
  switch (format) {
    case ReportFormat::kMarkdown:
      return markdown(facts);
    case ReportFormat::kHtml:
      return html(facts);
    case ReportFormat::kJson:
      return as_json(facts).dump(2) + "\n";
  }
  return {};
}

}  // namespace custos::incident
