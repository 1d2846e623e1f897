#include "analyzer/correlate/enumeration.h"

#include <cstring>

namespace kdiag {
namespace {

// Exactly `max_digits` or fewer hex digits (at least one), optional "0x".
std::optional<uint32_t> ParseHex(std::string_view s, size_t max_digits) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    const char* digits = "0123456789abcdef";
    char lower = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    const char* p = lower ? std::strchr(digits, lower) : nullptr;
    if (!p) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(p - digits);
  }
  return v;
}

}  // namespace

void AddEnumeration(const Event& event, PciInventory* inventory) {
  if (event.rule->id != kEnumerationRule) return;
  auto bdf = Bdf::Parse(FieldValue(event.fields, "bdf"));
  std::string_view vendor = FieldValue(event.fields, "vendor");
  std::string_view device = FieldValue(event.fields, "device");
  if (!bdf || vendor.size() != 4 || device.size() != 4) return;
  auto v = ParseHex(vendor, 4);
  auto d = ParseHex(device, 4);
  if (!v || !d) return;
  PciId id;
  id.vendor = static_cast<uint16_t>(*v);
  id.device = static_cast<uint16_t>(*d);
  inventory->Add(*bdf, id, ParseHex(FieldValue(event.fields, "class"), 6), "log");
}

}  // namespace kdiag
