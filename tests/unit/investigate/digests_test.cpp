// `custos investigate --verify-digests` on a trail generated at test time as CloudTrail writes
// one (tests/unit/investigate/digest_trail.h): it holds; then an edited log file, a removed one,
// a broken link of the digest chain, a removed digest and files outside every digest are each
// reported, with exit code 1; bad input is named in one line with exit code 2. The signature
// check itself runs in-process here (a local copy has no S3 metadata) and from S3 in
// tests/integration/digest_test.cpp.
#include <gtest/gtest.h>

#include "aws/protocol_codec.h"
#include "core/error.h"
#include "investigate/digest_keys.h"
#include "support/paths.h"
#include "support/process.h"
#include "unit/investigate/digest_trail.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;
using custos::test::custos_binary;
using custos::test::run_process;

class DigestVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_folder(std::string("digests-") +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    trail_ = test::make_trail(dir_ / "trail", "trail-bucket", key_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  custos::test::ProcessResult verify(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {custos_binary(), "investigate", "--no-progress",
                                     "--verify-digests", (dir_ / "trail").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_process(args);
  }

  // file: status, from --format json.
  std::map<std::string, std::string> statuses(const custos::test::ProcessResult& result) const {
    std::map<std::string, std::string> out;
    Json answer = Json::parse(result.out);
    for (const Json& file : answer["files"]) out[file["file"]] = file["status"];
    return out;
  }

  static inline test::TestKey key_;
  fs::path dir_;
  test::GeneratedTrail trail_;
};

TEST_F(DigestVerify, AGeneratedTrailHolds) {
  ASSERT_EQ(trail_.logs.size(), 8u);
  auto result = verify({"--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json answer = Json::parse(result.out);
  EXPECT_TRUE(answer["holds"]);
  EXPECT_EQ(answer["counts"], Json({{"ok", 8}, {"signature not checked", 3}}));
  for (const Json& file : answer["files"]) {
    if (file["kind"] != "digest") continue;
    EXPECT_EQ(file["detail"],
              "local copy: signatures are kept in S3 object metadata; verify from s3://");
  }
  auto table = verify();
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("8 log files and 3 digests: 8 ok, 3 signature not checked — the "
                           "trail holds"),
            std::string::npos)
      << table.out;
}

// An organization trail keeps each member account's files below AWSLogs/o-.../ACCOUNT/.
TEST_F(DigestVerify, AnOrganizationTrailHoldsAndAnEditIsFound) {
  fs::remove_all(dir_ / "trail");
  trail_ = test::make_trail(dir_ / "trail", "trail-bucket", key_, "o-a1b2c3d4e5");
  ASSERT_NE(trail_.logs[0].find("AWSLogs/o-a1b2c3d4e5/218007301253/CloudTrail/"),
            std::string::npos);
  auto holds = verify({"--format", "json"});
  EXPECT_EQ(holds.exit_code, 0) << holds.out << holds.err;
  EXPECT_EQ(Json::parse(holds.out)["counts"], Json({{"ok", 8}, {"signature not checked", 3}}));
  test::rewrite_gzip(trail_.path(trail_.logs[2]), [](std::string text) { return text + " "; });
  auto edited = verify({"--format", "json"});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_EQ(statuses(edited)[trail_.path(trail_.logs[2])], "altered");
}

TEST_F(DigestVerify, AnEditedLogFileIsAltered) {
  std::string edited = trail_.path(trail_.logs[4]);
  test::rewrite_gzip(edited, [](std::string text) {
    text.replace(text.find("\"eventName\":"), 12, "\"eventName\": ");  // one byte more
    return text;
  });
  auto result = verify({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  auto found = statuses(result);
  EXPECT_EQ(found[edited], "altered");
  EXPECT_EQ(found[trail_.path(trail_.logs[3])], "ok");
  EXPECT_EQ(Json::parse(result.out)["counts"]["altered"], 1);
}

TEST_F(DigestVerify, ARemovedLogFileIsMissing) {
  fs::remove(trail_.path(trail_.logs[0]));
  auto result = verify();
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("missing"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(trail_.path(trail_.logs[0])), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("the trail does NOT hold"), std::string::npos) << result.out;
}

TEST_F(DigestVerify, ABrokenChainLinkIsReported) {
  std::string second = trail_.path(trail_.digests[1]);
  test::rewrite_gzip(second, [](const std::string& text) {
    Json digest = Json::parse(text);
    digest["previousDigestHashValue"] = std::string(64, '0');
    return digest.dump();
  });
  auto result = verify({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1);
  auto found = statuses(result);
  EXPECT_EQ(found[second], "chain broken");
  EXPECT_EQ(found[trail_.path(trail_.digests[0])], "signature not checked");
  // The edit changed the second digest's own text too, which the third one's link catches.
  EXPECT_EQ(found[trail_.path(trail_.digests[2])], "chain broken");

  // An edited earlier digest breaks its successor's link the same way.
  fs::remove_all(dir_ / "trail");
  trail_ = test::make_trail(dir_ / "trail", "trail-bucket", key_);
  test::rewrite_gzip(trail_.path(trail_.digests[0]), [](std::string text) { return text + " "; });
  EXPECT_EQ(statuses(verify({"--format", "json"}))[second], "chain broken");
}

TEST_F(DigestVerify, ARemovedDigestIsMissingAndItsFilesAreInNone) {
  fs::remove(trail_.path(trail_.digests[1]));
  auto result = verify({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1);
  auto found = statuses(result);
  EXPECT_EQ(found[trail_.path(trail_.digests[1])], "missing");
  EXPECT_EQ(found[trail_.path(trail_.logs[5])], "not in any digest");
  EXPECT_EQ(found[trail_.path(trail_.logs[0])], "ok");
}

TEST_F(DigestVerify, FilesOutsideEveryDigestAndFilesNotYetDigested) {
  std::string folder = fs::path(trail_.path(trail_.logs[0])).parent_path().string();
  std::string added = folder + "/218007301253_CloudTrail_us-east-1_20230710T1210Z_added.json.gz";
  std::string later = folder + "/218007301253_CloudTrail_us-east-1_20230710T1405Z_later.json.gz";
  fs::copy_file(trail_.path(trail_.logs[0]), added);
  fs::copy_file(trail_.path(trail_.logs[0]), later);
  auto found = statuses(verify({"--format", "json"}));
  EXPECT_EQ(found[added], "not in any digest");
  EXPECT_EQ(found[later], "not yet digested");
  fs::remove(added);
  EXPECT_EQ(verify().exit_code, 0);  // a file the next digest will list is no failure
}

TEST_F(DigestVerify, BadInputIsOneLineNamingTheFileAndExitTwo) {
  custos::test::write_file((dir_ / "keys.pem").string(),
                           "-----BEGIN PUBLIC KEY-----\nnot base64\n");
  auto keys = verify({"--public-keys", (dir_ / "keys.pem").string()});
  EXPECT_EQ(keys.exit_code, 2);
  EXPECT_NE(keys.err.find((dir_ / "keys.pem").string() + ": no public key in it"),
            std::string::npos)
      << keys.err;

  std::string digest = trail_.path(trail_.digests[2]);
  test::write_gzip(digest, "this is not JSON");
  auto bad = verify();
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(digest + ": not a CloudTrail digest"), std::string::npos) << bad.err;

  fs::remove_all(dir_ / "trail/AWSLogs/218007301253/CloudTrail-Digest");
  auto none = verify();
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no CloudTrail digest file under " + (dir_ / "trail").string()),
            std::string::npos)
      << none.err;

  auto flag = verify({"--principal", "alice"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--principal does not apply to --verify-digests"), std::string::npos)
      << flag.err;
}

// --since/--until check the digests whose hours meet the window and their files; the digest
// before the window still anchors the chain, and what lies outside the window is not reported.
TEST_F(DigestVerify, AWindowChecksItsHoursAndTheLinkIntoThem) {
  fs::remove(trail_.path(trail_.logs[0]));  // in the first hour, 11:00-12:00
  auto later = verify({"--since", "2023-07-10T12:30:00Z", "--format", "json"});
  EXPECT_EQ(later.exit_code, 0) << later.out << later.err;
  auto found = statuses(later);
  EXPECT_EQ(found.size(), 3u + 2u);  // logs 5-7 and the last two digests
  EXPECT_EQ(found[trail_.path(trail_.logs[5])], "ok");
  EXPECT_EQ(found.count(trail_.path(trail_.digests[0])), 0u);

  auto first = verify({"--until", "2023-07-10T12:00:00Z", "--format", "json"});
  EXPECT_EQ(first.exit_code, 1);
  found = statuses(first);
  EXPECT_EQ(found[trail_.path(trail_.logs[0])], "missing");
  EXPECT_EQ(found.count(trail_.path(trail_.logs[5])), 0u);
  EXPECT_EQ(found.count(trail_.path(trail_.digests[1])), 0u);

  // An edited digest before the window breaks the link into it.
  test::rewrite_gzip(trail_.path(trail_.digests[0]), [](std::string text) { return text + " "; });
  found = statuses(verify({"--since", "2023-07-10T12:30:00Z", "--format", "json"}));
  EXPECT_EQ(found[trail_.path(trail_.digests[1])], "chain broken");

  auto none = verify({"--since", "2023-07-11T00:00:00Z"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no CloudTrail digest under the sources covers 2023-07-11T00:00:00Z"),
            std::string::npos)
      << none.err;
}

// The signature CloudTrail makes (test/digest_trail.h signs as AWS documents it), checked with
// the key from a PEM file: valid; any change to what was signed, or another key, is caught.
TEST(DigestSignature, VerifiesWhatCloudTrailSigns) {
  fs::path dir = test::scratch_folder("digest-signature");
  test::TestKey key;
  test::GeneratedTrail trail = test::make_trail(dir / "trail", "trail-bucket", key);
  custos::test::write_file((dir / "key.pem").string(), key.public_pem());
  PublicKeys keys;
  keys.add_file((dir / "key.pem").string());
  ASSERT_TRUE(keys.has(key.fingerprint()));
  for (const std::string& digest_key : trail.digests) {
    std::string text = test::gunzip_file(trail.path(digest_key));
    std::string signed_text = digest_signing_string(Json::parse(text), sha256_hex(text));
    const std::string& signature = trail.signatures.at(digest_key);
    EXPECT_EQ(keys.verify(key.fingerprint(), "SHA256withRSA", signed_text, signature),
              SignatureCheck::kValid)
        << digest_key;
    EXPECT_EQ(keys.verify(key.fingerprint(), "SHA256withRSA", signed_text + "x", signature),
              SignatureCheck::kInvalid);
    EXPECT_EQ(
        keys.verify("0123456789abcdef0123456789abcdef", "SHA256withRSA", signed_text, signature),
        SignatureCheck::kNoKey);
    EXPECT_EQ(keys.verify(key.fingerprint(), "SHA1withRSA", signed_text, signature),
              SignatureCheck::kUnsupported);
  }
  // The first digest signs "null" for the previous signature, as the AWS CLI does.
  std::string first = test::gunzip_file(trail.path(trail.digests[0]));
  EXPECT_TRUE(digest_signing_string(Json::parse(first), "h").ends_with("\nh\nnull"));
  fs::remove_all(dir);
}

// The independent check of the generated signatures: the AWS CLI's own validator
// (awscli.customizations.cloudtrail.validation.Sha256RSADigestValidator, Debian's AWS CLI v2)
// accepts every digest, and refuses one changed after signing, as custos does.
TEST(DigestSignature, TheAwsClisValidatorAgrees) {
  fs::path dir = test::scratch_folder("digest-awscli");
  test::TestKey key;
  test::GeneratedTrail trail = test::make_trail(dir / "trail", "trail-bucket", key);
  Json signatures = trail.signatures;
  custos::test::write_file((dir / "signatures.json").string(), signatures.dump());
  test::rewrite_gzip(trail.path(trail.digests[1]), [](std::string text) { return text + " "; });
  const char* script = R"py(
import base64, gzip, json, sys
from awscli.customizations.cloudtrail.validation import Sha256RSADigestValidator, DigestError
root, bucket, key = sys.argv[1], sys.argv[2], sys.argv[3]
for name, signature in sorted(json.load(open(root + "/signatures.json")).items()):
    inflated = gzip.open(root + "/trail/" + name).read()
    data = json.loads(inflated)
    data["_signature"] = signature
    try:
        Sha256RSADigestValidator().validate(bucket, name, key, data, inflated)
        print("valid")
    except DigestError:
        print("INVALID")
)py";
  auto result = run_process({"/usr/bin/python3", "-c", script, dir.string(), "trail-bucket",
                             aws::codec::base64_encode(key.pkcs1_der())});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "valid\nINVALID\nvalid\n");
  fs::remove_all(dir);
}

// The pair AWS publishes in the AWS CLI's list-public-keys example: the key's fingerprint is
// the MD5 of its DER PKCS#1 form (not of the SubjectPublicKeyInfo a PEM "PUBLIC KEY" holds).
TEST(DigestSignature, FingerprintsAreCloudTrails) {
  PublicKeys keys;
  keys.add_file(custos::test::data_path("cloudtrail/aws-cli-examples/list-public-keys.json"));
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_TRUE(keys.has("7f3f401420072e50a65a141430817ab3"));
}

}  // namespace
}  // namespace custos::investigate
