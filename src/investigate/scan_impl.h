// scan_files' definition, included by the .cpp files that instantiate it for their results.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
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

// An input's text is read this much at a time (more when one JSON document is longer), so
// that memory does not grow with an input: simdjson's index of a piece takes four bytes a byte,
// so a worker holds about five times this, and an S3 range (a CloudTrail file, a few MB, is
// one piece).
constexpr std::size_t kPiece = std::size_t{8} << 20;

// Where the piece being processed starts in its file's text, for errors.
struct PieceStart {
  std::uint64_t offset = 0, lines = 0;
  bool gzipped = false;
};

// Hands an input to `process` a piece at a time in `piece`, each ending at a line's end, and
// what take_part takes after a piece to `emit`.
template <typename Result>
void process_pieces(std::unique_ptr<ByteSource> source, const FileTask<Result>& task,
                    unsigned worker, Buffer& piece, Result& result, PieceStart& start,
                    const std::function<void(Result&&)>& emit) {
  PieceReader reader(std::move(source));
  start.gzipped = reader.gzipped();
  std::string carry;  // what the last piece left for this one
  std::size_t want = kPiece;
  for (;;) {
    std::memcpy(piece.reserve(carry.size() + want), carry.data(), carry.size());
    piece.resize(carry.size());
    bool last = !reader.append(piece, want);
    std::string_view text = piece.view();
    std::size_t cut = last ? text.size() : text.rfind('\n') + 1;  // npos + 1: 0, none
    if (cut == 0) cut = text.size();
    carry.assign(text.substr(cut));
    piece.resize(cut);
    std::size_t left = task.process(piece, last, worker, result);
    if (last) return;
    if (task.take_part)
      if (std::optional<Result> part = task.take_part(result)) emit(std::move(*part));
    std::size_t used = cut - left;
    carry.insert(0, piece.view().substr(used));
    start.offset += used;
    start.lines += static_cast<std::uint64_t>(std::count(piece.data(), piece.data() + used, '\n'));
    // A document longer than a piece: read as much again, not a piece more each time.
    want = std::max(kPiece, used == 0 ? carry.size() : 0);
  }
}

template <typename Result>
ScanStats scan_files(const InputSet& set, const std::vector<Input>& inputs,
                     const ScanSettings& settings, const FileTask<Result>& task) {
  struct Worker {
    Buffer text;
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
  ordered_parallel_parts<Done>(
      inputs.size(), threads,
      [&](std::size_t i, unsigned id, const std::function<void(Done &&)>& emit_done) {
        Done done;
        const std::function<void(Result &&)> emit = [&](Result&& part) {
          emit_done(Done{std::move(part), std::nullopt});
        };
        Worker& w = workers[id];
        PieceStart start;
        try {
          process_pieces(set.open(inputs[i]), task, id, w.text, done.result, start, emit);
        } catch (const InputProblem& problem) {
          // decompressed(): the offset is in the text that was parsed (the file, or its gunzip),
          // from the start of the piece in it.
          bool in_text = problem.decompressed();
          done.skipped = Skipped{
              inputs[i].name, in_text ? start.offset + problem.offset() : problem.offset(),
              in_text && start.gzipped,
              in_text ? start.lines + line_at(w.text.view(), problem.offset()) : 0, problem.what()};
        }
        w.text.trim(kKeep);
        return done;
      },
      [&](std::size_t i, Done&& done, bool last) {
        if (!last) {
          task.deliver(std::move(done.result));
          return;
        }
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
