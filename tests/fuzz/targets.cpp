#include "targets.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "investigate/flow.h"
#include "investigate/inputs.h"
#include "investigate/trail.h"
#include "policy/event.h"
#include "policy/policy.h"
#include "policy/safety.h"
#include "policy/source.h"
#include "resources/builtin.h"

namespace custos::fuzz {
namespace {

void policy_file(std::string_view input) {
  expect_clear_errors([&] {
    auto source = policy::SourceDocument::parse(std::string(input), "fuzz.yml");
    policy::compile_policies(source, resources::builtin_registry());
  });
}

const std::vector<policy::Policy>& event_policies() {
  static const auto policies = [] {
    auto source = policy::SourceDocument::parse(R"(policies:
  - name: ec2-finding
    resource: aws.ec2
    mode: {type: guard-duty}
  - name: key-finding
    resource: aws.iam-user
    mode: {type: guard-duty}
  - name: bucket-finding
    resource: aws.s3
    mode: {type: guard-duty}
  - name: trail-stopped
    resource: aws.ec2
    mode:
      type: cloudtrail
      events:
        - RunInstances
        - {source: cloudtrail.amazonaws.com, event: StopLogging, ids: requestParameters.name}
)",
                                                "fuzz-policies.yml");
    return policy::compile_policies(source, resources::builtin_registry());
  }();
  return policies;
}

void eventbridge_event(std::string_view input) {
  expect_clear_errors([&] {
    Json event = policy::parse_event(std::string(input), "fuzz.json");
    policy::event_account(event);
    for (const auto& p : event_policies()) policy::event_target(p, event);
  });
}

// The scanners read files: each input is written to a file of this process's own, named on
// the scan's command line (so read whatever its name), and removed when the process ends.
std::string file_with(std::string_view input) {
  struct ScratchFile {
    std::string path =
        (std::filesystem::temp_directory_path() / ("custos-fuzz-" + std::to_string(::getpid())))
            .string();
    ~ScratchFile() { std::filesystem::remove(path); }
  };
  static const ScratchFile file;
  std::ofstream(file.path, std::ios::binary)
      .write(input.data(), static_cast<std::streamsize>(input.size()));
  return file.path;
}

// The input as a CloudTrail file (plain or gzip) through the whole scan: prefilter, reader,
// matcher, summary and the table writer. A file that cannot be read is reported, not thrown.
void cloudtrail_log(std::string_view input) {
  investigate::InputSet inputs({file_with(input)},
                               {investigate::LogKind::kCloudTrail, {}, {}, {}, {}}, nullptr);
  for (bool summarise : {false, true}) {
    investigate::TrailScan scan;
    scan.query.principals = {"AKIAIOSFODNN7EXAMPLE", "alice"};
    scan.query.events = {"Get*", "[!x]ecrypt"};
    scan.query.ips = {"10.0.0.0/8", "192.0.2.1"};
    scan.query.errors = summarise;
    if (summarise) scan.query = {};
    scan.summarise = summarise;
    scan.format = investigate::OutputFormat::kTable;
    scan.settings.threads = 1;
    expect_clear_errors([&] {
      auto answer = investigate::scan_trail(
          scan, inputs, [](std::string_view) {}, [](const investigate::Skipped&) {});
      if (summarise) investigate::trail_summary_text(answer.summary);
    });
  }
}

// The input as a VPC flow log (header or default format, plain or gzip), filtered, written as
// a table and summarised.
void flow_log(std::string_view input) {
  investigate::InputSet inputs({file_with(input)},
                               {investigate::LogKind::kFlowLogs, {}, {}, {}, {}}, nullptr);
  investigate::FlowScan scan;
  scan.query.ips = {"10.0.0.0/8", "2001:db8::1"};
  scan.query.ports = {22};
  scan.format = investigate::OutputFormat::kTable;
  scan.summarise = true;
  scan.settings.threads = 1;
  expect_clear_errors([&] {
    auto answer = investigate::scan_flows(
        scan, inputs, [](std::string_view) {}, [](const investigate::Skipped&) {});
    investigate::flow_summary_text(answer.summary);
  });
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = [] {
    std::vector<Target> every = lower_layer_targets();
    every.insert(every.end(), {
                                  {"policy", policy_file, {"policies", "fuzz/policy"}},
                                  {"event", eventbridge_event, {"events", "fuzz/event"}},
                                  {"cloudtrail", cloudtrail_log, {"cloudtrail", "fuzz/cloudtrail"}},
                                  {"flowlog", flow_log, {"flowlogs", "fuzz/flowlog"}},
                              });
    return every;
  }();
  return all;
}

}  // namespace custos::fuzz
