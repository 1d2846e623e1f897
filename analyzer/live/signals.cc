#include "analyzer/live/signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace kdiag {
namespace {

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_hangup = 0;
int g_write_fd = -1;

void OnSignal(int sig) {
  int saved = errno;
  if (sig == SIGHUP) {
    g_hangup = 1;
  } else {
    g_stop = 1;
  }
  if (g_write_fd >= 0) {
    char c = 0;
    ssize_t ignored = write(g_write_fd, &c, 1);  // a full pipe already wakes the loop
    (void)ignored;
  }
  errno = saved;
}

}  // namespace

SignalPipe::SignalPipe() {
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0) {
    read_fd_ = fds[0];
    g_write_fd = fds[1];
  }
  g_stop = g_hangup = 0;
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

SignalPipe::~SignalPipe() {
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGHUP, SIG_DFL);
  if (read_fd_ >= 0) close(read_fd_);
  if (g_write_fd >= 0) close(g_write_fd);
  g_write_fd = -1;
}

SignalPipe::Pending SignalPipe::Take() {
  char buf[64];
  if (read_fd_ >= 0) {
    while (read(read_fd_, buf, sizeof buf) > 0) {
    }
  }
  Pending p;
  if (g_stop) p.stop = true;  // stays set: a stop is final
  if (g_hangup) p.hangup = true, g_hangup = 0;
  return p;
}

}  // namespace kdiag
