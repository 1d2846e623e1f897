// Fitting the report to the terminal: how wide it is, and word wrapping that never cuts a
// command.
//
// The width is the terminal's, asked of the output itself (ioctl TIOCGWINSZ, ioctl_tty(2)), so
// `kdiag | less` and a resized tmux pane both get what they show; when the output is not a
// terminal, $COLUMNS (the shell's idea of the width, which the user may set for a pipe), else 80
// columns. Widths are counted in code points: the text kdiag prints is TerminalSafe (escape
// sequences removed), so every code point left takes one column, East Asian wide characters aside.
//
// Wrapping is at spaces only: a word longer than the line is kept whole and overflows. Two kinds
// of text are never broken, because they are meant to be copied and pasted:
//   - a line indented by kVerbatimIndent or more spaces (the advice's convention for a command or
//     a file's content on a line of its own) is printed whole;
//   - a span between backquotes (`echo 1 > /sys/...`) is one word, spaces and all.
// Words that stay on one line keep the spaces the text has between them; a line break replaces
// them. Continuation lines keep the line's own indentation plus two spaces, so a wrapped paragraph
// stays visibly one paragraph.
#ifndef KDIAG_OUTPUT_WRAP_H_
#define KDIAG_OUTPUT_WRAP_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace kdiag {

inline constexpr size_t kDefaultColumns = 80;
// Below this the report could not show a rule id and its count on one line: widths are raised to
// it (a 5-column pane gets an overflowing report rather than one word per line).
inline constexpr size_t kMinColumns = 40;
inline constexpr size_t kVerbatimIndent = 6;

// The report's width for output on `fd`: TIOCGWINSZ when fd is a terminal with a size, else
// `columns_env` (the value of $COLUMNS, may be null) when it is a positive number, else 80; at
// least kMinColumns.
size_t ReportColumns(int fd, const char* columns_env);

// Columns taken by `s` (code points; invalid bytes count one each).
size_t DisplayWidth(std::string_view s);

// Appends `line` (no '\n' in it) word-wrapped to `width` columns, each output line starting with
// `prefix` and ending in '\n'.
void WrapLine(std::string_view line, size_t width, std::string_view prefix, std::string* out);

// The same for text of several lines: each is wrapped on its own.
void WrapText(std::string_view text, size_t width, std::string_view prefix, std::string* out);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_WRAP_H_
