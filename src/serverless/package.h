// `custos package`: the code of a Lambda function (runtime provided.al2023) that runs policies:
// custos, the shared libraries it runs with and their dynamic loader (Debian 12's glibc is newer
// than Amazon Linux 2023's, see docs/deploy.md), a `bootstrap` script starting it, the botocore
// models its policies call, and the policy files.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "policy/policy.h"

namespace custos::serverless {

struct PackageOptions {
  std::vector<std::string> policy_files;
  std::vector<std::string> extra_services;  // botocore models to add to those policies call
};

struct Package {
  std::string zip;
  std::vector<std::string> policies;  // the policy names, which are the functions' handlers
  std::set<std::string> services;     // the botocore models it holds
  std::size_t files = 0;
  std::size_t unpacked_bytes = 0;
};

// Lambda refuses a zip uploaded directly above this.
constexpr std::size_t kMaxZipBytes = 50ull * 1024 * 1024;

// Builds the zip from the running custos and the libraries it has loaded. Throws InputError
// for an invalid policy file, two policies of one name, or a service custos has no model of.
Package build_package(const PackageOptions& options);

// The botocore services (ec2, resourcegroupstaggingapi) the policies' calls go to, with STS
// (the account id, member roles) and S3 (the journal) which every function may call.
std::set<std::string> services_of(const std::vector<policy::Policy>& policies);

// Where the runtime finds the policy a function runs (its handler names it) in a package's
// policies/ folder. Throws InputError when no file there has it.
std::string find_policy_file(const std::string& folder, const std::string& policy_name);

}  // namespace custos::serverless
