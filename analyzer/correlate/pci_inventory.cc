// PciInventory: merging what several sources say about one device.
//
// Sources arrive best first (domain.md section 4: log, then lspci, then sysfs), so the first word
// on each piece of information stands and later sources only fill gaps: typically the subsystem
// IDs, which kernel enumeration lines never print but `lspci -nnvv` and sysfs do. A later source
// that names a different vendor:device is describing what it believes is another device (a dump
// from another boot, a hot-swapped card); nothing of it is taken, and the disagreement is kept in
// `conflict` so the report can say which IDs the fix was built from and which were doubted.
#include "analyzer/correlate/pci_inventory.h"

#include <cstdio>

namespace kdiag {
namespace {

std::string VendorDevice(const PciId& id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%04x", id.vendor, id.device);
  return buf;
}

void NoteConflict(PciDevice* dev, std::string_view source, const std::string& what) {
  std::string note = std::string(source) + " says " + what;
  if (dev->conflict.empty()) {
    dev->conflict = note;
  } else if (dev->conflict.find(note) == std::string::npos) {
    dev->conflict += "; " + note;
  }
}

}  // namespace

void PciInventory::Add(const Bdf& bdf, const PciId& id, std::optional<uint32_t> class_code,
                       std::string_view source) {
  // A log can carry forged enumeration lines (`logger -t kernel` writes kernel-tagged syslog
  // lines); past kMaxDevices new devices are ignored so the inventory stays bounded.
  if (devices_.size() >= kMaxDevices && !devices_.count(bdf)) {
    ++ignored_;
    return;
  }
  auto [it, inserted] = devices_.try_emplace(bdf);
  PciDevice& dev = it->second;
  if (inserted) dev.bdf = bdf;
  // A device created through mutable_devices() may lack an ID; the first ID seen then counts as
  // the first source.
  if (!dev.id) {
    dev.id = id;
    if (dev.source.empty()) dev.source = std::string(source);
    if (!dev.class_code) dev.class_code = class_code;
    return;
  }
  PciId& known = *dev.id;
  if (known.vendor != id.vendor || known.device != id.device) {
    NoteConflict(&dev, source, VendorDevice(id));
    return;  // another device as far as we can tell: none of its details apply
  }
  const bool known_sub = known.subvendor && known.subdevice;
  const bool new_sub = id.subvendor && id.subdevice;
  if (new_sub && !known_sub) {
    known.subvendor = id.subvendor;
    known.subdevice = id.subdevice;
  } else if (new_sub && (*known.subvendor != *id.subvendor || *known.subdevice != *id.subdevice)) {
    // A quirk entry may carry subsystem IDs, so a disagreement on them matters too.
    NoteConflict(&dev, source, id.ToString());
  }
  if (!dev.class_code) dev.class_code = class_code;
}

const PciDevice* PciInventory::Find(const Bdf& bdf) const {
  auto it = devices_.find(bdf);
  return it == devices_.end() ? nullptr : &it->second;
}

void PciInventory::SetInterruptCapabilities(const Bdf& bdf,
                                            std::vector<PciInterruptCapability> caps) {
  auto it = devices_.find(bdf);
  if (it == devices_.end() || !it->second.conflict.empty()) return;
  it->second.capabilities_known = true;
  it->second.interrupt_capabilities = std::move(caps);
}

}  // namespace kdiag
