#include <cstdio>

#include "analyzer/correlate/pci_inventory.h"

namespace kdiag {

std::string PciId::ToString() const {
  char buf[32];
  if (subvendor && subdevice) {
    std::snprintf(buf, sizeof buf, "%04x:%04x:%04x:%04x", vendor, device, *subvendor, *subdevice);
  } else {
    std::snprintf(buf, sizeof buf, "%04x:%04x", vendor, device);
  }
  return buf;
}

}  // namespace kdiag
