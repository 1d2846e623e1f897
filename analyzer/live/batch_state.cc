#include "analyzer/live/batch_state.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "analyzer/input/sources/follow_source.h"
#include "analyzer/input/sources/live_control.h"

namespace kdiag {
namespace {

// Reads to the current end and stops there: nothing is waited for.
class ToTheEnd : public LiveControl {
 public:
  bool Continue() override { return true; }
  void Delivered(size_t) override {}
  bool Wait(int) override { return false; }
};

}  // namespace

std::optional<Error> BatchState::Load() {
  return LoadCheckpoint(state_file_, &checkpoint_);
}

void BatchState::ReadFile(Pipeline* pipeline, const std::string& path, std::vector<Error>* errors) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    errors->push_back(Error{Location{path, 0, 0}, std::strerror(errno)});
    return;
  }
  ToTheEnd control;
  FollowSource source(path, FollowStart::kBeginning, checkpoint_.FileAt(path), &control);
  pipeline->Follow(&source, path, errors);
  checkpoint_.SetFile(path, source.position());
}

void BatchState::ReadKmsg(Pipeline* pipeline, const std::string& device,
                          std::vector<Error>* errors) {
  const std::string boot = CurrentBootId();
  KmsgReadOptions k;
  if (auto seq = ResumableKmsgSeq(checkpoint_, boot)) k.after_seq = *seq;
  std::optional<uint64_t> last = k.after_seq;
  k.record_done = [&last](uint64_t seq) { last = seq; };
  pipeline->ReadKmsg(device, errors, k);
  if (last) {
    checkpoint_.kmsg_boot_id = boot;
    checkpoint_.kmsg_seq = last;
  }
}

std::optional<Error> BatchState::Save() const {
  return SaveCheckpoint(state_file_, checkpoint_);
}

}  // namespace kdiag
