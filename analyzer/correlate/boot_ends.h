// BootEnds: how each boot of an input ended, when the log can tell.
//
// A machine that crashed, hung or lost power often leaves no oops behind: its log just stops, and
// the next boot's lines follow. An operator wants to know (issue 18: "report this even when no
// oops was logged"), and a log that holds several boots can tell in two ways:
//
//   - No orderly end logged. A boot that ends in order logs it: the kernel's "reboot: Restarting
//     system" (kernel/reboot.c), systemd's "Reached target ... Shutdown" and journald's "Journal
//     stopped", rsyslogd's "exiting on signal 15", sysvinit's "shutting down for system reboot".
//     Rules mark those messages (and panics, which say how a boot ended too) with
//     `ends_boot = true`. When a boot is followed by another in the same input and no event of
//     such a rule came among its last kMaxRecordsAfterEnd records, it ended without a clean
//     shutdown (the tail, because some of those messages also come mid-boot: a user's systemd
//     reaches its own "Shutdown" target at logout, rsyslogd exits on signal 15 when restarted;
//     a shutdown logs little after them) -- provided its logger would
//     have written the userspace part of a shutdown: the boot has userspace records (a syslog
//     file such as /var/log/messages or syslog, a journal with every transport). A kernel-only log
//     (kern.log, `journalctl -k`, dmesg) proves nothing: its writer stops before the kernel's last
//     words, and dmesg renderings of several boots may simply be concatenated.
//   - Lost writes. A text log written through the page cache (rsyslog, syslog-ng) whose machine
//     went down before the data reached the disk, on a file system that had already extended the
//     file (ext4 delayed allocation, XFS), reads back as a run of NUL bytes where the last lines
//     were: the file's size was committed, its data was not. Every syslog daemon escapes control
//     characters in messages (rsyslog writes "#000"), so raw NULs in such a file are that hole.
//     A run at the very start of an input is a different, harmless artefact (logrotate's
//     copytruncate while the writer keeps its offset) and is not counted, nor is one inside a line
//     (syslog-ng wrote NULs in place of a host name at start-up: syslog-ng issue 360; the hole
//     starts where the last complete line ended). Only runs beside records a logger stamped with
//     the wall clock (syslog, journal text) count: a serial console shows NULs as line noise at
//     power-on.
//
// What BootEnds finds it states as a record kdiag writes itself (Record::synthetic), placed at
// the next boot's first record (or the record after the NUL run), which rules with
// `synthetic = true` match like any other (rules/platform.toml: platform.boot.unclean_end). The
// finding, its severity, advice and merges are then the rule file's, and the log cannot forge it:
// no text read from a log is ever synthetic.
//
// A boot part of which lay outside --boot/--since/--until is not judged (its end markers may not
// have been matched), nor is one whose records name more than one host (a central log server's
// file mixes machines).
#ifndef KDIAG_CORRELATE_BOOT_ENDS_H_
#define KDIAG_CORRELATE_BOOT_ENDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "analyzer/correlate/event.h"
#include "analyzer/input/record.h"

namespace kdiag {

// Records a boot may log after its last ends_boot event and still count as ended by it (a panic's
// report and the other CPUs' backtraces; journald's last lines after PID 1's shutdown target).
constexpr uint64_t kMaxRecordsAfterEnd = 1000;

// One per input.
class BootEnds {
 public:
  // A run of `bytes` NUL bytes was read just before line `line` of the current input.
  void OnNulRun(uint64_t bytes, uint64_t line);
  // `record` is the next record of the input, `in_window` whether the selection keeps it. Returns
  // the record kdiag writes about the end of the boot before it, when there is one to write; the
  // caller passes it on after `record`.
  std::optional<Record> OnRecord(const Record& record, bool in_window);
  // An event of the current input (every event goes through here, in input order).
  void OnEvent(const Event& event);

 private:
  struct Boot {
    int index = -1;
    bool userspace = false;          // a record from a program other than the kernel
    bool ended = false;              // an event of an ends_boot rule
    uint64_t records_after_end = 0;  // records since the last one
    bool partial = false;            // some records were outside the selection
    bool hosts_differ = false;
    std::string host;
    uint64_t last_line = 0;
    std::string last_wall;  // the last record's wall-clock stamp as the log shows it
  };
  Boot boot_;
  bool seen_record_ = false;
  uint64_t nul_bytes_ = 0;  // a NUL run waiting for the record after it
  uint64_t nul_line_ = 0;
  int ends_boot_seen_ = -1;  // the boot of an ends_boot event seen before that boot's first record
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_BOOT_ENDS_H_
