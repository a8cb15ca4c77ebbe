// How matching VPC flow-log records are written: a table of flows for a person at a terminal,
// the records as JSON lines or a JSON list of objects keyed by the format's field names, or CSV
// of the default format's fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "investigate/output.h"

namespace custos::investigate {

// A file's format (its header line's field names, or the given ones) and where the fields the
// queries, the summary and the writer read stand in it (-1: not in this format).
struct FlowFields {
  explicit FlowFields(std::vector<std::string> field_names);

  std::vector<std::string> names;
  int srcaddr = -1, dstaddr = -1, srcport = -1, dstport = -1, protocol = -1, packets = -1,
      bytes = -1, start = -1, end = -1, action = -1, interface_id = -1, log_status = -1;

  // The record's value of field `index`; empty when the format lacks it.
  static std::string_view of(const std::vector<std::string_view>& record, int index) {
    return index < 0 ? std::string_view() : record[static_cast<std::size_t>(index)];
  }
};

class FlowWriter {
 public:
  explicit FlowWriter(OutputFormat format) : format_(format) {}
  // Written before the first record and after the last.
  std::string header() const;
  std::string footer(bool any) const;
  // Appends `record` (in `fields`' format) to `out`; `first` when nothing was written before
  // it in the whole output.
  void append(const FlowFields& fields, const std::vector<std::string_view>& record, bool first,
              std::string& out) const;

 private:
  OutputFormat format_;
};

}  // namespace custos::investigate
