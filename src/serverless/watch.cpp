#include "serverless/watch.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "policy/event.h"
#include "serverless/lanes.h"
#include "serverless/report.h"
#include "serverless/sqs_deleter.h"

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
    read_queue_settings();
    deleter_.emplace(client_, options_.queue_url, [this](const std::string& line) { log(line); });
    log("watching " + options_.queue_url + " with " + std::to_string(lanes_.count()) +
        " workers (messages kept invisible " + std::to_string(visibility_) + " s at a time; " +
        (dead_letters_ ? "bad ones handed back for the dead-letter queue"
                       : "no dead-letter queue: bad ones are logged and deleted") +
        ")");
    std::vector<std::thread> workers;
    for (std::size_t lane = 0; lane < lanes_.count(); ++lane)
      workers.emplace_back([this, lane] { work(lane); });
    std::thread keeper([this] { keep_invisible(); });
    receive();
    std::vector<Message> waiting = lanes_.take_all();
    release(waiting);
    lanes_.close();
    for (auto& worker : workers) worker.join();
    deleter_.reset();  // what the workers handled is deleted before stopping
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

  void log(const std::string& line) const { write_line(options_.log, line); }

  void read_queue_settings() {
    Json attributes = client_
                          .call("sqs", "GetQueueAttributes",
                                {{"QueueUrl", options_.queue_url},
                                 {"AttributeNames", {"VisibilityTimeout", "RedrivePolicy"}}})
                          .value("Attributes", Json::object());
    visibility_ = std::max(2, std::stoi(attributes.value("VisibilityTimeout", "30")));
    dead_letters_ = attributes.contains("RedrivePolicy");
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
      std::vector<Message> bad;
      for (const Json& m : answer.value("Messages", Json::array())) take(m, bad);
      if (!bad.empty()) release(bad);
    }
  }

  // A received message: good ones wait in their resource's lane, kept invisible; bad ones join
  // `bad` to be handed back, or are deleted.
  void take(const Json& m, std::vector<Message>& bad) {
    Message message{m.value("MessageId", ""), m.value("ReceiptHandle", ""), nullptr,
                    m.value("Attributes", Json::object()).value("ApproximateReceiveCount", "?")};
    std::string key;
    try {
      message.event = policy::parse_event(m.value("Body", ""), "message " + message.id);
      auto ids = handler_.resources_named(message.event);
      key = ids.empty() ? message.event.value("id", message.id)
                        : *std::min_element(ids.begin(), ids.end());
    } catch (const InputError& e) {
      reject(message, m.value("Body", ""), e.what(), bad);
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
      if (!outcome.repeat_of.empty()) {
        deleter_->remove(message.id, message.receipt,
                         tag + ": duplicate (" + outcome.repeat_of + " was handled), dropped");
      } else if (outcome.code == 0) {
        deleter_->remove(
            message.id, message.receipt,
            tag + ": done" +
                (outcome.incident.empty() ? "" : " (incident " + outcome.incident + ")"));
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

  // A bad message never gets better. With a dead-letter queue it is handed back at once, so
  // that it gets there after maxReceiveCount receives rather than as many visibility timeouts;
  // without one it would come back until the queue's retention period ends, so it is deleted
  // with its body logged.
  void reject(const Message& message, const std::string& body, const std::string& why,
              std::vector<Message>& bad) {
    std::string line = "message " + message.id + " (received " + message.received + " times): bad";
    if (dead_letters_) {
      log(line + ", handed back for the queue's dead-letter queue: " + why);
      bad.push_back(message);
      return;
    }
    deleter_->remove(message.id, message.receipt,
                     line + " and the queue has no dead-letter queue: " + why +
                         "; body: " + body.substr(0, 512));
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
    std::vector<std::pair<std::string, std::string>> receipts;
    for (const auto& message : messages) {
      unhold(message.id);
      receipts.emplace_back(message.id, message.receipt);
    }
    set_visibility(receipts, 0);
  }

  // Every third of the visibility timeout, the messages in hand get a whole one again.
  void keep_invisible() {
    const auto period = std::chrono::milliseconds(visibility_ * 1000 / 3);
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, period, [this] { return finished_; })) {
      std::vector<std::pair<std::string, std::string>> held(held_.begin(), held_.end());
      lock.unlock();
      set_visibility(held, visibility_);
      lock.lock();
    }
  }

  // (message id, receipt handle) pairs, ten to a call.
  void set_visibility(const std::vector<std::pair<std::string, std::string>>& messages,
                      int seconds) const {
    for (std::size_t first = 0; first < messages.size(); first += 10) {
      Json entries = Json::array();
      for (std::size_t i = first; i < std::min(messages.size(), first + 10); ++i)
        entries.push_back({{"Id", "m" + std::to_string(i)},
                           {"ReceiptHandle", messages[i].second},
                           {"VisibilityTimeout", seconds}});
      try {
        Json answer = client_.call("sqs", "ChangeMessageVisibilityBatch",
                                   {{"QueueUrl", options_.queue_url}, {"Entries", entries}});
        for (const Json& failed : answer.value("Failed", Json::array()))
          log("could not change a message's visibility (it reappears by itself): " +
              failed.value("Message", failed.dump()));
      } catch (const Error& e) {
        log(std::string("could not change messages' visibility (they reappear by themselves): ") +
            e.what());
      }
    }
  }

  const Handler& handler_;
  const aws::Client& client_;
  const WatchOptions& options_;
  Lanes<Message> lanes_;
  std::optional<SqsDeleter> deleter_;  // while running
  int visibility_ = 30;
  bool dead_letters_ = false;  // the queue has a redrive policy
  std::mutex mutex_;           // guards held_ and finished_
  std::condition_variable changed_;
  std::map<std::string, std::string> held_;  // message id -> receipt handle
  bool finished_ = false;
};

}  // namespace

int watch_queue(const Handler& handler, const aws::Client& client, const WatchOptions& options) {
  return Watcher(handler, client, options).run();
}

}  // namespace custos::serverless
