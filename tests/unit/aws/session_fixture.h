// The environment the Session tests run in: a temporary HOME for ~/.aws files, no AWS_*
// variables but AWS_EC2_METADATA_DISABLED (no test may reach 169.254.169.254), all restored after.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "aws/config.h"
#include "core/error.h"

extern char** environ;

namespace custos::aws::test {

namespace fs = std::filesystem;

constexpr const char* kSecret = "wJalrXUtnFEMI-K7MDENG-SECRET";

inline SessionOptions profile_option(std::string profile) {
  SessionOptions options;
  options.profile = std::move(profile);
  return options;
}
inline SessionOptions region_option(std::string region) {
  SessionOptions options;
  options.region = std::move(region);
  return options;
}
inline SessionOptions endpoint_option(std::string url) {
  SessionOptions options;
  options.endpoint_url = std::move(url);
  return options;
}

inline std::string iso_time(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// Each test runs with a fresh temporary HOME and no AWS_* variables; all are restored after.
class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      std::string text = *entry;
      auto equals = text.find('=');
      auto name = text.substr(0, equals);
      if (name.starts_with("AWS_") || name == "HOME") saved_[name] = text.substr(equals + 1);
    }
    for (const auto& [name, value] : saved_) unsetenv(name.c_str());
    std::string pattern = (fs::temp_directory_path() / "custos-config-XXXXXX").string();
    home_ = mkdtemp(pattern.data());
    fs::create_directories(home_ / ".aws");
    setenv("HOME", home_.c_str(), 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  }

  void TearDown() override {
    for (char** entry = environ; *entry != nullptr;) {
      std::string name(*entry, std::strchr(*entry, '=') - *entry);
      if (name.starts_with("AWS_") || name == "HOME") {
        unsetenv(name.c_str());  // shifts environ: look at the same slot again
      } else {
        ++entry;
      }
    }
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
    fs::remove_all(home_);
  }

  void write(const std::string& relative, const std::string& text) {
    std::ofstream(home_ / relative) << text;
  }
  void config(const std::string& text) { write(".aws/config", text); }
  void credentials(const std::string& text) { write(".aws/credentials", text); }
  std::string path(const std::string& relative) const { return (home_ / relative).string(); }

  // The message of the custos::Error that `action` throws ("" when it throws none).
  template <typename Exception = Error>
  static std::string error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const Exception& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an exception";
    return "";
  }

  fs::path home_;
  std::map<std::string, std::string> saved_;
};

}  // namespace custos::aws::test
