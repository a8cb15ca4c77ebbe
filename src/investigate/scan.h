// The pass every investigation makes: each input read (from disk or S3) and gunzipped on one of
// the worker threads, handed to `process` there, and its result delivered on the calling
// thread in input order; unreadable input reported with file and byte offset, and the scan
// goes on. A progress bar on stderr when it is a terminal and the scan takes a while.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "investigate/inputs.h"
#include "investigate/text.h"

namespace custos::investigate {

// An input (or the rest of one) that could not be read.
struct Skipped {
  std::string input;
  std::uint64_t offset = 0;
  bool decompressed = false;  // the offset is in the gunzipped text
  std::uint64_t line = 0;     // of the offset in the text, from 1; 0 when it is not in the text
  std::string message;
  // "FILE:LINE: byte N: MESSAGE" ("FILE: byte N: MESSAGE" for an offset in gzip data)
  std::string text() const;
};

struct ScanStats {
  std::uint64_t files = 0, bytes = 0;  // bytes as stored
  double seconds = 0;
  std::vector<Skipped> skipped;
};

struct ScanSettings {
  unsigned threads = 0;  // 0: every core
  bool progress = false;
};

// Per file: `process(text, last, worker, result)` adds to the file's result (InputProblem:
// reported as skipped, with whatever part of the result was made before it); `deliver` takes
// results in input order; `on_skip` hears of each skipped input as it is delivered. An input
// comes in pieces of whole lines, `last` saying whether it is the input's last: `process` returns
// how many bytes at the end of a piece it left unread (a JSON document that goes on), which start
// the next piece; 0 when `last`. `take_part`, when set, takes what the result holds after a
// piece (leaving what the rest of the input needs), to be delivered before the input ends, so
// that a large input's answer is not held whole; null: nothing to deliver yet.
template <typename Result>
struct FileTask {
  std::function<std::size_t(const Buffer& text, bool last, unsigned worker, Result& result)>
      process;
  std::function<void(Result&& result)> deliver;
  std::function<void(const Skipped&)> on_skip;
  std::function<std::optional<Result>(Result& result)> take_part;
};

// Runs `task` over `inputs` (listed from `set`). Defined for the result types used.
template <typename Result>
ScanStats scan_files(const InputSet& set, const std::vector<Input>& inputs,
                     const ScanSettings& settings, const FileTask<Result>& task);

unsigned worker_count(unsigned requested);
// The line (from 1) of byte `offset` of `text`.
std::uint64_t line_at(std::string_view text, std::uint64_t offset);

}  // namespace custos::investigate
