#include "investigate/trail_output.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace custos::investigate {
namespace {

constexpr const char* kCsvColumns =
    "eventTime,eventSource,eventName,awsRegion,sourceIPAddress,principal,userIdentityType,"
    "accessKeyId,userAgent,errorCode,errorMessage,readOnly,eventID,recipientAccountId\n";

void csv_field(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// The record on one line: as written when it is already, else minified.
void compact(std::string_view raw, std::string& out) {
  if (std::memchr(raw.data(), '\n', raw.size()) == nullptr) {
    out.append(raw);
    return;
  }
  std::size_t at = out.size();
  out.resize(at + raw.size());
  std::size_t length = 0;
  if (simdjson::minify(raw.data(), raw.size(), out.data() + at, length) != simdjson::SUCCESS) {
    out.resize(at);
    out.append(raw);
    return;
  }
  out.resize(at + length);
}

// A column of the table: `text` cut or padded to `width` display cells (ASCII assumed; other
// bytes count as one cell each, which at worst makes a row short).
void cell(std::string_view text, std::size_t width, std::string& out) {
  if (text.size() > width) {
    out.append(text.substr(0, width - 1));
    out += '~';
  } else {
    out.append(text);
    out.append(width - text.size(), ' ');
  }
  out += ' ';
}

// "arn:aws:iam::123:user/alice" -> "user/alice": the account is the same for most rows.
std::string_view short_principal(std::string_view principal) {
  if (!principal.starts_with("arn:")) return principal;
  std::size_t colon = 0;
  for (int i = 0; i < 5 && colon != std::string_view::npos; ++i)
    colon = principal.find(':', colon + 1);
  return colon == std::string_view::npos ? principal : principal.substr(colon + 1);
}

}  // namespace

OutputFormat output_format(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  throw InputError("--format " + name + ": write table, json, jsonl or csv");
}

// The table's columns: time, event, principal (what is left, within limits), source, region and
// the error code.
constexpr std::size_t kTime = 20, kEvent = 32, kSource = 15, kRegion = 14, kError = 24;

TrailWriter::TrailWriter(OutputFormat format, int width)
    : format_(format),
      width_(width),
      principal_width_(std::clamp<std::size_t>(
          static_cast<std::size_t>(std::max(width, 0)) -
              std::min<std::size_t>(static_cast<std::size_t>(std::max(width, 0)),
                                    kTime + kEvent + kSource + kRegion + kError + 5),
          20, 60)) {}

std::string TrailWriter::header() const {
  switch (format_) {
    case OutputFormat::kJson:
      return "[";
    case OutputFormat::kCsv:
      return kCsvColumns;
    case OutputFormat::kTable: {
      std::string out;
      cell("TIME", kTime, out);
      cell("EVENT", kEvent, out);
      cell("PRINCIPAL", principal_width_, out);
      cell("SOURCE", kSource, out);
      cell("REGION", kRegion, out);
      out += "ERROR\n";
      return out;
    }
    default:
      return "";
  }
}

std::string TrailWriter::footer(bool any) const {
  if (format_ == OutputFormat::kJson) return any ? "\n]\n" : "]\n";
  return "";
}

void TrailWriter::append(const TrailRecord& r, bool first, std::string& out) const {
  switch (format_) {
    case OutputFormat::kJsonl:
      compact(r.raw, out);
      out += '\n';
      return;
    case OutputFormat::kJson:
      out += first ? "\n" : ",\n";
      compact(r.raw, out);
      return;
    case OutputFormat::kCsv: {
      std::string_view read_only = !r.read_only ? "" : *r.read_only ? "true" : "false";
      std::string_view fields[] = {
          r.event_time,    r.event_source,  r.event_name,    r.aws_region,       r.source_ip,
          r.principal(),   r.identity_type, r.access_key_id, r.user_agent,       r.error_code,
          r.error_message, read_only,       r.event_id,      r.recipient_account};
      bool comma = false;
      for (std::string_view field : fields) {
        if (comma) out += ',';
        csv_field(field, out);
        comma = true;
      }
      out += '\n';
      return;
    }
    case OutputFormat::kTable: {
      std::size_t start = out.size();
      cell(r.event_time, kTime, out);
      cell(event_label(r), kEvent, out);
      cell(short_principal(r.principal()), principal_width_, out);
      cell(r.source_ip, kSource, out);
      cell(r.aws_region, kRegion, out);
      out.append(r.error_code);
      std::size_t limit = static_cast<std::size_t>(std::max(width_, 80));
      if (out.size() - start > limit) out.resize(start + limit);
      out += '\n';
      return;
    }
  }
}

}  // namespace custos::investigate
