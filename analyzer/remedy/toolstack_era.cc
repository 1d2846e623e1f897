// The thresholds, as read in xen-project/xen (git tags; "first in" is the first tag containing
// the commit):
//  - xend is gone from Xen 4.5: commit 9e8672f1c3 "tools: remove xend and associated python
//    modules" (2013-09-12), first in 4.5.0-rc1; RELEASE-4.4.0 still has
//    tools/python/xen/xend/server/pciquirk.py, RELEASE-4.5.0 has no tools/python/xen/xend/.
//  - xl first shipped with Xen 4.0: tools/libxl/xl.c was added by c5c301ac77 (2009-11-09) and is
//    in RELEASE-4.0.0; 3.4.0-rc3 has no tools/libxl/ at all.
//  - the old xend bug: tools/python/xen/xend/server/pciquirk.py __devIsUnconstrained() as added
//    by 2b9c0e336c (first in 3.0.3) assigns `pci_perm_dev_config` only when
//    /etc/xen/xend-pci-permissive.sxp exists, then reads it unconditionally:
//      devices = child_at(child(pci_perm_dev_config, 'unconstrained_dev_ids'),0)
//    so without the file Python raises UnboundLocalError. PCIQuirk.__init__ calls
//    __sendQuirks() (the quirk fields are written) and then __sendPermDevs(), which raises;
//    pciif.py setupOneDevice() does not catch it, nor does XendDomainInfo._initDomain() (it
//    catches VmError and RuntimeError only), and XendDomainInfo.start() logs 'VM start failed',
//    destroys the domain and re-raises (3.3.0-rc7 read). Fixed by cef052b621 (2009-02-11, first
//    in 3.4.0-rc1), which reads self.pci_perm_dev_config, set in both branches; b57e4ee13e
//    ("fix uninitialized variable", first in 4.0.0-rc1) only moved that assignment and changes
//    nothing a user sees. `make install` puts the file in place (tools/examples/Makefile,
//    XEN_CONFIGS in 3.3 and 4.4), so the bug bites when a package leaves it out or someone
//    deletes it.
#include "analyzer/remedy/toolstack_era.h"

#include "analyzer/remedy/quirk.h"

namespace kdiag {

const char kOldXendPermissiveBug[] =
    "Keep /etc/xen/xend-pci-permissive.sxp in place, even with its empty "
    "(unconstrained_dev_ids) list: xend before 3.4.0 (pciquirk.py) fails with UnboundLocalError "
    "when the file is missing, after writing the quirks, and the domain's start fails ('VM start "
    "failed' in xend.log).";

ToolstackEra EraOf(const PlatformFacts& facts) {
  ToolstackEra era;
  era.xen = facts.xen;
  std::string xen;
  if (facts.xen) xen = "Xen " + facts.xen->ToString() + " (" + facts.xen_where + ")";
  const bool libxl = !facts.libxl_where.empty();
  const bool xend = !facts.xend_where.empty();
  if (libxl && xend) {
    era.evidence = "the log has both libxl's (" + facts.libxl_where + ") and xend's (" +
                   facts.xend_where + ") messages";
  } else if (libxl) {
    era.toolstack = Toolstack::kXl;
    era.evidence = "libxl's messages (" + facts.libxl_where + ")";
    if (!xen.empty()) era.evidence += ", " + xen;
  } else if (xend) {
    era.toolstack = Toolstack::kXend;
    era.evidence = "xend's messages (" + facts.xend_where + ")";
    if (!xen.empty()) era.evidence += ", " + xen;
  } else if (facts.xen && facts.xen->AtLeast(4, 5)) {
    era.toolstack = Toolstack::kXl;
    era.evidence = xen + ": xend was removed in Xen 4.5";
  } else if (facts.xen && !facts.xen->AtLeast(4, 0)) {
    era.toolstack = Toolstack::kXend;
    era.evidence = xen + ", older than xl (first shipped with Xen 4.0)";
  } else if (facts.xen) {
    era.evidence = xen + " ships both xend and xl, and the log shows neither's messages";
  } else {
    era.evidence =
        "the log shows neither the hypervisor's version (xl dmesg) nor a toolstack's "
        "messages";
  }
  return era;
}

std::string EraSentence(const ToolstackEra& era) {
  switch (era.toolstack) {
    case Toolstack::kXend:
      return "This host runs xend: " + era.evidence + ".";
    case Toolstack::kXl:
      return "This host runs xl/libxl: " + era.evidence + ".";
    case Toolstack::kUnknown:
      break;
  }
  return "kdiag cannot tell whether this host runs xend (Xen 3.0.3 to 4.4) or xl/libxl (Xen 4.0 "
         "and later): " +
         era.evidence + ".";
}

std::string EraComment(const ToolstackEra& era) {
  return CommentLines(EraSentence(era));
}

}  // namespace kdiag
