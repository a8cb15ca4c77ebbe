// grant-count on kms aliases against moto: two keys, one with three grants, one with none.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class GrantCountTest : public ActionTest {
 protected:
  Json kept(const std::string& filter) const {
    // moto lists the aliases of AWS managed keys it has not made (ListGrants fails on them).
    return matched_by(
        "policies:\n  - name: grants\n    resource: kms\n    filters:\n"
        "      - {type: value, key: AliasName, op: regex, value: 'alias/(busy|quiet)'}\n"
        "      - " +
            filter + "\n",
        "grants");
  }
};

// Cloud Custodian's kms-grants, with thresholds either side of the count.
TEST_F(GrantCountTest, AliasesWhoseKeyHasAtLeastMinGrants) {
  for (const char* name : {"busy", "quiet"}) {
    std::string key = aws_cli({"kms", "create-key"})["KeyMetadata"]["KeyId"];
    aws_cli({"kms", "create-alias", "--alias-name", std::string("alias/") + name, "--target-key-id",
             key});
    if (std::string(name) == "busy")
      for (int i = 0; i < 3; ++i)
        aws_cli({"kms", "create-grant", "--key-id", key, "--grantee-principal",
                 "arn:aws:iam::123456789012:role/reader", "--operations", "Decrypt"});
  }
  Json three = kept("{type: grant-count, min: 3}");
  ASSERT_EQ(three.size(), 1u) << three.dump();
  EXPECT_EQ(three[0]["AliasName"], "alias/busy");
  EXPECT_EQ(three[0]["GrantCount"], 3);
  EXPECT_EQ(kept("{type: grant-count, min: 4}").size(), 0u);
  EXPECT_EQ(kept("{type: grant-count, min: 0}").size(), 2u);
  EXPECT_EQ(kept("grant-count").size(), 0u);  // at least 5 by default
}

}  // namespace
}  // namespace custos::test
