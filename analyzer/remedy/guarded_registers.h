// Guarded registers: config-space registers where kdiag never puts a quirk.
//
// A quirk makes pciback pass the guest's writes to one register straight to the device
// (pcistub_reg_add -> xen_pcibk_config_quirks_add_field, whose write handlers are plain
// pci_write_config_*). That is right for a device-specific register the driver needs, and wrong
// for the registers pciback handles itself: the command register, the BARs and expansion ROM,
// the interrupt line, and the MSI/MSI-X capabilities, through which a guest could enable decoding
// or bus mastering behind pciback's back, move the device's memory windows over someone else's,
// or aim the device's interrupt messages (DMA writes) anywhere. pciback warns about none of its
// own registers (a write that overlaps one of its fields is "handled", conf_space.c), so a
// warning naming one comes from a forged or damaged line, or an unusual pciback; either way kdiag
// refuses to emit a quirk for it, in every artifact, and the advice says why and what to do.
//
// The standard header's guarded ranges are fixed (the table in guarded_registers.cc, with the
// source of each entry). MSI and MSI-X capabilities sit at device-specific offsets: they are
// refused only where the PCI inventory knows them (`lspci -vv` "Capabilities: [NN] MSI..." lines,
// correlate/lspci.cc); elsewhere in the capability area (0x40-0xff) kdiag says that it could not
// check. PCIe extended capabilities (0x100 and up) never hold MSI or MSI-X.
#ifndef KDIAG_REMEDY_GUARDED_REGISTERS_H_
#define KDIAG_REMEDY_GUARDED_REGISTERS_H_

#include <optional>
#include <string>

#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/remedy/quirk.h"

namespace kdiag {

// Why a quirk for a field is refused, in words for the advice.
struct QuirkRefusal {
  std::string what;     // "BAR0-BAR5 (0x10-0x27)", "the MSI capability at 0x50 (0x50-0x67)"
  std::string why;      // what pciback does there, and what a quirk would let the guest do
  std::string instead;  // what to do instead
};

// The refusal for `field` of the device `dev` (may be null), or nullopt when no guarded register
// overlaps it.
std::optional<QuirkRefusal> RefuseQuirk(const QuirkField& field, const PciDevice* dev);

// True when `field` lies in the PCI capability area (0x40-0xff), where an MSI or MSI-X
// capability could be, and `dev` has no capability list from lspci -vv to rule that out.
bool MsiLayoutUnknown(const QuirkField& field, const PciDevice* dev);

}  // namespace kdiag

#endif  // KDIAG_REMEDY_GUARDED_REGISTERS_H_
