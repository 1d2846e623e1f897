// Console prefixes: the per-line parsers of kernel console text and util-linux dmesg renderings
// behind ConsoleFramer (xen_prefix.h and syslog_prefix.h parse the other shapes it meets).
//
// Each parser looks at the start of one physical line (already stripped of '\r' and ANSI escape
// sequences), and either recognises its shape completely or leaves the record untouched: a message
// that merely starts like a prefix ("[mem 0x...]", "<unknown>", a guest writing anything) is never
// half-consumed. They return the offset where the message text begins. They are made of the
// scanners in prefix_scan.h, without regex: these run on every line of multi-gigabyte logs.
//
// Sources of the shapes: Linux kernel/printk/printk.c (info_print_prefix), util-linux
// sys-utils/dmesg.c (print_record). See ../shared/docs/log-formats.md.
#ifndef KDIAG_INPUT_PREFIXES_CONSOLE_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_CONSOLE_PREFIX_H_

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

// The kernel's own "[time] " and caller id at the start of a message relayed by syslog.
size_t ParseKernelStampInMessage(std::string_view message, Record* record);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_CONSOLE_PREFIX_H_
