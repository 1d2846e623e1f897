// WallClock: the moment a record was written, as RFC 3339 UTC, and how kdiag knows it.
//
// Logs write the time in many shapes, and some not at all. Every record that can be placed gets
// Record::timestamp_us (microseconds since the epoch, UTC) and Record::timestamp_source, one of:
//
//   "journal"        the journal's __REALTIME_TIMESTAMP (exact).
//   "log"            the line's own stamp with date, time and zone: syslog RFC 3339 / RFC 5424,
//                    `dmesg --time-format iso`, libvirt, journalctl short-iso/-full in UTC.
//   "log-local"      the line's own stamp with a date but no zone (`dmesg -T`, Xen's and xend's
//                    stamps, journalctl short-full in a named zone): read in the local time zone
//                    of the machine running kdiag (set TZ to the log's zone when they differ).
//   "log-local+year" an RFC 3164 / journalctl short stamp: no zone and no year; the year is
//                    inferred (input/prefixes/syslog_year.h) from the input's mtime and the
//                    journalctl "-- Journal begins at ..." header.
//   "kmsg+clock"     a live /dev/kmsg record: the boot's wall time from the running clocks plus the
//                    record's stamp. The printk stamp is local_clock() (kernel/printk/printk.c
//                    vprintk_store()), a sched_clock that stops while the machine is suspended, as
//                    CLOCK_MONOTONIC does; so the boot's wall time is CLOCK_REALTIME minus
//                    CLOCK_MONOTONIC, not minus CLOCK_BOOTTIME (which counts suspend and is what
//                    makes `dmesg -T` drift by the time spent suspended, util-linux issue 4066).
//   "anchor"         a kernel record with only its kernel stamp (a console line, a kmsg dump): the
//                    stamp plus the offset of the latest anchor of the same boot. Anchors are
//                    kernel records that carry both a wall time and a kernel stamp (a syslog line
//                    "kernel: [  12.345678] ...", a journal entry) and the RTC's
//                    "setting system clock to <date> (<seconds>)" at boot (drivers/rtc/hctosys.c
//                    rtc_hctosys(), to the second). Records of a file before the first anchor of
//                    their boot take it from that first anchor, looking ahead
//                    (input/early_records.h), unless a suspend lies between them and it; live
//                    inputs do not wait for an anchor and leave them unplaced.
//   "approximate-after-suspend"
//                    the same after "PM: suspend exit" (kernel/power/suspend.c pm_suspend(), which
//                    prints "PM: suspend entry (%s)" and "PM: suspend exit"), "PM: hibernation
//                    exit" or a "PM: resume..." line, with no anchor since: the kernel stamp
//                    stopped while suspended, so the time is early by the time spent suspended.
//                    `dmesg -T` and
//                    --time-format iso stamps are computed the same way by util-linux and are
//                    marked the same after a resume. A new anchor makes times exact again.
//
// Anchors and the suspend state belong to one boot of one input (Record::boot): a new boot starts
// without an anchor. Xen and guest records have clocks of their own and are placed only by their
// own wall stamps.
#ifndef KDIAG_INPUT_WALL_CLOCK_H_
#define KDIAG_INPUT_WALL_CLOCK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Parses a wall stamp as the framers keep it in Record::wall_time into microseconds since the
// epoch; `year` is the inferred year of a stamp without one (0: none known). *zoned says whether
// the stamp named its zone (else it was read in local time). False when the shape is unknown or
// the date impossible.
bool ParseWallTime(std::string_view wall, int year, int64_t* unix_us, bool* zoned);

// "2025-11-03T18:54:01.123456Z": RFC 3339 in UTC with microseconds, as NDJSON carries it.
std::string FormatRfc3339Utc(int64_t unix_us);
// True when a record's timestamp_source names a wall time kdiag derived (from an anchor, or
// approximated after a suspend) rather than one the log or journal wrote.
bool IsDerivedTimestamp(std::string_view timestamp_source);
// "Mon Nov  3 19:54:01 2025": local time in `dmesg -T`'s ctime shape, for the text report.
std::string FormatLocalWallTime(int64_t unix_us);

// One input's placing of records in wall time (the rules are above).
class WallClock {
 public:
  // A live /dev/kmsg: kernel records without a wall stamp are placed by the running clocks.
  void SetLiveKernelClock(bool on) { live_ = on; }
  // Sets record->timestamp_us and timestamp_source when it can; call for records in input order,
  // after their boot is assigned.
  void Place(Record* record);

  // Whether `record`, just placed, is a kernel record that only an anchor of its boot could place
  // and none has been seen yet (nor a suspend or resume, across which an anchor would be wrong).
  bool AwaitsAnchor(const Record& record) const;
  // Whether a kernel record with a kernel stamp and no wall time, of boot `boot` and next in
  // input order, would await an anchor once placed (AwaitsAnchor), without placing it.
  bool WouldAwaitAnchor(int boot) const;
  // Whether the current boot has an anchor, and whether a suspend or resume came since the last.
  bool Anchored() const { return offset_us_.has_value(); }
  bool Suspended() const { return suspended_; }
  // Places a record of the current boot that came before its first anchor (Anchored()) from it.
  void PlaceFromAnchor(Record* record) const;

 private:
  bool live_ = false;
  int boot_ = -1;
  std::optional<int64_t> offset_us_;  // wall time minus kernel time, from the latest anchor
  bool suspended_ = false;            // a resume since the latest anchor
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_WALL_CLOCK_H_
