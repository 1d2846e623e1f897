#include "analyzer/output/line_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyzer/output/write_all.h"

namespace kdiag {

LineOutput::~LineOutput() {
  if (fd_ != 1) close(fd_);
}

std::optional<Error> LineOutput::Open() {
  if (path_.empty() || fd_ != 1) return std::nullopt;
  int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error{Location{path_, 0, 0}, std::strerror(errno)};
  fd_ = fd;
  return std::nullopt;
}

std::optional<Error> LineOutput::Reopen() {
  if (path_.empty()) return std::nullopt;
  int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error{Location{path_, 0, 0}, std::strerror(errno)};
  if (fd_ != 1) close(fd_);
  fd_ = fd;
  return std::nullopt;
}

void LineOutput::Sync() {
  if (!closed_) fdatasync(fd_);  // EINVAL on a pipe: nothing to make durable
}

void LineOutput::Write(std::string_view lines) {
  if (closed_) return;
  if (int e = WriteAll(fd_, lines)) {
    if (e != EPIPE) error_ = e;
    closed_ = true;
  }
}

}  // namespace kdiag
