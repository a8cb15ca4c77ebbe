// IAM policy documents (bucket policies, key policies) as Cloud Custodian's statement filters
// and actions read and change them: has-statement's matching, remove_statements' selection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "policy/spec.h"
#include "policy/vars.h"

namespace custos::resources {

// Where an earlier filter left the statements it matched: Cloud Custodian's cross-account
// (CrossAccountViolations) and custos's has-statement (c7n:MatchedStatements).
inline constexpr const char* kMatchedStatements = "c7n:MatchedStatements";
Json matched_statements(const Json& resource);

// The `statements` option: a list of IAM statements, each checked against Cloud Custodian's
// schema (Effect required; with `require_sid`, Sid too; PartialMatch only where `partial`).
Json statements_option(const policy::Spec& spec, const char* key, bool require_sid, bool partial);

// A statement_ids-like option: a list of Sids, "matched" (what an earlier filter matched) or
// "*" (every statement).
struct StatementSelection {
  enum class Kind { kIds, kMatched, kAll };
  Kind kind = Kind::kIds;
  std::vector<std::string> ids;
};
StatementSelection statement_selection(const policy::Spec& spec, const char* key);

// Cloud Custodian's remove_statements: takes the selected statements out of `statements` and
// returns them; `matched` is what matched_statements() gave.
Json remove_statements(Json& statements, const StatementSelection& which, const Json& matched);

// Cloud Custodian's HasStatementFilter: every Sid in `ids` is present, and each statement in
// `statements` matches one of the document's (exactly, or in the elements its PartialMatch
// names: Action and list elements as subsets, Condition as a sub-mapping).
class StatementRequirement {
 public:
  StatementRequirement(std::vector<std::string> ids, Json statements)
      : ids_(std::move(ids)), statements_(std::move(statements)) {}
  // The document's statements that meet the requirement (those with the ids, then one per
  // required statement), or nullopt when it is not met. `vars` fill {bucket_name} and kin in
  // the required statements, as Cloud Custodian formats them.
  std::optional<Json> satisfied_by(const Json& document_statements,
                                   const policy::Variables& vars) const;

 private:
  std::vector<std::string> ids_;
  Json statements_;
};

// A policy's text as a JSON document; `what` names it in the error ("bucket policy of b").
Json parse_policy_text(const std::string& text, const std::string& what);
// A policy document's statements as a list (IAM takes a lone statement as an object); none
// when `document` is not an object.
Json policy_statements(const Json& document);

}  // namespace custos::resources
