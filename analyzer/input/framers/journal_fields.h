// JournalEntry: one journald entry's fields turned into a record, for both journal framers.
//
// journalctl writes an entry as a bag of FIELD=value pairs (systemd src/shared/logs-show.c,
// output_json() and output_export()); the json and export framers differ only in how the pairs are
// spelled. They hand every field here; the few kdiag reads are kept, the first occurrence of a
// repeated field wins, and ToRecord() maps them:
//   MESSAGE                      -> text (may hold '\n' and invalid UTF-8; absent or null: empty)
//   _TRANSPORT=kernel, or SYSLOG_IDENTIFIER=kernel -> Source::kKernel; otherwise kUserspace with
//                                   program = SYSLOG_IDENTIFIER, else _COMM
//   a MESSAGE starting "(XEN) " / "(dN) " -> kXen / kGuest, prefix (and any Xen stamp) removed by
//                                   the console parsers, as for Xen lines relayed through syslog
//   PRIORITY, SYSLOG_FACILITY    -> level, facility
//   _SOURCE_MONOTONIC_TIMESTAMP  -> time_us: the sender's CLOCK_MONOTONIC stamp; for kernel records
//                                   journald copies it from the /dev/kmsg record, so it is exactly
//                                   the printk time. __MONOTONIC_TIMESTAMP (journald's own clock at
//                                   reception) is the fallback for kernel records only: journald
//                                   reads /dev/kmsg promptly, so it is the printk time within
//                                   milliseconds, while for a userspace record it would claim a
//                                   kernel time the message never had. Xen and guest records keep
//                                   only the hypervisor's own stamp from their text: dom0's clocks
//                                   are not Xen's.
//   __REALTIME_TIMESTAMP         -> wall_time, ISO 8601 UTC with microseconds
//                                   ("2023-11-03T17:54:01.123456Z"); a Xen line's own date stamp
//                                   replaces it, as it does for console input
//   _BOOT_ID, _HOSTNAME          -> boot_id (BootSegmenter then counts boots exactly), host
//   _KERNEL_SUBSYSTEM, _KERNEL_DEVICE -> subsystem, device: journald copies the kmsg dictionary's
//                                   SUBSYSTEM= and DEVICE= into them (systemd
//                                   src/journal/journald-kmsg.c dev_kmsg_record())
//   a kernel record whose text starts "Linux version " is a boot marker.
//
// Input the framers cannot read (a line that is not JSON, an object cut at the end of the input,
// a broken export binary field) is never dropped: it becomes an "unparsed" record,
// Source::kUserspace with program kUnparsedProgram, so it is counted, shown by record output, and
// matched by no kernel rule.
#ifndef KDIAG_INPUT_FRAMERS_JOURNAL_FIELDS_H_
#define KDIAG_INPUT_FRAMERS_JOURNAL_FIELDS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

inline constexpr std::string_view kUnparsedProgram = "kdiag-unparsed";
// Unparsed records carry at most this much of the raw text (the line reader's line limit).
inline constexpr size_t kMaxUnparsedText = 64 * 1024;

class JournalEntry {
 public:
  // True when kdiag reads `name` and it has not been set yet: callers may skip decoding the
  // value of every other field.
  bool Wants(std::string_view name) const;
  // One field; ignored unless Wants(name).
  void Set(std::string_view name, std::string_view value);
  void Clear();
  Record ToRecord(const std::string& input, uint64_t line, uint32_t line_count) const;

 private:
  enum Field {
    kMessage,
    kTransport,
    kIdentifier,
    kComm,
    kPriority,
    kFacility,
    kSourceMonotonic,
    kMonotonic,
    kRealtime,
    kBootId,
    kHostname,
    kKernelSubsystem,
    kKernelDevice,
    kFieldCount,
  };
  static int FieldIndex(std::string_view name);

  std::array<std::string, kFieldCount> values_;
  uint32_t set_ = 0;  // bit i: values_[i] was set
};

// A record for input that could not be read as a journal entry; `text` is cut at
// kMaxUnparsedText bytes.
Record UnparsedRecord(std::string_view text, const std::string& input, uint64_t line,
                      uint32_t line_count);

// "2023-11-03T17:54:01.123456Z" for microseconds since the epoch; empty when out of range.
std::string FormatUtcMicros(int64_t usec);

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_JOURNAL_FIELDS_H_
