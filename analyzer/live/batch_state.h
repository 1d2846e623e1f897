// BatchState: `--state FILE` without --follow, the cron use ("every N minutes, report what is new
// since last time", as journalctl --cursor-file does).
//
// Each input, the files given and /dev/kmsg, is read from where the last run's checkpoint
// (checkpoint.h, the sidecar's own format and promise; one position per file path) left it to its
// current end, and the new positions are saved together only once the run's output is written, so a
// run that fails to write reports the same records again next time rather than losing them. A file
// is taken up again only if the path still names the same file (device, inode, first line) and it
// is not shorter; a file rotated since the last run is read from the saved offset to its end under
// its rotated name (kern.log.1) first, then the new file from its start (FollowSource does both). A
// line still being written (no '\n' yet) is left for the next run. /dev/kmsg is taken up after the
// saved sequence number only in the same boot (the boot id): after a reboot the sequence numbers
// start again and every record is new.
#ifndef KDIAG_LIVE_BATCH_STATE_H_
#define KDIAG_LIVE_BATCH_STATE_H_

#include <optional>
#include <string>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/live/checkpoint.h"
#include "analyzer/pipeline.h"

namespace kdiag {

class BatchState {
 public:
  explicit BatchState(std::string state_file) : state_file_(std::move(state_file)) {}

  // Loads the checkpoint. A malformed one is an error (the caller stops: reading everything
  // again would report old problems as new, and reading nothing would lose them).
  std::optional<Error> Load();
  // Reads what is new in the file at `path` (an error in `errors` when it cannot be read).
  void ReadFile(Pipeline* pipeline, const std::string& path, std::vector<Error>* errors);
  // Reads what is new in the kernel ring buffer `device`.
  void ReadKmsg(Pipeline* pipeline, const std::string& device, std::vector<Error>* errors);
  // Saves the new position; call once the output is written.
  std::optional<Error> Save() const;

 private:
  std::string state_file_;
  Checkpoint checkpoint_;
};

}  // namespace kdiag

#endif  // KDIAG_LIVE_BATCH_STATE_H_
