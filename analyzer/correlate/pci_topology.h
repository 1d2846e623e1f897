// PciTopology: which PCI devices sit behind a bridge that hides them from the IOMMU, as the log's
// own enumeration lines show it.
//
// A device on a conventional PCI bus reaches the IOMMU with the requester ID of the bridge that
// leads to that bus from PCIe (a PCIe-to-PCI/PCI-X bridge) or of a conventional PCI-to-PCI bridge:
// the IOMMU cannot tell the devices behind it apart, so they can only be given to one guest
// together. The toolstacks say so:
//   - xend (tools/python/xen/util/pci.py, Xen 3.4-4.4): a bridge whose PCIe capability type is
//     PCI_EXP_TYPE_PCI_BRIDGE (7), or that has no PCIe capability, is DEV_TYPE_PCI_BRIDGE;
//     find_coassigned_pci_devices() takes the uppermost such bridge above a device and every
//     device behind it "must be co-assigned to the same guest" (pciif.py refuses otherwise);
//   - Xen (xen/drivers/passthrough/pci.c, pci_add_device): for DEV_TYPE_PCIe2PCI_BRIDGE and
//     DEV_TYPE_LEGACY_PCI_BRIDGE every bus from secondary to subordinate is mapped to the bridge
//     (bus2bridge), and VT-d/AMD-Vi map the bridge's ID into the guest's context with the device.
// The log shows this only since Linux 6.8, whose enumeration line names the device's type
// (drivers/pci/probe.c pci_type_str: "PCIe to PCI/PCI-X bridge", "conventional PCI bridge"),
// together with the bridge's bus range ("PCI bridge to [bus 04-05]", rule pci.bridge.buses). No
// claim is made from anything less: a bridge without its type line is not assumed to be one.
//
// Only the host's own lines are added (a guest's name its virtual slots). Bounded like the
// inventory: at most kMaxBridges bridges.
#ifndef KDIAG_CORRELATE_PCI_TOPOLOGY_H_
#define KDIAG_CORRELATE_PCI_TOPOLOGY_H_

#include <map>
#include <optional>
#include <string>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/event.h"

namespace kdiag {

// The contract rule id whose events carry a bridge's bdf, secondary and subordinate buses.
inline constexpr char kBridgeBusesRule[] = "pci.bridge.buses";

// A bridge whose devices share its requester ID.
struct HidingBridge {
  Bdf bdf;
  std::string kind;  // as Linux names it: "PCIe to PCI/PCI-X bridge" or "conventional PCI bridge"
  uint8_t secondary = 0;
  uint8_t subordinate = 0;
};

class PciTopology {
 public:
  static constexpr size_t kMaxBridges = 4096;

  // Takes pci.device.enumerated events (their {kind}) and pci.bridge.buses events; ignores others
  // and values that do not validate.
  void Add(const Event& event);
  // The uppermost bridge above `device` that hides the devices behind it, when the log showed
  // both its type and its buses; nullopt otherwise.
  std::optional<HidingBridge> HidingBridgeOf(const Bdf& device) const;

 private:
  struct Bridge {
    std::string kind;  // empty until its enumeration line is seen
    std::optional<uint8_t> secondary;
    uint8_t subordinate = 0;
  };
  std::map<Bdf, Bridge> bridges_;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_PCI_TOPOLOGY_H_
