// The device a finding concerns, named the way the kernel names it in the log: a PCI function's
// BDF ("0000:13:04.0"), a disk or block device ("sda", "ata1.00", "dm-0") or a network interface
// ("eth0"). Rules capture it under a few names; this is the one place that knows them.
//
// The captures, by the rule files that use them: `bdf` (pci, xen-pciback, xen-passthrough: always a
// PCI address), `disk` (storage: the sd driver's "[sdX]"), `iface` (network: the netdev name),
// `dev` (storage's block-layer "dev sda", kernel-crash's netdev and unmounted device,
// xen-passthrough's IOMMU BDF) and `device` (filesystem: the block device an ext4, XFS or Btrfs
// instance sits on; xen-passthrough: the BDF libxl names). pci.device.enumerated's `device` is a
// PCI device ID, but that rule is a fact and never a finding.
#ifndef KDIAG_CORRELATE_FINDING_DEVICE_H_
#define KDIAG_CORRELATE_FINDING_DEVICE_H_

#include <string>

#include "analyzer/correlate/finding.h"

namespace kdiag {

// The device of the finding's first event, or empty when its rule names none.
std::string FindingDevice(const Finding& finding);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_DEVICE_H_
