// StreamSource: a pipe or terminal (stdin) read live until its end, as a ByteSource.
//
// Like FollowSource it hands out complete lines only (a final line without '\n' at the end of the
// stream is ended by one), and while nothing is there it lets the run loop wait, flush and tick.
// In message mode it hands out one line per Read and calls `after_message` once that line has
// gone through the pipeline (when the reader asks for more, or at the end): rsyslog's omprog
// protocol confirms each message that way.
#ifndef KDIAG_INPUT_SOURCES_STREAM_SOURCE_H_
#define KDIAG_INPUT_SOURCES_STREAM_SOURCE_H_

#include <functional>
#include <string>

#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/live_control.h"

namespace kdiag {

class StreamSource : public ByteSource {
 public:
  // `fd` is not owned. `after_message` empty: stream mode; else message mode.
  StreamSource(int fd, LiveControl* control, std::function<void()> after_message = {});
  long Read(char* buf, size_t n, std::string* error) override;

 private:
  int fd_;
  LiveControl* control_;
  std::function<void()> after_message_;
  bool message_out_ = false;  // a message was handed out and not yet confirmed
  bool eof_ = false;
  std::string partial_;
  std::string ready_;
  size_t ready_pos_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_STREAM_SOURCE_H_
