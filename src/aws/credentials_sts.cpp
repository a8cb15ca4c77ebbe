// Roles: STS AssumeRole with source credentials, and AssumeRoleWithWebIdentity with a token.
#include <ctime>
#include <memory>

#include "aws/client.h"
#include "aws/credentials_sources.h"
#include "core/error.h"

namespace custos::aws {
namespace {

// STS's answer, or the failure reworded to say which role it was for.
template <typename Call>
Json sts_answer(const std::string& what, const Call& call) {
  try {
    return call();
  } catch (const InputError& e) {
    throw InputError(what + " failed: " + e.what());
  } catch (const Error& e) {
    throw Error(what + " failed: " + e.what());
  }
}

Credentials from_answer(const Json& answer, const std::string& what) {
  auto credentials = answer.find("Credentials");
  if (credentials == answer.end()) throw Error(what + " returned no Credentials");
  return credentials_from_json(*credentials, {.token = "SessionToken"}, what);
}

}  // namespace

std::string default_role_session_name() {
  return "botocore-session-" + std::to_string(std::time(nullptr));
}

Credentials assume_role(const SessionOptions& session, const Credentials& source,
                        const Json& params, const std::string& what) {
  SessionOptions options = session;
  options.credentials = source;
  const Client client(std::make_shared<const Session>(options));
  return from_answer(sts_answer(what, [&] { return client.call("sts", "AssumeRole", params); }),
                     what);
}

Credentials assume_role_with_web_identity(const SessionOptions& session, const Json& params,
                                          const std::string& what) {
  // Unsigned, as botocore sends it: the token is the proof, and there are no credentials yet.
  const Client client = Client(std::make_shared<const Session>(session)).unsigned_requests();
  return from_answer(
      sts_answer(what, [&] { return client.call("sts", "AssumeRoleWithWebIdentity", params); }),
      what);
}

}  // namespace custos::aws
