// The rows of the data-only resource types' moto tests (src/resources/services.h): how to
// create one resource of each type with the in-process client, and the id custos must list.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"

namespace custos::test {

struct Call {
  std::string service;
  std::string operation;
  // JSON; string values starting with '=' are JMESPath over the answers so far (`=[0].Id`).
  std::string params;
};

struct Row {
  std::string type;
  std::vector<Call> setup;
  std::string id;      // JMESPath over the setup calls' answers: the id custos must list
  bool tagged;         // the resource was created with the tag team=blue
  std::string skip{};  // why moto 5.2.1 cannot serve this type, when it cannot
  // Calls that bring the resource into a state `delete` acts in (a notebook must be stopped).
  std::vector<Call> before_delete{};
  // Why moto 5.2.1 cannot answer a delete of what is gone as AWS does, when it cannot.
  std::string moto_redelete{};
  // Why moto 5.2.1 still lists what was deleted (AWS does not), when it does.
  std::string moto_lists_deleted{};
};

// gtest's description of a row: its type.
void PrintTo(const Row& row, std::ostream* out);

// One row a type, in the order of the files that define the types.
std::vector<Row> rows();
// The row of `type` ("rds"); the test fails when there is none.
const Row& row_of(const std::string& type);

// CreateDBInstance of db1 (postgres) with `tags` (a JSON list).
Call db_instance(const std::string& tags);

// `params` with each "=EXPR" string replaced by EXPR's value over `answers`.
Json resolve(const Json& params, const Json& answers);
// Makes `row`'s resource (and what it needs) with `aws`: the setup calls' answers, in order.
Json create(const Row& row, const aws::Client& aws);

}  // namespace custos::test
