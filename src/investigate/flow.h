// A VPC flow-log investigation: the default version-2 format or a custom one (named by the
// file's header line, or given), plain or gzip, local or S3, filtered by address, port, action
// and time, in one pass on every core, with the summary responders ask for first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "investigate/output.h"
#include "investigate/scan.h"
#include "investigate/times.h"

namespace custos::investigate {

struct FlowQuery {
  std::optional<Millis> since, until;  // flows that overlap [since, until)
  std::vector<std::string> ips;        // srcaddr or dstaddr: addresses or CIDR networks
  std::vector<int> ports;              // srcport or dstport
  std::string action;                  // ACCEPT or REJECT (empty: either)
  // The fields of files without a header line; empty: the default version-2 format.
  std::vector<std::string> format;
};

struct FlowScan {
  FlowQuery query;
  bool write_records = true;
  OutputFormat format = OutputFormat::kJsonl;  // of the records written
  bool summarise = false;
  ScanSettings settings;
};

struct FlowAnswer {
  ScanStats stats;
  std::uint64_t matched = 0;
  // records, first/last start, top_talkers (by bytes sent), ports (destination ports by flows),
  // rejected (sources by rejected flows), remote_bytes (public addresses by bytes either way).
  Json summary;
};

// "version srcaddr ..." split on spaces; throws InputError for a field name AWS does not define
// among those a query reads.
std::vector<std::string> flow_format(const std::string& text);

// The summary of scan_flows for a person: the time span, then the first `top` of each ranking.
std::string flow_summary_text(const Json& summary, std::size_t top = 10);

FlowAnswer scan_flows(const FlowScan& scan, const InputSet& inputs,
                      const std::function<void(std::string_view)>& write,
                      const std::function<void(const Skipped&)>& on_skip);

}  // namespace custos::investigate
