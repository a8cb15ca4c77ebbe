#include "investigate/spill_map.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <queue>

#include "core/error.h"

namespace custos::investigate {
namespace {

constexpr std::size_t kWriteBuffer = std::size_t{1} << 20;
constexpr std::size_t kReadChunk = std::size_t{64} << 10;

std::string spill_folder() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

[[noreturn]] void fail(const char* what) {
  throw Error(std::string("investigate: could not ") + what + " the summary's overflow file in " +
              spill_folder() + ": " + std::strerror(errno) +
              " (a summary of many distinct keys spills there: free space or set TMPDIR)");
}

void put_length(std::string& out, std::size_t n) {
  auto length = static_cast<std::uint32_t>(n);
  out.append(reinterpret_cast<const char*>(&length), sizeof length);
}

std::uint32_t get_length(const char* at) {
  std::uint32_t length;
  std::memcpy(&length, at, sizeof length);
  return length;
}

}  // namespace

SpillRun::SpillRun() {
  std::string path = spill_folder() + "/custos-summary-XXXXXX";
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) fail("create");
  ::unlink(path.c_str());  // gone with the process, however it ends
}

SpillRun::~SpillRun() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillRun::append(std::string_view key, std::string_view value) {
  put_length(buffer_, key.size());
  put_length(buffer_, value.size());
  buffer_.append(key).append(value);
  if (buffer_.size() >= kWriteBuffer) flush();
}

void SpillRun::flush() {
  const char* at = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t written = ::write(fd_, at, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) fail("write");
    at += written;
    left -= static_cast<std::size_t>(written);
  }
  buffer_.clear();
}

void SpillRun::rewind() {
  flush();
  buffer_ = std::string();  // the write buffer's megabyte, given back
  if (::lseek(fd_, 0, SEEK_SET) != 0) fail("read");
  reading_ = true;
  at_end_ = false;
  read_at_ = 0;
}

bool SpillRun::next(std::string_view& key, std::string_view& value) {
  auto available = [&] { return buffer_.size() - read_at_; };
  auto fill = [&](std::size_t wanted) {
    buffer_.erase(0, read_at_);
    read_at_ = 0;
    while (!at_end_ && buffer_.size() < wanted) {
      std::size_t old = buffer_.size();
      buffer_.resize(old + std::max(kReadChunk, wanted - old));
      ssize_t got = ::read(fd_, buffer_.data() + old, buffer_.size() - old);
      if (got < 0 && errno == EINTR)
        got = 0;
      else if (got < 0)
        fail("read");
      else if (got == 0)
        at_end_ = true;
      buffer_.resize(old + static_cast<std::size_t>(got));
    }
  };
  if (!reading_) rewind();
  if (available() < 8) fill(8);
  if (available() < 8) return false;  // the end (a run is only cut short by a failed write)
  std::size_t key_size = get_length(buffer_.data() + read_at_);
  std::size_t value_size = get_length(buffer_.data() + read_at_ + 4);
  std::size_t size = 8 + key_size + value_size;
  if (available() < size) fill(size);
  if (available() < size) return false;
  const char* start = buffer_.data() + read_at_ + 8;
  key = std::string_view(start, key_size);
  value = std::string_view(start + key_size, value_size);
  read_at_ += size;
  return true;
}

void merge_runs(std::vector<std::unique_ptr<SpillRun>>& runs,
                const std::function<void(std::string_view, std::string_view)>& combine,
                const std::function<void(std::string_view)>& key_done) {
  struct Head {
    std::string_view key, value;
    std::size_t run;
  };
  auto later = [](const Head& a, const Head& b) {
    return a.key != b.key ? a.key > b.key : a.run > b.run;
  };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heads(later);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    runs[i]->rewind();
    Head head{{}, {}, i};
    if (runs[i]->next(head.key, head.value)) heads.push(head);
  }
  std::string current;
  bool open = false;
  while (!heads.empty()) {
    Head head = heads.top();
    heads.pop();
    if (open && head.key != current) {
      key_done(current);
      open = false;
    }
    if (!open) current.assign(head.key);
    open = true;
    combine(current, head.value);
    if (runs[head.run]->next(head.key, head.value)) heads.push(head);
  }
  if (open) key_done(current);
}

}  // namespace custos::investigate
