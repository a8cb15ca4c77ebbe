// credential_process: a command that prints credentials as JSON (Version 1).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "aws/credentials_sources.h"
#include "core/error.h"

extern char** environ;

namespace custos::aws {
namespace {

struct ProcessOutput {
  int status = 0;  // as waitpid reports it
  std::string out;
};

// Runs `command` with /bin/sh; its stderr goes to ours so that the user sees its complaints.
ProcessOutput run_shell(const std::string& command, const std::string& what) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(what + ": cannot create a pipe: " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string sh = "sh", dash_c = "-c", text = command;
  char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    throw Error(what + ": cannot start /bin/sh: " + std::strerror(spawned));
  }
  ProcessOutput result;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) {
      result.out.append(buffer, static_cast<std::size_t>(n));
    } else if (errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  return result;
}

}  // namespace

Credentials run_credential_process(const std::string& command, const std::string& what) {
  const ProcessOutput output = run_shell(command, what);
  if (WIFSIGNALED(output.status)) {
    throw Error(what + " was killed by signal " + std::to_string(WTERMSIG(output.status)));
  }
  if (WEXITSTATUS(output.status) != 0) {
    throw Error(what + " failed with exit code " + std::to_string(WEXITSTATUS(output.status)) +
                "; see its error output above, or run it by hand");
  }
  const Json document = Json::parse(output.out, nullptr, false);
  if (document.is_object()) {
    auto version = document.find("Version");
    if (version == document.end() || !version->is_number() || *version != 1) {
      throw Error(what + " must print \"Version\": 1, the only version custos supports");
    }
  }
  return credentials_from_json(document, {.token = "SessionToken", .required = false}, what);
}

}  // namespace custos::aws
