// BootSegmenter: the rule is in the header. Only kernel records carry the boot's clock: Xen and
// guests keep their own time, and userspace syslog lines carry no time since boot.
#include "analyzer/input/boot_segmenter.h"

namespace kdiag {
namespace {

constexpr int64_t kOneSecondUs = 1000000;

}  // namespace

void BootSegmenter::Assign(Record* record) {
  if (record->boot_start) {
    if (seen_any_) ++boot_;
    boot_id_ = record->boot_id;
    seen_version_ = record->boot_marker;
    last_kernel_us_ = record->source == Source::kKernel ? record->time_us : std::nullopt;
    max_kernel_us_ = last_kernel_us_.value_or(0);
  } else if (!record->boot_id.empty()) {
    if (!boot_id_.empty() && record->boot_id != boot_id_) ++boot_;
    boot_id_ = record->boot_id;
  } else if (record->source == Source::kKernel) {
    Kernel(record->boot_marker, record->time_us);
  }
  seen_any_ = true;
  record->boot = boot_;
}

void BootSegmenter::AssignKernelTime(int64_t time_us) {
  Kernel(false, time_us);
  seen_any_ = true;
}

int BootSegmenter::BootOfKernelTime(int64_t time_us) const {
  bool new_boot = boot_id_.empty() && last_kernel_us_ && time_us < *last_kernel_us_ - kOneSecondUs;
  return new_boot ? boot_ + 1 : boot_;
}

void BootSegmenter::Kernel(bool boot_marker, const std::optional<int64_t>& t) {
  if (!boot_id_.empty()) return;
  bool new_boot = false;
  if (boot_marker) {
    // A second "Linux version", or one after a dmesg that began mid-boot (ring-buffer wrap).
    new_boot = seen_version_ || max_kernel_us_ > kOneSecondUs;
  }
  if (t && last_kernel_us_ && *t < *last_kernel_us_ - kOneSecondUs) new_boot = true;
  if (new_boot) {
    ++boot_;
    seen_version_ = false;
    last_kernel_us_.reset();
    max_kernel_us_ = 0;
  }
  if (boot_marker) seen_version_ = true;
  if (t) {
    last_kernel_us_ = *t;
    if (*t > max_kernel_us_) max_kernel_us_ = *t;
  }
}

}  // namespace kdiag
