#include "analyzer/output/out_stream.h"

#include <cerrno>

#include "analyzer/output/write_all.h"

namespace kdiag {

void OutStream::Write(std::string_view s) {
  if (closed_) return;
  buffer_.append(s);
  if (buffer_.size() >= 64 * 1024) Flush();
}

void OutStream::Flush() {
  if (!closed_ && !buffer_.empty()) {
    if (int e = WriteAll(fd_, buffer_)) {
      if (e != EPIPE) error_ = e;
      closed_ = true;
    }
  }
  buffer_.clear();
}

}  // namespace kdiag
