#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "aws/client.h"
#include "support/soak_faults.h"

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
std::string action_of(const std::string& body, const std::string& amz_target) {
  std::size_t at = body.starts_with("Action=") ? 0 : body.find("&Action=");
  if (at != std::string::npos) {
    at = body.find('=', at) + 1;
    return body.substr(at, body.find('&', at) - at);
  }
  return amz_target.empty() ? "" : amz_target.substr(amz_target.rfind('.') + 1);
}

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto found = headers.find(name);
  return found == headers.end() ? "" : found->second;
}

// The change a request asked upstream for, or "" when it only reads: by operation name where
// the request names one, else (REST) by method.
std::string change_of(const FaultProxy::Arrival& arrival) {
  const std::string action = action_of(arrival.body, header(arrival.headers, "X-Amz-Target"));
  if (!action.empty()) return aws::Client::is_read_only(action) ? "" : action + " " + arrival.body;
  if (arrival.method == "GET" || arrival.method == "HEAD") return "";
  return arrival.method + " " + arrival.target + " " + arrival.body;
}

// moto's own API (is it up, reset): not AWS, not retried, so neither faulted nor counted.
constexpr std::string_view kMotoApi = "/moto-api/";

// httplib gives a handler no socket: the one whose ends are this request's is shut, so that the
// client reads no answer at all (what httplib then writes goes nowhere).
void drop_connection(const httplib::Request& req) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in local{}, peer{};
    socklen_t size = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) != 0 ||
        local.sin_family != AF_INET || ntohs(local.sin_port) != req.local_port)
      continue;
    size = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &size) != 0 ||
        ntohs(peer.sin_port) != req.remote_port)
      continue;
    const linger reset{1, 0};  // a reset, not an orderly close
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    shutdown(fd, SHUT_RDWR);
    return;
  }
}

// The body in eight pieces 10 ms apart: the client must put together an answer that trickles in.
void deliver_slowly(httplib::Response& res) {
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  const std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  const std::size_t piece = std::max<std::size_t>(1, body->size() / 8);
  res.set_content_provider(
      body->size(), type,
      [body, piece](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return sink.write(body->data() + offset, std::min(length, piece));
      });
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
  std::vector<std::pair<std::string, Reply>> paths;       // by a part of the path
  std::vector<Responder> responders;
  std::vector<Arrival> arrivals;
  std::string hold_marker;
  int held = 0;
  bool released = false;
  std::chrono::milliseconds latency{0};
  std::condition_variable changed;
  std::optional<SoakSpec> soak;
  std::mt19937_64 random;

  void start();
  void handle(const httplib::Request& req, httplib::Response& res);
  std::optional<Reply> soak_fault(const httplib::Request& req, Arrival& arrival);
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
  // Soak mode's slow answers and latency keep a worker each: more than httplib's 8 must serve
  // a client's parallel calls.
  server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) throw std::runtime_error("fault proxy: cannot bind a port on 127.0.0.1");
  url = "http://127.0.0.1:" + std::to_string(port);
  thread = std::thread([this] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FaultProxy::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  // A Range is the upstream's to apply: httplib would cut the answer (the range already) again.
  // The request is the server's own, non-const object.
  const_cast<httplib::Request&>(req).ranges.clear();
  Arrival arrival;
  arrival.time = std::chrono::steady_clock::now();
  arrival.method = req.method;
  arrival.target = req.target;
  for (const auto& [name, value] : req.headers) arrival.headers[name] = value;
  arrival.body = req.body;
  std::optional<Reply> faulty;
  std::size_t index = 0;
  std::chrono::milliseconds delay{0};
  std::string soaked;
  {
    std::unique_lock lock(mutex);
    delay = latency;
    if (faults_left > 0) {
      --faults_left;
      faulty = fault;
    } else if (auto canned =
                   actions.find(action_of(req.body, req.get_header_value("X-Amz-Target")));
               canned != actions.end()) {
      faulty = canned->second;
    }
    for (const auto& [marker, reply] : containing)
      if (!faulty && req.body.find(marker) != std::string::npos) faulty = reply;
    for (const auto& [part, reply] : paths)
      if (!faulty && req.path.find(part) != std::string::npos) faulty = reply;
    for (const auto& responder : responders)
      if (!faulty) faulty = responder(arrival);
    if (!faulty) faulty = soak_fault(req, arrival);
    soaked = arrival.soak_fault;
    arrival.faulted = faulty.has_value() || arrival.soak_fault == "reset";
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
  if (soaked == "reset") {
    drop_connection(req);
  } else if (faulty) {
    write_reply(*faulty, res);
  } else if (upstream) {
    forward(req, res);
  } else {
    write_reply(answer, res);
  }
  std::lock_guard lock(mutex);
  Arrival& recorded = arrivals[index];
  recorded.status = soaked == "reset" ? 0 : res.status;
  for (const auto& [name, value] : res.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    recorded.response_headers.emplace_back(std::move(lower), value);
  }
  recorded.response_body = res.body;
  // An empty body has nothing to trickle (and httplib would leave the client waiting for it).
  if (soaked == "slow" && !res.body.empty()) deliver_slowly(res);
}

std::optional<FaultProxy::Reply> FaultProxy::Impl::soak_fault(const httplib::Request& req,
                                                              Arrival& arrival) {
  if (!soak || req.target.starts_with(kMotoApi)) return std::nullopt;
  // Drawn for every request, the last attempts included, so that a seed gives one sequence.
  const double draw = std::uniform_real_distribution<double>(0, 1)(random);
  const int status = random() % 2 == 0 ? 500 : 503;
  if (soak::is_last_attempt(req.get_header_value("amz-sdk-request"))) return std::nullopt;
  const soak::Protocol protocol = soak::protocol_of(req.get_header_value("X-Amz-Target"), req.body,
                                                    req.get_header_value("Authorization"));
  const std::string request_id = "soak-" + std::to_string(arrivals.size());
  double bound = soak->throttle;
  if (draw < bound) {
    arrival.soak_fault = "throttle";
    return soak::throttling(protocol, request_id);
  }
  if (draw < (bound += soak->error5xx)) {
    arrival.soak_fault = "error5xx";
    return soak::server_error(protocol, status, request_id);
  }
  if (draw < (bound += soak->reset)) {
    arrival.soak_fault = "reset";
  } else if (draw < bound + soak->slow) {
    arrival.soak_fault = "slow";
  }
  return std::nullopt;
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

void FaultProxy::answer_path(const std::string& part, Reply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->paths.emplace_back(part, std::move(reply));
}

void FaultProxy::answer_with(Responder answer) {
  std::lock_guard lock(impl_->mutex);
  impl_->responders.push_back(std::move(answer));
}

std::vector<FaultProxy::Arrival> FaultProxy::arrivals() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->arrivals;
}

void FaultProxy::soak(const SoakSpec& spec, std::uint64_t seed) {
  // A reset connection makes httplib write its answer to a shut socket.
  std::signal(SIGPIPE, SIG_IGN);
  std::cerr << "fault proxy soak: seed " << seed << "\n";
  std::lock_guard lock(impl_->mutex);
  impl_->soak = spec;
  impl_->random.seed(seed);
  impl_->latency = spec.latency;
}

FaultProxy::SoakReport FaultProxy::soak_report() const {
  SoakReport report;
  std::map<std::string, int> attempts;  // by invocation id
  std::map<std::string, int> applied;   // by invocation id and change
  for (const Arrival& arrival : arrivals()) {
    if (arrival.target.starts_with(kMotoApi)) continue;
    ++report.requests;
    if (!arrival.soak_fault.empty()) ++report.faults[arrival.soak_fault];
    const std::string invocation = header(arrival.headers, "amz-sdk-invocation-id");
    if (!invocation.empty())
      report.max_attempts = std::max(report.max_attempts, ++attempts[invocation]);
    const std::string change = change_of(arrival);
    if (arrival.faulted || arrival.status < 200 || arrival.status > 299 || change.empty()) continue;
    report.applied.push_back(change);
    if (++applied[invocation + " " + change] == 2) report.applied_twice.push_back(change);
  }
  report.calls = static_cast<int>(attempts.size());
  for (const auto& [invocation, count] : attempts) report.retries += count - 1;
  return report;
}

}  // namespace custos::test
