#include "analyzer/output/terminal_safe.h"

#include <cstdio>

#include "analyzer/output/utf8.h"

namespace kdiag {
namespace {

void Hex(unsigned char c, std::string* out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out->append(buf);
}

// Index just past the escape sequence starting with ESC at s[i] (ECMA-48: CSI "ESC [" params and
// intermediates then a final byte 0x40..0x7e; OSC/DCS/APC/PM/SOS strings end at BEL or ESC \;
// other escapes are two bytes).
size_t SkipEscape(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j >= s.size()) return j;
  char kind = s[j++];
  if (kind == '[') {
    while (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x20 &&
           static_cast<unsigned char>(s[j]) <= 0x3f) {
      ++j;
    }
    while (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x20 &&
           static_cast<unsigned char>(s[j]) <= 0x2f) {
      ++j;
    }
    if (j < s.size() && static_cast<unsigned char>(s[j]) >= 0x40 &&
        static_cast<unsigned char>(s[j]) <= 0x7e) {
      ++j;
    }
    return j;
  }
  if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') {
    while (j < s.size()) {
      if (s[j] == '\a') return j + 1;
      if (s[j] == '\x1b' && j + 1 < s.size() && s[j + 1] == '\\') return j + 2;
      if (s[j] == '\n') return j;  // never swallow the rest of the report
      ++j;
    }
    return j;
  }
  return j;
}

// `lines`: keep '\n' and '\t' (a multi-line message), else show them as \xNN.
std::string TerminalSafeText(std::string_view s, bool lines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b) {
      i = SkipEscape(s, i);
    } else if ((lines && (c == '\n' || c == '\t')) || (c >= 0x20 && c < 0x7f)) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x80) {
      Hex(c, &out);
      ++i;
    } else {
      uint32_t cp;
      size_t n = Utf8SequenceAt(s, i, &cp);
      if (n == 0) {
        Hex(c, &out);
        ++i;
      } else {
        if (cp >= 0x80 && cp <= 0x9f) {
          // C1 control (0x9b is CSI on some terminals): drop it.
        } else {
          out.append(s.substr(i, n));
        }
        i += n;
      }
    }
  }
  return out;
}

}  // namespace

std::string TerminalSafe(std::string_view s) {
  return TerminalSafeText(s, true);
}

std::string TerminalSafeLine(std::string_view s) {
  return TerminalSafeText(s, false);
}

}  // namespace kdiag
