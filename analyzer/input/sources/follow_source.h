// FollowSource: a file followed like `tail -F`, as a ByteSource that blocks until there is more.
//
// Reads from the start (or the end, or a saved position), then follows appends. Hands out only
// complete lines (a line still being written waits for its '\n'), so every byte handed out can be
// processed at once and a checkpoint of the position is exact. It survives:
//   - rename rotation (logrotate's default, `mv f f.1; reopen`): the old file is read to its end,
//     then the new file at the path from its start;
//   - copytruncate: the size drops below the position read, or the first line changes: the file is
//     read again from offset 0;
//   - deletion and re-creation: the new file at the path is taken from its start;
//   - a rotation while kdiag was not running: resuming, the saved file is looked for under a
//     rotated name next to the path and read from the saved offset to its end first.
// Changes are noticed through inotify on the file's directory, and a polling tick of the run loop
// covers file systems without inotify (NFS) or an inotify instance that could not be had.
#ifndef KDIAG_INPUT_SOURCES_FOLLOW_SOURCE_H_
#define KDIAG_INPUT_SOURCES_FOLLOW_SOURCE_H_

#include <cstdint>
#include <string>

#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/live_control.h"

namespace kdiag {

// Where a followed file has been handed out to: enough to resume exactly there after a restart.
struct FilePosition {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;           // bytes of complete lines handed out
  uint64_t first_line_hash = 0;  // FirstLineHash of the file; 0 when it has no first line yet
};

// FNV-1a of the file's first line (at most 4 KiB of it), read with pread; 0 when it has no
// complete first line (an empty file, or a first line still being written).
uint64_t FirstLineHash(int fd);

enum class FollowStart { kBeginning, kEnd };

class FollowSource : public ByteSource {
 public:
  // `resume` (may be null): continue after it when the path still names that file with the same
  // first line and at least that size; otherwise start as `start` says (a different file at the
  // path is always read from its beginning: it is new).
  FollowSource(std::string path, FollowStart start, const FilePosition* resume,
               LiveControl* control);
  ~FollowSource() override;
  FollowSource(const FollowSource&) = delete;
  FollowSource& operator=(const FollowSource&) = delete;

  // Blocks until complete lines are there; 0 when the run loop says stop; -1 when the path
  // exists but cannot be opened at the start (a missing file is waited for).
  long Read(char* buf, size_t n, std::string* error) override;

  // The file being read and the end of what was handed out of it.
  FilePosition position() const;
  uint64_t rotations() const { return rotations_; }
  uint64_t truncations() const { return truncations_; }

 private:
  // Opens `name` as the file being read; `first`: where to start comes from the saved position
  // or the start option.
  bool Open(const std::string& name, bool first);
  // The saved file under a rotated name next to the path (kern.log.1, kern.log-20261123) when
  // the path now names another file; empty otherwise.
  std::string FindRotated() const;
  // At the end of the file: reopen after a rotation, rewind after a truncation. True when the
  // source changed position and should read again.
  bool Rotated();
  // The file shrank below the position read or has another first line: rewinds, true.
  bool Truncated();
  void Rewind();
  void TakeLines(bool all);
  void DrainInotify();

  std::string path_;
  FollowStart start_;
  FilePosition resume_;
  bool have_resume_ = false;
  LiveControl* control_;
  int fd_ = -1;
  int inotify_ = -1;
  bool regular_ = true;
  uint64_t device_ = 0, inode_ = 0;
  uint64_t read_offset_ = 0;      // bytes read from fd_
  uint64_t handed_offset_ = 0;    // bytes of fd_'s file handed out
  uint64_t first_line_hash_ = 0;  // of the open file, once known
  std::string partial_;           // bytes after the last '\n' read
  std::string ready_;             // complete lines not yet handed out
  size_t ready_pos_ = 0;
  bool switch_pending_ = false;  // ready_ holds the old file's last lines; then reopen
  uint64_t rotations_ = 0, truncations_ = 0;
  std::string open_error_;  // the path exists but cannot be opened
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_FOLLOW_SOURCE_H_
