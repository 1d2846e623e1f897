// Terminal width and word wrapping: the rules are in the header.
#include "analyzer/output/wrap.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace kdiag {
namespace {

// The words of `text` (no leading spaces): split at spaces, except inside a backquoted span that
// is closed on the same line. An unmatched backquote is an ordinary character.
std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size()) break;
    size_t start = i;
    while (i < text.size() && text[i] != ' ') {
      if (text[i] == '`') {
        size_t close = text.find('`', i + 1);
        if (close != std::string_view::npos) {
          i = close + 1;
          continue;
        }
      }
      ++i;
    }
    words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

size_t ReportColumns(int fd, const char* columns_env) {
  size_t columns = 0;
  struct winsize ws {};
  if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    columns = ws.ws_col;
  } else if (columns_env != nullptr && *columns_env != '\0') {
    char* end = nullptr;
    long n = std::strtol(columns_env, &end, 10);
    if (*end == '\0' && n > 0 && n <= 100000) columns = static_cast<size_t>(n);
  }
  if (columns == 0) columns = kDefaultColumns;
  return std::max(columns, kMinColumns);
}

size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;  // not a continuation byte
  }
  return n;
}

void WrapLine(std::string_view line, size_t width, std::string_view prefix, std::string* out) {
  size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos) indent = line.size();
  if (indent >= kVerbatimIndent) {
    out->append(prefix);
    out->append(line);
    out->push_back('\n');
    return;
  }
  const std::string first = std::string(prefix) + std::string(line.substr(0, indent));
  const std::string cont = std::string(prefix) + std::string(indent + 2, ' ');
  std::string current = first;
  size_t fresh = current.size();  // bytes of a line with no word on it yet
  size_t columns = DisplayWidth(current);
  std::string_view body = line.substr(indent);
  const char* previous_end = nullptr;  // of the last word on the current line
  for (std::string_view word : Words(body)) {
    size_t w = DisplayWidth(word);
    // Words on one line keep the spacing the text has between them ("WARNING  rule  x2").
    size_t gap = previous_end ? static_cast<size_t>(word.data() - previous_end) : 0;
    if (current.size() > fresh && columns + gap + w > width) {
      out->append(current);
      out->push_back('\n');
      current = cont;
      fresh = current.size();
      columns = DisplayWidth(current);
      gap = 0;
    }
    current.append(gap, ' ');
    current.append(word);
    columns += gap + w;
    previous_end = word.data() + word.size();
  }
  out->append(current);
  out->push_back('\n');
}

void WrapText(std::string_view text, size_t width, std::string_view prefix, std::string* out) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    WrapLine(text.substr(0, nl), width, prefix, out);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace kdiag
