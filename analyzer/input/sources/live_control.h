// LiveControl: what a live source (a followed file, a pipe, /dev/kmsg) asks of the run loop.
//
// A live source blocks in Read() until it has bytes, like a pipe, so the pipeline stays the same
// for live and batch inputs. While it has nothing to read it hands control to the run loop, which
// waits for the source's descriptor, a signal or a timer, and meanwhile does the periodic work
// (flushing held records and events, checkpoints, metrics). When the run must end (SIGTERM, a
// closed output) the loop says so and the source ends as if its input had ended.
#ifndef KDIAG_INPUT_SOURCES_LIVE_CONTROL_H_
#define KDIAG_INPUT_SOURCES_LIVE_CONTROL_H_

#include <cstddef>

namespace kdiag {

class LiveControl {
 public:
  virtual ~LiveControl() = default;
  // Called before every read attempt; false: stop now.
  virtual bool Continue() = 0;
  // The source just handed `bytes` (complete lines or records) to the pipeline.
  virtual void Delivered(size_t bytes) = 0;
  // Nothing to read: returns when `fd` (-1: none, e.g. polling a file) may be readable, a signal
  // arrived or a polling tick passed. false: stop now.
  virtual bool Wait(int fd) = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_LIVE_CONTROL_H_
