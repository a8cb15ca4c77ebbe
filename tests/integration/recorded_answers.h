// Real AWS answers for services moto cannot serve: Cloud Custodian's placebo recordings
// (boto3-parsed, tests/data/responses/cloud-custodian-placebo/TEST__SERVICE.Operation_N.json)
// put back on the wire in the protocol the service's botocore model names, by a proxy in front
// of moto. The serializer here reads botocore's JSON itself, apart from custos's client, so a
// test over it checks the client's parsing against an independent writer.
#pragma once

#include <string>

#include "core/json.h"
#include "support/fault_proxy.h"

namespace custos::test {

// The proxy answers each call recorded under placebo test `test` with its recordings in order
// (the Nth request for an operation gets recording N, the last again after that); other calls
// reach the proxy's upstream. Throws std::runtime_error when `test` has no recordings.
void answer_from_recordings(FaultProxy& proxy, const std::string& test);

// A placebo recording's datetimes ({"__class__": "datetime", "year": ...}) as the epoch seconds
// the JSON protocols carry.
Json epoch_dates(Json value);

}  // namespace custos::test
