// Functions of one card are one device: findings that differ only in the function of the PCI
// address they name become one.
//
// A multi-function card (a NIC's two ports, a GPU and its HDMI audio, a USB controller's EHCI and
// xHCI halves) fails as a whole: libxl cannot reset either function ("The kernel doesn't support
// reset from sysfs" for 03:00.0 and 03:00.1), pciback seizes both, Xen refuses both. Reported per
// function, the operator reads the same block twice. Here findings of one input, boot and rule
// whose key fields are equal once the address is read as its card (segment:bus:device, through
// Bdf::ParseSpelled) are folded into the first: its count is the sum, its time span and last line
// cover all, and Finding::functions lists every function. Nothing else is merged: another rule,
// another input, or any other key field that differs keeps its own finding.
//
// It also notes, on every finding that names a PCI address, the bridge that hides the card from
// the IOMMU when the log shows one (PciTopology): then the card's functions and every device
// behind that bridge can only be passed to one guest together.
//
// Findings are folded for the report only (text and NDJSON); the quirk remedies (--emit) need
// every function's own finding.
#ifndef KDIAG_CORRELATE_CARD_FUNCTIONS_H_
#define KDIAG_CORRELATE_CARD_FUNCTIONS_H_

#include <cstddef>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/pci_topology.h"

namespace kdiag {

// Folds `findings` in place (their order is kept) and notes bridges; returns how many findings
// were folded into another.
size_t FoldCardFunctions(std::vector<Finding*>* findings, const PciTopology& topology);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_CARD_FUNCTIONS_H_
