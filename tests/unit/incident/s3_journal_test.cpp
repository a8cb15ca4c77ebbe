// The pure parts of the S3 journal: where each object is kept, a record's object and back (and
// the errors for objects that are not records or come from a newer custos), and verification
// against a head object that may lag behind the newest record.
#include "incident/s3_journal.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace custos::incident {
namespace {

const std::string kIncident = "INC-20261205-3fa4c2d1";

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<Link> chain(int count) {
  std::vector<Link> links;
  std::string prev = genesis_hash(kIncident);
  for (int n = 1; n <= count; ++n) {
    links.push_back(next_link(kIncident, n, prev, n == 1 ? "opened" : "started",
                              n == 1 ? Json() : Json{{"policy", "p"}, {"resource", "i-1"}},
                              {{"n", n}}));
    prev = links.back().hash;
  }
  return links;
}

TEST(S3Layout, KeysUnderThePrefix) {
  S3Layout layout("s3://journal-bucket/custos/prod/");
  EXPECT_EQ(layout.url(), "s3://journal-bucket/custos/prod");
  EXPECT_EQ(layout.bucket(), "journal-bucket");
  EXPECT_EQ(layout.marker(), "custos/prod/journal.json");
  EXPECT_EQ(layout.record(kIncident, 42),
            "custos/prod/incidents/INC-20261205-3fa4c2d1/records/00000042.json");
  EXPECT_EQ(layout.head(kIncident), "custos/prod/incidents/INC-20261205-3fa4c2d1/head.json");
  std::string trigger = layout.trigger("guardduty:abc");
  EXPECT_TRUE(trigger.starts_with("custos/prod/keys/")) << trigger;
  EXPECT_EQ(trigger.size(), std::string("custos/prod/keys/").size() + 64 + 5);
  EXPECT_NE(trigger, layout.trigger("guardduty:abd"));
  EXPECT_EQ(layout.url_of(layout.marker()), "s3://journal-bucket/custos/prod/journal.json");
}

TEST(S3Layout, RecordsSortByNameInTheirOrder) {
  S3Layout layout("s3://b/p");
  EXPECT_LT(layout.record(kIncident, 9), layout.record(kIncident, 10));
  EXPECT_LT(layout.record(kIncident, 99999), layout.record(kIncident, 100000));
}

TEST(S3Layout, TheBucketsRootIsAPlaceToo) {
  S3Layout layout("s3://journal-bucket");
  EXPECT_EQ(layout.url(), "s3://journal-bucket");
  EXPECT_EQ(layout.prefix(), "");
  EXPECT_EQ(layout.marker(), "journal.json");
}

TEST(S3Layout, RefusesWhatIsNotAnS3UrlOrAnIncidentId) {
  EXPECT_NE(error_of([] { S3Layout("s3:///prefix"); }).find("s3://BUCKET[/PREFIX]"),
            std::string::npos);
  EXPECT_NE(error_of([] { S3Layout("/var/lib/journal.db"); }).find("s3://BUCKET[/PREFIX]"),
            std::string::npos);
  S3Layout layout("s3://b/p");
  EXPECT_NE(error_of([&] { layout.record("../keys/x", 1); }).find("is not an incident id"),
            std::string::npos);
}

TEST(S3Record, ItsObjectReadsBackAsTheSameLinkAndHash) {
  for (const Link& link : chain(3)) {
    Link back = parse_record(record_text(kIncident, link), "s3://b/k");
    EXPECT_EQ(back.n, link.n);
    EXPECT_EQ(back.time, link.time);
    EXPECT_EQ(back.kind, link.kind);
    EXPECT_EQ(back.entry, link.entry);
    EXPECT_EQ(back.body, link.body);
    EXPECT_EQ(back.prev, link.prev);
    EXPECT_EQ(link_hash(kIncident, back), link.hash);
  }
  EXPECT_EQ(record_text(kIncident, chain(1)[0]).find('\n'), std::string::npos);  // one line
}

TEST(S3Record, ObjectsThatAreNotRecordsAreRefusedNamingThem) {
  const std::string where = "s3://b/p/incidents/" + kIncident + "/records/00000001.json";
  Json good = Json::parse(record_text(kIncident, chain(1)[0]));
  auto refused = [&](const std::string& text) {
    return error_of([&] { parse_record(text, where); });
  };
  EXPECT_EQ(refused("hello"), where + " is not a custos journal record");
  EXPECT_EQ(refused("{}"), where + " is not a custos journal record");
  Json format_number = good;
  format_number["format"] = 5;
  EXPECT_EQ(refused(format_number.dump()), where + " is not a custos journal record");
  Json no_version = good;
  no_version.erase("version");
  EXPECT_EQ(refused(no_version.dump()),
            where + " is not a custos journal record (it has no version)");
  Json no_n = good;
  no_n["n"] = "one";
  EXPECT_EQ(refused(no_n.dump()), where + " is not a custos journal record (no record number 'n')");
  Json bad_entry = good;
  bad_entry["entry"] = "policy";
  EXPECT_EQ(refused(bad_entry.dump()),
            where + " is not a custos journal record ('entry' is not an object)");
  Json no_hash = good;
  no_hash.erase("hash");
  EXPECT_EQ(refused(no_hash.dump()), where + " is not a custos journal record (no text 'hash')");
}

TEST(S3Record, ARecordFromANewerCustosIsRefusedAsSuch) {
  Json newer = Json::parse(record_text(kIncident, chain(1)[0]));
  newer["version"] = kJournalVersion + 1;
  newer["kind"] = 7;  // whatever a newer layout holds, the version is what is said
  EXPECT_EQ(error_of([&] { parse_record(newer.dump(), "s3://b/k"); }),
            "s3://b/k was written by a newer custos (journal version 2; this custos reads up to "
            "version 1): upgrade custos to read it");
}

TEST(VerifyChain, AHeadBehindTheNewestRecordIsNoAlarm) {
  std::vector<Link> links = chain(5);
  // Two writers: the one that wrote record 4 put the head after the one that wrote record 5.
  EXPECT_TRUE(verify_chain(kIncident, links, Anchor{4, links[3].hash, false}).intact);
  EXPECT_TRUE(verify_chain(kIncident, links, Anchor{5, links[4].hash, true}).intact);
}

TEST(VerifyChain, RecordsMissingBeforeTheHeadAreDeleted) {
  std::vector<Link> links = chain(5);
  Anchor head{5, links[4].hash, false};
  links.pop_back();
  Verification result = verify_chain(kIncident, links, head);
  EXPECT_FALSE(result.intact);
  EXPECT_EQ(result.problems.at(0), "the incident had 5 records; 4 remain (records were deleted)");
  links = chain(5);
  links[4] = next_link(kIncident, 5, links[3].hash, "started", nullptr, Json::object());
  result = verify_chain(kIncident, links, head);  // chained, but not the record the head names
  EXPECT_EQ(result.problems.at(0),
            "the last record is not the one the incident ends with (records were deleted)");
}

}  // namespace
}  // namespace custos::incident
