// The one dispatcher of every caller that runs policies (`custos run`, the Lambda runtime,
// `custos watch`, org runs): a policy file compiled once, then deliveries (an event, or a pull
// run), each placed in its own account and region, journaled, and written to its own folder.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/config.h"
#include "incident/incident_journal.h"
#include "policy/dispatch.h"

namespace custos::serverless {

// A journal for one delivery: deliveries handled at once each journal their own incident. It
// sends the delivery's X-Ray trace id (empty: none) with any AWS call it makes.
using JournalOpener =
    std::function<std::unique_ptr<incident::IncidentJournal>(const std::string& trace_id)>;

// The journal named by `where`: s3://BUCKET[/PREFIX] (reached with `aws`; checked now, so
// that a bucket that is not there fails before anything runs) or a SQLite file's path
// (created when missing).
JournalOpener journal_opener(const std::string& where, const aws::SessionOptions& aws);

struct HandlerOptions {
  std::string policy_name;  // the file's name, for messages and the journal
  std::string policy_text;
  std::vector<std::string> only;  // run just these policies (empty: all of the file)
  Json vars = Json::object();     // set over the file's `vars:` (custos run --var NAME=VALUE)
  aws::SessionOptions aws;
  JournalOpener journal;  // empty: journal nothing
  bool dryrun = false;
  std::optional<std::size_t> max_actions;  // changes one delivery may attempt (--max-actions)
};

struct Delivery {
  const Json* event = nullptr;  // null: a pull run
  std::string output_dir;
  // No action starts after this (policy::RunOptions::act_until).
  std::optional<std::chrono::system_clock::time_point> act_until;
  std::string incident;        // continue this incident (resume) rather than open one
  Json vars = Json::object();  // over the policies' vars for this delivery (an account's own)
  // Act as and where this says (an org run's account and region) rather than as the handler's
  // own session in the event's region.
  std::shared_ptr<const aws::Session> session;
  std::string account_id;  // the account `session` acts in, when known (else STS is asked)
  std::string trace_id;    // X-Ray: sent with every AWS call
  policy::RunObserver observer;
  policy::DispatchObserver on_policy;
  std::function<void(const std::string&)> on_note;  // where it acts, when that may surprise
};

struct Outcome {
  int code = 0;          // 0 done, 1 an action or policy failed
  std::string incident;  // the incident journaled in; empty when nothing was
  // What the event repeats of one this handler already handled ("event id X", "finding F
  // updated at T"): nothing was done for it, before any AWS call.
  std::string repeat_of;
};

class Handler {
 public:
  // Compiles the policies; throws InputError (before any AWS call) for an invalid file or a
  // name in `only` the file lacks.
  explicit Handler(HandlerOptions options);
  ~Handler();
  Handler(const Handler&) = delete;
  Handler& operator=(const Handler&) = delete;

  // Thread-safe. Throws InputError, before any AWS call, when the event lacks what a policy
  // needs; a policy that fails does not stop the others (Outcome::code says so).
  Outcome handle(const Delivery& delivery) const;
  const std::vector<policy::Policy>& policies() const;
  // The ids of the resources the event names to the policies that react to it. Throws
  // InputError as handle() would, before any AWS call.
  std::vector<std::string> resources_named(const Json& event) const;
  // The account the handler's own session acts in (STS, asked once; through `client`, the
  // handler's own session as a delivery calls it, e.g. with its trace header).
  const std::string& own_account(const aws::Client& client) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The region an event happened in (its `region`), where member-role acts; empty when it does
// not say. (The account: policy::event_account.)
std::string event_region(const Json& event);

}  // namespace custos::serverless
