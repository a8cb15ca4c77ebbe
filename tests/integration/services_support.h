// Protocol tests over real HTTP: custos's client calls moto through a recording proxy, and every
// parsed result must equal what botocore parses from the same response bytes.
#pragma once

#include <string>
#include <vector>

#include "integration/fixture.h"
#include "support/fault_proxy.h"

namespace custos::test {

// Timestamps as one canonical string (the CLI and custos may differ in fractions or "Z"), and
// ResponseMetadata dropped (the CLI does not print it): for comparing printed documents.
Json normalized(const Json& document);

class ServicesTest : public IntegrationTest {
 protected:
  // Checks every recorded call against botocore.
  void TearDown() override;

  // Calls through the recording proxy and returns custos's result; a refusal comes back as
  // {"Error": {"Code", "Message"}} when `expect_error` (and fails the test otherwise).
  Json call(const std::string& service, const std::string& operation,
            const Json& params = Json::object(), bool expect_error = false);
  // `custos call SERVICE OPERATION --params JSON [extra...]` against moto; its parsed stdout.
  Json custos_call(const std::string& service, const std::string& operation,
                   const Json& params = Json::object(),
                   const std::vector<std::string>& extra = {}) const;
  std::size_t recorded_calls() const { return calls_.size(); }

 private:
  struct Recorded {
    std::string service, operation;
    Json params, result;
    std::size_t arrival;  // index into the proxy's arrivals
  };
  FaultProxy proxy_{emulator().url()};
  std::vector<Recorded> calls_;
};

}  // namespace custos::test
