#include "investigate/trail.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "investigate/scan_impl.h"
#include "investigate/trail_reader.h"

namespace custos::investigate {
namespace {

struct TrailFileAnswer {
  std::string output;
  std::uint64_t matched = 0;
};

}  // namespace

TrailAnswer scan_trail(const TrailScan& scan, const InputSet& inputs,
                       const std::function<void(std::string_view)>& write,
                       const std::function<void(const Skipped&)>& on_skip) {
  TrailMatcher matcher(scan.query);
  TrailWriter writer(scan.format, scan.width);
  std::vector<Input> listed = inputs.list();
  std::vector<std::unique_ptr<TrailReader>> readers;
  for (unsigned i = 0; i < worker_count(scan.settings.threads); ++i)
    readers.push_back(std::make_unique<TrailReader>());
  // A summary per worker, merged at the end: its answer does not depend on order, and a map
  // per file meant building and merging the same keys file after file.
  // The memory bound is shared by the workers, so that it does not grow with the cores.
  std::vector<TrailSummary> summaries;
  for (std::size_t i = 0; i < readers.size(); ++i)
    summaries.emplace_back(summary_keys_per_worker(readers.size()));
  TrailAnswer answer;
  if (scan.write_records) write(writer.header());
  const std::function<bool(std::string_view)> wanted = [&](std::string_view raw) {
    return matcher.may_match(raw);
  };
  FileTask<TrailFileAnswer> task;
  task.process = [&](const Buffer& text, bool last, unsigned worker,
                     TrailFileAnswer& file) -> std::size_t {
    // Without the literal no record can match, unless a document goes on into the next piece.
    if (last && !matcher.may_match(text.view())) return 0;
    std::function<void(const TrailRecord&)> on_record = [&](const TrailRecord& record) {
      std::optional<Json> document;
      auto parsed = [&]() -> const Json& {
        if (!document) document = Json::parse(record.raw);
        return *document;
      };
      if (!matcher.matches(record, parsed)) return;
      ++file.matched;
      if (scan.summarise) summaries[worker].add(record);
      // Whether anything came before is known only in order: the first record says so later.
      if (scan.write_records) writer.append(record, file.matched == 1, file.output);
    };
    return readers[worker]->read(text, last, wanted, on_record);
  };
  task.deliver = [&](TrailFileAnswer&& file) {
    if (file.matched == 0) return;
    if (scan.write_records) {
      // The file's first record was written as if first of all; only JSON cares.
      if (answer.matched > 0 && scan.format == OutputFormat::kJson) write(",");
      write(file.output);
    }
    answer.matched += file.matched;
  };
  task.on_skip = on_skip;
  // A large file's records go out piece by piece rather than held until its end.
  task.take_part = [](TrailFileAnswer& file) -> std::optional<TrailFileAnswer> {
    if (file.matched == 0) return std::nullopt;
    return std::exchange(file, TrailFileAnswer{});
  };
  answer.stats = scan_files(inputs, listed, scan.settings, task);
  if (scan.summarise) {
    for (std::size_t i = 1; i < summaries.size(); ++i) summaries[0].merge(std::move(summaries[i]));
    answer.summary = summaries[0].take_json();
  }
  if (scan.write_records) write(writer.footer(answer.matched > 0));
  return answer;
}

}  // namespace custos::investigate
