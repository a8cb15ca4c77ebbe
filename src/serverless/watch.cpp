#include "serverless/watch.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "policy/event.h"
#include "serverless/lanes.h"
#include "serverless/report.h"

namespace custos::serverless {
namespace {

struct Message {
  std::string id;
  std::string receipt;
  Json event;
  std::string received;  // ApproximateReceiveCount
};

class Watcher {
 public:
  Watcher(const Handler& handler, const aws::Client& client, const WatchOptions& options)
      : handler_(handler),
        client_(client),
        options_(options),
        lanes_(static_cast<std::size_t>(std::max(1, options.workers))) {}

  int run() {
    visibility_ = queue_visibility();
    log("watching " + options_.queue_url + " with " + std::to_string(lanes_.count()) +
        " workers (messages kept invisible " + std::to_string(visibility_) + " s at a time)");
    std::vector<std::thread> workers;
    for (std::size_t lane = 0; lane < lanes_.count(); ++lane)
      workers.emplace_back([this, lane] { work(lane); });
    std::thread keeper([this] { keep_invisible(); });
    receive();
    std::vector<Message> waiting = lanes_.take_all();
    release(waiting);
    lanes_.close();
    for (auto& worker : workers) worker.join();
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
      changed_.notify_all();
    }
    keeper.join();
    log("stopped: " + std::to_string(waiting.size()) + " waiting messages handed back");
    return 0;
  }

 private:
  bool stopping() const { return options_.stop && options_.stop->load(); }

  void log(const std::string& line) const {
    if (options_.log) *options_.log << line << std::endl;
  }

  int queue_visibility() const {
    Json answer =
        client_.call("sqs", "GetQueueAttributes",
                     {{"QueueUrl", options_.queue_url}, {"AttributeNames", {"VisibilityTimeout"}}});
    return std::max(2, std::stoi(answer["Attributes"].value("VisibilityTimeout", "30")));
  }

  void receive() {
    while (!stopping()) {
      lanes_.wait_below(lanes_.count());
      Json answer;
      try {
        answer = client_.call("sqs", "ReceiveMessage",
                              {{"QueueUrl", options_.queue_url},
                               {"MaxNumberOfMessages", 10},
                               {"WaitTimeSeconds", options_.wait_seconds},
                               {"AttributeNames", {"ApproximateReceiveCount"}}});
      } catch (const Error& e) {
        log(std::string("cannot receive (trying again in 5 s): ") + e.what());
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping(); });
        continue;
      }
      for (const Json& m : answer.value("Messages", Json::array())) take(m);
    }
  }

  // A received message: bad ones are logged and left to the dead-letter policy, good ones
  // wait in their resource's lane, kept invisible.
  void take(const Json& m) {
    Message message{m.value("MessageId", ""), m.value("ReceiptHandle", ""), nullptr,
                    m.value("Attributes", Json::object()).value("ApproximateReceiveCount", "?")};
    std::string key;
    try {
      message.event = policy::parse_event(m.value("Body", ""), "message " + message.id);
      auto ids = handler_.resources_named(message.event);
      key = ids.empty() ? message.event.value("id", message.id)
                        : *std::min_element(ids.begin(), ids.end());
    } catch (const InputError& e) {
      log("message " + message.id + " (received " + message.received +
          " times): bad, left for the queue's dead-letter policy: " + e.what());
      return;
    }
    if (stopping()) {
      release({message});
      return;
    }
    hold(message);
    lanes_.push(key, std::move(message));
  }

  void work(std::size_t lane) {
    while (auto message = lanes_.pop(lane)) {
      if (stopping()) {
        release({*message});
        continue;
      }
      handle(*message);
      unhold(message->id);
    }
  }

  void handle(const Message& message) {
    std::string tag = "message " + message.id;
    DeliveryReport report(options_.log, tag);
    Delivery delivery;
    delivery.event = &message.event;
    bool temporary = options_.output_dir.empty();
    std::filesystem::path root = temporary ? std::filesystem::temp_directory_path() /
                                                 ("custos-watch-" + std::to_string(::getpid()))
                                           : std::filesystem::path(options_.output_dir);
    delivery.output_dir = (root / message.id).string();
    report.observe(delivery);
    try {
      Outcome outcome = handler_.handle(delivery);
      if (outcome.code == 0) {
        client_.call("sqs", "DeleteMessage",
                     {{"QueueUrl", options_.queue_url}, {"ReceiptHandle", message.receipt}});
        log(tag + ": done" +
            (outcome.incident.empty() ? "" : " (incident " + outcome.incident + ")") + ", deleted");
      } else {
        log(tag +
            ": not deleted, the queue delivers it again (the journal skips what succeeded): " +
            report.failure());
      }
    } catch (const InputError& e) {
      log(tag + ": bad, left for the queue's dead-letter policy: " + e.what());
    } catch (const std::exception& e) {
      log(tag + ": not deleted, the queue delivers it again: " + e.what());
    }
    std::error_code ignored;
    if (temporary) std::filesystem::remove_all(delivery.output_dir, ignored);
  }

  void hold(const Message& message) {
    std::lock_guard lock(mutex_);
    held_[message.id] = message.receipt;
  }
  void unhold(const std::string& id) {
    std::lock_guard lock(mutex_);
    held_.erase(id);
  }

  // Messages taken but not started go back to the queue at once, for another watcher.
  void release(const std::vector<Message>& messages) {
    for (const auto& message : messages) {
      unhold(message.id);
      try {
        client_.call("sqs", "ChangeMessageVisibility",
                     {{"QueueUrl", options_.queue_url},
                      {"ReceiptHandle", message.receipt},
                      {"VisibilityTimeout", 0}});
      } catch (const Error& e) {
        log("message " + message.id +
            ": could not hand it back (it reappears by itself): " + e.what());
      }
    }
  }

  // Every third of the visibility timeout, the messages in hand get a whole one again.
  void keep_invisible() {
    const auto period = std::chrono::milliseconds(visibility_ * 1000 / 3);
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, period, [this] { return finished_; })) {
      std::vector<std::pair<std::string, std::string>> held(held_.begin(), held_.end());
      lock.unlock();
      extend(held);
      lock.lock();
    }
  }

  void extend(const std::vector<std::pair<std::string, std::string>>& held) {
    for (std::size_t first = 0; first < held.size(); first += 10) {
      Json entries = Json::array();
      for (std::size_t i = first; i < std::min(held.size(), first + 10); ++i)
        entries.push_back({{"Id", "m" + std::to_string(i)},
                           {"ReceiptHandle", held[i].second},
                           {"VisibilityTimeout", visibility_}});
      try {
        Json answer = client_.call("sqs", "ChangeMessageVisibilityBatch",
                                   {{"QueueUrl", options_.queue_url}, {"Entries", entries}});
        for (const Json& failed : answer.value("Failed", Json::array()))
          log("could not keep a message invisible: " + failed.value("Message", failed.dump()));
      } catch (const Error& e) {
        log(std::string("could not keep messages invisible: ") + e.what());
      }
    }
  }

  const Handler& handler_;
  const aws::Client& client_;
  const WatchOptions& options_;
  Lanes<Message> lanes_;
  int visibility_ = 30;
  std::mutex mutex_;  // guards held_ and finished_
  std::condition_variable changed_;
  std::map<std::string, std::string> held_;  // message id -> receipt handle
  bool finished_ = false;
};

}  // namespace

int watch_queue(const Handler& handler, const aws::Client& client, const WatchOptions& options) {
  return Watcher(handler, client, options).run();
}

}  // namespace custos::serverless
