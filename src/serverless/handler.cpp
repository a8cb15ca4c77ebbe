#include "serverless/handler.h"

#include "policy/safety.h"

#include <deque>
#include <map>
#include <mutex>

#include "aws/client.h"
#include "incident/journal_store.h"
#include "incident/s3_journal.h"
#include "incident/trigger.h"
#include "resources/builtin.h"
#include "serverless/assumed.h"
#include "serverless/recent.h"

namespace custos::serverless {
namespace {

bool is_text(const Json& value) {
  return value.is_string() && !value.get_ref<const std::string&>().empty();
}

// What a journaled run keeps to be resumed: the policies as written and how it ran.
Json run_settings(const HandlerOptions& options, const Delivery& delivery,
                  const std::string& region) {
  return {{"policy_file", options.policy_name},
          {"policy_text", options.policy_text},
          {"output_dir", delivery.output_dir},
          {"region", region}};
}

std::vector<policy::Policy> selected(std::vector<policy::Policy> all,
                                     const std::vector<std::string>& only,
                                     const std::string& file) {
  if (only.empty()) return all;
  std::vector<policy::Policy> chosen;
  for (const auto& name : only) {
    auto found =
        std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.name == name; });
    if (found == all.end()) throw InputError(file + " has no policy named '" + name + "'");
    chosen.push_back(std::move(*found));
  }
  return chosen;
}

// A member-role policy acting on an event: the role in the event's account.
std::string member_role(const policy::Policy& p, const Json* event) {
  if (!event || !p.mode.data.contains("member-role")) return {};
  std::string account = policy::event_account(*event);
  if (account.empty())
    throw InputError("policy '" + p.name +
                     "' has mode.member-role but the event names no account (detail.accountId "
                     "or account)");
  policy::Variables vars;
  vars.set("account_id", account);
  return policy::format_string(p.mode.data["member-role"].get<std::string>(), vars)
      .get<std::string>();
}

// A policy's vars with the delivery's own set over them (an org run's account vars).
Json with_delivery_vars(Json vars, const Json& delivery_vars) {
  vars.update(delivery_vars);
  return vars;
}

}  // namespace

JournalOpener journal_opener(const std::string& where, const aws::SessionOptions& aws) {
  if (where.starts_with("s3://")) {
    std::shared_ptr<const incident::S3Journal> checked =
        std::make_unique<incident::S3Journal>(where, aws, true);
    return [checked](const std::string& trace_id) -> std::unique_ptr<incident::IncidentJournal> {
      return checked->another(trace_id);
    };
  }
  return [where](const std::string&) {
    return std::make_unique<incident::SqliteJournal>(where, true);
  };
}

std::string event_region(const Json& event) {
  return is_text(event.value("region", Json())) ? event["region"].get<std::string>() : "";
}

struct Handler::State {
  HandlerOptions options;
  std::shared_ptr<const policy::SourceDocument> source;
  std::vector<policy::Policy> policies;

  std::mutex mutex;  // guards what follows, made when first needed
  std::shared_ptr<const aws::Session> session;
  std::optional<std::string> account;
  AssumedRoles members;
  RecentEvents recent;  // guards itself

  std::shared_ptr<const aws::Session> own_session() {
    std::lock_guard lock(mutex);
    if (!session) session = std::make_shared<const aws::Session>(options.aws);
    return session;
  }
};

Handler::Handler(HandlerOptions options) : state_(std::make_unique<State>()) {
  state_->source = std::make_shared<const policy::SourceDocument>(
      policy::SourceDocument::parse(options.policy_text, options.policy_name));
  state_->policies =
      selected(policy::compile_policies(*state_->source, resources::builtin_registry()),
               options.only, options.policy_name);
  for (policy::Policy& p : state_->policies) p.vars.update(options.vars);
  state_->options = std::move(options);
}

Handler::~Handler() = default;

const std::vector<policy::Policy>& Handler::policies() const { return state_->policies; }

std::vector<std::string> Handler::resources_named(const Json& event) const {
  std::vector<std::string> ids;
  for (const auto& target : policy::targets_for(state_->policies, &event))
    if (target.applies)
      ids.insert(ids.end(), target.resource_ids.begin(), target.resource_ids.end());
  return ids;
}

const std::string& Handler::own_account(const aws::Client& client) const {
  std::lock_guard lock(state_->mutex);
  if (!state_->account) state_->account = policy::sts_account_id(client);
  return *state_->account;
}

Outcome Handler::handle(const Delivery& delivery) const {
  State& state = *state_;
  const Json* event = delivery.event;
  // A redelivery (EventBridge delivers at least once; GuardDuty resends a finding) is dropped
  // before any AWS call, whoever delivers it.
  if (event)
    if (std::string repeated = state.recent.repeat_of(*event); !repeated.empty())
      return Outcome{.code = 0, .incident = "", .repeat_of = repeated};
  // Everything that can be wrong with the event is found before the first AWS call.
  std::vector<policy::EventTarget> targets = policy::targets_for(state.policies, event);

  // The event's region wins: that is where what it names lives.
  auto session = delivery.session ? delivery.session : state.own_session();
  std::string region = event ? event_region(*event) : "";
  if (!region.empty() && !delivery.session) {
    std::string configured;
    try {
      configured = session->region();
    } catch (const InputError&) {
    }
    if (configured != region) {
      if (delivery.on_note)
        delivery.on_note(configured.empty()
                             ? "no AWS region configured; using the event's region " + region
                             : "acting in the event's region " + region + " (not " + configured +
                                   ")");
      session = session->with_region(region);
    }
  }
  region = session->region();  // throws InputError when there is none

  std::unique_ptr<incident::IncidentJournal> journal;
  if (state.options.journal) {
    journal = state.options.journal(delivery.trace_id);
    if (!delivery.incident.empty())
      journal->use(delivery.incident);
    else
      journal->open_when_used(event ? incident::trigger_of_event(*event)
                                    : incident::trigger_of_run(state.options.policy_name),
                              run_settings(state.options, delivery, region));
  }

  // The accounts this delivery acts in; they outlive the dispatch that points at them.
  std::deque<policy::AccountId> accounts;
  auto client_of = [&](std::shared_ptr<const aws::Session> s) {
    aws::Client client(std::move(s));
    return delivery.trace_id.empty() ? client : client.traced(delivery.trace_id);
  };
  std::function<std::string()> fetch = [&] { return own_account(client_of(session)); };
  if (!delivery.account_id.empty())
    fetch = [id = delivery.account_id] { return id; };
  else if (delivery.session)
    fetch = [&] { return policy::sts_account_id(client_of(session)); };
  const policy::AccountId& own = accounts.emplace_back(fetch);
  policy::Place place = [&](const policy::Policy& p) {
    policy::Placement placed{client_of(session), std::nullopt, &own};
    if (std::string role = member_role(p, event); !role.empty()) {
      std::string member = policy::event_account(*event);
      placed.client =
          client_of(state.members.session(session, state.options.aws, role)->with_region(region));
      placed.account = &accounts.emplace_back([member] { return member; });
    }
    auto vars = policy::policy_variables(with_delivery_vars(p.vars, delivery.vars), p.data, region,
                                         *placed.account, p.mode.is_event());
    placed.expanded = policy::expand_variables(p, vars, resources::builtin_registry());
    return placed;
  };

  policy::RunOptions options;
  options.output_dir = delivery.output_dir;
  options.dryrun = state.options.dryrun;
  options.event = event;
  options.journal = journal.get();
  options.act_until = delivery.act_until;
  policy::ActionBudget budget(state.options.max_actions);
  options.budget = &budget;
  options.observer = delivery.observer;
  Outcome outcome;
  outcome.code = policy::dispatch(state.policies, targets, place, options, delivery.on_policy);
  if (journal) outcome.incident = journal->incident_id();
  if (event && outcome.code == 0) state.recent.remember(*event);  // a failed one is tried again
  return outcome;
}

}  // namespace custos::serverless
