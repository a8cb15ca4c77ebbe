#include "serverless/zip.h"

#include <libdeflate.h>

#include <memory>

#include "core/error.h"

namespace custos::serverless {
namespace {

// MS-DOS time and date of 1980-01-01 00:00, the earliest a zip can say: the same archive
// whenever it is built.
constexpr unsigned kDosTime = 0;
constexpr unsigned kDosDate = (0 << 9) | (1 << 5) | 1;

void put16(std::string& out, unsigned value) {
  out.push_back(static_cast<char>(value & 0xff));
  out.push_back(static_cast<char>((value >> 8) & 0xff));
}

void put32(std::string& out, unsigned long value) {
  put16(out, value & 0xffff);
  put16(out, (value >> 16) & 0xffff);
}

std::string deflate(std::string_view data) {
  std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(9), libdeflate_free_compressor);
  if (!compressor) throw Error("zip: out of memory for the compressor");
  std::string out(libdeflate_deflate_compress_bound(compressor.get(), data.size()), '\0');
  std::size_t size = libdeflate_deflate_compress(compressor.get(), data.data(), data.size(),
                                                 out.data(), out.size());
  out.resize(size);  // 0 when it did not fit: then the caller stores the data as it is
  return out;
}

}  // namespace

// What the local header and the central directory both say of an entry, from "version needed"
// to the extra field's length.
void ZipWriter::put_description(const Entry& entry) {
  put16(out_, 20);  // version needed: 2.0 (deflate)
  put16(out_, 0);   // flags
  put16(out_, entry.deflated ? 8 : 0);
  put16(out_, kDosTime);
  put16(out_, kDosDate);
  put32(out_, entry.crc);
  put32(out_, entry.compressed);
  put32(out_, entry.size);
  put16(out_, entry.name.size());
  put16(out_, 0);  // extra field length
}

void ZipWriter::add(const std::string& name, std::string_view data, unsigned mode) {
  if (data.size() >= 0xffffffffUL) throw Error("zip: " + name + " is too large (4 GB or more)");
  Entry entry{
      name, libdeflate_crc32(0, data.data(), data.size()), data.size(), 0, out_.size(), mode,
      false};
  std::string packed = deflate(data);
  entry.deflated = !packed.empty() && packed.size() < data.size();
  entry.compressed = entry.deflated ? packed.size() : data.size();
  put32(out_, 0x04034b50);  // local file header
  put_description(entry);
  out_ += name;
  out_ += entry.deflated ? std::string_view(packed) : data;
  entries_.push_back(std::move(entry));
}

std::string ZipWriter::finish() {
  const std::size_t directory = out_.size();
  for (const Entry& entry : entries_) {
    put32(out_, 0x02014b50);     // central directory header
    put16(out_, (3 << 8) | 20);  // made by Unix, zip 2.0: the external attributes are a mode
    put_description(entry);
    put16(out_, 0);                                                       // comment
    put16(out_, 0);                                                       // disk
    put16(out_, 0);                                                       // internal attributes
    put32(out_, static_cast<unsigned long>(0100000 | entry.mode) << 16);  // regular file
    put32(out_, entry.offset);
    out_ += entry.name;
  }
  const std::size_t size = out_.size() - directory;
  if (entries_.size() > 0xffff || out_.size() >= 0xffffffffUL)
    throw Error("zip: too many files or too large for a zip without zip64");
  put32(out_, 0x06054b50);  // end of central directory
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, entries_.size());
  put16(out_, entries_.size());
  put32(out_, size);
  put32(out_, directory);
  put16(out_, 0);
  return std::move(out_);
}

}  // namespace custos::serverless
