// PlatformFacts: what a log says about the platform that wrote it.
//
// A fix for a Xen host depends on its era: xend (Xen 3.0.3 to 4.4) reads a quirks file at every
// domain start, xl (Xen 4.0 and later) has none. The log tells the era in a few lines, each
// matched by a rule (rules/platform.toml, rules/xen-libxl.toml): the hypervisor's banner
// (`Xen version 3.4.3 (...)`) and the toolstacks' own messages (xend's pciquirk lookups in
// xend.log, libxl's errors). This file
// only collects them, with where each was first seen; remedy/toolstack_era.h decides what they
// mean. Values are validated here (a version is digits), since a guest can write into a log.
#ifndef KDIAG_CORRELATE_PLATFORM_FACTS_H_
#define KDIAG_CORRELATE_PLATFORM_FACTS_H_

#include <optional>
#include <string>

namespace kdiag {

struct Event;  // correlate/event.h; not included, so that remedy headers stay light

struct XenVersion {
  int major = 0;
  int minor = 0;
  std::string extra;  // ".3", "-unstable"; printable ASCII only
  // "3.4.3".
  std::string ToString() const;
  bool AtLeast(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
};

struct PlatformFacts {
  // The first of each kind seen, and where ("input:line").
  std::optional<XenVersion> xen;
  std::string xen_where;
  std::string xend_where;   // a message only xend writes
  std::string libxl_where;  // a message only libxl (xl, libvirt's libxl driver) writes
};

// The rule ids whose events are read (contracts with rules/platform.toml).
inline constexpr char kXenVersionRule[] = "xen.hypervisor.version";
inline constexpr char kXendRulePrefix[] = "xen.xend.";
inline constexpr char kLibxlRulePrefix[] = "xen.libxl.";

// Notes what `event` says about the platform; ignores other events and values that do not
// validate.
void AddPlatformFact(const Event& event, PlatformFacts* facts);

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_PLATFORM_FACTS_H_
