#include "analyzer/correlate/finding_device.h"

#include <string_view>

namespace kdiag {

std::string FindingDevice(const Finding& finding) {
  // Most specific first: a line that names a PCI function and its netdev concerns the function.
  for (std::string_view name : {"bdf", "disk", "iface", "dev", "device"}) {
    for (const auto& [key, value] : finding.fields) {
      if (key == name && !value.empty()) return value;
    }
  }
  return "";
}

}  // namespace kdiag
