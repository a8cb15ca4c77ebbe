#include "policy/output.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "core/error.h"

namespace custos::policy {

PolicyOutput::PolicyOutput(const std::string& output_dir, const std::string& policy_name)
    : folder_(output_dir + "/" + policy_name) {
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  if (error) throw Error("cannot create output folder " + folder_ + ": " + error.message());
  log_.open(folder_ + "/custodian-run.log", std::ios::app);
  if (!log_) throw Error("cannot write " + folder_ + "/custodian-run.log");
}

void PolicyOutput::log(const std::string& level, const std::string& message) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  log_ << fmt::format("{:%Y-%m-%d %H:%M:%S},{:03d} - custodian.policy - {} - {}\n",
                      fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                      static_cast<int>(ms.count()), level, message);
  log_.flush();
}

// Two runs may share an output folder (two processes given one finding, watch's workers), so
// each write has a temporary of its own: the last complete file wins, and none is half-written.
void PolicyOutput::write(const std::string& file_name, const Json& document) const {
  write_text(file_name, document.dump(2));
}

void PolicyOutput::write_text(const std::string& file_name, const std::string& text) const {
  static std::atomic<unsigned> writes{0};
  std::string path = folder_ + "/" + file_name;
  std::string temporary =
      fmt::format("{}.{}-{}.tmp", path, static_cast<long>(::getpid()), writes.fetch_add(1));
  std::error_code error;
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text << "\n";
    if (!out) error = std::make_error_code(std::errc::io_error);
  }
  if (!error) std::filesystem::rename(temporary, path, error);  // readers never see half a file
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error("cannot write " + path + ": " + error.message());
  }
}

}  // namespace custos::policy
