// inflate_all: zlib and gzip data as Python's zlib and EC2 user data hold them.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "resources/inflate.h"

namespace custos::resources {
namespace {

std::string deflated(const std::string& text, int window) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(Inflate, ZlibAndGzip) {
  const std::string script = "#!/bin/sh\nexport DB_PASSWORD=hunter2\n";
  EXPECT_EQ(inflate_all(deflated(script, MAX_WBITS), Wrapping::kZlib), script);
  std::string gzip = deflated(script, 16 + MAX_WBITS);
  EXPECT_EQ(inflate_all(gzip, Wrapping::kGzip), script);
  EXPECT_EQ(inflate_all(gzip, Wrapping::kZlib), std::nullopt);  // the wrong wrapping
  EXPECT_EQ(inflate_all(gzip.substr(0, gzip.size() / 2), Wrapping::kGzip), std::nullopt);
  EXPECT_EQ(inflate_all(script, Wrapping::kGzip), std::nullopt);
}

}  // namespace
}  // namespace custos::resources
