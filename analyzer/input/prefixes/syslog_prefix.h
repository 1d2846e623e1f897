// Syslog and journalctl prefixes: kernel (and Xen) messages wrapped by a syslog daemon or printed
// by journalctl. Like console_prefix.h, each parser recognises its shape completely or leaves the
// record untouched.
//
// Sources of the shapes: RFC 3164, RFC 3339, RFC 5424, systemd src/shared/logs-show.c and
// src/journal/journalctl.c. See ../shared/docs/log-formats.md.
#ifndef KDIAG_INPUT_PREFIXES_SYSLOG_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_SYSLOG_PREFIX_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// "[stamp] host kernel:": how journalctl short-monotonic looks (see ParseSyslogLine). A cheap
// test on the shape, not a parse.
bool LooksLikeMonotonicHeader(std::string_view line);

// Syslog-wrapped lines: RFC 3164 / journalctl short and short-precise, RFC 3339 (rsyslog,
// journalctl short-iso and short-iso-precise), journalctl short-full, short-unix and
// short-monotonic, RFC 5424. Sets wall_time (time_us for short-monotonic), host, level/facility
// (5424), source and program from the tag; parses the kernel's "[time]" inside kernel messages
// and "(XEN) " inside others. *header_width is the syslog header's width (journalctl indents
// continuations by it). *monotonic_mode is the input's state for short-monotonic, which looks
// like kernel console text: false until a "[time] host kernel: " line is seen (see
// syslog_prefix.cc). False when the line is not syslog-wrapped.
bool ParseSyslogLine(std::string_view line, Record* record, size_t* text_begin,
                     size_t* header_width, bool* monotonic_mode);

// journalctl's lines between entries (systemd src/journal/journalctl.c, logs-show.c):
// "-- Boot <32 hex> --" (systemd 246+) and "-- Reboot --" (older) where the boot changes, and the
// notes "-- Logs begin at ... --", "-- Journal begins at ... --", "-- No entries --".
enum class JournalctlMarker { kNone, kBoot, kNote };
// *boot_id is the separator's id ("-- Boot <id> --"), else left alone.
JournalctlMarker ParseJournalctlMarker(std::string_view line, std::string* boot_id);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_SYSLOG_PREFIX_H_
