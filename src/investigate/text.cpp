#include "investigate/text.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
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

}  // namespace custos::investigate
