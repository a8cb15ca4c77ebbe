// The faults the fault proxy's soak mode answers with, each in the shape the request's protocol
// gives it on AWS, so that a client must recognise throttling as each service sends it.
#pragma once

#include <string>

#include "support/fault_proxy.h"

namespace custos::test::soak {

enum class Protocol { kQuery, kEc2, kJson, kRestJson, kRestXml, kS3 };

// Told from what every signed request carries: a JSON-protocol X-Amz-Target, a query body's
// Action, and the service in the SigV4 credential scope of `authorization`.
Protocol protocol_of(const std::string& amz_target, const std::string& body,
                     const std::string& authorization);

FaultProxy::Reply throttling(Protocol protocol, const std::string& request_id);
// `status` 500 (InternalError) or 503 (ServiceUnavailable).
FaultProxy::Reply server_error(Protocol protocol, int status, const std::string& request_id);

// From an amz-sdk-request header ("ttl=...; attempt=2; max=3"): the attempt (0 when absent),
// and whether the caller will not retry this one.
int attempt_of(const std::string& sdk_request);
bool is_last_attempt(const std::string& sdk_request);

}  // namespace custos::test::soak
