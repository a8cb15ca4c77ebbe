#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "investigate/scan_impl.h"

namespace custos::investigate {

std::string Skipped::text() const {
  std::string where = line ? fmt::format("{}:{}", input, line) : input;
  return fmt::format("{}: byte {}{}: {}", where, offset,
                     decompressed ? " of the decompressed text" : "", message);
}

std::uint64_t line_at(std::string_view text, std::uint64_t offset) {
  text = text.substr(0, std::min<std::uint64_t>(offset, text.size()));
  return 1 + static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

unsigned worker_count(unsigned requested) {
  if (requested) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

ProgressBar::ProgressBar(bool enabled, std::uint64_t total_bytes, std::size_t files)
    : enabled_(enabled),
      total_(total_bytes),
      files_(files),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressBar::advance(std::uint64_t bytes) {
  done_ += bytes;
  ++files_done_;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  // Only scans that last show it, redrawn ten times a second.
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100))
    return;
  last_ = now;
  double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 0;
  int filled = static_cast<int>(fraction * 30);
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r[%s%s] %3d%%  %zu/%zu files  %.2f of %.2f GB  %.2f GB/s\x1b[K",
               std::string(filled, '#').c_str(), std::string(30 - filled, ' ').c_str(),
               static_cast<int>(fraction * 100), files_done_, files_, done_ / 1e9, total_ / 1e9,
               done_ / 1e9 / seconds);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\r\x1b[K");
  drawn_ = false;
}

}  // namespace custos::investigate
