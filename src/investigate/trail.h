// A CloudTrail investigation: one pass over the inputs, the matching records written in file
// order as they are found, and (when asked) the summary of them.
#pragma once

#include <functional>
#include <string_view>

#include "investigate/scan.h"
#include "investigate/trail_output.h"
#include "investigate/trail_query.h"
#include "investigate/trail_summary.h"

namespace custos::investigate {

struct TrailScan {
  TrailQuery query;
  bool write_records = true;  // false: only count and summarise
  bool summarise = false;
  OutputFormat format = OutputFormat::kJsonl;
  int width = 100;  // the terminal's, for the table
  ScanSettings settings;
};

struct TrailAnswer {
  ScanStats stats;
  std::uint64_t matched = 0;
  Json summary;  // TrailSummary::take_json(), when asked for
};

// `write` receives the output in pieces, in order; `on_skip` each input skipped, as it is.
TrailAnswer scan_trail(const TrailScan& scan, const InputSet& inputs,
                       const std::function<void(std::string_view)>& write,
                       const std::function<void(const Skipped&)>& on_skip);

}  // namespace custos::investigate
