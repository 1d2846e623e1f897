// BootSegmenter: numbers the boots within one input.
//
// A log may hold several boots (a serial capture across reboots, kern.log over weeks, dmesg
// renderings concatenated). A new boot starts at a "Linux version " record when the current boot
// already had one or already reached a time past its first second (a dmesg that began mid-boot,
// then a reboot), and at a kernel timestamp reset: a kernel record whose time is more than one
// second below the previous kernel record's. Xen and guest records have clocks of their own and
// neither start nor end boots. Formats that name the boot (the journal's _BOOT_ID) are exact:
// a record whose boot_id differs from the previous named one starts a boot, and the guesses
// above are not used while boot ids are present. A record the framer marked boot_start (after
// journalctl's "-- Boot <id> --" or "-- Reboot --" separator) starts a boot, except as the
// input's first record. Records pass through in order with `boot` set.
#ifndef KDIAG_INPUT_BOOT_SEGMENTER_H_
#define KDIAG_INPUT_BOOT_SEGMENTER_H_

#include <cstdint>
#include <optional>

#include "analyzer/input/record.h"

namespace kdiag {

class BootSegmenter {
 public:
  // Sets record->boot (and may read record->boot_marker, time_us, source).
  void Assign(Record* record);
  // The same for a kernel record that carries nothing but its time (a line passed over unframed:
  // framer.h PlainKernelLine), without building it.
  void AssignKernelTime(int64_t time_us);
  // The boot AssignKernelTime(time_us) would put that line in, without assigning it.
  int BootOfKernelTime(int64_t time_us) const;
  // Boots seen so far: 0 before any record, else the last index + 1.
  int boots() const { return seen_any_ ? boot_ + 1 : 0; }

 private:
  void Kernel(bool boot_marker, const std::optional<int64_t>& t);
  int boot_ = 0;
  bool seen_any_ = false;
  bool seen_version_ = false;
  std::string boot_id_;  // last non-empty boot id
  std::optional<int64_t> last_kernel_us_;
  int64_t max_kernel_us_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_BOOT_SEGMENTER_H_
