// Integration tests run custos and Debian's AWS CLI v2 against a moto server on 127.0.0.1 that
// this process holds alone (from the pool of support/moto_pool.h), reset before each test so
// every test starts from an empty account.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "support/moto_pool.h"
#include "support/process.h"

namespace custos::test {

// `text` holds `part`.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

MotoSlot& emulator();

class IntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Debian's AWS CLI v2 (/usr/bin/aws, run warm: support/aws_cli.h) against the emulator;
  // parses its JSON output.
  // Fails the test when the command fails.
  Json aws_cli(const std::vector<std::string>& args) const;
  // The same command, for when an error is an answer the test reads.
  ProcessResult try_aws_cli(const std::vector<std::string>& args) const;
  // The custos binary with the emulator as its endpoint (AWS_ENDPOINT_URL) and test keys.
  ProcessResult custos(const std::vector<std::string>& args,
                       std::map<std::string, std::string> env = {}) const;
  // The same, in the background.
  std::unique_ptr<StartedProcess> start_custos(const std::vector<std::string>& args,
                                               std::map<std::string, std::string> env = {}) const;
  // An in-process client for the emulator.
  aws::Client client() const;
  // A fresh folder for this test's files.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const;

  // A VPC (10.0.0.0/16) with a subnet in us-east-1a (10.0.1.0/24) and one in us-east-1b
  // (10.0.2.0/24), what load balancers need: {VPC id, subnet ids}.
  std::pair<std::string, std::vector<std::string>> vpc_with_two_subnets() const;
  // Creates a role + instance profile and runs one instance with it, tagged custodian.
  std::string run_instance_with_profile(const std::string& profile_name) const;
  std::string instance_state(const std::string& instance_id) const;
  // The volumes attached to the instance, and the snapshots custos took of them
  // (tag custos:instance-id).
  std::size_t volumes_of(const std::string& instance_id) const;
  std::size_t snapshots_of(const std::string& instance_id) const;

 private:
  std::filesystem::path dir_;
};

// The environment both clients get: dummy keys, the emulator's region, no user config.
std::map<std::string, std::string> emulator_env();

}  // namespace custos::test
