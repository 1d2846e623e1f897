// Shell and xl.cfg remediations: sysfs `quirks` commands and the xl `permissive=1` alternative.
//
// Both work with any toolstack on a live dom0 (domain.md 3b, 3c). pciback's driver attributes
// live in /sys/bus/pci/drivers/pciback/ in every kernel version: `quirks` takes
// "DDDD:BB:DD.F-RRRRRRRR:S:MMMMMMMM" (pci_stub.c, pcistub_quirk_add; the same string xend writes,
// pciquirk.py __sendQuirks) and `permissive` takes a BDF (pcistub_permissive_add). libxl's
// permissive=1 writes that same `permissive` node. Only needs that pass PrintableNeed are
// printed, whatever the caller validated before.
#include <map>
#include <set>
#include <vector>

#include "analyzer/remedy/quirk.h"

namespace kdiag {
namespace {

constexpr char kPciback[] = "/sys/bus/pci/drivers/pciback/";

// What the output says about one device.
struct Device {
  std::string name;
  std::string id;
  std::vector<std::string> sources;
  std::set<QuirkField> fields;
};

std::map<Bdf, Device> ByDevice(const std::vector<QuirkNeed>& needs) {
  std::map<Bdf, Device> devices;
  for (const QuirkNeed& need : needs) {
    if (!PrintableNeed(need)) continue;
    Device& d = devices[need.bdf];
    if (d.name.empty()) d.name = CommentText(need.device_name, 100);
    if (d.id.empty() && need.id) d.id = need.id->ToString();
    std::string by = CommentText(need.reported_by, 60);
    if (!by.empty() && d.sources.size() < 4) {
      bool seen = false;
      for (const std::string& s : d.sources) seen = seen || s == by;
      if (!seen) d.sources.push_back(by);
    }
    d.fields.insert(need.field);
  }
  return devices;
}

// "# 0000:13:04.0 [8086:10b5] Intel ... (reported by -:1, -:5)".
std::string DeviceComment(const Bdf& bdf, const Device& d) {
  std::string s = "# " + bdf.ToString();
  if (!d.id.empty()) s += " [" + d.id + "]";
  if (!d.name.empty()) s += " " + d.name;
  if (!d.sources.empty()) {
    s += " (reported by ";
    for (size_t i = 0; i < d.sources.size(); ++i) s += (i ? ", " : "") + d.sources[i];
    s += ")";
  }
  return s + "\n";
}

// How long a sysfs quirk lasts, and what re-applies it. Read in the sources:
//  - pcistub_reg_add() (the `quirks` attribute) adds a config field whose .clean is
//    xen_pcibk_config_field_free (pci_stub.c; pciback_config_field_free in 2.6.18-xen's
//    drivers/xen/pciback/pci_stub.c).
//  - pcistub_put_pci_dev(), called whenever a domain gives the device back (pci unplug, guest
//    shutdown: xenbus disconnect, unbind; its own comment lists them), calls
//    xen_pcibk_config_free_dyn_fields(), which frees every field with a .clean (conf_space.c).
//    The 2.6.18-xen pcistub_put_pci_dev() does the same (pciback_config_free_dyn_fields). So a
//    quirk is gone after every shutdown, reboot, destroy or pci-detach of the domain.
//  - dev_data->warned_on_write is set by xen_pcibk_config_write() (conf_space.c) and nothing
//    clears it: dev_data is kzalloc'ed when pciback binds the device (pcistub_init_device) and
//    freed at unbind (pcistub_device_release); pcistub_put_pci_dev(), xen_pcibk_reset_device()
//    and xen_pcibk_config_reset_dev() leave it alone (Linux 3.x to 6.x, and 2.6.18-xen). A
//    restarted guest whose quirks are gone therefore loses its writes with no new warning.
//  - Re-applying is harmless: a field at an offset already present is dropped
//    (xen_pcibk_field_is_dup, in xen_pcibk_config_add_field_offset upstream, in
//    pcistub_reg_add in 2.6.18-xen).
// What re-applies them before every start:
//  - xend (Xen 3.0.3 to 4.4) did it by itself: XendDomainInfo creates each device through
//    DevController.createDevice -> pciif.py setupDevice -> setupOneDevice -> PCIQuirk(dev), which
//    writes the fields of xend-pci-quirks.sxp to the `quirks` node, at every domain start and
//    pci hot-plug (tools/python/xen/xend/server/pciif.py, RELEASE-4.4.0).
//  - libxl has nothing like it: tools/libs/light/libxl_pci.c (tools/libxl/libxl_pci.c before
//    4.15) writes only the `permissive` node (pci->permissive) and runs no hotplug script for
//    PCI devices. xl has no hook that runs before a domain starts, and re-creates a rebooting
//    guest inside its own process (tools/xl/xl_vmcontrol.c create_domain: DOMAIN_RESTART_NORMAL
//    -> `goto start`), so nothing outside xl runs between the release and the new start. kdiag
//    therefore tells the operator to start such a domain only through a wrapper that applies the
//    quirks and then runs `xl create`, with on_reboot = "destroy" so that a guest reboot ends the
//    domain and comes back through the wrapper (xendomains starts /etc/xen/auto/ with a plain
//    `xl create`, tools/hotplug/Linux/xendomains.in, so those domains need the wrapper too).
//  - libvirt's libxl driver runs /etc/libvirt/hooks/libxl with "NAME start begin" in
//    libxlDomainStartPerform(), before libxl_domain_create_new() and on every start including
//    its own restart of a rebooting guest (libxlDomainShutdownHandleRestart ->
//    libxlDomainStartNew); its "prepare" hook runs before virHostdevPrepareDomainDevices() binds
//    managed devices to pciback, too early for a quirk (src/libxl/libxl_domain.c).
//  - A udev rule or a boot-time unit does not help: the quirks vanish at release, which sends
//    no uevent and happens long after boot.
const char kSysfsWhat[] =
    "# pciback quirks written by kdiag: each line lets the guest write one more configuration\n"
    "# space register of one device (pciback's `quirks` attribute, drivers/xen/xen-pciback/\n"
    "# pci_stub.c). Run them as root while the device is bound to pciback (pciback.hide= or\n"
    "# xl pci-assignable-add) and before the domain that uses it starts.\n";

const char kSysfsLifetime[] =
    "#\n"
    "# They do not last: pciback frees every quirk of a device whenever a domain releases it\n"
    "# (pcistub_put_pci_dev() calls xen_pcibk_config_free_dyn_fields()), i.e. at every shutdown,\n"
    "# reboot, destroy or pci-detach of the domain, and at unbind or host reboot. Nor does\n"
    "# pciback warn again: its once-per-binding warning flag is cleared only by unbinding the\n"
    "# device, so a restarted guest whose quirks are gone loses its writes without a new\n"
    "# warning in the log. Apply them again before EVERY start of the domain:\n";

const char kSysfsReapplyXl[] =
    "#   xl: xl has no hook that runs before a domain starts, and restarts a rebooting guest\n"
    "#     by itself. Save this file (e.g. /etc/xen/DOMAIN-quirks.sh), start the domain only\n"
    "#     through a wrapper, also in place of xendomains' plain `xl create` of /etc/xen/auto/:\n"
    "#       sh /etc/xen/DOMAIN-quirks.sh && xl create /etc/xen/DOMAIN.cfg\n"
    "#     and set on_reboot = \"destroy\" in the domain's config, so that a guest reboot ends\n"
    "#     the domain and its next start goes through the wrapper again.\n"
    "#   libvirt with the libxl driver (2.1.0 and later): run this file from\n"
    "#     /etc/libvirt/hooks/libxl when it is called with \"DOMAIN start begin\" (before every\n"
    "#     start, also of a rebooting guest; \"prepare\" comes before libvirt binds managed\n"
    "#     devices to pciback: too early).\n";

const char kSysfsReapplyXend[] =
    "#   xend (Xen 3.0.3 to 4.4) writes the fields of /etc/xen/xend-pci-quirks.sxp at every\n"
    "#     domain start by itself: use that file (kdiag --emit xend-quirks) instead.\n";

const char kSysfsReapplyXendHost[] =
    "#   xend writes the fields of /etc/xen/xend-pci-quirks.sxp at every domain start by\n"
    "#     itself: put them there (kdiag --emit xend-quirks) rather than running these lines\n"
    "#     by hand, which the domain's next shutdown undoes.\n";

const char kSysfsIterative[] =
    "#\n"
    "# Iterative: pciback warns once per device binding, so the next read-only register the\n"
    "# guest writes is reported only after the device is re-bound to pciback (which also drops\n"
    "# these quirks: apply them again) or the host reboots. Unless pciback logs every write of\n"
    "# the guest (verbose_request, dynamic debug from Linux 5.8; see kdiag's report): then kdiag\n"
    "# lists every field the device needs at once.\n";

const char kPermissiveWarning[] =
    "# SECURITY WARNING: permissive mode lets the guest write ANY configuration register of the\n"
    "# device, not only the one pciback refused. The guest can then move the device's BARs,\n"
    "# rewrite its MSI/MSI-X setup or its command register (memory decoding, bus mastering),\n"
    "# and so make the device disturb or attack dom0, the hypervisor or other domains: host\n"
    "# security and stability depend on that guest's good behaviour. Use it only for a guest\n"
    "# you trust like dom0, and prefer the narrow fix, a quirk for exactly the registers the\n"
    "# driver needs (kdiag --emit sysfs-quirks, or --emit xend-quirks with xend).\n";

}  // namespace

std::string RenderSysfsQuirks(const std::vector<QuirkNeed>& needs, const ToolstackEra& era) {
  std::map<Bdf, Device> devices = ByDevice(needs);
  if (devices.empty()) {
    return "# kdiag: no pciback read-only configuration space write that kdiag may fix (refused "
           "ones are\n"
           "# named on stderr); no quirk needed.\n";
  }
  std::string out = std::string(kSysfsWhat) + "#\n" + EraComment(era) + kSysfsLifetime;
  if (era.MayBeXl()) out += kSysfsReapplyXl;
  if (era.MayBeXend()) {
    out += era.toolstack == Toolstack::kXend ? kSysfsReapplyXendHost : kSysfsReapplyXend;
  }
  out += kSysfsIterative;
  out += MsiCaveat(needs);
  for (const auto& [bdf, d] : devices) {
    out += "\n" + DeviceComment(bdf, d);
    for (const QuirkField& f : d.fields) {
      out += "echo " + bdf.ToString() + "-" + f.ToString() + " > " + kPciback + "quirks\n";
    }
  }
  return out;
}

std::string RenderXlPermissive(const std::vector<QuirkNeed>& needs, const ToolstackEra& era) {
  std::map<Bdf, Device> devices = ByDevice(needs);
  if (devices.empty()) {
    return "# kdiag: no pciback read-only configuration space write that kdiag may fix (refused "
           "ones are\n"
           "# named on stderr); permissive mode is "
           "not needed.\n";
  }
  std::string out =
      "# The xl alternative to quirks: permissive mode for the device (xl-pci-configuration(5),\n"
      "# option permissive=1; libxl writes the BDF to pciback's `permissive` node).\n#\n";
  out += EraComment(era);
  if (era.toolstack == Toolstack::kXend) {
    out +=
        "# xl's config does not apply to xend; xend's permissive mode is the file\n"
        "# /etc/xen/xend-pci-permissive.sxp (kdiag --emit xend-permissive).\n";
  }
  out += "#\n";
  out += kPermissiveWarning;
  // xl keeps only the last assignment of a key: tools/libs/util/libxlu_cfg.c (tools/libxl/
  // libxlu_cfg.c before 4.15) xlu__cfg_set_store() pushes every setting onto the front of the
  // list and find() returns the first match, i.e. the last `pci =` line of the file. (`pci += [`
  // appends since Xen 4.13, commit a30910bfd7 "libxlu: Handle += in config files".)
  out +=
      "#\n# In the xl config of the domain the devices are passed to, give each device the option\n"
      "# in the domain's ONE pci list. xl keeps only the last `pci = [...]` line of a config\n"
      "# (tools/libs/util/libxlu_cfg.c), so the list must hold every device of the domain,\n"
      "# including ones it already has that need no change. Devices that go to different\n"
      "# domains belong in each domain's own list. The devices must be bound to pciback first\n"
      "# (xl pci-assignable-add BDF, or pciback.hide=).\n";
  std::string list;
  for (const auto& [bdf, d] : devices) {
    out += DeviceComment(bdf, d);
    list += (list.empty() ? "'" : ", '") + bdf.ToString() + ",permissive=1'";
  }
  out += "pci = [ " + list + " ]\n";
  out +=
      "\n# The same on the running dom0, before the domain starts. libxl writes it itself at\n"
      "# every start from permissive=1; a hand-written one lasts until pciback unbinds the\n"
      "# device (dev_data->permissive is freed only then) or the host reboots:\n";
  for (const auto& [bdf, d] : devices) {
    out += "echo " + bdf.ToString() + " > " + kPciback + "permissive\n";
  }
  return out;
}

}  // namespace kdiag
