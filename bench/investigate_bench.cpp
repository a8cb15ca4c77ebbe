// custos investigate against jq and DuckDB on the same CloudTrail files, in one run:
//   investigate_bench [GB=1] [DIR=/tmp/custos-investigate-bench] [RUNS=5]
// writes GB of CloudTrail files (378 a GB, as CloudTrail writes them) made from the real records
// of tests/data/cloudtrail/invictus-ir_aws_dataset with varied times, event ids, access keys,
// user names and source addresses, plain and gzip, under CloudTrail's key layout (kept between
// runs), then times each tool's answer to the same questions and prints the medians, the peak
// memory of custos, the answers' record counts (which must agree) and the machine.
// DuckDB runs when CUSTOS_BENCH_DUCKDB names a folder where `npm i @duckdb/node-api` was run.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <libdeflate.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"

namespace {

namespace fs = std::filesystem;

constexpr int kFilesPerGb = 378;
constexpr const char* kTargetKey = "AKIAINCIDENT0000TARG";
constexpr const char* kEvent = "Decrypt";
constexpr int kThreads = 2;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Replaces the string value of the first "key":"..." in `record` (none: unchanged).
void patch(std::string& record, std::string_view key, std::string_view value) {
  std::string pattern = fmt::format("\"{}\":\"", key);
  std::size_t at = record.find(pattern);
  if (at == std::string::npos) return;
  at += pattern.size();
  std::size_t end = record.find('"', at);
  record.replace(at, end - at, value);
}

std::vector<std::string> real_records() {
  std::vector<std::string> records;
  fs::path dir = fs::path(CUSTOS_SOURCE_DIR) / "tests/data/cloudtrail/invictus-ir_aws_dataset";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    custos::Json log = custos::Json::parse(read_all(file));
    for (const auto& record : log["Records"]) records.push_back(record.dump());
  }
  return records;
}

std::string gzip(std::string_view text) {
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> compressor(
      libdeflate_alloc_compressor(6), libdeflate_free_compressor);
  std::string out(libdeflate_gzip_compress_bound(compressor.get(), text.size()), '\0');
  out.resize(
      libdeflate_gzip_compress(compressor.get(), text.data(), text.size(), out.data(), out.size()));
  return out;
}

struct Corpus {
  fs::path plain, gzipped;
  std::uint64_t records = 0, plain_bytes = 0, gzip_bytes = 0;
};

// The files, made once for a size and kept (the manifest says what is there).
Corpus generate(double gb, const fs::path& dir) {
  Corpus corpus{dir / "plain", dir / "gzip"};
  fs::path manifest = dir / "manifest.json";
  std::string wanted = fmt::format("{:.3f}", gb);
  if (fs::exists(manifest)) {
    auto m = custos::Json::parse(read_all(manifest));
    if (m.value("gb", "") == wanted) {
      corpus.records = m["records"];
      corpus.plain_bytes = m["plain_bytes"];
      corpus.gzip_bytes = m["gzip_bytes"];
      return corpus;
    }
  }
  fs::remove_all(dir);
  std::vector<std::string> source = real_records();
  int files = std::max(1, static_cast<int>(gb * kFilesPerGb));
  std::size_t file_bytes = static_cast<std::size_t>(gb * 1e9 / files);
  std::uint64_t n = 0;
  const std::int64_t start = 1714521600;  // 2024-05-01T00:00:00Z, a file every 10 minutes
  for (int f = 0; f < files; ++f) {
    std::int64_t t = start + f * 600;
    std::time_t file_time = t;
    std::tm tm{};
    gmtime_r(&file_time, &tm);
    std::string day =
        fmt::format("{:04}/{:02}/{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    std::string stamp = fmt::format("{:04}{:02}{:02}T{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                                    tm.tm_mday, tm.tm_hour, tm.tm_min);
    std::string text = "{\"Records\":[";
    for (bool first = true; text.size() < file_bytes; first = false, ++n) {
      std::string record = source[n % source.size()];
      std::time_t when = t + static_cast<std::int64_t>(n % 600);
      std::tm at{};
      gmtime_r(&when, &at);
      patch(record, "eventTime",
            fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", at.tm_year + 1900, at.tm_mon + 1,
                        at.tm_mday, at.tm_hour, at.tm_min, at.tm_sec));
      patch(record, "eventID", fmt::format("00000000-0000-4000-8000-{:012x}", n));
      patch(record, "accessKeyId",
            n % 997 == 0 ? std::string(kTargetKey) : fmt::format("AKIAGEN{:013}", n % 4096));
      patch(record, "userName", fmt::format("user-{}", n % 300));
      patch(record, "sourceIPAddress",
            fmt::format("{}.{}.{}.{}", 1 + n % 223, n / 7 % 256, n / 53 % 256, n / 11 % 254 + 1));
      if (!first) text += ',';
      text += record;
    }
    text += "]}";
    std::string name = fmt::format(
        "AWSLogs/111122223333/CloudTrail/us-east-1/{}/"
        "111122223333_CloudTrail_us-east-1_{}_{:016x}.json",
        day, stamp, static_cast<std::uint64_t>(f) * 2654435761u);
    write_all(corpus.plain / name, text);
    std::string compressed = gzip(text);
    write_all(corpus.gzipped / (name + ".gz"), compressed);
    corpus.plain_bytes += text.size();
    corpus.gzip_bytes += compressed.size();
  }
  corpus.records = n;
  write_all(manifest, custos::Json{{"gb", wanted},
                                   {"records", corpus.records},
                                   {"plain_bytes", corpus.plain_bytes},
                                   {"gzip_bytes", corpus.gzip_bytes}}
                          .dump());
  return corpus;
}

struct Run {
  double seconds = 0;
  double cpu = 0;  // user + system
  double peak_mb = 0;
  std::string out;
};

// `command` with stdout to a file (read back), timed, with its CPU time and peak resident memory.
// The memory is what /usr/bin/time reports: the kernel hands a process's peak on to the program
// it execs, so this (large) process's own would show in any child it started directly.
Run run(const std::vector<std::string>& command, const fs::path& out_file) {
  std::string peak_file = out_file.string() + ".peak";
  std::vector<std::string> argv = {"/usr/bin/time", "-f", "%M", "-o", peak_file};
  argv.insert(argv.end(), command.begin(), command.end());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, (out_file.string() + ".err").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int status = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  rusage usage{};
  if (status == 0) wait4(pid, &status, 0, &usage);
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
          (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  r.peak_mb = std::atof(read_all(peak_file).c_str()) / 1024.0;
  r.out = read_all(out_file);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fmt::print(stderr, "warning: {} exited with {}\n", command[0], status);
  return r;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::uint64_t lines(const std::string& text) {
  return static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
}

// The first number in `text` (DuckDB's count).
std::uint64_t number(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 10); }

struct Tool {
  std::string name;
  std::function<std::vector<std::string>()> argv;
  std::function<std::uint64_t(const std::string&)> answer;
  int runs;
};

void measure(const std::string& title, std::uint64_t bytes, const std::vector<Tool>& tools,
             const fs::path& scratch) {
  fmt::print("\n{}\n", title);
  fmt::print("  {:<44} {:>9} {:>9} {:>10} {:>9} {:>9}\n", "tool", "median s", "GB/s", "cpu s",
             "peak MB", "records");
  for (const Tool& tool : tools) {
    std::vector<double> seconds, cpu;
    double peak = 0;
    std::uint64_t answer = 0;
    for (int i = 0; i < tool.runs; ++i) {
      Run r = run(tool.argv(), scratch / "out.txt");
      seconds.push_back(r.seconds);
      cpu.push_back(r.cpu);
      peak = std::max(peak, r.peak_mb);
      answer = tool.answer(r.out);
    }
    double m = median(seconds);
    fmt::print("  {:<44} {:>9.3f} {:>9.2f} {:>9.2f} {:>10.0f} {:>9}\n", tool.name, m,
               bytes / 1e9 / m, median(cpu), peak, answer);
  }
}

// How fast this machine reads memory: memchr over 512 MB that holds no match, best of 5.
double memory_gb_per_s() {
  std::vector<char> block(std::size_t{512} << 20, 'x');
  double best = 1e9;
  for (int i = 0; i < 5; ++i) {
    auto start = std::chrono::steady_clock::now();
    const void* found = std::memchr(block.data(), 'y', block.size());
    benchmark::DoNotOptimize(found);
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return block.size() / 1e9 / best;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Tool> tools_for(const fs::path& dir, bool gzipped, int runs) {
  std::string custos = CUSTOS_BINARY;
  std::string threads = std::to_string(kThreads);
  auto files = std::make_shared<std::vector<std::string>>(files_under(dir));
  auto custos_argv = [=](std::vector<std::string> query) {
    return [=] {
      std::vector<std::string> argv = {custos,      "investigate", dir.string(),
                                       "--threads", threads,       "--no-progress"};
      argv.insert(argv.end(), query.begin(), query.end());
      return argv;
    };
  };
  auto jq_argv = [=](std::string program) {
    return [=] {
      std::vector<std::string> argv;
      if (gzipped) {
        argv = {"sh", "-c", "zcat \"$@\" | jq -c '" + program + "'", "sh"};
      } else {
        argv = {"jq", "-c", program};
      }
      argv.insert(argv.end(), files->begin(), files->end());
      return argv;
    };
  };
  std::vector<Tool> tools = {
      {fmt::format("custos --event {}", kEvent),
       custos_argv({"--event", kEvent, "--format", "jsonl"}), lines, runs},
      {fmt::format("custos --principal {}", kTargetKey),
       custos_argv({"--principal", kTargetKey, "--format", "jsonl"}), lines, runs},
      {"custos --summary (every record)", custos_argv({"--summary", "--format", "json"}),
       [](const std::string& out) -> std::uint64_t { return custos::Json::parse(out)["records"]; },
       runs},
      {fmt::format("jq select(.eventName == \"{}\")", kEvent),
       jq_argv(fmt::format(".Records[] | select(.eventName == \"{}\")", kEvent)), lines,
       std::min(runs, 3)},
      {"jq select(accessKeyId == KEY)",
       jq_argv(fmt::format(".Records[] | select(.userIdentity.accessKeyId == \"{}\")", kTargetKey)),
       lines, std::min(runs, 3)},
  };
  if (const char* duckdb = std::getenv("CUSTOS_BENCH_DUCKDB")) {
    std::string script = (fs::path(duckdb) / "custos_bench_query.mjs").string();
    write_all(script, R"js(
import { DuckDBInstance } from '@duckdb/node-api';
const [glob, column, value, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads });
const connection = await db.connect();
const columns = `{Records: 'STRUCT(eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR,
  sourceIPAddress VARCHAR, userIdentity STRUCT(arn VARCHAR, accessKeyId VARCHAR))[]'}`;
const reader = await connection.runAndReadAll(`SELECT count(*) FROM (SELECT unnest(Records) AS r
  FROM read_json('${glob}', columns = ${columns}, maximum_object_size = 67108864))
  WHERE ${column} = '${value}'`);
console.log(String(reader.getRows()[0][0]));
)js");
    std::string glob = (dir / (gzipped ? "**/*.json.gz" : "**/*.json")).string();
    auto duck = [=](std::string column, std::string value) {
      return [=] { return std::vector<std::string>{"node", script, glob, column, value, threads}; };
    };
    tools.push_back({fmt::format("duckdb read_json eventName = {}", kEvent),
                     duck("r.eventName", kEvent), number, runs});
    tools.push_back({"duckdb read_json accessKeyId = KEY",
                     duck("r.userIdentity.accessKeyId", kTargetKey), number, runs});
  }
  return tools;
}

}  // namespace

int main(int argc, char** argv) {
  double gb = argc > 1 ? std::atof(argv[1]) : 1.0;
  fs::path dir = argc > 2 ? argv[2] : "/tmp/custos-investigate-bench";
  int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  auto start = std::chrono::steady_clock::now();
  Corpus corpus = generate(gb, dir);
  fmt::print(
      "corpus: {} records, {} files, {:.2f} GB plain, {:.2f} GB gzip ({:.0f} s to make "
      "or find)\n",
      corpus.records, files_under(corpus.plain).size(), corpus.plain_bytes / 1e9,
      corpus.gzip_bytes / 1e9,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  fmt::print(
      "machine: {}, {} cores online, {} threads used by every tool; memory reads at "
      "{:.1f} GB/s (memchr, one thread); files in the page cache (warm runs)\n",
      cpu_model(), std::thread::hardware_concurrency(), kThreads, memory_gb_per_s());
  fs::path scratch = dir / "scratch";
  fs::create_directories(scratch);
  measure("plain JSON (GB/s of JSON text)", corpus.plain_bytes,
          tools_for(corpus.plain, false, runs), scratch);
  measure("gzip (GB/s of the JSON text it holds)", corpus.plain_bytes,
          tools_for(corpus.gzipped, true, runs), scratch);
  return 0;
}
