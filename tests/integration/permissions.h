// Checking that a least-privilege IAM document (`custos schema --permissions`) allows the calls
// a response made.
#pragma once

#include <set>
#include <string>

namespace custos::test {

// The IAM action that allows SERVICE's Operation: the same name, but for the S3 calls whose IAM
// action is named otherwise (AWS's Service Authorization Reference for Amazon S3).
std::string iam_action(const std::string& service, const std::string& operation);
// The actions `custos schema --permissions` printed (its policy document's first statement).
std::set<std::string> allowed_actions(const std::string& schema_output);

}  // namespace custos::test
