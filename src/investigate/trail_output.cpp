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

// "arn:aws:iam::123:user/alice" -> "user/alice": the account is the same for most rows.
std::string_view short_principal(std::string_view principal) {
  if (!principal.starts_with("arn:")) return principal;
  std::size_t colon = 0;
  for (int i = 0; i < 5 && colon != std::string_view::npos; ++i)
    colon = principal.find(':', colon + 1);
  return colon == std::string_view::npos ? principal : principal.substr(colon + 1);
}

}  // namespace

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
      table_cell("TIME", kTime, out);
      table_cell("EVENT", kEvent, out);
      table_cell("PRINCIPAL", principal_width_, out);
      table_cell("SOURCE", kSource, out);
      table_cell("REGION", kRegion, out);
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
      table_cell(r.event_time, kTime, out);
      table_cell(event_label(r), kEvent, out);
      table_cell(short_principal(r.principal()), principal_width_, out);
      table_cell(r.source_ip, kSource, out);
      table_cell(r.aws_region, kRegion, out);
      out.append(r.error_code);
      std::size_t limit = static_cast<std::size_t>(std::max(width_, 80));
      if (out.size() - start > limit) out.resize(start + limit);
      out += '\n';
      return;
    }
  }
}

}  // namespace custos::investigate
