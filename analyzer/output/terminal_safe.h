// Terminal-safe text: what kdiag prints of a log can never drive the operator's terminal.
//
// A guest can write escape sequences into a log (set the window title, rewrite the screen, fake
// earlier lines). Escape sequences (ESC, CSI, OSC, and C1 controls U+0080..U+009F) are removed;
// other control characters except '\n' and '\t', DEL, and bytes that are not valid UTF-8 are shown
// as \xNN, the way dmesg shows them.
#ifndef KDIAG_OUTPUT_TERMINAL_SAFE_H_
#define KDIAG_OUTPUT_TERMINAL_SAFE_H_

#include <string>
#include <string_view>

namespace kdiag {

std::string TerminalSafe(std::string_view text);

// The same for text that must stay on one line: a file name, an error message. '\n' and '\t' are
// shown as \x0a and \x09 too, so a name like "x\nFAKE: ..." cannot start a line of its own in
// the report or on stderr.
std::string TerminalSafeLine(std::string_view text);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_TERMINAL_SAFE_H_
