// Quirk discovery: every register a device needs a quirk for, in one run.
//
// pciback warns about a guest's write to a read-only register only once per device binding
// (domain.md section 2), so the warning alone makes fixing a card iterative: one register per
// re-bind. pciback can also log every config-space write a guest asks for: the verbose_request
// module parameter up to Linux 5.7 and on xenlinux, dynamic debug from 5.8
// (rules/xen-pciback.toml, xen.pciback.config_write_request). From that log this file works out
// the whole set at once:
//   - for each device, the distinct (register, size) its guest wrote (correlate/config_writes.h
//     has already validated them, kept only the host's own inputs, and bounded the table);
//   - minus every write that overlaps a register pciback handles itself (guarded_registers.h
//     RefuseQuirk: the header registers, and the MSI/MSI-X capabilities where lspci -vv told
//     where they are). Those writes are handled by pciback, need no quirk and must never get one;
//   - minus a field that lies inside another needed field of the device (pciback keeps one field
//     per offset, conf_space.c xen_pcibk_field_is_dup, and a field takes every write overlapping
//     it), so 0x40:2 goes when 0x40:4 is needed;
//   - what is left are the quirk fields the device needs. Not modelled: the other capability
//     fields pciback handles (conf_space_capability.c: the power management capability's control
//     word, the capability list headers), whose offsets lspci -vv shows but the inventory does not
//     keep. A write to one of them is listed as needing a quirk though pciback handles it; the
//     operator should drop it (the PM capability's place is in `lspci -vv`). They are not
//     refused on purpose: the founding case's pciback (2.6.18-xen, whose conf_space_capability_pm.c
//     has the same fields) warned about 0xe0 of an 82546GB, the PM control word if its PM
//     capability sits at 0xdc as tests/advice_test.cc's lspci -vv says; until that is
//     understood, refusing PM fields could withhold the one quirk a real card needed.
// The result is QuirkNeeds, the same the emitters use for the read-only-write warnings, so
// --emit xend-quirks, --emit sysfs-quirks and --merge print every field of a device in one stanza.
#ifndef KDIAG_REMEDY_QUIRK_DISCOVERY_H_
#define KDIAG_REMEDY_QUIRK_DISCOVERY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/config_writes.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/remedy/quirk.h"

namespace kdiag {

// What the verbose requests say about one device.
struct DiscoveredDevice {
  Bdf bdf;
  uint64_t writes = 0;                  // write requests logged (valid ones)
  std::vector<QuirkNeed> needs;         // the quirk fields, by register
  std::vector<QuirkField> handled;      // written registers pciback handles itself: no quirk
  std::vector<std::string> handled_by;  // for each of `handled`: what pciback handles there
};

struct QuirkDiscovery {
  std::map<Bdf, DiscoveredDevice> devices;
  uint64_t invalid = 0;  // write requests that did not validate (ConfigWrites::invalid)
  uint64_t dropped = 0;  // distinct fields beyond ConfigWrites::kMaxFields
  bool empty() const { return devices.empty(); }
};

// The quirk fields each device's guest needs, from its logged write requests.
QuirkDiscovery DiscoverQuirks(const ConfigWrites& writes, const PciInventory& inventory);

// Adds the discovered needs to `needs` (the read-only-write warnings'): a discovered field
// already covered by a need of the same device is not added again, and a need the discovered
// field covers is replaced by it (one field per offset, as pciback keeps them).
void AddDiscoveredNeeds(const QuirkDiscovery& discovery, std::vector<QuirkNeed>* needs);

// A paragraph for the report about the device `bdf`: what its guest wrote, which fields need a
// quirk and which writes pciback handles itself; empty when the discovery has nothing on it.
std::string DiscoveryAdvice(const QuirkDiscovery& discovery, const Bdf& bdf);

}  // namespace kdiag

#endif  // KDIAG_REMEDY_QUIRK_DISCOVERY_H_
