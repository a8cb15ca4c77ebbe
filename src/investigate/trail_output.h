// How matching CloudTrail records are written: a timeline table for a person at a terminal, or
// the records themselves as a JSON list, JSON lines, or CSV of the fields responders sort by.
#pragma once

#include <string>

#include "investigate/output.h"
#include "investigate/trail_query.h"

namespace custos::investigate {

class TrailWriter {
 public:
  // `width`: the terminal's columns, for the table.
  TrailWriter(OutputFormat format, int width);
  // Written before the first record and after the last.
  std::string header() const;
  std::string footer(bool any) const;
  // Appends `record` to `out`; `first` when nothing was written before it in the whole output.
  void append(const TrailRecord& record, bool first, std::string& out) const;

 private:
  OutputFormat format_;
  int width_;
  std::size_t principal_width_;
};

}  // namespace custos::investigate
