// OutStream: buffered writes to a file descriptor that end quietly on a closed pipe.
//
// `kdiag ... | head` must not print an error when head exits: write() fails with EPIPE (SIGPIPE is
// ignored by the CLI), the stream marks itself closed and drops further output, and the caller
// ends the run normally.
#ifndef KDIAG_OUTPUT_OUT_STREAM_H_
#define KDIAG_OUTPUT_OUT_STREAM_H_

#include <string>
#include <string_view>

namespace kdiag {

class OutStream {
 public:
  explicit OutStream(int fd) : fd_(fd) {}
  ~OutStream() { Flush(); }

  void Write(std::string_view s);
  void Flush();
  // A write failed (EPIPE or another error): nothing more is written.
  bool closed() const { return closed_; }
  // The errno of a failure other than EPIPE, or 0.
  int error() const { return error_; }

 private:
  int fd_;
  std::string buffer_;
  bool closed_ = false;
  int error_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_OUT_STREAM_H_
