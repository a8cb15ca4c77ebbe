// Reads the CloudTrail records of one file's text with simdjson On Demand: CloudTrail's
// {"Records": [...]} files, JSON lines (of records or of such files), a JSON list of records
// (CloudTrail Lake and Athena exports, lower-case Athena names included) or one record.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "investigate/text.h"
#include "investigate/trail_query.h"

namespace custos::investigate {

class TrailReader {
 public:
  TrailReader();
  ~TrailReader();
  TrailReader(const TrailReader&) = delete;
  TrailReader& operator=(const TrailReader&) = delete;

  // For each record of `text`, in order: `wanted(raw)` first (false: the record is passed over
  // unread), then `on_record` with its fields. Throws InputProblem (offsets in `text`) for
  // malformed JSON or text that holds no CloudTrail records; the records before are delivered.
  // Unless `last`, a document cut short at the end of `text` is left unread: the size of what
  // was left is returned.
  std::size_t read(const Buffer& text, bool last,
                   const std::function<bool(std::string_view raw)>& wanted,
                   const std::function<void(const TrailRecord&)>& on_record);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::investigate
