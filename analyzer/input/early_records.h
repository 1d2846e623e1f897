// EarlyRecords: a boot's first kernel records, held until the boot's first wall-clock anchor
// places them.
//
// A console log (a serial console capture, xenconsoled's guest logs, a kmsg dump) stamps its
// records with the kernel's clock only. WallClock (wall_clock.h) places them from an anchor, a
// record of the same boot that carries both a wall time and a kernel stamp; the first anchor of a
// boot often comes well after its first records: the RTC's "setting system clock to ..." line
// (drivers/rtc/hctosys.c) is printed about a second into the boot, after the command line, the
// memory map and the CPUs have been logged, and a syslog-forwarded console's first wall-stamped
// line may come later still. The kernel stamp runs on one clock from the start of the boot
// (local_clock(), kernel/printk/printk.c), so the first anchor's offset (wall time minus kernel
// time) holds for the records before it too, as long as the machine was not suspended in between
// (the kernel clock stops while suspended: wall_clock.h).
//
// So the records of a boot that no anchor has placed yet wait here, in order, together with every
// record after them (records leave in input order): when an anchor comes they are placed from it
// (timestamp_source "anchor", as records after an anchor are) and leave before it. They leave
// unplaced when their boot ends, the input ends, or a suspend or resume line comes first. A boot
// that ends without an anchor, or whose first anchor is not among its first kMaxRecords records
// (or kMaxBytes of text), says that this input has no anchor near the start of its boots: what
// is held leaves unplaced, and nothing more of the input is held.
//
// While records are held, or a plain kernel line would be, the pipeline frames every line (no
// pass-over, pipeline.h): a held record may start an event whose later lines only the event
// assembler knows it needs, and a boot's held records decide whether the input is given up on, so
// passing a line over must not change what is held. Giving up
// on an input as above keeps that cost to the start of the boots of inputs that have anchors,
// and to the first boot of those that have none.
//
// Only inputs read to their end use this: a followed file or /dev/kmsg hands every record on at
// once (live events are written as they are matched; /dev/kmsg is placed by the running clocks).
#ifndef KDIAG_INPUT_EARLY_RECORDS_H_
#define KDIAG_INPUT_EARLY_RECORDS_H_

#include <cstddef>
#include <deque>

#include "analyzer/input/framers/framer.h"
#include "analyzer/input/record.h"
#include "analyzer/input/wall_clock.h"

namespace kdiag {

class EarlyRecords {
 public:
  static constexpr size_t kMaxRecords = 4096;
  static constexpr size_t kMaxBytes = 4 << 20;

  // Places `record` with `clock` (records in input order, their boot assigned) and hands it on
  // to `out`, after the held records it releases; or holds it.
  void Add(Record&& record, WallClock* clock, const RecordSink& out);
  // Hands every held record on as it is (the input ended).
  void Flush(const RecordSink& out);

  bool empty() const { return held_.empty(); }
  // Whether a plain kernel line of boot `boot` (a console stamp, no wall time), next in input
  // order, would be held if it were framed: then it must be framed, not passed over (pipeline.h),
  // or passing over would decide what is held, and with it whether the input is given up on and
  // which records an anchor places.
  bool WouldHold(const WallClock& clock, int boot) const {
    return !given_up_ && clock.WouldAwaitAnchor(boot);
  }

 private:
  std::deque<Record> held_;
  size_t bytes_ = 0;
  bool given_up_ = false;  // a boot without an anchor near its start: nothing more is held
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_EARLY_RECORDS_H_
