#include "resources/inflate.h"

#include <zlib.h>

namespace custos::resources {

std::optional<std::string> inflate_all(std::string_view compressed, Wrapping wrapping) {
  z_stream stream{};
  // 16 + the largest window: gzip's header and trailer instead of zlib's.
  int window = wrapping == Wrapping::kGzip ? 16 + MAX_WBITS : MAX_WBITS;
  if (inflateInit2(&stream, window) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string text;
  char buffer[16384];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    text.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return text;
}

}  // namespace custos::resources
