#include "investigate/flow_output.h"

#include <fmt/format.h>

#include <charconv>

#include "core/json.h"
#include "investigate/times.h"

namespace custos::investigate {
namespace {

// CSV keeps the default (version 2) format's fields, in its order and as AWS writes them, so a
// default-format log comes out whole; JSON keeps every field of any format.
constexpr const char* kCsvFields[] = {
    "version",  "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets",    "bytes",        "start",   "end",     "action",  "log-status"};

// The table's columns: start, action, protocol, source, destination, packets, bytes; the
// interface takes what is left of the line.
constexpr std::size_t kStart = 20, kAction = 8, kProtocol = 6, kAddress = 26, kCount = 10;

// IANA's numbers for the protocols flow logs mostly carry; others stay numbers.
std::string_view protocol_name(std::string_view number) {
  if (number == "6") return "tcp";
  if (number == "17") return "udp";
  if (number == "1") return "icmp";
  if (number == "58") return "icmpv6";
  if (number == "47") return "gre";
  if (number == "50") return "esp";
  return number;
}

// Epoch seconds as ISO 8601; anything else ('-' in NODATA records) as written.
std::string start_time(std::string_view seconds) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(seconds.data(), seconds.data() + seconds.size(), value);
  if (error != std::errc() || end != seconds.data() + seconds.size()) return std::string(seconds);
  return iso_time(value * 1000);
}

std::string endpoint(std::string_view address, std::string_view port) {
  if (address.empty() || address == "-") return "-";
  if (port.empty() || port == "-" || port == "0") return std::string(address);
  // An IPv6 address is bracketed before its port, as in a URL.
  return address.find(':') == std::string_view::npos ? fmt::format("{}:{}", address, port)
                                                     : fmt::format("[{}]:{}", address, port);
}

void right_cell(std::string_view text, std::size_t width, std::string& out) {
  if (text.size() < width) out.append(width - text.size(), ' ');
  out.append(text);
  out += ' ';
}

}  // namespace

FlowFields::FlowFields(std::vector<std::string> field_names) : names(std::move(field_names)) {
  const std::pair<const char*, int*> slots[] = {{"srcaddr", &srcaddr},
                                                {"dstaddr", &dstaddr},
                                                {"srcport", &srcport},
                                                {"dstport", &dstport},
                                                {"protocol", &protocol},
                                                {"packets", &packets},
                                                {"bytes", &bytes},
                                                {"start", &start},
                                                {"end", &end},
                                                {"action", &action},
                                                {"interface-id", &interface_id},
                                                {"log-status", &log_status}};
  for (int i = 0; i < static_cast<int>(names.size()); ++i)
    for (const auto& [name, slot] : slots)
      if (names[static_cast<std::size_t>(i)] == name) *slot = i;
}

std::string FlowWriter::header() const {
  switch (format_) {
    case OutputFormat::kJson:
      return "[";
    case OutputFormat::kCsv: {
      std::string out;
      for (const char* name : kCsvFields) out += out.empty() ? name : fmt::format(",{}", name);
      return out + "\n";
    }
    case OutputFormat::kTable: {
      std::string out;
      table_cell("START", kStart, out);
      table_cell("ACTION", kAction, out);
      table_cell("PROTO", kProtocol, out);
      table_cell("SOURCE", kAddress, out);
      table_cell("DESTINATION", kAddress, out);
      right_cell("PACKETS", kCount, out);
      right_cell("BYTES", kCount, out);
      return out + "INTERFACE\n";
    }
    case OutputFormat::kJsonl:
      break;
  }
  return "";
}

std::string FlowWriter::footer(bool any) const {
  if (format_ == OutputFormat::kJson) return any ? "\n]\n" : "]\n";
  return "";
}

void FlowWriter::append(const FlowFields& fields, const std::vector<std::string_view>& record,
                        bool first, std::string& out) const {
  auto field = [&](int index) { return FlowFields::of(record, index); };
  switch (format_) {
    case OutputFormat::kJsonl:
    case OutputFormat::kJson: {
      if (format_ == OutputFormat::kJson) out += first ? "\n" : ",\n";
      Json object = Json::object();
      for (std::size_t i = 0; i < record.size(); ++i)
        object[fields.names[i]] = std::string(record[i]);
      out += object.dump();
      if (format_ == OutputFormat::kJsonl) out += '\n';
      return;
    }
    case OutputFormat::kCsv: {
      bool comma = false;
      for (const char* name : kCsvFields) {
        if (comma) out += ',';
        comma = true;
        for (std::size_t i = 0; i < fields.names.size(); ++i)
          if (fields.names[i] == name) csv_field(record[i], out);
      }
      out += '\n';
      return;
    }
    case OutputFormat::kTable:
      table_cell(start_time(field(fields.start)), kStart, out);
      // NODATA and SKIPDATA records have no action: their status says why.
      table_cell(field(fields.action) == "-" ? field(fields.log_status) : field(fields.action),
                 kAction, out);
      table_cell(protocol_name(field(fields.protocol)), kProtocol, out);
      table_cell(endpoint(field(fields.srcaddr), field(fields.srcport)), kAddress, out);
      table_cell(endpoint(field(fields.dstaddr), field(fields.dstport)), kAddress, out);
      right_cell(field(fields.packets), kCount, out);
      right_cell(field(fields.bytes), kCount, out);
      out.append(field(fields.interface_id));
      out += '\n';
      return;
  }
}

}  // namespace custos::investigate
