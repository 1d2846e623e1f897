#include "analyzer/remedy/advice.h"

#include "analyzer/remedy/pte.h"

namespace kdiag {
namespace {

struct ValidatedQuirk {
  Bdf bdf;
  QuirkField field;
};

std::optional<ValidatedQuirk> Validate(const Finding& f) {
  auto bdf = Bdf::Parse(FieldValue(f.fields, "bdf"));
  auto field = QuirkField::Parse(FieldValue(f.fields, "offset"), FieldValue(f.fields, "size"));
  if (!bdf || !field) return std::nullopt;
  return ValidatedQuirk{*bdf, *field};
}

std::string DeviceLine(const Bdf& bdf, const PciDevice* dev) {
  if (!dev || !dev->id) {
    return "Device " + bdf.ToString() + ": vendor:device ID unknown. Get it with `lspci -n -s " +
           bdf.ShortString() + "` on the host that wrote this log, or run kdiag again with " +
           "--lspci FILE (saved lspci -n/-nn/-vmm -n/-nnvv output) or --sysfs /sys.\n";
  }
  std::string s = "Device " + bdf.ToString() + " is " + dev->id->ToString();
  if (!dev->name.empty()) s += " (" + dev->name + ")";
  s += ", known from " + dev->source + ".\n";
  if (!dev->conflict.empty())
    s += "Note: sources disagree about this device: " + dev->conflict + ".\n";
  return s;
}

std::string QuirkAdvice(const PciInventory& inventory, const Finding& f) {
  auto q = Validate(f);
  if (!q) {
    return "The reported values (bdf '" + std::string(FieldValue(f.fields, "bdf")) + "', offset '" +
           std::string(FieldValue(f.fields, "offset")) + "', size '" +
           std::string(FieldValue(f.fields, "size")) +
           "') are not a valid config-space field; kdiag emits no fix for them (the line may be "
           "corrupt or forged by a guest).\n";
  }
  const PciDevice* dev = inventory.Find(q->bdf);
  std::string field = q->field.ToString();
  std::string s = DeviceLine(q->bdf, dev);
  s += "Narrow fix: let the guest write this one register (quirk field " + field + ").\n";
  if (dev && dev->id) {
    s += "  xend (Xen 3.0.3-4.4): add the field to the stanza for " + dev->id->ToString() +
         " in /etc/xen/xend-pci-quirks.sxp (kdiag --emit xend-quirks; --merge FILE updates an "
         "existing file):\n      '" +
         field + "'\n";
  }
  // Lifetime: quirk_commands.cc (pcistub_put_pci_dev frees them at every release).
  s += "  sysfs, any toolstack (kdiag --emit sysfs-quirks):\n      echo " + q->bdf.ToString() +
       "-" + field +
       " > /sys/bus/pci/drivers/pciback/quirks\n    It is lost whenever the domain releases the "
       "device (shutdown, reboot, destroy, pci-detach): apply it again before every start of the "
       "domain; the --emit sysfs-quirks script says how.\n";
  s += "Broad alternative with xl (kdiag --emit xl): permissive mode lets the guest write every "
       "register of the device; use it only for a trusted guest:\n      pci = [ '" +
       q->bdf.ToString() +
       ",permissive=1' ]\n    in the domain's one pci list, next to every other device it has (xl "
       "keeps only the last `pci =` line of a config).\n";
  s += "pciback warns only once per device binding, and a guest restart does not reset that: a "
       "restarted guest whose quirk is gone fails with no new warning. After adding this quirk, "
       "re-bind the device (which also drops sysfs quirks: apply them again) or reboot the host, "
       "and check the log again: the next register the driver needs shows only then. Fixing a "
       "card is iterative.\n";
  return s;
}

std::string PteAdvice(const Finding& f) {
  std::string s;
  auto pte = Pte::Parse(FieldValue(f.fields, "pte"));
  if (pte) s += "PTE " + std::string(FieldValue(f.fields, "pte")) + ": " + pte->Describe() + ".\n";
  return s;
}

}  // namespace

void Advise(const PciInventory& inventory, const std::vector<Finding*>& findings) {
  for (Finding* f : findings) {
    std::string s = ExpandTemplate(f->rule->advice, f->fields);
    if (!s.empty() && s.back() != '\n') s += '\n';
    if (f->rule->remedy == "pci-quirk") s += QuirkAdvice(inventory, *f);
    if (f->rule->remedy == "pte-decode") s += PteAdvice(*f);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    f->advice = std::move(s);
  }
}

std::vector<QuirkNeed> CollectQuirkNeeds(const PciInventory& inventory,
                                         const std::vector<Finding*>& findings,
                                         std::vector<Error>* rejected) {
  std::vector<QuirkNeed> needs;
  for (const Finding* f : findings) {
    if (f->rule->remedy != "pci-quirk") continue;
    auto q = Validate(*f);
    if (!q) {
      rejected->push_back(Error{Location{f->input, f->line, 0},
                                "not a valid quirk (bdf, offset <= 0xfff, size 1/2/4); no fix "
                                "emitted for it"});
      continue;
    }
    QuirkNeed need;
    need.bdf = q->bdf;
    need.field = q->field;
    if (const PciDevice* dev = inventory.Find(q->bdf)) {
      need.id = dev->id;
      need.device_name = dev->name;
    }
    need.reported_by = Location{f->input, f->line, 0}.ToString();
    needs.push_back(std::move(need));
  }
  return needs;
}

}  // namespace kdiag
