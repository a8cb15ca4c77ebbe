// A zip archive written in memory (deflate, by libdeflate), the same bytes for the same files:
// a Lambda function's code, whose SHA-256 tells deploy whether the code changed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custos::serverless {

class ZipWriter {
 public:
  // Adds a file (name with '/' between folders) with Unix permissions `mode` (0755: executable).
  void add(const std::string& name, std::string_view data, unsigned mode = 0644);
  // The archive: the files in the order added, then the central directory.
  std::string finish();

 private:
  struct Entry {
    std::string name;
    unsigned long crc = 0;
    std::size_t size = 0, compressed = 0, offset = 0;
    unsigned mode = 0;
    bool deflated = false;
  };
  void put_description(const Entry& entry);

  std::string out_;
  std::vector<Entry> entries_;
};

}  // namespace custos::serverless
