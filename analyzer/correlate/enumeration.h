// Kernel PCI enumeration lines (rule pci.device.enumerated) into the PCI inventory.
#ifndef KDIAG_CORRELATE_ENUMERATION_H_
#define KDIAG_CORRELATE_ENUMERATION_H_

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/pci_inventory.h"

namespace kdiag {

// The contract rule id whose events carry bdf, vendor, device and class.
inline constexpr char kEnumerationRule[] = "pci.device.enumerated";

// Adds the device of a pci.device.enumerated event (source "log"); ignores other events and
// events whose values do not validate (a BDF that is not dddd:bb:dd.f, an ID that is not 4 hex
// digits).
void AddEnumeration(const Event& event, PciInventory* inventory);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_ENUMERATION_H_
