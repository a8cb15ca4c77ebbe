// Undoing an incident's containment from what the journal recorded: each reversible change's
// undo calls, newest first, journaled (phase recovery) and read back; the irreversible ones are
// listed as such, never guessed at.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "incident/incident_journal.h"

namespace custos::incident {

struct RecoveryOptions {
  bool dryrun = false;  // print the calls, make none, journal nothing
  std::string only;     // one action's changes only ("set-instance-profile"); empty: all
};

struct RecoveryStep {
  Json entry;              // what was changed: {policy, action, resource, ...}
  std::string status;      // recovered, failed, irreversible, would-recover, already-recovered
  std::string detail;      // what was called, or why not
  bool checkable = false;  // the change recorded a check (an action without one cannot be)
  bool verified = false;   // recovered, and the check now shows the change undone
};

// " (verified)", " (NOT verified)" or " (no check recorded)" for a recovered step; else "".
std::string verification_note(const RecoveryStep& step);

// Applies the undo calls of `incident`'s changes through `client`; `on_step` sees each as it
// ends. Returns every step; throws InputError for an unknown incident or action name.
std::vector<RecoveryStep> recover(IncidentJournal& journal, const std::string& incident,
                                  const aws::Client& client, const RecoveryOptions& options,
                                  const std::function<void(const RecoveryStep&)>& on_step = {});

}  // namespace custos::incident
