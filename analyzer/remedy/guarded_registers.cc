// The table: every register of the standard header (0x00-0x3f) that pciback handles with a field
// of its own, or that routes a bridge's traffic, read in:
//   2.6.18-xen  spacex/kernel-centos5 drivers/xen/pciback/conf_space_header.c (header_common,
//               header_0, header_1, CFG_FIELD_BAR, CFG_FIELD_ROM); MSI there is set up by dom0
//               on pcifront's request (XEN_PCI_OP_enable_msi -> pciback_enable_msi,
//               bronson/linux-2.6.18.8-ovz-xen drivers/xen/pciback/conf_space_capability_msi.c),
//               with no field for the capability itself;
//   3.x         torvalds/linux 0513fe9e5b drivers/xen/xen-pciback/conf_space_header.c: the same
//               tables (pciback_* names);
//   4.x to 6.x  torvalds/linux 31eb07f5f8 and intel-lab-lkp/linux d713829677: the same tables,
//               command_write() now passing only PCI_COMMAND_GUEST bits on in permissive mode;
//               conf_space_capability.c (torvalds/linux 037dd1308c) adds fields for the MSI and
//               MSI-X capabilities' flags word only (caplist_msi, caplist_msix:
//               msi_msix_flags_write), so a write to the MSI address/data or mask registers is
//               unhandled, warned about, and would be passed through by a quirk.
// The header type is not known from a log, so the table is the union of type 0 (normal) and
// type 1 (bridge) layouts; where the other layout has a read-only register there (CardBus CIS
// and subsystem IDs at 0x28-0x2f, min_gnt/max_lat at 0x3e-0x3f), refusing costs nothing, since
// a quirk on a read-only register cannot be what a driver needs.
#include "analyzer/remedy/guarded_registers.h"

#include <cstdio>

namespace kdiag {
namespace {

struct GuardedRange {
  uint16_t first;  // inclusive
  uint16_t last;   // inclusive
  const char* what;
  const char* why;
};

// pciback handles these itself; a warning cannot name them, a quirk would bypass the handler.
// Permissive mode does not bypass it either: only writes no field handles are passed on
// (conf_space.c xen_pcibk_config_write, "some fields may still be read-only because they have
// entries in the config_field list that intercept the write and do nothing").
const char kHandled[] =
    "If the device misbehaves, report it to xen-devel with `lspci -vvv` of the device; neither a "
    "quirk nor permissive mode is the fix (permissive mode leaves registers pciback handles to "
    "pciback).";

constexpr GuardedRange kHeader[] = {
    // header_common: .u.w.read = xen_pcibk_read_vendor / _device, no write handler.
    {0x00, 0x03, "the vendor and device ID (0x00-0x03)",
     "pciback answers reads of them from its own copy and drops writes"},
    // header_common: PCI_COMMAND, command_write().
    {0x04, 0x05, "the command register (0x04)",
     "pciback's command_write() decides what reaches the device: memory and I/O decoding and "
     "bus mastering are switched through the PCI core, and newer kernels pass on only harmless "
     "bits even in permissive mode (PCI_COMMAND_GUEST); a quirk would let the guest switch "
     "decoding and DMA directly"},
    // header_common: PCI_CACHE_LINE_SIZE (writable), PCI_LATENCY_TIMER (read-only), PCI_BIST
    // (bist_write: only starting the self-test).
    {0x0c, 0x0d, "the cache line size and latency timer (0x0c-0x0d)",
     "pciback handles them (the cache line size is already writable, the latency timer is "
     "read-only to guests)"},
    {0x0f, 0x0f, "the BIST register (0x0f)",
     "pciback's bist_write() only lets the guest start the self-test"},
    // header_0: CFG_FIELD_BAR(PCI_BASE_ADDRESS_0..5); header_1: BAR0-1, and 0x18-0x27 are a
    // bridge's bus numbers, I/O and memory windows, which no field covers.
    {0x10, 0x27, "the BARs (0x10-0x27; on a bridge: BAR0-1, bus numbers and windows)",
     "pciback's bar_write() only lets the guest size a BAR or restore its value; a quirk would "
     "let it move the device's memory or I/O window over memory that belongs to dom0, Xen or "
     "another guest (or re-route a bridge)"},
    // header_1: the prefetchable window's upper halves, 0x28-0x2f (type 0: CardBus CIS and
    // subsystem IDs, read-only).
    {0x28, 0x2f, "a bridge's prefetchable window (0x28-0x2f)",
     "it routes memory behind a bridge; pciback gives the guest no control of it"},
    // header_0: CFG_FIELD_ROM(PCI_ROM_ADDRESS) at 0x30; header_1: I/O window upper halves.
    {0x30, 0x33, "the expansion ROM BAR (0x30; on a bridge: I/O window upper halves)",
     "pciback's rom_write() only lets the guest size it or restore its value; a quirk would let "
     "it map the ROM anywhere"},
    // header_1: CFG_FIELD_ROM(PCI_ROM_ADDRESS1) at 0x38 (type 0: reserved).
    {0x38, 0x3b, "a bridge's expansion ROM BAR (0x38)",
     "pciback's rom_write() handles it (header type 1)"},
    // header_common: PCI_INTERRUPT_LINE (interrupt_read: dom0's IRQ number), PCI_INTERRUPT_PIN
    // (read-only); no write handler.
    {0x3c, 0x3d, "the interrupt line and pin (0x3c-0x3d)",
     "pciback shows the guest dom0's IRQ number there and drops writes; interrupts are routed by "
     "Xen, not by this register"},
    // header_1: bridge control (secondary bus reset, ISA/VGA forwarding); no field (type 0:
    // min_gnt/max_lat, read-only).
    {0x3e, 0x3f, "a bridge's control register (0x3e)",
     "it can reset the bus behind a bridge and forward legacy I/O; pciback gives the guest no "
     "control of it"},
};

std::string Hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

bool Overlaps(const QuirkField& f, unsigned first, unsigned last) {
  unsigned begin = f.reg, end = f.reg + f.size - 1u;
  return begin <= last && end >= first;
}

}  // namespace

std::optional<QuirkRefusal> RefuseQuirk(const QuirkField& field, const PciDevice* dev) {
  for (const GuardedRange& r : kHeader) {
    if (Overlaps(field, r.first, r.last)) return QuirkRefusal{r.what, r.why, kHandled};
  }
  if (dev == nullptr) return std::nullopt;
  for (const PciInterruptCapability& cap : dev->interrupt_capabilities) {
    unsigned last = cap.offset + cap.length - 1u;
    if (!Overlaps(field, cap.offset, last)) continue;
    const bool msix = cap.kind == PciInterruptCapability::Kind::kMsiX;
    QuirkRefusal refusal;
    refusal.what = std::string("the ") + (msix ? "MSI-X" : "MSI") + " capability at " +
                   Hex(cap.offset) + " (" + Hex(cap.offset) + "-" + Hex(last) + ", from lspci -vv)";
    refusal.why =
        "interrupt messages are set up by dom0 and Xen on pcifront's request (enable_msi, "
        "enable_msix), and pciback lets a guest touch at most the capability's flags word; a "
        "quirk would let the guest write the message address and data itself, i.e. make the "
        "device write where the guest likes";
    refusal.instead =
        "Let the guest use MSI through its Xen PCI frontend (a guest kernel with pcifront MSI "
        "support; HVM guests get MSI from the device model), or boot the guest with pci=nomsi so "
        "that its driver uses legacy interrupts.";
    return refusal;
  }
  return std::nullopt;
}

bool MsiLayoutUnknown(const QuirkField& field, const PciDevice* dev) {
  if (!Overlaps(field, 0x40, 0xff)) return false;
  return dev == nullptr || !dev->capabilities_known;
}

std::string MsiCaveat(const std::vector<QuirkNeed>& needs) {
  std::string fields;
  size_t n = 0;
  for (const QuirkNeed& need : needs) {
    if (!need.msi_layout_unknown || !PrintableNeed(need)) continue;
    std::string one = need.bdf.ToString() + " " + Hex(need.field.reg);
    if (fields.find(one) != std::string::npos) continue;
    if (++n > 8) {
      fields += ", ...";
      break;
    }
    fields += (fields.empty() ? "" : ", ") + one;
  }
  if (fields.empty()) return "";
  return "#\n" + CommentLines(
                     "Check first: kdiag could not tell whether these fields lie in the "
                     "device's MSI or MSI-X capability, where no quirk may go (no "
                     "lspci -vv output; give it with --lspci): " +
                     fields +
                     ". In `lspci -vv -s BDF`, 'Capabilities: [NN] MSI' covers NN to "
                     "NN+0x17 and 'MSI-X' NN to NN+0x0b; drop any field inside them.");
}

}  // namespace kdiag
