// Reading the live kernel ring buffer from /dev/kmsg, up to its current end.
//
// Linux Documentation/ABI/testing/dev-kmsg and kernel/printk/printk.c devkmsg_read(): every read()
// returns exactly one record (header line plus dictionary lines, each ending in '\n'); a buffer
// too small for the record fails with EINVAL (records are at most CONSOLE_EXT_LOG_MAX, 8 KiB, so
// 16 KiB always fits); EPIPE means the records this reader was about to see were overwritten (the
// next read returns the oldest record still there); with O_NONBLOCK, EAGAIN means there is no
// newer record: the current end, where kdiag stops, or, following, waits like `dmesg -w`.
// lseek(fd, 0, SEEK_END) moves to the end (devkmsg_llseek); the device cannot seek to a sequence
// number, so a resumed reader skips the records it already has.
#ifndef KDIAG_INPUT_SOURCES_KMSG_DEVICE_H_
#define KDIAG_INPUT_SOURCES_KMSG_DEVICE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/location.h"
#include "analyzer/input/sources/live_control.h"

namespace kdiag {

struct KmsgReadOptions {
  // Resume after this sequence number (a checkpoint of the same boot): older records are skipped,
  // and a first record past after_seq + 1 counts the records overwritten in between as lost.
  std::optional<uint64_t> after_seq;
  bool from_end = false;           // start at the current end (new records only)
  LiveControl* control = nullptr;  // null: stop at the current end; else follow
  // Called after the lines of each record, with its sequence number.
  std::function<void(uint64_t seq)> record_done;
  // Called once the device is open, before the first read (a service is ready only then).
  std::function<void()> opened;
  // Called when records were found overwritten, with how many (also added to *lost).
  std::function<void(uint64_t lost)> gap;
};

// Calls `line` for every line of every record of the device at `path` (without the '\n'), oldest
// first, and adds to *lost (may be null) the records overwritten before they could be read, by the
// sequence-number gap around each EPIPE. Returns an error naming `path` when it cannot be opened
// or read; the records before a read error have been delivered.
std::optional<Error> ReadKmsgDevice(const std::string& path,
                                    const std::function<void(std::string_view line)>& line,
                                    uint64_t* lost, const KmsgReadOptions& options = {});

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_KMSG_DEVICE_H_
