// Where a run records each action on each resource before it happens and after, so that an
// incident is handled once however often its finding arrives, can be resumed after a crash,
// verified, reported and undone. The runner calls it; incident/ stores it (SQLite, S3).
#pragma once

#include <string>
#include <vector>

#include "aws/client.h"
#include "policy/action.h"

namespace custos::policy {

// One action of one policy on one resource.
struct JournalEntry {
  std::string policy;
  std::size_t action_index = 0;  // its place in the policy's actions (an action may repeat)
  std::string action;
  std::string resource;
  std::string phase;  // NIST: containment, investigation, eradication, ...
};

class Journal {
 public:
  virtual ~Journal() = default;

  enum class Claim {
    kAct,      // recorded as started by this process: act now
    kDone,     // it already succeeded in this incident: do not repeat it
    kClaimed,  // another live process has started it: leave it to that one
  };
  // Records the entry as started, unless it succeeded already or another live process holds
  // it; an entry that failed, or whose process died, is taken over.
  virtual Claim claim(const JournalEntry& entry) = 0;
  // Records how it ended, with the calls that changed something (and their request ids).
  virtual void complete(const JournalEntry& entry, const ActionRecord& record,
                        const std::vector<aws::Client::MutatingCall>& calls) = 0;
  // A dry run records what it would have done, which does not count as done.
  virtual void would_do(const JournalEntry& entry, const ActionRecord& record) = 0;
  // It was not started (too little time was left): a later delivery does it. An entry without
  // action and resource stands for the whole policy.
  virtual void left(const JournalEntry& entry, const std::string& why) = 0;
  // Whether the change was seen to hold when the resource was read again afterwards.
  virtual void verified(const JournalEntry& entry, bool holds, const std::string& detail) = 0;
  virtual const std::string& incident_id() const = 0;
};

// The NIST phase an action belongs to (snapshot: investigation; delete: eradication; notify:
// follow-up; most: containment); a policy's `metadata: {phase: ...}` overrides it.
std::string phase_of(const std::string& action, const Json& policy_data);

}  // namespace custos::policy
