#include "analyzer/correlate/finding_device.h"

#include <string_view>

namespace kdiag {

std::optional<Bdf> DeviceOf(const Fields& fields) {
  std::string_view seg = FieldValue(fields, "seg");
  std::string_view bus = FieldValue(fields, "bus");
  std::string_view slot = FieldValue(fields, "slot");
  std::string_view func = FieldValue(fields, "func");
  if (!seg.empty() && !bus.empty() && !slot.empty() && !func.empty()) {
    std::string spelled;
    spelled.append(seg).append(":").append(bus).append(":").append(slot).append(".").append(func);
    return Bdf::ParseSpelled(spelled);
  }
  if (auto b = Bdf::ParseSpelled(FieldValue(fields, "bdf"))) return b;
  if (auto b = Bdf::ParseSpelled(FieldValue(fields, "device"))) return b;
  return Bdf::Parse(bus);
}

std::string FindingDevice(const Finding& finding) {
  if (auto bdf = DeviceOf(finding.fields)) return bdf->ToString();
  for (std::string_view name : {"bdf", "disk", "iface", "dev", "device"}) {
    for (const auto& [key, value] : finding.fields) {
      if (key == name && !value.empty()) return value;
    }
  }
  return "";
}

}  // namespace kdiag
