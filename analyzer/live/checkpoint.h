// Checkpoint: where a live run has processed its input to, so a restart neither replays nor
// loses a record. A small key=value text file (one "key=value" a line, '#' comments, '\' and
// newline in values written as "\\" and "\n"), replaced atomically (atomic_file.h):
//
//   version=2
//   file.path=/var/log/kern.log          a followed file: identity, offset after the last
//   file.device=2049                     processed line, hash of its first line (a copytruncate
//   file.inode=393231                    or a new file at the same inode shows as a different
//   file.offset=81234                    first line); batch --state with several files repeats
//   file.first_line_hash=9c1185a5c5e9fc54  the group, each starting at its file.path line
//   kmsg.boot_id=5d2f...                 /dev/kmsg: the boot and the last sequence number
//   kmsg.seq=4711                        processed; another boot starts over at its first record
//   journal.cursor=s=...                 kept as found for journal inputs
//   end=1                                the last line: the file is whole
//
// Unknown keys are ignored (a newer kdiag may add some). A file without its version line, or a
// version 2 file without its end line, was cut short (a restored backup, a file system that lost
// the data of a rename): an error naming the file and the line where it ends, not an empty
// checkpoint. Version 1 files (no end line) still load.
#ifndef KDIAG_LIVE_CHECKPOINT_H_
#define KDIAG_LIVE_CHECKPOINT_H_

#include <optional>
#include <string>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/input/sources/follow_source.h"

namespace kdiag {

// Where one file was left.
struct FileMark {
  std::string path;
  FilePosition position;
};

struct Checkpoint {
  std::vector<FileMark> files;  // one per path, in the order first saved
  std::string kmsg_boot_id;
  std::optional<uint64_t> kmsg_seq;
  std::string journal_cursor;

  // The position saved for `path`, or null.
  const FilePosition* FileAt(const std::string& path) const;
  // Saves `position` for `path`, replacing the one before.
  void SetFile(const std::string& path, const FilePosition& position);
};

// A missing file is an empty checkpoint; a malformed one is an error naming the path and line.
std::optional<Error> LoadCheckpoint(const std::string& path, Checkpoint* out);
std::optional<Error> SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint);
std::string RenderCheckpoint(const Checkpoint& checkpoint);

// This boot's id (/proc/sys/kernel/random/boot_id, random per boot), or empty.
std::string CurrentBootId();

// The /dev/kmsg sequence number `saved` holds, when it holds for the boot `boot_id`: kmsg numbers
// restart at every boot, so a position is resumed only when both boot ids are known and equal. An
// unreadable boot_id (a sandbox with ProcSubset=pid, no /proc/sys) matched an unreadable one
// before, and a reboot between two runs then skipped the new boot's first records.
std::optional<uint64_t> ResumableKmsgSeq(const Checkpoint& saved, const std::string& boot_id);

}  // namespace kdiag

#endif  // KDIAG_LIVE_CHECKPOINT_H_
