#include "serverless/sqs_deleter.h"

#include <map>

namespace custos::serverless {
namespace {

constexpr std::size_t kBatch = 10;  // SQS's most per DeleteMessageBatch

const char* kUndeleted =
    ": handled, but not deleted (the queue delivers it again and the journal repeats nothing): ";

}  // namespace

SqsDeleter::SqsDeleter(const aws::Client& client, std::string queue_url, Log log,
                       std::chrono::milliseconds gather)
    : client_(client),
      queue_url_(std::move(queue_url)),
      log_(std::move(log)),
      gather_(gather),
      thread_([this] { run(); }) {}

SqsDeleter::~SqsDeleter() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  thread_.join();
}

void SqsDeleter::remove(const std::string& message_id, const std::string& receipt,
                        std::string line) {
  std::lock_guard lock(mutex_);
  pending_.push_back({message_id, receipt, std::move(line)});
  changed_.notify_all();
}

void SqsDeleter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return finished_ || !pending_.empty(); });
    if (pending_.empty()) return;
    changed_.wait_for(lock, gather_, [this] { return finished_ || pending_.size() >= kBatch; });
    auto end = pending_.begin() + static_cast<std::ptrdiff_t>(std::min(kBatch, pending_.size()));
    std::vector<Pending> batch(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(end));
    pending_.erase(pending_.begin(), end);
    lock.unlock();
    send(batch);
    lock.lock();
  }
}

void SqsDeleter::send(const std::vector<Pending>& batch) const {
  Json entries = Json::array();
  for (std::size_t i = 0; i < batch.size(); ++i)
    entries.push_back({{"Id", std::to_string(i)}, {"ReceiptHandle", batch[i].receipt}});
  Json answer;
  try {
    answer =
        client_.call("sqs", "DeleteMessageBatch", {{"QueueUrl", queue_url_}, {"Entries", entries}});
  } catch (const std::exception& e) {
    for (const auto& p : batch) log_("message " + p.id + kUndeleted + e.what());
    return;
  }
  std::map<std::string, std::string> failed;  // entry id -> why
  for (const Json& f : answer.value("Failed", Json::array()))
    failed[f.value("Id", "")] = f.value("Code", "") + ": " + f.value("Message", "");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto why = failed.find(std::to_string(i));
    log_(why == failed.end() ? batch[i].line + ", deleted"
                             : "message " + batch[i].id + kUndeleted + why->second);
  }
}

}  // namespace custos::serverless
