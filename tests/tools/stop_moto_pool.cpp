// Stops the integration tests' moto servers (support/moto_pool.h) and their AWS CLI server
// (support/aws_cli.h), which outlive the test processes: ctest runs it after the integration
// tests, scripts/test.sh whenever it exits.
#include <exception>
#include <iostream>

#include "support/aws_cli.h"
#include "support/moto_pool.h"

int main() {
  try {
    const int stopped = custos::test::stop_moto_pool(CUSTOS_MOTO_POOL_DIR);
    const bool cli = custos::test::stop_aws_cli_server(CUSTOS_MOTO_POOL_DIR);
    std::cout << "stopped " << stopped << " moto server(s)"
              << (cli ? " and the AWS CLI server" : "") << " of " << CUSTOS_MOTO_POOL_DIR << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stop_moto_pool: " << e.what() << "\n";
    return 1;
  }
}
