#include "support/fault_proxy.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace custos::test {
namespace {

// httplib adds these to what it received; the hop-by-hop ones belong to one connection.
bool forwardable(const std::string& name) {
  static const std::set<std::string, httplib::detail::ci> kSkipped = {
      "REMOTE_ADDR", "REMOTE_PORT",    "LOCAL_ADDR",        "LOCAL_PORT", "Host",
      "Connection",  "Content-Length", "Transfer-Encoding", "Keep-Alive"};
  return !kSkipped.contains(name);
}

void write_reply(const FaultProxy::Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, reply.content_type);
}

// The operation a request calls: a query-protocol body's Action ("Action=ListUsers&..."), or
// the JSON protocol's X-Amz-Target ("com.amazonaws...CloudTrail_20131101.ListPublicKeys").
std::string action_of(const httplib::Request& req) {
  const std::string& body = req.body;
  std::size_t at = body.starts_with("Action=") ? 0 : body.find("&Action=");
  if (at != std::string::npos) {
    at = body.find('=', at) + 1;
    return body.substr(at, body.find('&', at) - at);
  }
  std::string target = req.get_header_value("X-Amz-Target");
  return target.empty() ? "" : target.substr(target.rfind('.') + 1);
}

}  // namespace

struct FaultProxy::Impl {
  std::optional<std::string> upstream;
  Reply answer;
  httplib::Server server;
  std::thread thread;
  std::string url;
  mutable std::mutex mutex;
  int faults_left = 0;
  Reply fault;
  std::map<std::string, Reply> actions;                   // by Action name
  std::vector<std::pair<std::string, Reply>> containing;  // by a marker in the body
  std::vector<Arrival> arrivals;
  std::string hold_marker;
  int held = 0;
  bool released = false;
  std::chrono::milliseconds latency{0};
  std::condition_variable changed;

  void start();
  void handle(const httplib::Request& req, httplib::Response& res);
  void forward(const httplib::Request& req, httplib::Response& res) const;
};

void FaultProxy::Impl::start() {
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res);
  };
  server.Get(".*", handler).Post(".*", handler).Put(".*", handler);
  server.Patch(".*", handler).Delete(".*", handler).Options(".*", handler);
  // One request per connection, so that stopping does not wait for idle keep-alive clients.
  server.set_keep_alive_max_count(1);
  server.set_tcp_nodelay(true);
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error("fault proxy: cannot bind a port on 127.0.0.1");
  url = "http://127.0.0.1:" + std::to_string(port);
  thread = std::thread([this] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FaultProxy::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  Arrival arrival;
  arrival.time = std::chrono::steady_clock::now();
  arrival.method = req.method;
  arrival.target = req.target;
  for (const auto& [name, value] : req.headers) arrival.headers[name] = value;
  arrival.body = req.body;
  std::optional<Reply> faulty;
  std::size_t index = 0;
  std::chrono::milliseconds delay{0};
  {
    std::unique_lock lock(mutex);
    delay = latency;
    if (faults_left > 0) {
      --faults_left;
      faulty = fault;
    } else if (auto canned = actions.find(action_of(req)); canned != actions.end()) {
      faulty = canned->second;
    }
    for (const auto& [marker, reply] : containing)
      if (!faulty && req.body.find(marker) != std::string::npos) faulty = reply;
    arrival.faulted = faulty.has_value();
    index = arrivals.size();
    bool holding = !hold_marker.empty() && req.body.find(hold_marker) != std::string::npos;
    arrivals.push_back(std::move(arrival));
    if (holding) {
      ++held;
      changed.notify_all();
      changed.wait(lock, [this] { return released; });
      faulty = Reply{503, "held by the test", "text/plain", {}};
    }
  }
  std::this_thread::sleep_for(delay);
  if (faulty) {
    write_reply(*faulty, res);
  } else if (upstream) {
    forward(req, res);
  } else {
    write_reply(answer, res);
  }
  std::lock_guard lock(mutex);
  Arrival& recorded = arrivals[index];
  recorded.status = res.status;
  for (const auto& [name, value] : res.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    recorded.response_headers.emplace_back(std::move(lower), value);
  }
  recorded.response_body = res.body;
}

void FaultProxy::Impl::forward(const httplib::Request& req, httplib::Response& res) const {
  httplib::Client client(*upstream);
  client.set_url_encode(false);
  httplib::Request out;
  out.method = req.method;
  out.path = req.target;
  out.body = req.body;
  for (const auto& [name, value] : req.headers) {
    if (forwardable(name)) out.headers.emplace(name, value);
  }
  auto result = client.send(out);
  if (!result) {
    res.status = 502;
    res.set_content("fault proxy: upstream " + *upstream + " did not answer", "text/plain");
    return;
  }
  res.status = result->status;
  for (const auto& [name, value] : result->headers) {
    if (forwardable(name)) res.headers.emplace(name, value);
  }
  res.body = result->body;
}

FaultProxy::FaultProxy(const std::string& upstream_url) : impl_(std::make_unique<Impl>()) {
  impl_->upstream = upstream_url;
  impl_->start();
}

FaultProxy::FaultProxy(Reply answer) : impl_(std::make_unique<Impl>()) {
  impl_->answer = std::move(answer);
  impl_->start();
}

FaultProxy::~FaultProxy() {
  release();
  impl_->server.stop();
  impl_->thread.join();
}

const std::string& FaultProxy::url() const { return impl_->url; }

void FaultProxy::fail_next(int count, Reply fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults_left = count;
  impl_->fault = std::move(fault);
}

void FaultProxy::hold(std::string marker) {
  std::lock_guard lock(impl_->mutex);
  impl_->hold_marker = std::move(marker);
}

bool FaultProxy::wait_held(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [this] { return impl_->held > 0; });
}

void FaultProxy::add_latency(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->latency = delay;
}

void FaultProxy::release() {
  std::lock_guard lock(impl_->mutex);
  impl_->released = true;
  impl_->changed.notify_all();
}

void FaultProxy::answer_action(const std::string& action, Reply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->actions[action] = std::move(reply);
}

void FaultProxy::answer_containing(const std::string& marker, Reply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->containing.emplace_back(marker, std::move(reply));
}

std::vector<FaultProxy::Arrival> FaultProxy::arrivals() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->arrivals;
}

}  // namespace custos::test
