#include "analyzer/correlate/enumeration.h"

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

// 1..max_digits hex digits (max_digits <= 8), optional "0x".
std::optional<uint32_t> FieldHex(std::string_view s, size_t max_digits) {
  auto v = ParseHex(StripHexPrefix(s), max_digits);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

}  // namespace

void AddEnumeration(const Event& event, PciInventory* inventory) {
  if (event.rule->id != kEnumerationRule) return;
  auto bdf = Bdf::Parse(FieldValue(event.fields, "bdf"));
  std::string_view vendor = FieldValue(event.fields, "vendor");
  std::string_view device = FieldValue(event.fields, "device");
  if (!bdf || vendor.size() != 4 || device.size() != 4) return;
  auto v = FieldHex(vendor, 4);
  auto d = FieldHex(device, 4);
  if (!v || !d) return;
  PciId id;
  id.vendor = static_cast<uint16_t>(*v);
  id.device = static_cast<uint16_t>(*d);
  inventory->Add(*bdf, id, FieldHex(FieldValue(event.fields, "class"), 6), "log");
}

}  // namespace kdiag
