// The independent answer of the investigate tests: jq (Debian's), run at test time over the same
// files, and the comparisons that treat both answers alike.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "support/paths.h"
#include "support/process.h"

namespace custos::investigate::test {

// Who a record names, as TrailRecord::principal() and --principal read it.
inline constexpr const char* kJqDefs = R"jq(
def principal: (.userIdentity // {}) | [.arn, .invokedBy, .principalId, .accountId, .type]
  | map(select(. != null and . != "")) | .[0] // "-";
def principal_names: .userIdentity as $u | [$u.arn, $u.userName, $u.accessKeyId,
  $u.principalId, $u.sessionContext.sessionIssuer.userName, $u.sessionContext.sessionIssuer.arn,
  (($u.arn // "") | if test(":assumed-role/") then split("/")[2:] | join("/") else null end)];
def names_resource($ids): [(.requestParameters, .responseElements, .resources,
  .additionalEventData, .serviceEventDetails) | .. | strings] as $s
  | [$s[] as $x | $ids[] as $id
     | $x == $id or ($x | endswith("/" + $id)) or ($x | endswith(":" + $id))] | any;
def reads: if .readOnly != null then .readOnly elif .eventName == null then null
  else .eventName | test("^(Describe|List|Get|Head|Lookup|Search)") end;
def event_label: ((.eventSource // "") | split(".")[0] // "") + ":" + (.eventName // "");
)jq";

// jq 1.6 holds numbers as doubles: both answers are compared with theirs made doubles too.
inline Json as_doubles(const Json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_array() || value.is_object()) {
    Json copy = value;
    for (auto& item : copy) item = as_doubles(item);
    return copy;
  }
  return value;
}

// One JSON value a line, as a list.
inline Json json_lines(const std::string& text) {
  Json list = Json::array();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) list.push_back(as_doubles(Json::parse(line)));
  return list;
}

// jq's output for `program` over `files` (extra options before the program, e.g. -s, -r).
inline std::string jq_text(const std::string& program, const std::vector<std::string>& files,
                           const std::vector<std::string>& options = {"-c"}) {
  std::vector<std::string> argv = {"jq"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(program);
  argv.insert(argv.end(), files.begin(), files.end());
  auto result = custos::test::run_process(argv);
  EXPECT_EQ(result.exit_code, 0) << "jq " << program << ": " << result.err;
  return result.out;
}

inline Json jq_lines(const std::string& program, const std::vector<std::string>& files) {
  return json_lines(jq_text(program, files));
}

// A folder of its own for one test binary's files.
inline std::filesystem::path scratch_folder(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("custos-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_gzip(const std::string& path, const std::string& text) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr) << path;
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(out);
}

}  // namespace custos::investigate::test
