// The record: one kernel (or hypervisor, or guest) message as the framers recover it.
//
// Framers turn lines of some log shape into records; every later stage sees only records. A
// record's text is the message with every prefix (syslog header, <pri>, [time], caller id,
// "(XEN) ", "(dN) ") removed. A message that spans several physical lines in its rendering (util-
// linux's indented continuation lines, a journal MESSAGE with newlines) is one record whose text
// joins the lines with '\n'.
#ifndef KDIAG_INPUT_RECORD_H_
#define KDIAG_INPUT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

// Who printed the message.
enum class Source {
  kKernel,     // the Linux kernel (dom0 or bare metal)
  kXen,        // the Xen hypervisor: "(XEN) " lines
  kGuest,      // a guest's console relayed by Xen: "(d5) " lines, or "HVM5: " before Xen 4.4
  kUserspace,  // a syslog line from a program other than the kernel (libxl, xl, ...)
};

// "kernel", "xen", "guest", "userspace": the names used in rule files and NDJSON.
std::string_view SourceName(Source s);
// Parses one of the names above; false when unknown.
bool ParseSource(std::string_view name, Source* out);

struct Record {
  std::string text;                // message text, prefixes removed, lines joined by '\n'
  std::optional<int64_t> time_us;  // kernel/hypervisor time since boot, microseconds
  std::string wall_time;           // wall-clock stamp exactly as the log shows it, or empty
  int wall_year = 0;               // the year wall_time leaves out, inferred (syslog_year.h)
  // When the record was written, microseconds since the epoch (UTC), and how that is known: the
  // names and rules are in wall_clock.h. Unset when nothing places the record.
  std::optional<int64_t> timestamp_us;
  std::string_view timestamp_source;  // a static name ("log", "anchor", ...), or empty
  int level = -1;                     // syslog level 0..7, -1 when the rendering has none
  int facility = -1;                  // syslog facility 0..23, -1 when the rendering has none
  std::string caller;                 // "T123" or "C1" (CONFIG_PRINTK_CALLER), or empty
  std::string host;                   // syslog/journal host, or empty
  std::string boot_id;                // journal _BOOT_ID (or kmsg-derived id), or empty
  std::string program;                // syslog tag for kUserspace records ("libxl"), or empty
  std::string subsystem;              // kmsg dictionary SUBSYSTEM= ("pci"), or empty
  std::string device;                 // kmsg dictionary DEVICE= ("+pci:0000:13:04.0"), or empty
  Source source = Source::kKernel;
  int domain = -1;           // guest domain id for kGuest records
  int boot = 0;              // 0-based boot index within the input
  std::string input;         // input name ("-" for stdin)
  uint64_t line = 0;         // 1-based line of the record's first physical line
  uint32_t line_count = 1;   // physical lines the record spans
  bool boot_marker = false;  // set by the framer on "Linux version ..." records
  bool boot_start = false;   // the rendering says a boot begins here (journalctl "-- Boot --")
  bool guest_input = false;  // the input is a guest's own log (provenance.h): never a host fix
  // Written by kdiag, not read from the log: what it found about a boot's end
  // (correlate/boot_ends.h). Only rules with `synthetic = true` match these, and only these.
  bool synthetic = false;
};

// Seconds with six decimals ("12.345678"), as every kernel timestamp is written.
std::string FormatSeconds(int64_t usec);

}  // namespace kdiag

#endif  // KDIAG_INPUT_RECORD_H_
