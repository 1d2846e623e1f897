// xend-pci-permissive.sxp: xend's broad alternative to quirks (Xen 3.0.3 to 4.4).
//
// At every start of a domain with a pciback device, xend's PCIQuirk (tools/python/xen/xend/
// server/pciquirk.py, __devIsUnconstrained and __sendPermDevs) reads
// /etc/xen/xend-pci-permissive.sxp, takes the list of its FIRST `(unconstrained_dev_ids ...)`
// element (sxp child() returns the first match) and, when an entry matches the device the way a
// quirk stanza's pci_ids do (__matchPCIdev: vendor:device, or 4 parts with ffff wildcards),
// writes the BDF to pciback's `permissive` node: every register pciback does not emulate becomes
// writable for the guest. The file shipped with xend (tools/examples/xend-pci-permissive.sxp)
// already holds an empty element and says to use it only temporarily, so the entries kdiag
// prints must go into that element, not into a second one that xend would never read. That is
// what the output says; a merge like MergeXendQuirks is not offered (the broad fix is meant to be
// rare and short-lived).
#include <map>
#include <set>

#include "analyzer/remedy/quirk.h"

namespace kdiag {
namespace {

struct IdLess {
  bool operator()(const PciId& a, const PciId& b) const { return a.ToString() < b.ToString(); }
};

const char kXendPermissiveHeader[] =
    "# xend-pci-permissive.sxp entries written by kdiag: xend's permissive mode for the devices\n"
    "# below (tools/python/xen/xend/server/pciquirk.py writes the BDF of every device whose ID\n"
    "# is listed to pciback's `permissive` node, at every start of its domain).\n"
    "#\n"
    "# SECURITY WARNING: permissive mode lets the guest write ANY configuration register of the\n"
    "# device that pciback does not emulate, not only the one it refused: its MSI/MSI-X setup\n"
    "# and device-specific registers, and so make the device disturb or attack dom0, the\n"
    "# hypervisor or other domains. Use it only for a guest you trust like dom0, only while you\n"
    "# find the registers the driver needs, and prefer quirks for exactly those (kdiag --emit\n"
    "# xend-quirks).\n"
    "#\n"
    "# xend reads only the FIRST (unconstrained_dev_ids ...) element of\n"
    "# /etc/xen/xend-pci-permissive.sxp, and the file shipped with xend already has an empty\n"
    "# one: put these IDs into that element's list rather than adding a second element.\n";

}  // namespace

std::string RenderXendPermissive(const std::vector<QuirkNeed>& needs, const ToolstackEra& era) {
  std::map<PciId, std::set<Bdf>, IdLess> ids;
  std::set<Bdf> without_id;
  for (const QuirkNeed& need : needs) {
    if (!PrintableNeed(need)) continue;
    if (need.id) {
      PciId id = *need.id;
      if (!id.subvendor || !id.subdevice) id.subvendor = id.subdevice = std::nullopt;
      ids[id].insert(need.bdf);
    } else {
      without_id.insert(need.bdf);
    }
  }
  if (ids.empty() && without_id.empty()) {
    return "# kdiag: no pciback read-only configuration space write that kdiag may fix (refused "
           "ones are\n"
           "# named on stderr); permissive mode is "
           "not needed.\n";
  }
  std::string out = kXendPermissiveHeader;
  out += "#\n" + EraComment(era);
  if (era.toolstack == Toolstack::kXl) {
    out +=
        "# xend is gone since Xen 4.5 and xl does not read this file: use permissive=1 in the\n"
        "# domain's pci list instead (kdiag --emit xl).\n";
  }
  if (era.MayHaveOldXend()) out += "#\n" + CommentLines(kOldXendPermissiveBug);
  if (!ids.empty()) {
    out += "\n(unconstrained_dev_ids\n";
    size_t i = 0;
    for (const auto& [id, bdfs] : ids) {
      const bool first = i == 0, last = ++i == ids.size();
      out += std::string(first ? "    (" : "     ") + "'" + id.ToString() + "'" + (last ? ")" : "");
      std::string at;
      for (const Bdf& b : bdfs) at += (at.empty() ? "" : ", ") + b.ToString();
      out += (last ? "  # at " : "   # at ") + CommentText(at, 120) + "\n";
    }
    out += ")\n";
  }
  if (!without_id.empty()) {
    out +=
        "\n# No vendor:device ID is known for these devices, so they have no entry (a guessed ID\n"
        "# would match the wrong device or none); find it with lspci -n -s BDF:\n";
    for (const Bdf& b : without_id) out += "#   " + b.ToString() + "\n";
  }
  return out;
}

}  // namespace kdiag
