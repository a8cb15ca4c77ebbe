// usage (Cloud Custodian's ServiceUsage) on IAM users, roles, groups and policies: IAM's
// service last accessed data, one report job per principal, each service's entry judged by
// the attributes given (ServiceName, ServiceNamespace, TotalAuthenticatedEntities,
// LastAuthenticated, LastAuthenticatedEntity: a value, or a value filter). match-operator all:
// every service matches (`LastAuthenticated: null` with all: never used); any: one does.
#include <chrono>
#include <map>
#include <thread>

#include "aws/client.h"
#include "policy/attribute_matcher.h"
#include "policy/set_filter.h"
#include "resources/iam.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

const std::vector<std::string> kServiceAttributes = {
    "ServiceName", "ServiceNamespace", "TotalAuthenticatedEntities", "LastAuthenticated",
    "LastAuthenticatedEntity"};

// How long custos waits for IAM's reports before it gives up (IAM makes them in seconds).
constexpr std::chrono::minutes kJobLimit{5};

class ServiceUsage : public policy::SetFilter {
 public:
  explicit ServiceUsage(const Spec& spec)
      : all_(spec.one_of("match-operator", {"all", "any"}) == "all") {
    for (const auto& key : kServiceAttributes)
      if (spec.has(key)) attributes_.emplace_back(spec, key);
    if (spec.has("poll-delay")) {
      const Json& delay = spec.value()["poll-delay"];
      if (!delay.is_number() || delay.get<double>() < 0)
        spec.child("poll-delay").fail("poll-delay must be a number of seconds");
      poll_delay_ = std::chrono::duration<double>(delay.get<double>());
    }
  }

  std::vector<Json> process(std::vector<Json> principals,
                            const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "IAM's service last accessed data");
    std::map<std::string, std::size_t> jobs;  // job id -> the principal's index
    for (std::size_t i = 0; i < principals.size(); ++i) {
      try {
        Json job = client.call("iam", "GenerateServiceLastAccessedDetails",
                               {{"Arn", principals[i].value("Arn", "")}});
        jobs[job.value("JobId", "")] = i;
      } catch (const aws::AwsError& e) {
        if (e.code() != "NoSuchEntity") throw;  // deleted since it was listed
      }
    }
    std::vector<bool> kept(principals.size(), false);
    auto deadline = std::chrono::steady_clock::now() + kJobLimit;
    while (!jobs.empty()) {
      for (auto job = jobs.begin(); job != jobs.end();) {
        Json report = client.call("iam", "GetServiceLastAccessedDetails", {{"JobId", job->first}});
        std::string status = report.value("JobStatus", "");
        if (status == "FAILED")
          throw Error("IAM's service last accessed report for " +
                      principals[job->second].value("Arn", "") + " failed: " +
                      report.value("Error", Json::object()).value("Message", "no reason given"));
        if (status != "COMPLETED") {
          ++job;
          continue;
        }
        kept[job->second] = judged(report.value("ServicesLastAccessed", Json::array()));
        job = jobs.erase(job);
      }
      if (jobs.empty()) break;
      if (std::chrono::steady_clock::now() > deadline)
        throw Error("IAM's service last accessed reports were not done after " +
                    std::to_string(kJobLimit.count()) + " minutes (" + std::to_string(jobs.size()) +
                    " left)");
      std::this_thread::sleep_for(poll_delay_);
    }
    std::vector<Json> matched;
    for (std::size_t i = 0; i < principals.size(); ++i)
      if (kept[i]) matched.push_back(std::move(principals[i]));
    return matched;
  }

  std::vector<std::string> permissions() const override {
    return {"iam:GenerateServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails"};
  }

 private:
  bool judged(const Json& services) const {
    std::size_t matching = 0;
    for (const Json& service : services)
      if (std::all_of(attributes_.begin(), attributes_.end(),
                      [&](const policy::AttributeMatcher& a) { return a.matches(service); }))
        ++matching;
    return all_ ? matching == services.size() : matching > 0;
  }

  bool all_;
  std::vector<policy::AttributeMatcher> attributes_;
  std::chrono::duration<double> poll_delay_{2.0};
};

}  // namespace

void register_iam_usage(policy::Registry& registry) {
  std::vector<std::string> options = kServiceAttributes;
  options.insert(options.end(), {"match-operator", "poll-delay"});
  for (const char* type : {"aws.iam-user", "aws.iam-role", "aws.iam-group", "aws.iam-policy"})
    registry.add_filter(
        type, "usage",
        policy::filter_info<ServiceUsage>(
            options,
            "By IAM's service last accessed data (ServiceNamespace, LastAuthenticated, ...: a "
            "value or a value filter): match-operator all (every service matches) or any",
            {"iam:GenerateServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails"}));
}

}  // namespace custos::resources
