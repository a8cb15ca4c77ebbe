// Accounts to audit (`custos gameday --seed-only unprepared-account|prepared-account`): a fresh,
// careless account (no trail, no detector, an open security group, a console user without MFA,
// untagged resources) or a well-prepared one, seeded on an emulator for `custos audit`.
#pragma once

#include <ostream>
#include <string>

#include "aws/client.h"
#include "aws/config.h"
#include "core/json.h"

namespace custos::gameday {

// Seeds `seed` ("unprepared-account" or "prepared-account") through `client` (whose region is
// the audited one); `s3control` reaches S3 Control (its {AccountId}. host prefix needs a name
// that resolves: http://localhost:PORT on moto). Returns {check name: [offending ids]}: what each
// check of the preparation pack must report on this account (nothing, on the prepared one).
// Throws InputError for another name.
Json seed_account(const std::string& seed, const aws::Client& client, const aws::Client& s3control);

// The --seed-only entry point: starts moto (or uses `aws`'s loopback endpoint), seeds, prints
// the endpoint and the command that audits it, and leaves the server running. Throws
// InputError for an unknown seed or an endpoint that is not on this machine.
int run_account_seed(const std::string& seed, const aws::SessionOptions& aws, std::ostream& out);

}  // namespace custos::gameday
