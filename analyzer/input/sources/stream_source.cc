#include "analyzer/input/sources/stream_source.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kdiag {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxPartial = 1 << 20;  // as FollowSource: the line reader cuts long lines

}  // namespace

StreamSource::StreamSource(int fd, LiveControl* control, std::function<void()> after_message)
    : fd_(fd), control_(control), after_message_(std::move(after_message)) {}

long StreamSource::Read(char* buf, size_t n, std::string* error) {
  if (message_out_) {
    message_out_ = false;
    after_message_();
  }
  char chunk[kChunk];
  for (;;) {
    if (ready_pos_ < ready_.size()) {
      size_t k = std::min(n, ready_.size() - ready_pos_);
      if (after_message_) {
        const void* nl = std::memchr(ready_.data() + ready_pos_, '\n', k);
        if (nl)
          k = static_cast<size_t>(static_cast<const char*>(nl) - ready_.data()) - ready_pos_ + 1;
        message_out_ = true;
      }
      std::memcpy(buf, ready_.data() + ready_pos_, k);
      ready_pos_ += k;
      control_->Delivered(k);
      return static_cast<long>(k);
    }
    if (eof_ || !control_->Continue()) return 0;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 0) == 0) {
      if (!control_->Wait(fd_)) return 0;
      continue;
    }
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      *error = std::strerror(errno);
      return -1;
    }
    if (got == 0) eof_ = true;
    partial_.append(chunk, static_cast<size_t>(got));
    size_t nl = partial_.rfind('\n');
    size_t take = eof_ || partial_.size() >= kMaxPartial ? partial_.size()
                  : nl == std::string::npos              ? 0
                                                         : nl + 1;
    if (take > 0) {
      ready_.assign(partial_, 0, take);
      ready_pos_ = 0;
      partial_.erase(0, take);
      if (ready_.back() != '\n') ready_.push_back('\n');
    }
  }
}

}  // namespace kdiag
