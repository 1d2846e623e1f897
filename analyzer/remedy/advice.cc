#include "analyzer/remedy/advice.h"

#include <cctype>
#include <cstring>
#include <set>

#include "analyzer/remedy/guarded_registers.h"
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

// The fix in the era's terms (toolstack_era.h): xend's files for xend, the sysfs quirk and
// permissive=1 for xl, both labelled when the log does not tell.
std::string QuirkAdvice(const PciInventory& inventory, const ToolstackEra& era, const Finding& f) {
  auto q = Validate(f);
  if (!q) {
    return "The reported values (bdf '" + std::string(FieldValue(f.fields, "bdf")) + "', offset '" +
           std::string(FieldValue(f.fields, "offset")) + "', size '" +
           std::string(FieldValue(f.fields, "size")) +
           "') are not a valid config-space field; kdiag emits no fix for them (the line may be "
           "corrupt or forged by a guest).\n";
  }
  const PciDevice* dev = inventory.Find(q->bdf);
  const bool has_id = dev && dev->id;
  const std::string bdf = q->bdf.ToString();
  const std::string field = q->field.ToString();
  const bool both = era.toolstack == Toolstack::kUnknown;
  std::string s = DeviceLine(q->bdf, dev);
  const std::string offset = std::string(FieldValue(f.fields, "offset"));
  if (auto refusal = RefuseQuirk(q->field, dev)) {
    return s + "No quirk: offset " + offset + " lies in " + refusal->what +
           ", which pciback handles itself: " + refusal->why +
           ". kdiag emits no quirk for it in any file (a genuine pciback does not warn about its "
           "own registers, so the line may be damaged or forged). " +
           refusal->instead + "\n";
  }
  s += EraSentence(era) + "\n";
  s += "Narrow fix: let the guest write this one register (quirk field " + field + ").\n";
  if (MsiLayoutUnknown(q->field, dev)) {
    s += "  First check that " + offset +
         " is not inside the device's MSI or MSI-X capability, which must never get a quirk: "
         "they sit at device-specific offsets and kdiag could not check (no lspci -vv output; "
         "give it with --lspci). In `lspci -vv -s " +
         q->bdf.ShortString() +
         "`, a line 'Capabilities: [NN] MSI' covers NN to NN+0x17, 'MSI-X' NN to NN+0x0b.\n";
  }
  if (era.MayBeXend()) {
    s += both ? "  If the host runs xend (Xen 3.0.3-4.4): " : "  xend: ";
    if (has_id) {
      s += "add the field to the stanza for " + dev->id->ToString() +
           " in /etc/xen/xend-pci-quirks.sxp (kdiag --emit xend-quirks; --merge FILE updates an "
           "existing file). xend writes it to pciback at every start of the domain:\n      '" +
           field + "'\n";
    } else {
      s += "a stanza of /etc/xen/xend-pci-quirks.sxp needs the device's vendor:device ID (see "
           "above).\n";
    }
  }
  if (era.MayBeXl()) {
    // Lifetime: quirk_commands.cc (pcistub_put_pci_dev frees them at every release).
    s += both ? "  If it runs xl/libxl (Xen 4.0 and later): " : "  xl/libxl: ";
    s += "there is no quirks file; write the field to pciback's sysfs node (kdiag --emit "
         "sysfs-quirks), with the device bound to pciback (xl pci-assignable-add " +
         bdf + "):\n      echo " + bdf + "-" + field +
         " > /sys/bus/pci/drivers/pciback/quirks\n    It is lost whenever the domain releases "
         "the device (shutdown, reboot, destroy, pci-detach): apply it again before every start "
         "of the domain; the --emit sysfs-quirks script says how.\n";
  }
  s += "Broad alternative, permissive mode: the guest may then write every register of the "
       "device; use it only for a guest you trust like dom0.\n";
  if (era.MayBeXend()) {
    s += both ? "  If the host runs xend: " : "  xend: ";
    if (has_id) {
      s += "list the device in /etc/xen/xend-pci-permissive.sxp (kdiag --emit xend-permissive):\n"
           "      (unconstrained_dev_ids ('" +
           dev->id->ToString() + "'))\n";
    } else {
      s += "list its vendor:device ID in /etc/xen/xend-pci-permissive.sxp as "
           "(unconstrained_dev_ids ('VVVV:DDDD')).\n";
    }
    if (era.MayHaveOldXend()) s += std::string("    ") + kOldXendPermissiveBug + "\n";
  }
  if (era.MayBeXl()) {
    s += both ? "  If it runs xl/libxl: " : "  xl/libxl: ";
    s += "the option in the domain's config (kdiag --emit xl):\n      pci = [ '" + bdf +
         ",permissive=1' ]\n    in the domain's one pci list, next to every other device it has "
         "(xl keeps only the last `pci =` line of a config).\n";
  }
  s += "pciback warns only once per device binding, and a guest restart does not reset that: a "
       "restarted guest whose quirk is gone fails with no new warning. After adding this quirk, "
       "re-bind the device (which also drops sysfs quirks: apply them again) or reboot the host, "
       "and check the log again: the next register the driver needs shows only then. Fixing a "
       "card is iterative, unless pciback logs every write of the guest: then kdiag lists every "
       "register the device needs in one run. Before starting the domain, turn it on: Linux 5.8 "
       "and later (with CONFIG_DYNAMIC_DEBUG) `echo 'module xen_pciback +p' > "
       "/sys/kernel/debug/dynamic_debug/control` (at boot: xen_pciback.dyndbg=+p); Linux 3.1 to "
       "5.7 `echo 1 > /sys/module/xen_pciback/parameters/verbose_request` (at boot: "
       "xen-pciback.verbose_request=1); xenlinux 2.6.18 `echo 1 > "
       "/sys/module/pciback/parameters/verbose_request` (pciback.verbose_request=1). Use the "
       "device in the guest, then turn it off again (`-p`, or `echo 0`): it logs every "
       "config-space access. The lines are debug level: dmesg and the journal show them, the "
       "console only with loglevel=8. Run kdiag on that log.\n";
  return s;
}

// A guest's text never becomes a fix for the host (input/provenance.h): a guest that prints a
// pciback line of its own choosing must not get a register, or permissive mode, opened for it.
std::string WithheldForGuest(const Finding& f) {
  return "No fix: " + f.input +
         " is a guest's own log (its name is a guest console or device-model log's, it was given "
         "with --source guest, or it holds lines only a guest's kernel prints, such as "
         "pcifront's), so this line is the guest's text, not dom0's pciback, and kdiag makes no "
         "quirk or permissive setting from it: a guest could print "
         "such a line to get a register of its choosing opened. If the device misbehaves, look "
         "for pciback's own warning in dom0's kernel log (dmesg, kern.log, the journal) and run "
         "kdiag on that.\n";
}

std::string PteAdvice(const Finding& f) {
  std::string s;
  auto pte = Pte::Parse(FieldValue(f.fields, "pte"));
  if (pte) s += "PTE " + std::string(FieldValue(f.fields, "pte")) + ": " + pte->Describe() + ".\n";
  return s;
}

// A value a shell takes as it is: what device names, paths, BDFs and numbers are made of. A log
// line (a guest can write one) can hold anything in a capture; `[^)\s]+` lets "sda1;reboot" or
// "$(...)" through.
bool ShellSafe(std::string_view value) {
  for (char c : value) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("._:/@%+,=-", c)) return false;
  }
  return true;
}

// Advice lines indented by this many spaces are commands or file contents to copy (the same
// convention as output/wrap.h's kVerbatimIndent, which never wraps them).
constexpr size_t kCommandIndent = 6;

// The names of `withheld` that `text` uses as {name} or {name:format}.
void UsedNames(std::string_view text, const std::vector<std::string>& withheld,
               std::set<std::string>* used) {
  for (const std::string& name : withheld) {
    if (text.find("{" + name + "}") != std::string_view::npos ||
        text.find("{" + name + ":") != std::string_view::npos) {
      used->insert(name);
    }
  }
}

// The rule's advice with its {fields} filled in, except in commands. The advice's convention has
// two kinds of command: a line indented by kCommandIndent or more spaces, and a span between
// backticks inside a sentence (`xfs_repair -n /dev/{device}`). The operator copies either into a
// root shell, so a value that is not ShellSafe is left out of them as <name>, and a note after the
// advice says which value was left out and why. The prose around them gets the value as the log
// wrote it (made terminal-safe at output).
std::string ExpandAdvice(const Rule& rule, const Fields& fields) {
  Fields guarded = fields;
  std::vector<std::string> withheld;
  for (auto& [name, value] : guarded) {
    if (ShellSafe(value)) continue;
    withheld.push_back(name);
    value = "<" + name + ">";
  }
  if (withheld.empty()) return ExpandTemplate(rule.advice, fields);
  std::string out;
  std::set<std::string> left_out;  // withheld names that a command uses
  for (std::string_view rest = rule.advice; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    size_t indent = line.find_first_not_of(' ');
    if (indent != std::string_view::npos && indent >= kCommandIndent) {
      UsedNames(line, withheld, &left_out);
      out += ExpandTemplate(line, guarded);
    } else {
      // Prose, with commands between backticks: even pieces are prose, odd ones commands.
      bool in_command = false;
      for (std::string_view piece = line;;) {
        size_t tick = piece.find('`');
        std::string_view part = piece.substr(0, tick);
        if (in_command) UsedNames(part, withheld, &left_out);
        out += ExpandTemplate(part, in_command ? guarded : fields);
        if (tick == std::string_view::npos) break;
        out += '`';
        in_command = !in_command;
        piece.remove_prefix(tick + 1);
      }
    }
    if (nl == std::string_view::npos) break;
    out += '\n';
    rest.remove_prefix(nl + 1);
  }
  for (const std::string& name : left_out) {
    out += "\nkdiag left {" + name + "} out of the commands above: the log's value '" +
           std::string(FieldValue(fields, name)) +
           "' holds characters a shell would act on; check it and type it yourself.";
  }
  return out;
}

}  // namespace

void Advise(const PciInventory& inventory, const ToolstackEra& era,
            const std::vector<Finding*>& findings, const QuirkDiscovery* discovery) {
  std::set<Bdf> summarised;  // devices whose discovery paragraph is already on a finding
  for (Finding* f : findings) {
    std::string s = ExpandAdvice(*f->rule, f->fields);
    if (!s.empty() && s.back() != '\n') s += '\n';
    if (f->rule->remedy == "pci-quirk") {
      s += f->provenance == Provenance::kGuest ? WithheldForGuest(*f)
                                               : QuirkAdvice(inventory, era, *f);
      auto q = Validate(*f);
      if (discovery && q && f->provenance != Provenance::kGuest &&
          summarised.insert(q->bdf).second) {
        s += DiscoveryAdvice(*discovery, q->bdf);
      }
    }
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
    if (f->provenance == Provenance::kGuest) {
      rejected->push_back(Error{Location{f->input, f->line, 0},
                                "a guest wrote this line (input/provenance.h): no fix for the "
                                "host is made from it"});
      continue;
    }
    auto q = Validate(*f);
    if (!q) {
      rejected->push_back(Error{Location{f->input, f->line, 0},
                                "not a valid quirk (bdf, offset <= 0xfff, size 1/2/4); no fix "
                                "emitted for it"});
      continue;
    }
    const PciDevice* dev = inventory.Find(q->bdf);
    if (auto refusal = RefuseQuirk(q->field, dev)) {
      rejected->push_back(Error{Location{f->input, f->line, 0},
                                "offset " + std::string(FieldValue(f->fields, "offset")) +
                                    " lies in " + refusal->what +
                                    ", which pciback handles itself; no quirk emitted for it"});
      continue;
    }
    QuirkNeed need;
    need.bdf = q->bdf;
    need.field = q->field;
    need.msi_layout_unknown = MsiLayoutUnknown(q->field, dev);
    if (dev) {
      need.id = dev->id;
      need.device_name = dev->name;
    }
    need.reported_by = Location{f->input, f->line, 0}.ToString();
    needs.push_back(std::move(need));
  }
  return needs;
}

}  // namespace kdiag
