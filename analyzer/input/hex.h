// Hex digits: the one hex parser every stage uses for values read from logs, lspci, sysfs and
// pci.ids. Both cases are accepted; nothing else (no sign, no spaces) is a digit. A caller that
// needs an exact digit count checks the length itself, and one that takes "0x" strips it with
// StripHexPrefix first.
#ifndef KDIAG_INPUT_HEX_H_
#define KDIAG_INPUT_HEX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kdiag {

// The value of hex digit `c` (0..15), or -1 when `c` is not one.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `s` without a leading "0x" or "0X" (unchanged when it has none).
inline std::string_view StripHexPrefix(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  return s;
}

// The whole of `s` as 1..max_digits hex digits (max_digits <= 16), else nullopt.
inline std::optional<uint64_t> ParseHex(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = HexDigitValue(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace kdiag

#endif  // KDIAG_INPUT_HEX_H_
