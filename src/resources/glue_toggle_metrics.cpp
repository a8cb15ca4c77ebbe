// toggle-metrics on aws.glue-job (Cloud Custodian's GlueJobToggleMetrics): the job's
// --enable-metrics argument set (enabled: true) or removed (false) with UpdateJob, which replaces
// the whole definition: the job's members that JobUpdate has (AllocatedCapacity aside, and
// MaxCapacity aside with WorkerType or NumberOfWorkers, which AWS refuses together) are sent
// back as they are. A job already so is left alone; the undo writes the definition as it was.
#include "aws/client.h"
#include "aws/model.h"
#include "core/error.h"
#include "policy/action.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

constexpr const char* kMetricsArgument = "--enable-metrics";

// The job's definition as UpdateJob's JobUpdate takes it.
Json job_update(const Json& job) {
  static const aws::Shape* shape = aws::ServiceModel::load("glue")->find_shape("JobUpdate");
  Json update = Json::object();
  if (shape == nullptr) throw Error("glue's model has no JobUpdate shape");
  for (const auto& [member, ref] : shape->members)
    if (member != "AllocatedCapacity" && job.contains(member) && !job[member].is_null())
      update[member] = job[member];
  if (update.contains("WorkerType") || update.contains("NumberOfWorkers"))
    update.erase("MaxCapacity");
  return update;
}

class ToggleMetrics : public policy::PerResourceAction {
 public:
  explicit ToggleMetrics(const Spec& spec) : PerResourceAction("toggle-metrics") {
    if (!spec.has("enabled")) spec.fail("action 'toggle-metrics' needs 'enabled' (true or false)");
    enabled_ = spec.optional_bool("enabled", false);
  }

 private:
  ActionRecord apply(const Json& job, ActionContext& context) const override {
    const std::string name = context.id_of(job);
    const Json arguments = job.value("DefaultArguments", Json::object());
    if (arguments.contains(kMetricsArgument) == enabled_)
      return ActionRecord::unchanged(this->name(), name,
                                     std::string("metrics already ") + (enabled_ ? "on" : "off"));
    const Json as_was = job_update(job);
    Json update = as_was;
    if (enabled_)
      update["DefaultArguments"][kMetricsArgument] = "";
    else
      update["DefaultArguments"].erase(kMetricsArgument);
    context.client.call("glue", "UpdateJob", {{"JobName", name}, {"JobUpdate", update}});
    ActionRecord record{this->name(), name};
    record.before = {{"DefaultArguments", arguments}};
    record.after = {{"DefaultArguments", update["DefaultArguments"]}};
    record.summary = std::string("metrics ") + (enabled_ ? "enabled" : "disabled") + " on " + name;
    const std::string& region = context.client.session().region();
    record.undo = Json::array({policy::undo_call(
        "glue", "UpdateJob", {{"JobName", name}, {"JobUpdate", as_was}}, region)});
    std::string present =
        "contains(keys(Job.DefaultArguments || `{}`), '" + std::string(kMetricsArgument) + "')";
    record.check = policy::check_call("glue", "GetJob", {{"JobName", name}},
                                      enabled_ ? present : "!" + present, region);
    return record;
  }

  bool enabled_ = false;
};

}  // namespace

void register_glue_toggle_metrics(policy::Registry& registry) {
  registry.add_action("aws.glue-job", "toggle-metrics",
                      policy::action_info<ToggleMetrics>(
                          {"enabled"}, {"glue:UpdateJob"},
                          "Turn the job's CloudWatch metrics (--enable-metrics) on (enabled: true) "
                          "or off with UpdateJob, the rest of its definition as it is; undo "
                          "writes the definition back"));
}

}  // namespace custos::resources
