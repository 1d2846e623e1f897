// xenconsoled's time stamps: the dom0 daemon that writes the Xen console and every guest's console
// to files (/var/log/xen/console/hypervisor.log, guest-NAME.log; QubesOS keeps them there too).
//
// With --timestamp=hv|guest|all (Xen 3.3+, `-t`), xenconsoled writes "[%Y-%m-%d %H:%M:%S] " in
// dom0's local time before every line it copies (tools/console/daemon/io.c write_with_timestamp();
// the stamp format is the same from RELEASE-3.3.0 to today: the "[%d-%m-%Y ...]" of the first
// commit, 2bba474f8f, was replaced by ISO 8601 three days later, before any release). When it opens
// a log it writes "Logfile Opened" with a stamp of its own; until Xen 4.5 (commit 743803911c) with
// no newline, so the first copied line runs into it: "[2014-07-01 10:00:00] Logfile Opened(XEN)
// ...".
//
// The stamp says when xenconsoled copied the line, not when Xen or the guest printed it; what
// follows is the console's own line, with its own prefix ("(XEN) ", "(d5) ", a guest's "[  1.2]").
#ifndef KDIAG_INPUT_PREFIXES_XENCONSOLED_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_XENCONSOLED_PREFIX_H_

#include <cstddef>
#include <string_view>

namespace kdiag {

// "[YYYY-MM-DD HH:MM:SS] " at the start of `line` (the space may be missing at the end of the
// line). On success *stamp is "YYYY-MM-DD HH:MM:SS" and *text_begin where the copied line starts,
// after a run-in "Logfile Opened" (pre-4.5) when more follows it.
bool TakeXenconsoledStamp(std::string_view line, std::string_view* stamp, size_t* text_begin);

// The copied line is xenconsoled's own note, "Logfile Opened", rather than console output.
bool IsXenconsoledNote(std::string_view text);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_XENCONSOLED_PREFIX_H_
