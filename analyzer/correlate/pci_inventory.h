// PciInventory: what kdiag knows about each PCI device (BDF -> IDs, class, name).
//
// Filled from the best sources first (domain.md section 4): kernel enumeration lines in the log
// (pci.device.enumerated events), `lspci` output given with --lspci, a sysfs root given with
// --sysfs (never read implicitly: a log may come from another host). Names come from the pci.ids
// database. A later source fills only what an earlier one left unknown; a conflict between
// sources keeps the first and is remembered so a report can mention it.
#ifndef KDIAG_CORRELATE_PCI_INVENTORY_H_
#define KDIAG_CORRELATE_PCI_INVENTORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/bdf.h"
#include "analyzer/input/location.h"

namespace kdiag {

// Vendor and device IDs, with subsystem IDs when known.
struct PciId {
  uint16_t vendor = 0;
  uint16_t device = 0;
  std::optional<uint16_t> subvendor;
  std::optional<uint16_t> subdevice;

  // "8086:10b5" or "8086:10b5:103c:3109" (lower-case hex, 4 digits each).
  std::string ToString() const;
};

// An MSI or MSI-X capability of a device (lspci -vv "Capabilities: [NN] MSI: ..."): the only
// capabilities whose place the remedy needs (remedy/guarded_registers.h).
struct PciInterruptCapability {
  enum class Kind { kMsi, kMsiX };
  Kind kind = Kind::kMsi;
  uint8_t offset = 0;  // where it starts in config space
  uint8_t length = 0;  // bytes it spans (MSI 10 to 24, MSI-X 12)
};

struct PciDevice {
  Bdf bdf;
  std::optional<PciId> id;
  std::optional<uint32_t> class_code;  // 24-bit class/subclass/prog-if, e.g. 0x020000
  std::string name;                    // "Intel Corporation 82546GB Gigabit Ethernet ..." or empty
  std::string subsystem_name;          // pci.ids subsystem name, or empty
  std::string source;                  // where the ID came from: "log", "lspci", "sysfs"
  std::string conflict;                // non-empty when sources disagreed: what the other said
  // lspci -vv listed the device's capabilities (then interrupt_capabilities is complete).
  bool capabilities_known = false;
  std::vector<PciInterruptCapability> interrupt_capabilities;
};

class PciInventory {
 public:
  // Far above any real machine's PCI functions (a large server has a few hundred).
  static constexpr size_t kMaxDevices = 16384;

  // Adds what one source says of a device. `source` is "log", "lspci" or "sysfs".
  void Add(const Bdf& bdf, const PciId& id, std::optional<uint32_t> class_code,
           std::string_view source);
  const PciDevice* Find(const Bdf& bdf) const;
  // What lspci -vv listed of a device's capabilities (its MSI and MSI-X ones); ignored for a
  // device not in the inventory or when its sources disagreed about the device.
  void SetInterruptCapabilities(const Bdf& bdf, std::vector<PciInterruptCapability> caps);
  const std::map<Bdf, PciDevice>& devices() const { return devices_; }
  // Mutable access for naming (pci_ids.h).
  std::map<Bdf, PciDevice>& mutable_devices() { return devices_; }
  // Devices not added because the inventory was full.
  uint64_t ignored() const { return ignored_; }

 private:
  std::map<Bdf, PciDevice> devices_;
  uint64_t ignored_ = 0;
};

// Parses `lspci -n`, `-nn`, `-vmm -n` (also `-vmm -nn`) or `-nnvv` output (format detected) into
// the inventory with source "lspci". Unparseable lines are skipped; returns an error only when the
// text holds no device at all. `name` is used in the error.
std::optional<Error> ReadLspci(std::string_view text, std::string_view name, PciInventory* inv);

// Reads <root>/bus/pci/devices/*/{vendor,device,subsystem_vendor,subsystem_device,class} where
// root is a sysfs mount point (normally /sys). Devices with unreadable or malformed files are
// skipped; an error when the directory cannot be read.
std::optional<Error> ReadSysfs(std::string_view root, PciInventory* inv);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_PCI_INVENTORY_H_
