// SignalPipe: SIGTERM, SIGINT and SIGHUP as flags plus a descriptor to poll (the self-pipe
// trick). The handlers only set a flag and write one byte; the run loop does the work.
#ifndef KDIAG_LIVE_SIGNALS_H_
#define KDIAG_LIVE_SIGNALS_H_

namespace kdiag {

class SignalPipe {
 public:
  // Installs the handlers; one instance at a time. The destructor restores the defaults.
  SignalPipe();
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  // Readable after a signal arrived.
  int fd() const { return read_fd_; }

  struct Pending {
    bool stop = false;    // SIGTERM or SIGINT
    bool hangup = false;  // SIGHUP
  };
  // The signals since the last call (and empties the pipe).
  Pending Take();

 private:
  int read_fd_ = -1;
};

}  // namespace kdiag

#endif  // KDIAG_LIVE_SIGNALS_H_
