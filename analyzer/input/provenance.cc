#include "analyzer/input/provenance.h"

namespace kdiag {

std::string_view ProvenanceName(Provenance p) {
  switch (p) {
    case Provenance::kKernel:
      return "kernel";
    case Provenance::kHypervisor:
      return "hypervisor";
    case Provenance::kUserspace:
      return "userspace";
    case Provenance::kGuest:
      return "guest";
  }
  return "kernel";
}

Provenance ProvenanceOf(const Record& record) {
  if (record.guest_input) return Provenance::kGuest;
  switch (record.source) {
    case Source::kKernel:
      return Provenance::kKernel;
    case Source::kXen:
      return Provenance::kHypervisor;
    case Source::kUserspace:
      return Provenance::kUserspace;
    case Source::kGuest:
      return Provenance::kGuest;
  }
  return Provenance::kGuest;
}

GuestLog GuestLogByName(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  // "guest-NAME.log", "guest-NAME-emu.log", "qemu-dm-NAME.log", and their rotations
  // ("guest-web.log.1", "qemu-dm-web.log.2.gz").
  auto named = [&](std::string_view prefix) {
    return base.size() > prefix.size() && base.substr(0, prefix.size()) == prefix &&
           base.find(".log", prefix.size()) != std::string_view::npos;
  };
  if (named("guest-")) return GuestLog::kConsole;
  if (named("qemu-dm-")) return GuestLog::kDeviceModel;
  return GuestLog::kNone;
}

}  // namespace kdiag
