// QuirkField and the checks every quirk renderer applies before it prints anything.
//
// A field is what pciback's `quirks` attribute takes after the BDF: "RRRRRRRR:S:MMMMMMMM"
// (drivers/xen/xen-pciback/pci_stub.c, pcistub_quirk_add: register, size, mask; xend writes the
// strings of xend-pci-quirks.sxp there verbatim). The values come from a log line a guest can
// influence, so Parse accepts only what pciback itself reports ("offset 0x%x, size %d" in
// conf_space.c): a register <= 0xfff (PCIe extended config space) and a size of 1, 2 or 4.
#include <cstdio>
#include <tuple>

#include "analyzer/input/hex.h"
#include "analyzer/remedy/quirk.h"

namespace kdiag {
namespace {

// Length of the valid UTF-8 sequence at s[i] that is not a C1 control (U+0080..U+009F), or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  // Overlong forms, surrogates, beyond U+10FFFF, and C1 controls (a terminal acts on them).
  static const uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return 0;
  if (cp >= 0x80 && cp <= 0x9f) return 0;
  return n;
}

}  // namespace

std::optional<QuirkField> QuirkField::Parse(std::string_view offset, std::string_view size) {
  // Optional "0x", at most 8 digits (xend's width); the value check bounds it further.
  auto reg = ParseHex(StripHexPrefix(offset), 8);
  if (!reg || *reg > 0xfff) return std::nullopt;
  if (size != "1" && size != "2" && size != "4") return std::nullopt;
  QuirkField f;
  f.reg = static_cast<uint16_t>(*reg);
  f.size = static_cast<uint8_t>(size[0] - '0');
  f.mask = 0;
  return f;
}

std::string QuirkField::ToString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x:%x:%08x", static_cast<unsigned>(reg),
                static_cast<unsigned>(size), static_cast<unsigned>(mask));
  return buf;
}

bool QuirkField::operator<(const QuirkField& o) const {
  return std::tie(reg, size, mask) < std::tie(o.reg, o.size, o.mask);
}

bool QuirkField::Valid() const {
  if (reg > 0xfff) return false;
  if (size != 1 && size != 2 && size != 4) return false;
  return size == 4 || (mask >> (8 * size)) == 0;
}

bool PrintableNeed(const QuirkNeed& need) {
  return need.bdf.device <= 0x1f && need.bdf.function <= 7 && need.field.Valid();
}

std::string CommentText(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = 1;
    bool keep = c >= 0x20 && c < 0x7f;
    if (c >= 0x80) {
      n = Utf8Length(text, i);
      keep = n > 0;
      if (n == 0) n = 1;
    }
    if (keep) {
      if (out.size() + n > max_bytes) break;
      out.append(text.substr(i, n));
    }
    i += n;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string CommentLines(std::string_view text) {
  std::string safe = CommentText(text, 1000);
  std::string out, line;
  size_t start = 0;
  while (start < safe.size()) {
    size_t space = safe.find(' ', start);
    if (space == std::string::npos) space = safe.size();
    std::string word = safe.substr(start, space - start);
    if (!line.empty() && line.size() + 1 + word.size() > 90) {
      out += "# " + line + "\n";
      line.clear();
    }
    if (!word.empty()) line += (line.empty() ? "" : " ") + word;
    start = space + 1;
  }
  if (!line.empty()) out += "# " + line + "\n";
  return out;
}

}  // namespace kdiag
