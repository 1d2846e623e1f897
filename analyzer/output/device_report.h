// The device story in the outputs (correlate/device_story.h, correlate/card_functions.h).
//
// Text: a section after the findings, one block per device whose story is told:
//
//   == PCI devices: each one's events across the inputs ==
//   0000:03:00 (functions 0000:03:00.0, 0000:03:00.1)  8086:10c9 Intel Corporation 82576 ...
//     behind PCIe to PCI/PCI-X bridge 0000:02:00.0 (bus 03): ...
//     dom0.log:12  at 3.021456  info xen.pciback.seize
//         pciback 0000:03:00.0: seizing device
//     xl-dmesg.log:40 (x2, to line 41)  at 88.120000  error xen.passthrough.assign_failed
//         (XEN) d1: assign (0000:03:00.0) failed (-16)
//
// and, inside a finding's block, a line naming the functions of one card folded into it and the
// bridge that hides it. NDJSON: an object {"type":"device"} per told story, after the findings
// and before the summary, and the finding keys "functions" and "behind_bridge" (README.md).
// Everything taken from a log goes through TerminalSafe in the text.
#ifndef KDIAG_OUTPUT_DEVICE_REPORT_H_
#define KDIAG_OUTPUT_DEVICE_REPORT_H_

#include <string>
#include <vector>

#include "analyzer/correlate/device_story.h"
#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/correlate/pci_topology.h"
#include "analyzer/output/json_writer.h"

namespace kdiag {

// The text section for `stories` (empty when there are none).
std::string DeviceStoriesText(const std::vector<const DeviceStory*>& stories,
                              const PciInventory& inventory, const PciTopology& topology);
// The lines a finding's text block gets for its card (none when it has nothing to say).
void AppendCardNote(const Finding& finding, std::string* out);
// The finding's NDJSON keys "functions" and "behind_bridge", when it has them.
void AppendCardMembers(const Finding& finding, JsonWriter* w);
// One {"type":"device"} line, '\n' included.
void AppendDeviceJson(const DeviceStory& story, const PciInventory& inventory,
                      const PciTopology& topology, std::string* out);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_DEVICE_REPORT_H_
