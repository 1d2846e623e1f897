#include "analyzer/correlate/pci_topology.h"

#include "analyzer/correlate/enumeration.h"
#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

bool HidesDevices(const std::string& kind) {
  return kind == "PCIe to PCI/PCI-X bridge" || kind == "conventional PCI bridge";
}

}  // namespace

void PciTopology::Add(const Event& event) {
  bool enumeration = event.rule->id == kEnumerationRule;
  bool buses = event.rule->id == kBridgeBusesRule;
  if (!enumeration && !buses) return;
  auto bdf = Bdf::ParseSpelled(FieldValue(event.fields, "bdf"));
  if (!bdf) return;
  std::string_view kind = FieldValue(event.fields, "kind");
  if (!bridges_.count(*bdf) && bridges_.size() >= kMaxBridges) return;
  if (enumeration) {
    // Only the kinds that hide their devices are kept: no other type says anything here.
    if (!HidesDevices(std::string(kind))) return;
    bridges_[*bdf].kind = std::string(kind);
    return;
  }
  auto secondary = ParseHex(FieldValue(event.fields, "secondary"), 2);
  if (!secondary) return;
  std::string_view sub_text = FieldValue(event.fields, "subordinate");
  auto subordinate = sub_text.empty() ? secondary : ParseHex(sub_text, 2);
  if (!subordinate || *subordinate < *secondary) return;
  Bridge& b = bridges_[*bdf];
  b.secondary = static_cast<uint8_t>(*secondary);
  b.subordinate = static_cast<uint8_t>(*subordinate);
}

std::optional<HidingBridge> PciTopology::HidingBridgeOf(const Bdf& device) const {
  std::optional<HidingBridge> best;
  for (const auto& [bdf, b] : bridges_) {
    if (bdf.domain != device.domain || !b.secondary || !HidesDevices(b.kind)) continue;
    if (device.bus < *b.secondary || device.bus > b.subordinate) continue;
    // The uppermost: the widest bus range that holds the device's bus (xend's
    // find_the_uppermost_pci_bridge walks up while the parent is a PCI/PCI-X bridge).
    if (best && b.subordinate - *b.secondary <= best->subordinate - best->secondary) continue;
    best = HidingBridge{bdf, b.kind, *b.secondary, b.subordinate};
  }
  return best;
}

}  // namespace kdiag
