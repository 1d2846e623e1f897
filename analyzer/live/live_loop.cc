#include "analyzer/live/live_loop.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace kdiag {

LiveLoop::LiveLoop(SignalPipe* signals, Hooks hooks, LiveTimes times)
    : signals_(signals), hooks_(std::move(hooks)), times_(times) {
  last_checkpoint_ = last_metrics_ = Clock::now();
}

void LiveLoop::HandleSignals() {
  SignalPipe::Pending p = signals_->Take();
  if (p.hangup && hooks_.hangup) hooks_.hangup();
  if (p.stop) stop_ = true;
  if (hooks_.should_stop && hooks_.should_stop()) stop_ = true;
}

void LiveLoop::FlushNow() {
  hooks_.flush();
  held_ = false;
}

int LiveLoop::Remaining(Clock::time_point since, int period_ms, Clock::time_point now) const {
  auto left = since + std::chrono::milliseconds(period_ms) - now;
  return static_cast<int>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count()));
}

void LiveLoop::Periodic(bool idle) {
  Clock::time_point now = Clock::now();
  if (held_ && idle && Remaining(idle_since_, times_.idle_flush_ms, now) == 0) FlushNow();
  if (hooks_.checkpoint && dirty_ && Remaining(last_checkpoint_, times_.checkpoint_ms, now) == 0) {
    if (held_) FlushNow();  // a steady stream: the position must be after processed records only
    hooks_.checkpoint();
    dirty_ = false;
    last_checkpoint_ = now;
  }
  if (hooks_.metrics && Remaining(last_metrics_, times_.metrics_ms, now) == 0) {
    hooks_.metrics();
    last_metrics_ = now;
  }
}

bool LiveLoop::Continue() {
  HandleSignals();
  if (stop_) return false;
  Periodic(idle_);
  return true;
}

void LiveLoop::Delivered(size_t bytes) {
  if (bytes == 0) return;
  held_ = dirty_ = true;
  idle_ = false;
}

bool LiveLoop::Wait(int fd) {
  Clock::time_point now = Clock::now();
  if (!idle_) idle_ = true, idle_since_ = now;
  int timeout = times_.poll_ms;
  if (held_) timeout = std::min(timeout, Remaining(idle_since_, times_.idle_flush_ms, now));
  if (hooks_.checkpoint && dirty_) {
    timeout = std::min(timeout, Remaining(last_checkpoint_, times_.checkpoint_ms, now));
  }
  if (hooks_.metrics) timeout = std::min(timeout, Remaining(last_metrics_, times_.metrics_ms, now));
  pollfd fds[2] = {{signals_->fd(), POLLIN, 0}, {fd, POLLIN, 0}};
  int n = poll(fds, fd >= 0 ? 2 : 1, timeout);
  if (n < 0 && errno != EINTR) return false;
  HandleSignals();
  if (stop_) return false;
  Periodic(true);
  return true;
}

}  // namespace kdiag
