// Answers, in AWS's shape, for calls moto 5.2.1 cannot serve that a test's listing needs: the
// proxy in front of moto gives them, and everything else reaches the emulator.
#pragma once

#include "support/fault_proxy.h"

namespace custos::test {

// ListInstanceProfileTags (listing aws.iam-profile reads each profile's tags): no tags.
void answer_instance_profile_tags(FaultProxy& proxy);

}  // namespace custos::test
