// Advice: what the operator should do about each finding, down to the fix.
//
// Rules carry their own advice text; findings whose rule names a remedy get computed advice on
// top: pci-quirk findings name the device (from the PCI inventory) and the exact quirk field, and
// point at --emit; pte-decode findings decode the page-table entry. This is also where findings
// become QuirkNeeds for the emitters, after every value is validated.
#ifndef KDIAG_REMEDY_ADVICE_H_
#define KDIAG_REMEDY_ADVICE_H_

#include <string>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/location.h"
#include "analyzer/remedy/quirk.h"
#include "analyzer/remedy/quirk_discovery.h"
#include "analyzer/remedy/toolstack_era.h"

namespace kdiag {

// Sets finding->advice for every finding; pci-quirk advice follows the toolstack era. With a
// discovery (quirk_discovery.h), the first pci-quirk finding of each device it knows also says
// every field the device's guest wrote and which need a quirk.
void Advise(const PciInventory& inventory, const ToolstackEra& era,
            const std::vector<Finding*>& findings, const QuirkDiscovery* discovery = nullptr);

// The quirk needs of all pci-quirk findings. A finding whose bdf, offset or size does not
// validate, or whose text a guest wrote (Finding::provenance), yields an entry in `rejected`
// (naming input and line) instead of a need.
std::vector<QuirkNeed> CollectQuirkNeeds(const PciInventory& inventory,
                                         const std::vector<Finding*>& findings,
                                         std::vector<Error>* rejected);

}  // namespace kdiag

#endif  // KDIAG_REMEDY_ADVICE_H_
