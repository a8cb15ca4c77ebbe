#include "investigate/text.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace custos::investigate {
namespace {

std::size_t trailer_size(std::string_view member) {
  if (member.size() < 18) return 0;
  const auto* end = reinterpret_cast<const unsigned char*>(member.data() + member.size());
  return std::size_t{end[-4]} | std::size_t{end[-3]} << 8 | std::size_t{end[-2]} << 16 |
         std::size_t{end[-1]} << 24;
}

// libdeflate says only that a member is bad; zlib, inflating it as a stream, says where.
[[noreturn]] void locate_failure(std::string_view compressed, std::size_t member_start) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw InputProblem(member_start, "cannot inflate");
  std::string sink(1 << 16, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + member_start));
  stream.avail_in = static_cast<uInt>(compressed.size() - member_start);
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(sink.data());
    stream.avail_out = static_cast<uInt>(sink.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // the data ran out
    if (status == Z_BUF_ERROR) status = Z_OK;
  }
  std::uint64_t at = member_start + stream.total_in;
  std::string detail = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status == Z_DATA_ERROR || status == Z_NEED_DICT || status == Z_STREAM_ERROR)
    throw InputProblem(at, "corrupt gzip member (starting at byte " + std::to_string(member_start) +
                               "): " + detail);
  throw InputProblem(
      at, "truncated gzip member (starting at byte " + std::to_string(member_start) + ")");
}

bool only_zeros(std::string_view rest) {
  return std::all_of(rest.begin(), rest.end(), [](char c) { return c == '\0'; });
}

}  // namespace

char* Buffer::reserve(std::size_t size, bool keep) {
  if (size > capacity_ || !data_) {
    std::size_t grown = std::max(size, capacity_ + capacity_ / 2);
    std::unique_ptr<char[]> bigger(new char[grown + kPadding]);
    if (keep && size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = grown;
  }
  if (!keep) size_ = 0;
  std::memset(data_.get() + size, 0, kPadding);
  return data_.get();
}

void Buffer::resize(std::size_t size) {
  size_ = size;
  if (data_) std::memset(data_.get() + size, 0, kPadding);
}

void Buffer::trim(std::size_t keep_at_most) {
  if (capacity_ <= keep_at_most) return;
  data_.reset();
  capacity_ = size_ = 0;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

void gunzip(std::string_view compressed, Buffer& out) {
  thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)>
      decompressor(libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  out.reserve(0);
  std::size_t in = 0, produced = 0;
  while (in < compressed.size()) {
    std::string_view rest = compressed.substr(in);
    if (only_zeros(rest)) break;  // some writers pad the last block
    if (!is_gzip(rest))
      throw InputProblem(in, "not gzip data after the member ending at byte " + std::to_string(in));
    // The last member's trailer gives its size exactly: the whole file for one member.
    std::size_t room = std::max<std::size_t>(trailer_size(rest), rest.size() * 4) + 4096;
    for (;;) {
      out.reserve(produced + room, true);
      std::size_t used = 0, written = 0;
      auto status = libdeflate_gzip_decompress_ex(decompressor.get(), rest.data(), rest.size(),
                                                  out.data() + produced, room, &used, &written);
      if (status == LIBDEFLATE_SUCCESS) {
        produced += written;
        out.resize(produced);
        in += used;
        break;
      }
      if (status != LIBDEFLATE_INSUFFICIENT_SPACE) locate_failure(compressed, in);
      room *= 2;
    }
  }
  out.reserve(produced, true);  // the padding after the text
  out.resize(produced);
}

namespace {

class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw InputProblem(0, "cannot open: " + std::string(std::strerror(errno)));
    struct stat info {};
    ::fstat(fd_, &info);
    size_ = static_cast<std::uint64_t>(info.st_size);
  }
  ~FileSource() override { ::close(fd_); }

  std::size_t read(char* into, std::size_t max) override {
    std::size_t got = 0;
    while (got < max) {
      ssize_t n = ::read(fd_, into + got, max - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        throw InputProblem(done_ + got, "cannot read: " + std::string(std::strerror(errno)));
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    done_ += got;
    return got;
  }
  std::uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::uint64_t size_ = 0, done_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> open_file(const std::string& path) {
  return std::make_unique<FileSource>(path);
}

void read_rest(ByteSource& source, Buffer& bytes) {
  std::size_t held = bytes.size();
  for (;;) {
    // size() is exact after the first read; a source that grows is read to its end.
    std::size_t room = std::max<std::size_t>(source.size() + 1 - std::min(source.size(), held),
                                             std::size_t{1} << 16);
    char* data = bytes.reserve(held + room, true);
    std::size_t got = source.read(data + held, room);
    held += got;
    bytes.resize(held);
    if (got == 0) return;
  }
}

struct PieceReader::Impl {
  static constexpr std::size_t kInput = std::size_t{1} << 20;  // gzip read this much at a time

  std::unique_ptr<ByteSource> source;
  std::string head;              // the first bytes, read to tell gzip, not yet handed on
  std::uint64_t read_total = 0;  // bytes of the input read so far
  bool gzip = false, ended = false;
  z_stream stream{};
  bool inflating = false, in_member = false;
  std::uint64_t member_start = 0;
  std::string input;

  ~Impl() {
    if (inflating) inflateEnd(&stream);
  }

  // Reads up to `max` bytes of the input into `into`; how many (0 at its end).
  std::size_t read(char* into, std::size_t max) {
    std::size_t got = std::min(max, head.size());
    std::memcpy(into, head.data(), got);
    head.erase(0, got);
    if (got < max) got += source->read(into + got, max - got);
    read_total += got;
    return got;
  }

  // The input's offset of the next compressed byte inflate would take.
  std::uint64_t offset() const { return read_total - stream.avail_in; }

  bool refill() {
    input.resize(kInput);
    stream.next_in = reinterpret_cast<Bytef*>(input.data());
    stream.avail_in = static_cast<uInt>(read(input.data(), input.size()));
    return stream.avail_in > 0;
  }

  // At a member's end: another member follows, or zeros (some writers pad) to the file's end.
  void next_member() {
    if (*stream.next_in == 0x1f) {
      int status = inflating ? inflateReset(&stream) : inflateInit2(&stream, 15 + 16);
      if (status != Z_OK) throw InputProblem(offset(), "cannot inflate");
      inflating = in_member = true;
      member_start = offset();
      return;
    }
    std::uint64_t member_end = offset();
    do {
      for (; stream.avail_in > 0; ++stream.next_in, --stream.avail_in)
        if (*stream.next_in != 0)
          throw InputProblem(member_end, "not gzip data after the member ending at byte " +
                                             std::to_string(member_end));
    } while (refill());
    ended = true;
  }

  std::size_t inflate_into(char* out, std::size_t max) {
    stream.next_out = reinterpret_cast<Bytef*>(out);
    stream.avail_out = static_cast<uInt>(max);
    while (stream.avail_out > 0 && !ended) {
      if (stream.avail_in == 0 && !refill()) {
        if (in_member)
          throw InputProblem(offset(), "truncated gzip member (starting at byte " +
                                           std::to_string(member_start) + ")");
        ended = true;
        break;
      }
      if (!in_member) {
        next_member();
        continue;
      }
      int status = inflate(&stream, Z_NO_FLUSH);
      if (status == Z_STREAM_END)
        in_member = false;
      else if (status != Z_OK && status != Z_BUF_ERROR)
        throw InputProblem(offset(), "corrupt gzip member (starting at byte " +
                                         std::to_string(member_start) +
                                         "): " + (stream.msg ? stream.msg : ""));
    }
    return max - stream.avail_out;
  }
};

PieceReader::PieceReader(std::unique_ptr<ByteSource> source) : impl_(std::make_unique<Impl>()) {
  impl_->source = std::move(source);
  impl_->head.resize(2);
  impl_->head.resize(impl_->source->read(impl_->head.data(), 2));
  impl_->gzip = is_gzip(impl_->head);
}

PieceReader::~PieceReader() = default;

bool PieceReader::gzipped() const { return impl_->gzip; }

bool PieceReader::append(Buffer& out, std::size_t max) {
  Impl& r = *impl_;
  if (r.ended) return false;
  if (r.gzip && r.source->size() <= kWholeGzip) {
    Buffer whole;
    std::memcpy(whole.reserve(r.head.size()), r.head.data(), r.head.size());
    whole.resize(r.head.size());
    read_rest(*r.source, whole);
    gunzip(whole.view(), out);  // out is empty: a small input is one piece
    r.ended = true;
    return false;
  }
  std::size_t start = out.size();
  char* data = out.reserve(start + max, true) + start;
  std::size_t got = r.gzip ? r.inflate_into(data, max) : r.read(data, max);
  if (!r.gzip && got < max) r.ended = true;
  out.resize(start + got);
  return !r.ended;
}

}  // namespace custos::investigate
