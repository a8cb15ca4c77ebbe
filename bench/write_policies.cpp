// Writes the benchmark policy corpus to a file, for timing `custos validate` as a process:
//   bench/write_policies 100 /tmp/p100.yml
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "policy_corpus.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: write_policies COUNT FILE\n");
    return 2;
  }
  std::ofstream(argv[2]) << custos::bench::policy_file(std::atoi(argv[1]));
  return 0;
}
