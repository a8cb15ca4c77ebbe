// What the scenarios' seeding and checks share: names and tags that mark what a game day made,
// the alert queue the pack notifies, and checks that say what they saw.
#pragma once

#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "gameday/scenario.h"

namespace custos::gameday {

// Eight hex characters naming one run's resources (custos-gameday-<id>).
std::string new_run_id();
// EC2 tags: Name and custos:gameday=<run id>.
Json tag_list(const std::string& name, const std::string& run_id);
// An S3 bucket in the client's region.
void create_bucket(const aws::Client& client, const std::string& bucket);

// The SQS queue the pack's notify actions send to (custos-alerts), created when missing.
struct AlertQueue {
  std::string url;
  long messages_before = 0;  // what it held before the response
  bool created = false;      // so that clean-up removes only what the game day made
};
AlertQueue alert_queue(const aws::Client& client);
Json alert_queue_json(const AlertQueue& queue);
// The check that the response told the team: one more message on the queue than before.
Check alert_sent(const aws::Client& client, const Json& queue);
void remove_alert_queue(const aws::Client& client, const Json& queue);

// A check reading "WHAT (saw: ACTUAL)", passed when actual == expected.
Check check_equal(const std::string& what, const Json& actual, const Json& expected);

}  // namespace custos::gameday
