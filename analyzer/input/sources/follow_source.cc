// FollowSource: one loop per Read. Hand out ready lines first; else read; at the end of the file
// look for a rotation or a truncation; else wait for the run loop (inotify or a polling tick).
#include "analyzer/input/sources/follow_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kdiag {
namespace {

constexpr size_t kChunk = 64 * 1024;
// A "line" this long without '\n' is handed out anyway; the line reader cuts it at its limit.
constexpr size_t kMaxPartial = 1 << 20;
constexpr size_t kFirstLineBytes = 4096;

std::string Directory(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

uint64_t FirstLineHash(int fd) {
  char buf[kFirstLineBytes];
  ssize_t n;
  do {
    n = pread(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;
  const void* nl = std::memchr(buf, '\n', static_cast<size_t>(n));
  if (!nl && static_cast<size_t>(n) < sizeof buf) return 0;  // still being written
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf) : sizeof buf;
  uint64_t h = 14695981039346656037ull;  // FNV-1a, 64 bits
  for (size_t i = 0; i < len; ++i) {
    h ^= static_cast<unsigned char>(buf[i]);
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

FollowSource::FollowSource(std::string path, FollowStart start, const FilePosition* resume,
                           LiveControl* control)
    : path_(std::move(path)), start_(start), control_(control) {
  if (resume) resume_ = *resume, have_resume_ = true;
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ >= 0 && inotify_add_watch(inotify_, Directory(path_).c_str(),
                                         IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
                                             IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB) < 0) {
    close(inotify_);  // e.g. the directory does not exist yet: poll
    inotify_ = -1;
  }
  // Rotated while kdiag was down: the rest of the saved file comes first, then the path's file.
  std::string rotated = have_resume_ ? FindRotated() : std::string();
  if (!rotated.empty() && Open(rotated, true)) return;
  if (!Open(path_, true)) {
    if (errno != ENOENT) open_error_ = std::strerror(errno);
    // Not there yet: the file that appears is new, read from its beginning.
    have_resume_ = false;
    start_ = FollowStart::kBeginning;
  }
}

FollowSource::~FollowSource() {
  if (fd_ >= 0) close(fd_);
  if (inotify_ >= 0) close(inotify_);
}

std::string FollowSource::FindRotated() const {
  struct stat st;
  if (stat(path_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == resume_.device &&
      static_cast<uint64_t>(st.st_ino) == resume_.inode) {
    return "";  // not rotated
  }
  std::string dir = Directory(path_);
  size_t slash = path_.rfind('/');
  std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
  DIR* d = opendir(dir.c_str());
  if (!d) return "";
  std::string found;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    // logrotate's names: kern.log.1, kern.log-20261123 (dateext)
    if (name.size() <= base.size() + 1 || name.compare(0, base.size(), base) != 0) continue;
    if (name[base.size()] != '.' && name[base.size()] != '-') continue;
    std::string candidate = dir + "/" + name;
    if (stat(candidate.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == resume_.device &&
        static_cast<uint64_t>(st.st_ino) == resume_.inode) {
      found = candidate;
      break;
    }
  }
  closedir(d);
  return found;
}

bool FollowSource::Open(const std::string& name, bool first) {
  int fd = open(name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return false;
  }
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
  regular_ = S_ISREG(st.st_mode);
  device_ = st.st_dev;
  inode_ = st.st_ino;
  read_offset_ = handed_offset_ = 0;
  first_line_hash_ = regular_ ? FirstLineHash(fd_) : 0;
  partial_.clear();
  if (!first || !regular_) return true;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  bool same = have_resume_ && resume_.device == device_ && resume_.inode == inode_ &&
              resume_.offset <= size &&
              (resume_.first_line_hash == 0 || resume_.first_line_hash == first_line_hash_);
  uint64_t at = same ? resume_.offset : start_ == FollowStart::kEnd && !have_resume_ ? size : 0;
  if (at > 0 && lseek(fd_, static_cast<off_t>(at), SEEK_SET) >= 0) {
    read_offset_ = handed_offset_ = at;
  }
  return true;
}

void FollowSource::Rewind() {
  lseek(fd_, 0, SEEK_SET);
  read_offset_ = handed_offset_ = 0;
  partial_.clear();
  first_line_hash_ = FirstLineHash(fd_);
  ++truncations_;
}

FilePosition FollowSource::position() const {
  FilePosition p;
  p.device = device_;
  p.inode = inode_;
  p.offset = handed_offset_;
  p.first_line_hash = first_line_hash_;
  return p;
}

// Moves the complete lines of partial_ (all of it when `all`, a final line without '\n' ended
// by one) to ready_.
void FollowSource::TakeLines(bool all) {
  size_t nl = partial_.rfind('\n');
  size_t take = all || partial_.size() >= kMaxPartial ? partial_.size()
                : nl == std::string::npos             ? 0
                                                      : nl + 1;
  if (take == 0) return;
  if (ready_pos_ == ready_.size()) ready_.clear(), ready_pos_ = 0;
  ready_.append(partial_, 0, take);
  partial_.erase(0, take);
  if (all && !ready_.empty() && ready_.back() != '\n') ready_.push_back('\n');
}

bool FollowSource::Truncated() {
  if (!regular_ || fd_ < 0) return false;
  struct stat now;
  if (fstat(fd_, &now) == 0 && static_cast<uint64_t>(now.st_size) < read_offset_) {
    Rewind();  // copytruncate, or truncated by hand
    return true;
  }
  if (first_line_hash_ == 0) {
    first_line_hash_ = FirstLineHash(fd_);
  } else if (FirstLineHash(fd_) != first_line_hash_) {
    Rewind();  // truncated and written past the old size before we looked
    return true;
  }
  return false;
}

bool FollowSource::Rotated() {
  if (!regular_) return false;
  if (Truncated()) return true;
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) return false;  // deleted or renamed: wait for a new file
  if (static_cast<uint64_t>(st.st_dev) == device_ && static_cast<uint64_t>(st.st_ino) == inode_) {
    return false;
  }
  // Renamed or replaced: whatever the writer appended to the old file before it reopened is read
  // first (the old descriptor still reaches it), then the new file.
  char chunk[kChunk];
  for (;;) {
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    read_offset_ += static_cast<uint64_t>(got);
    partial_.append(chunk, static_cast<size_t>(got));
    if (partial_.size() >= kMaxPartial) TakeLines(false);
  }
  TakeLines(true);
  switch_pending_ = true;
  return true;
}

void FollowSource::DrainInotify() {
  if (inotify_ < 0) return;
  char events[4096];
  while (read(inotify_, events, sizeof events) > 0) {
  }
}

long FollowSource::Read(char* buf, size_t n, std::string* error) {
  if (!open_error_.empty()) {
    *error = open_error_;  // e.g. permission denied: waiting would not help
    return -1;
  }
  char chunk[kChunk];
  for (;;) {
    if (ready_pos_ < ready_.size()) {
      size_t k = std::min(n, ready_.size() - ready_pos_);
      std::memcpy(buf, ready_.data() + ready_pos_, k);
      ready_pos_ += k;
      handed_offset_ += k;
      control_->Delivered(k);
      return static_cast<long>(k);
    }
    if (switch_pending_) {
      switch_pending_ = false;
      if (Open(path_, false)) ++rotations_;
    }
    if (!control_->Continue()) return 0;
    if (fd_ < 0 && !Open(path_, true)) {
      if (!control_->Wait(inotify_)) return 0;
      DrainInotify();
      continue;
    }
    ssize_t got = read(fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno != EAGAIN) {
      *error = std::strerror(errno);
      return -1;
    }
    if (got > 0) {
      read_offset_ += static_cast<uint64_t>(got);
      partial_.append(chunk, static_cast<size_t>(got));
      TakeLines(false);
      continue;
    }
    if (Rotated()) continue;
    if (!control_->Wait(regular_ ? inotify_ : fd_)) return 0;
    DrainInotify();
    Truncated();  // before reading what a truncating writer wrote past the old size
  }
}

}  // namespace kdiag
