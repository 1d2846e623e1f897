// The device a finding or event concerns, named the way the kernel names it in the log: a PCI
// function ("0000:13:04.0"), a disk or block device ("sda", "ata1.00", "dm-0") or a network
// interface ("eth0"). Rules capture it under a few names; this is the one place that knows them.
//
// A PCI function comes first (a line that names a function and its netdev concerns the function),
// found as
//   - the fields seg, bus, slot and func together (libxl "PCI device %x:%x:%x.%x is not
//     assignable"), else
//   - the field bdf (pci, xen-pciback, xen-passthrough: every rule that names a PCI address), else
//   - the field device when it spells an address (libxl "libxl__device_pci_add failed for PCI
//     device %x:%x:%x.%x"), else
//   - the field bus when it is a full Linux device name (a network driver's "e1000e 0000:00:19.0
//     eth0: ..." prefix).
// Every spelling (libxl's 0:3:0.0, Xen's 03:00.0, DMAR's 0x03:0x00.0) is read by Bdf::ParseSpelled
// and named in Linux's one spelling, 0000:03:00.0, so the same function has one name everywhere.
//
// Otherwise, the first non-empty capture of: `disk` (storage: the sd driver's "[sdX]"), `iface`
// (network: the netdev name), `dev` (storage's block-layer "dev sda", kernel-crash's netdev and
// unmounted device, xen-passthrough's IOMMU BDF) and `device` (filesystem: the block device an
// ext4, XFS or Btrfs instance sits on). pci.device.enumerated's `device` is a PCI device ID, but
// that rule is a fact and never a finding.
#ifndef KDIAG_CORRELATE_FINDING_DEVICE_H_
#define KDIAG_CORRELATE_FINDING_DEVICE_H_

#include <optional>
#include <string>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/finding.h"

namespace kdiag {

// The PCI function the fields name, by the order above; nullopt when none.
std::optional<Bdf> DeviceOf(const Fields& fields);

// The device of the finding's first event, or empty when its rule names none.
std::string FindingDevice(const Finding& finding);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_FINDING_DEVICE_H_
