// PciIds: names from the pci.ids database (Debian package pci.ids: /usr/share/misc/pci.ids).
//
// Format: "vvvv  Vendor name", "\tdddd  Device name", "\t\tssss ssss  Subsystem name", '#'
// comments, and after the "C cc  Class" section begins, class entries (ignored). Loaded lazily,
// only for the IDs asked for, so start-up does not pay for parsing 1.3 MB when nothing is needed.
#ifndef KDIAG_CORRELATE_PCI_IDS_H_
#define KDIAG_CORRELATE_PCI_IDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/location.h"

namespace kdiag {

struct PciName {
  std::string vendor;     // "Intel Corporation"
  std::string device;     // "82546GB Gigabit Ethernet Controller (Copper)"
  std::string subsystem;  // "NC340T PCI-X Quad-port Gigabit Server Adapter", or empty
};

class PciIds {
 public:
  // The system database, first of /usr/share/misc/pci.ids, /usr/share/hwdata/pci.ids,
  // /usr/share/pci.ids that exists; nullopt when none does.
  static std::optional<std::string> DefaultPath();
  // Reads the whole file into memory. Error when it cannot be read.
  std::optional<Error> Load(const std::string& path);
  // Loads from text (tests).
  void LoadText(std::string text);

  // Name lookup; nullopt when vendor or device is unknown.
  std::optional<PciName> Lookup(const PciId& id) const;

  // Sets name / subsystem_name of every device in the inventory that has an ID.
  void NameAll(PciInventory* inv) const;

 private:
  std::string text_;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_PCI_IDS_H_
