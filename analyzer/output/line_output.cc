#include "analyzer/output/line_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyzer/output/write_all.h"

namespace kdiag {
namespace {

// The work of CutTornLine: `rfd` reads the file that `fd` writes, `end` bytes long.
std::string CutTornLineOf(int fd, int rfd, const std::string& path, off_t end) {
  char last = 0;
  if (pread(rfd, &last, 1, end - 1) != 1 || last == '\n') return "";
  // Back from the end, a block at a time, to the last newline or kMaxTornLine bytes.
  char block[64 * 1024];
  off_t at = end;
  off_t keep = -1;  // bytes to keep: up to and with the last newline
  while (at > 0 && end - at <= static_cast<off_t>(LineOutput::kMaxTornLine)) {
    off_t from = at > static_cast<off_t>(sizeof block) ? at - static_cast<off_t>(sizeof block) : 0;
    ssize_t n = pread(rfd, block, static_cast<size_t>(at - from), from);
    if (n != at - from) return "";  // cannot tell: leave the file as it is
    const void* nl = memrchr(block, '\n', static_cast<size_t>(n));
    if (nl) {
      keep = from + (static_cast<const char*>(nl) - block) + 1;
      break;
    }
    at = from;
  }
  if (keep < 0 && at == 0) keep = 0;  // the whole (short) file is one torn line
  if (keep >= 0 && end - keep <= static_cast<off_t>(LineOutput::kMaxTornLine) &&
      ftruncate(fd, keep) == 0) {
    return path + ": cut a torn last line (" + std::to_string(end - keep) +
           " bytes without a newline, left by an interrupted write)";
  }
  if (WriteAll(fd, "\n") != 0) return "";
  return path + ": ends in " + std::to_string(end - at) +
         "+ bytes without a newline that kdiag did not write: added a newline after them";
}

// Cuts an unterminated last line of the regular file open for appending as `fd` at `path` (see
// the top of line_output.h). Returns what it did, or "" when the file ends with a newline, is
// empty or is no regular file. The output is opened write-only (a FIFO opened for reading too
// would never report its reader gone), so the tail is read through a second descriptor, which
// must be the same file.
std::string CutTornLine(int fd, const std::string& path) {
  struct stat st, rst;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return "";
  int rfd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (rfd < 0) return "";
  std::string done;
  if (fstat(rfd, &rst) == 0 && rst.st_dev == st.st_dev && rst.st_ino == st.st_ino) {
    done = CutTornLineOf(fd, rfd, path, st.st_size);
  }
  close(rfd);
  return done;
}

}  // namespace

LineOutput::~LineOutput() {
  if (fd_ != 1) close(fd_);
}

std::optional<Error> LineOutput::Open(std::string* notice) {
  if (path_.empty() || fd_ != 1) return std::nullopt;
  return Reopen(notice);
}

std::optional<Error> LineOutput::Reopen(std::string* notice) {
  if (path_.empty()) return std::nullopt;
  int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error{Location{path_, 0, 0}, std::strerror(errno)};
  std::string cut = CutTornLine(fd, path_);
  if (notice) *notice = cut;
  if (fd_ != 1) close(fd_);
  fd_ = fd;
  return std::nullopt;
}

bool LineOutput::ReopenIfDeleted(std::string* notice) {
  if (path_.empty() || closed_) return false;
  struct stat st;
  if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 0) return false;
  if (auto err = Reopen()) {
    *notice = err->ToString() + " (deleted while in use, cannot create it again)";
    return false;
  }
  *notice = path_ + ": deleted while in use: created again";
  return true;
}

void LineOutput::Sync() {
  if (!closed_) fdatasync(fd_);  // EINVAL on a pipe: nothing to make durable
}

void LineOutput::Write(std::string_view lines) {
  if (closed_) return;
  if (int e = WriteAll(fd_, lines)) {
    if (e != EPIPE) {
      error_ = e;
      // Do not leave half a line behind (a full disk: truncating also frees the blocks).
      if (fd_ != 1) CutTornLine(fd_, path_);
    }
    closed_ = true;
  }
}

}  // namespace kdiag
