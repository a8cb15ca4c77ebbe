// Deletes handled SQS messages ten at a time (DeleteMessageBatch) on a thread of its own: a
// burst of events costs a tenth of the calls it would one message at a time, and a worker does
// not wait for the deletion to go on with the next event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/client.h"

namespace custos::serverless {

class SqsDeleter {
 public:
  using Log = std::function<void(const std::string&)>;
  // A deletion waits at most `gather` for others to share its call.
  SqsDeleter(const aws::Client& client, std::string queue_url, Log log,
             std::chrono::milliseconds gather = std::chrono::milliseconds(100));
  ~SqsDeleter();  // deletes what is pending first
  SqsDeleter(const SqsDeleter&) = delete;
  SqsDeleter& operator=(const SqsDeleter&) = delete;

  // Deletes the message soon; then logs `line` + ", deleted", or why it could not be deleted.
  void remove(const std::string& message_id, const std::string& receipt, std::string line);

 private:
  struct Pending {
    std::string id, receipt, line;
  };
  void run();
  void send(const std::vector<Pending>& batch) const;

  const aws::Client& client_;
  std::string queue_url_;
  Log log_;
  std::chrono::milliseconds gather_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Pending> pending_;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace custos::serverless
