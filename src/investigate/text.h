// A file's bytes held for parsing: reused from file to file by one worker, with the padding
// simdjson reads past the end; an input's text read a piece at a time (gunzipped as it is
// read) from a local file or an S3 object; and the problem that made an input (or the rest of
// it) unreadable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace custos::investigate {

class Buffer {
 public:
  static constexpr std::size_t kPadding = 64;

  // Room for `size` bytes (and the padding); what was held is kept only when `keep`.
  char* reserve(std::size_t size, bool keep = false);
  // size <= what reserve() made room for; the padding after it is zeros.
  void resize(std::size_t size);
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  // Bytes readable from data(): size() and at least kPadding more.
  std::size_t capacity() const { return capacity_ + kPadding; }
  std::string_view view() const { return {data_.get(), size_}; }
  // Gives back the memory of an unusually large file once it is done.
  void trim(std::size_t keep_at_most);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Input that cannot be read as it should: where (a byte offset in the file as stored, or in
// its decompressed text when `decompressed`) and what. The scan reports it and goes on.
class InputProblem : public Error {
 public:
  InputProblem(std::uint64_t offset, const std::string& message, bool decompressed = false)
      : Error(message), offset_(offset), decompressed_(decompressed) {}
  std::uint64_t offset() const { return offset_; }
  bool decompressed() const { return decompressed_; }

 private:
  std::uint64_t offset_;
  bool decompressed_;
};

// True when `bytes` starts as gzip does.
bool is_gzip(std::string_view bytes);

// Every member of the gzip data `compressed` into `out` (libdeflate, the whole member at once).
// Throws InputProblem at the member that is truncated or corrupt, with the offset where its
// data stopped making sense.
void gunzip(std::string_view compressed, Buffer& out);

// An input's bytes as stored, in order: a local file, or an S3 object (inputs.h).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // The next bytes, up to `max`, into `into`; how many (0 at the end). InputProblem when they
  // cannot be read.
  virtual std::size_t read(char* into, std::size_t max) = 0;
  // How many bytes there are in all (exact once the first read has been made).
  virtual std::uint64_t size() const = 0;
  // An S3 object's user metadata once the first read has been made; null for a local file.
  virtual Json metadata() const { return nullptr; }
};

// A local file (InputProblem when it cannot be opened).
std::unique_ptr<ByteSource> open_file(const std::string& path);

// Appends what is left of `source` to `bytes` (InputProblem when it cannot be read).
void read_rest(ByteSource& source, Buffer& bytes);

// An input's text a piece at a time, so that an input of any size is read in bounded memory:
// plain text as it is, gzip (any number of members) with zlib's streaming inflate, except
// small gzip inputs, which libdeflate inflates whole (twice zlib's speed; CloudTrail's files
// are a few hundred KB).
class PieceReader {
 public:
  // Gzip inputs up to this size are inflated whole.
  static constexpr std::uint64_t kWholeGzip = std::uint64_t{4} << 20;

  explicit PieceReader(std::unique_ptr<ByteSource> source);  // InputProblem: cannot be read
  ~PieceReader();
  bool gzipped() const;
  // Appends up to `max` bytes of the text to what `out` holds (a small gzip input: all of it);
  // false once the text has ended. InputProblem at unreadable or corrupt data, its offset in
  // the input as stored.
  bool append(Buffer& out, std::size_t max);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::investigate
