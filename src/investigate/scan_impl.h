// scan_files' definition, included by the .cpp files that instantiate it for their results.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "investigate/parallel.h"
#include "investigate/scan.h"

namespace custos::investigate {

// Draws "[#####     ] 45%  170/378 files  1.2 of 2.6 GB  1.9 GB/s" on stderr.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::uint64_t total_bytes, std::size_t files);
  void advance(std::uint64_t bytes);
  void finish();

 private:
  bool enabled_, drawn_ = false;
  std::uint64_t total_, done_ = 0;
  std::size_t files_, files_done_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

template <typename Result>
ScanStats scan_files(const InputSet& set, const std::vector<Input>& inputs,
                     const ScanSettings& settings, const FileTask<Result>& task) {
  struct Worker {
    Buffer bytes, text;
  };
  struct Done {
    Result result;
    std::optional<Skipped> skipped;
  };
  unsigned threads = worker_count(settings.threads);
  std::vector<Worker> workers(threads);
  ScanStats stats;
  std::uint64_t total = 0;
  for (const Input& input : inputs) total += input.size;
  ProgressBar bar(settings.progress, total, inputs.size());
  auto start = std::chrono::steady_clock::now();
  constexpr std::size_t kKeep = std::size_t{64} << 20;  // larger buffers are given back
  ordered_parallel<Done>(
      inputs.size(), threads,
      [&](std::size_t i, unsigned id) {
        Done done;
        Worker& w = workers[id];
        bool gzipped = false;
        try {
          set.read(inputs[i], w.bytes);
          gzipped = is_gzip(w.bytes.view());
          if (gzipped) gunzip(w.bytes.view(), w.text);
          task.process(gzipped ? w.text : w.bytes, id, done.result);
        } catch (const InputProblem& problem) {
          // decompressed(): the offset is in the text that was parsed (the file, or its gunzip).
          std::uint64_t line = problem.decompressed()
                                   ? line_at((gzipped ? w.text : w.bytes).view(), problem.offset())
                                   : 0;
          done.skipped = Skipped{inputs[i].name, problem.offset(),
                                 problem.decompressed() && gzipped, line, problem.what()};
        }
        w.bytes.trim(kKeep);
        w.text.trim(kKeep);
        return done;
      },
      [&](std::size_t i, Done&& done) {
        ++stats.files;
        stats.bytes += inputs[i].size;
        bar.advance(inputs[i].size);
        if (done.skipped) {
          if (task.on_skip) task.on_skip(*done.skipped);
          stats.skipped.push_back(std::move(*done.skipped));
        }
        task.deliver(std::move(done.result));
      });
  bar.finish();
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace custos::investigate
