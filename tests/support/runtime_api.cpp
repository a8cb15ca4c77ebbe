#include "support/runtime_api.h"

#include <httplib.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace custos::test {
namespace {

struct Invocation {
  std::string id, event, trace;
  std::chrono::system_clock::time_point deadline;
};

}  // namespace

struct RuntimeApiServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::string address;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Invocation> queued;
  std::map<std::string, Answer> answers;
  std::optional<std::string> init_error;
  std::optional<std::chrono::steady_clock::time_point> first_next;
  bool stopping = false;
  int count = 0;

  void next(httplib::Response& res) {
    std::unique_lock lock(mutex);
    if (!first_next) first_next = std::chrono::steady_clock::now();
    changed.notify_all();
    changed.wait(lock, [&] { return stopping || !queued.empty(); });
    if (stopping) {
      res.status = 500;
      res.set_content(R"({"errorMessage":"the runtime API is shutting down"})", "application/json");
      return;
    }
    Invocation invocation = std::move(queued.front());
    queued.pop_front();
    res.set_header("Lambda-Runtime-Aws-Request-Id", invocation.id);
    res.set_header("Lambda-Runtime-Deadline-Ms",
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      invocation.deadline.time_since_epoch())
                                      .count()));
    res.set_header("Lambda-Runtime-Trace-Id", invocation.trace);
    res.set_header("Lambda-Runtime-Invoked-Function-Arn",
                   "arn:aws:lambda:us-east-1:123456789012:function:custodian-test");
    res.set_content(invocation.event, "application/json");
  }

  void answered(const httplib::Request& req, httplib::Response& res, bool error) {
    std::lock_guard lock(mutex);
    std::string id = req.matches[1];
    answers[id] = {id, error, req.get_header_value("Lambda-Runtime-Function-Error-Type"), req.body};
    changed.notify_all();
    res.status = 202;
    res.set_content(R"({"status":"OK"})", "application/json");
  }
};

RuntimeApiServer::RuntimeApiServer() : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  const std::string base = "/2018-06-01/runtime";
  impl.server.Get(base + "/invocation/next",
                  [&impl](const httplib::Request&, httplib::Response& res) { impl.next(res); });
  impl.server.Post(base + R"(/invocation/([^/]+)/response)",
                   [&impl](const httplib::Request& req, httplib::Response& res) {
                     impl.answered(req, res, false);
                   });
  impl.server.Post(base + R"(/invocation/([^/]+)/error)",
                   [&impl](const httplib::Request& req, httplib::Response& res) {
                     impl.answered(req, res, true);
                   });
  impl.server.Post(base + "/init/error",
                   [&impl](const httplib::Request& req, httplib::Response& res) {
                     std::lock_guard lock(impl.mutex);
                     impl.init_error = req.body;
                     impl.changed.notify_all();
                     res.status = 202;
                   });
  // One request per connection, so that stopping does not wait for idle keep-alive clients.
  impl.server.set_keep_alive_max_count(1);
  impl.server.set_tcp_nodelay(true);
  const int port = impl.server.bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error("runtime API: cannot bind a port on 127.0.0.1");
  impl.address = "127.0.0.1:" + std::to_string(port);
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  while (!impl.server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

RuntimeApiServer::~RuntimeApiServer() { stop(); }

void RuntimeApiServer::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->changed.notify_all();
  }
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

const std::string& RuntimeApiServer::address() const { return impl_->address; }

std::string RuntimeApiServer::invoke(const std::string& event, std::chrono::milliseconds time_left,
                                     const std::string& trace) {
  std::lock_guard lock(impl_->mutex);
  // Unique across test processes: the runtime names its output folder after it.
  std::string id = "8476a536-" + std::to_string(::getpid()) + "-" + std::to_string(++impl_->count) +
                   "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  impl_->queued.push_back({id, event, trace, std::chrono::system_clock::now() + time_left});
  impl_->changed.notify_all();
  return id;
}

std::optional<RuntimeApiServer::Answer> RuntimeApiServer::answer(
    const std::string& request_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  if (!impl_->changed.wait_for(lock, timeout, [&] { return impl_->answers.count(request_id) > 0; }))
    return std::nullopt;
  return impl_->answers[request_id];
}

std::optional<std::string> RuntimeApiServer::init_error(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->init_error.has_value(); });
  return impl_->init_error;
}

std::optional<std::chrono::steady_clock::time_point> RuntimeApiServer::first_next(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->first_next.has_value(); });
  return impl_->first_next;
}

}  // namespace custos::test
