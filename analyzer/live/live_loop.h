// LiveLoop: the run loop of a live input. Live sources call it between reads (LiveControl); it
// waits with poll() on the source's descriptor and the signal pipe, and does the periodic work:
//   - idle flush: when no bytes came for `idle_flush_ms`, the records and the event the pipeline
//     holds back (waiting for continuation lines) go out, so an appended line's event appears
//     within that time;
//   - checkpoint: at most every `checkpoint_ms` after new input (and at exit, by the caller);
//     under a steady stream the held records are flushed first so the position is exact;
//   - metrics every `metrics_ms`;
//   - SIGHUP: the hangup hook (reopen outputs, reload rules); SIGTERM/SIGINT or a closed output:
//     stop, and the source ends as if at the end of its input.
#ifndef KDIAG_LIVE_LIVE_LOOP_H_
#define KDIAG_LIVE_LIVE_LOOP_H_

#include <chrono>
#include <functional>

#include "analyzer/input/sources/live_control.h"
#include "analyzer/live/signals.h"

namespace kdiag {

struct LiveTimes {
  int idle_flush_ms = 100;
  int checkpoint_ms = 1000;
  int metrics_ms = 5000;
  int poll_ms = 250;  // the polling fallback: how often a source looks at its file unasked
};

class LiveLoop : public LiveControl {
 public:
  struct Hooks {
    std::function<void()> flush;        // push held records and events out
    std::function<void()> checkpoint;   // may be empty
    std::function<void()> metrics;      // may be empty
    std::function<void()> hangup;       // may be empty
    std::function<bool()> should_stop;  // e.g. the output was closed; may be empty
  };
  LiveLoop(SignalPipe* signals, Hooks hooks, LiveTimes times = {});

  bool Continue() override;
  void Delivered(size_t bytes) override;
  bool Wait(int fd) override;

  // Flush now (omprog confirms a message only once it went through).
  void FlushNow();
  bool stopped() const { return stop_; }

 private:
  using Clock = std::chrono::steady_clock;
  void HandleSignals();
  void Periodic(bool idle);
  int Remaining(Clock::time_point since, int period_ms, Clock::time_point now) const;

  SignalPipe* signals_;
  Hooks hooks_;
  LiveTimes times_;
  bool stop_ = false;
  bool held_ = false;   // bytes were handed to the pipeline since the last flush
  bool dirty_ = false;  // ... since the last checkpoint
  bool idle_ = false;   // waiting since idle_since_
  Clock::time_point idle_since_, last_checkpoint_, last_metrics_;
};

}  // namespace kdiag

#endif  // KDIAG_LIVE_LIVE_LOOP_H_
