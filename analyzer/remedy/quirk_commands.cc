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

const char kSysfsHeader[] =
    "# pciback quirks written by kdiag: each line lets the guest write one more configuration\n"
    "# space register of one device (pciback's `quirks` attribute, drivers/xen/xen-pciback/\n"
    "# pci_stub.c). Run them as root once the device is bound to pciback and before the domain\n"
    "# that uses it starts.\n"
    "#\n"
    "# They last only until the host reboots or the device is unbound from pciback. To keep\n"
    "# them, run these lines at every boot after pciback has claimed the devices and before any\n"
    "# domain starts: from the script that binds the devices, or from a systemd unit (or udev\n"
    "# rule) ordered after the binding and Before=xendomains.service. With xl/libxl there is no\n"
    "# quirks file, so this is the narrow fix; permissive=1 (kdiag --emit xl) opens every\n"
    "# register of the device instead.\n"
    "#\n"
    "# Iterative: pciback warns once per device binding, so the next read-only register the\n"
    "# guest writes is reported only after a re-bind (which drops these quirks: apply them\n"
    "# again) or a reboot.\n";

const char kPermissiveWarning[] =
    "# SECURITY WARNING: permissive mode lets the guest write ANY configuration register of the\n"
    "# device, not only the one pciback refused. The guest can then move the device's BARs,\n"
    "# rewrite its MSI/MSI-X setup or its command register (memory decoding, bus mastering),\n"
    "# and so make the device disturb or attack dom0, the hypervisor or other domains: host\n"
    "# security and stability depend on that guest's good behaviour. Use it only for a guest\n"
    "# you trust like dom0, and prefer the narrow fix, a quirk for exactly the registers the\n"
    "# driver needs (kdiag --emit sysfs-quirks, or --emit xend-quirks with xend).\n";

}  // namespace

std::string RenderSysfsQuirks(const std::vector<QuirkNeed>& needs) {
  std::map<Bdf, Device> devices = ByDevice(needs);
  if (devices.empty()) {
    return "# kdiag: no pciback read-only configuration space write found; no quirk needed.\n";
  }
  std::string out = kSysfsHeader;
  for (const auto& [bdf, d] : devices) {
    out += "\n" + DeviceComment(bdf, d);
    for (const QuirkField& f : d.fields) {
      out += "echo " + bdf.ToString() + "-" + f.ToString() + " > " + kPciback + "quirks\n";
    }
  }
  return out;
}

std::string RenderXlPermissive(const std::vector<QuirkNeed>& needs) {
  std::map<Bdf, Device> devices = ByDevice(needs);
  if (devices.empty()) {
    return "# kdiag: no pciback read-only configuration space write found; permissive mode is "
           "not needed.\n";
  }
  std::string out =
      "# The xl alternative to quirks: permissive mode for the device (xl-pci-configuration(5),\n"
      "# option permissive=1; libxl writes the BDF to pciback's `permissive` node).\n#\n";
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
      "# domains belong in each domain's own list.\n";
  std::string list;
  for (const auto& [bdf, d] : devices) {
    out += DeviceComment(bdf, d);
    list += (list.empty() ? "'" : ", '") + bdf.ToString() + ",permissive=1'";
  }
  out += "pci = [ " + list + " ]\n";
  out +=
      "\n# The same on the running dom0, before the domain starts (until reboot, or until the\n"
      "# device is unbound from pciback):\n";
  for (const auto& [bdf, d] : devices) {
    out += "echo " + bdf.ToString() + " > " + kPciback + "permissive\n";
  }
  return out;
}

}  // namespace kdiag
