#include "analyzer/output/out_stream.h"

#include <unistd.h>

#include <cerrno>

namespace kdiag {

void OutStream::Write(std::string_view s) {
  if (closed_) return;
  buffer_.append(s);
  if (buffer_.size() >= 64 * 1024) Flush();
}

void OutStream::Flush() {
  size_t done = 0;
  while (!closed_ && done < buffer_.size()) {
    ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EPIPE) error_ = errno;
      closed_ = true;
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

}  // namespace kdiag
