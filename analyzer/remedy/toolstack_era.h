// ToolstackEra: which Xen toolstack the fix is for, decided from what the log shows.
//
// The same pciback warning needs different fixes in different eras (domain.md section 3):
//  - xend (Xen 3.0.3 to 4.4) writes the fields of /etc/xen/xend-pci-quirks.sxp to pciback at
//    every start of a domain, and its broad alternative is /etc/xen/xend-pci-permissive.sxp;
//  - xl/libxl (Xen 4.0 and later) has no quirks file: the narrow fix is the sysfs `quirks` node,
//    which the operator must re-apply before every start, and the broad one is permissive=1.
// Telling an operator of a 2.6.18 xenlinux dom0 on Xen 3.4 about xl (or one on Xen 4.17 about
// xend) is wrong advice, so the report follows the era, and says both, each labelled, when the log
// does not tell. The `--emit` artifacts are printed in every era (they are contracts); only their
// comments follow it.
//
// The evidence, strongest first (the sources for every threshold are quoted in the .cc):
//  1. the toolstacks' own messages: libxl's (xl, libvirt's libxl driver) or xend's; both: unknown;
//  2. the hypervisor's banner: Xen 4.5 and later has no xend, Xen before 4.0 has no xl, Xen 4.0
//     to 4.4 ships both (unknown).
// The dom0 kernel's banner is not evidence: a 2.6.18 xenlinux dom0 ran under Xen 4.0/4.1 (which
// ship xl) too.
#ifndef KDIAG_REMEDY_TOOLSTACK_ERA_H_
#define KDIAG_REMEDY_TOOLSTACK_ERA_H_

#include <optional>
#include <string>

#include "analyzer/correlate/platform_facts.h"

namespace kdiag {

enum class Toolstack { kUnknown, kXend, kXl };

struct ToolstackEra {
  Toolstack toolstack = Toolstack::kUnknown;
  // Why, in a phrase that follows "This host runs xend: " or "kdiag cannot tell ...: ",
  // e.g. "Xen 3.4.3 (xl-dmesg.log:2), older than xl (first shipped with Xen 4.0)". Built from
  // validated facts only.
  std::string evidence;
  std::optional<XenVersion> xen;  // the hypervisor's version, when the log shows it

  bool MayBeXend() const { return toolstack != Toolstack::kXl; }
  bool MayBeXl() const { return toolstack != Toolstack::kXend; }
  // xend before 3.4.0 fails every start of a domain with a PCI device when
  // /etc/xen/xend-pci-permissive.sxp is missing (toolstack_era.cc): true unless the log shows
  // a newer Xen or an xl host.
  bool MayHaveOldXend() const { return MayBeXend() && (!xen || !xen->AtLeast(3, 4)); }
};

ToolstackEra EraOf(const PlatformFacts& facts);

// One sentence (ending in '.') naming the era and its evidence, for reports and the comments of
// emitted files: "This host runs xend: Xen 3.4.3 (xl-dmesg.log:2), ...".
std::string EraSentence(const ToolstackEra& era);

// EraSentence as `#` comment lines of about 90 columns, made safe for a comment (CommentText:
// it names input files), for the headers of emitted files.
std::string EraComment(const ToolstackEra& era);

// What happens with xend before 3.4.0 when /etc/xen/xend-pci-permissive.sxp is missing; one
// paragraph of plain text without a final newline.
extern const char kOldXendPermissiveBug[];

}  // namespace kdiag

#endif  // KDIAG_REMEDY_TOOLSTACK_ERA_H_
