// Console prefixes: the per-line parsers behind ConsoleFramer.
//
// Each parser looks at the start of one physical line (already stripped of '\r' and ANSI escape
// sequences), and either recognises its shape completely or leaves the record untouched: a message
// that merely starts like a prefix ("[mem 0x...]", "<unknown>", a guest writing anything) is never
// half-consumed. They return the offset where the message text begins. No regex: these run on
// every line of multi-gigabyte logs, and the shapes are fixed printf formats.
//
// Sources of the shapes: Linux kernel/printk/printk.c (info_print_prefix), util-linux
// sys-utils/dmesg.c (print_record), Xen xen/drivers/char/console.c (printk_start_of_line,
// guest_printk), RFC 3164, RFC 3339, RFC 5424, systemd src/shared/logs-show.c. See
// ../shared/docs/log-formats.md.
#ifndef KDIAG_INPUT_CONSOLE_PREFIX_H_
#define KDIAG_INPUT_CONSOLE_PREFIX_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Removes ANSI escape sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ESC \", two- and
// three-byte escapes, and a lone ESC) and trailing '\r'. Returns `line` itself when there was
// nothing to remove, else a view of *scratch.
std::string_view CleanConsoleLine(std::string_view line, std::string* scratch);

// util-linux's names (sys-utils/dmesg.c facility_names[], level_names[]) to numbers: "kern" -> 0,
// "warn" -> 4; -1 for an unknown name.
int FacilityByName(std::string_view name);
int LevelByName(std::string_view name);

// Kernel console / syslog(2) text and util-linux dmesg renderings: optional "<pri>" or decode
// "kern  :info  : ", then any util-linux time stamps, then an optional caller id. Fills level,
// facility, time_us, wall_time, caller. Returns the text offset (0 when the line has no prefix).
size_t ParseKernelPrefix(std::string_view line, Record* record);

// The kernel console stamp "[%5lu.%06lu] " (kernel/printk/printk.c print_time) at the start of
// `line`, with 1 to 12 digits of seconds, followed by the end, a space or '['; false when
// ParseKernelPrefix would find a bracketed wall-clock stamp after it. On the lines it accepts,
// ParseKernelPrefix finds the same *time_us and no wall time without a year (the only kind that
// changes the framer's state, syslog_year.h); this is much cheaper, for lines passed over
// (ConsoleFramer::PlainKernelLine).
bool TakeConsoleStamp(std::string_view line, int64_t* time_us);

// "[stamp] host kernel:": how journalctl short-monotonic looks (see ParseSyslogLine). A cheap
// test on the shape, not a parse.
bool LooksLikeMonotonicHeader(std::string_view line);

// The kernel's own "[time] " and caller id at the start of a message relayed by syslog.
size_t ParseKernelStampInMessage(std::string_view message, Record* record);

// Xen console lines: "(XEN) " [stamp] text, "(XEN) (dN) " / "(XEN) HVMn: " guest output.
// Sets source (kXen or kGuest), domain, time_us / wall_time. False when not a "(XEN)" line.
bool ParseXenLine(std::string_view line, Record* record, size_t* text_begin);

// Guest console relayed by Xen without "(XEN)": "(dN) " [stamp] text (Xen 4.4+), "HVMn: " text
// (before 4.4). False when the line is neither.
bool ParseGuestLine(std::string_view line, Record* record, size_t* text_begin);

// The start-of-day banner Xen writes without "(XEN) " (figlet art, or " Xen 4.17.5").
bool LooksLikeXenBanner(std::string_view line);

// Syslog-wrapped lines: RFC 3164 / journalctl short and short-precise, RFC 3339 (rsyslog,
// journalctl short-iso and short-iso-precise), journalctl short-full, short-unix and
// short-monotonic, RFC 5424. Sets wall_time (time_us for short-monotonic), host, level/facility
// (5424), source and program from the tag; parses the kernel's "[time]" inside kernel messages
// and "(XEN) " inside others. *header_width is the syslog header's width (journalctl indents
// continuations by it). *monotonic_mode is the input's state for short-monotonic, which looks
// like kernel console text: false until a "[time] host kernel: " line is seen (see
// console_prefix.cc). False when the line is not syslog-wrapped.
bool ParseSyslogLine(std::string_view line, Record* record, size_t* text_begin,
                     size_t* header_width, bool* monotonic_mode);

// journalctl's lines between entries (systemd src/journal/journalctl.c, logs-show.c):
// "-- Boot <32 hex> --" (systemd 246+) and "-- Reboot --" (older) where the boot changes, and the
// notes "-- Logs begin at ... --", "-- Journal begins at ... --", "-- No entries --".
enum class JournalctlMarker { kNone, kBoot, kNote };
// *boot_id is the separator's id ("-- Boot <id> --"), else left alone.
JournalctlMarker ParseJournalctlMarker(std::string_view line, std::string* boot_id);

}  // namespace kdiag

#endif  // KDIAG_INPUT_CONSOLE_PREFIX_H_
