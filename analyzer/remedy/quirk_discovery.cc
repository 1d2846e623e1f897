#include "analyzer/remedy/quirk_discovery.h"

#include <algorithm>
#include <cstdio>

#include "analyzer/input/location.h"
#include "analyzer/remedy/guarded_registers.h"

namespace kdiag {
namespace {

// Fields listed by name in a paragraph; the rest are counted.
constexpr size_t kListed = 32;

bool Contains(const QuirkField& outer, const QuirkField& inner) {
  return outer.reg <= inner.reg && inner.reg + inner.size <= outer.reg + outer.size;
}

std::string Hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

}  // namespace

QuirkDiscovery DiscoverQuirks(const ConfigWrites& writes, const PciInventory& inventory) {
  QuirkDiscovery out;
  out.invalid = writes.invalid();
  out.dropped = writes.dropped();
  // The table is keyed by input first: gather each device's fields over all inputs.
  std::map<Bdf, std::map<QuirkField, std::string>> candidates;  // field -> first "input:line"
  for (const auto& [key, seen] : writes.fields()) {
    DiscoveredDevice& dev = out.devices[key.bdf];
    dev.bdf = key.bdf;
    dev.writes += seen.count;
    QuirkField field;
    field.reg = key.reg;
    field.size = key.size;
    if (!field.Valid()) continue;  // ConfigWrites validated it; defence in depth
    const PciDevice* known = inventory.Find(key.bdf);
    if (auto refusal = RefuseQuirk(field, known)) {
      if (std::find(dev.handled.begin(), dev.handled.end(), field) == dev.handled.end()) {
        dev.handled.push_back(field);
        dev.handled_by.push_back(refusal->what);
      }
      continue;
    }
    candidates[key.bdf].emplace(field, Location{key.input, seen.first_line, 0}.ToString());
  }
  for (auto& [bdf, fields] : candidates) {
    DiscoveredDevice& dev = out.devices[bdf];
    const PciDevice* known = inventory.Find(bdf);
    for (const auto& [field, where] : fields) {
      bool inside = false;
      for (const auto& [other, unused] : fields) {
        if (!(other == field) && Contains(other, field)) inside = true;
      }
      if (inside) continue;
      QuirkNeed need;
      need.bdf = bdf;
      need.field = field;
      need.msi_layout_unknown = MsiLayoutUnknown(field, known);
      if (known) {
        need.id = known->id;
        need.device_name = known->name;
      }
      need.reported_by = where;
      dev.needs.push_back(std::move(need));
    }
  }
  return out;
}

void AddDiscoveredNeeds(const QuirkDiscovery& discovery, std::vector<QuirkNeed>* needs) {
  for (const auto& entry : discovery.devices) {
    const Bdf& bdf = entry.first;  // a named variable: C++17 lambdas cannot capture a binding
    for (const QuirkNeed& found : entry.second.needs) {
      bool covered = false;
      for (const QuirkNeed& have : *needs) {
        if (have.bdf == bdf && Contains(have.field, found.field)) covered = true;
      }
      if (covered) continue;
      needs->erase(std::remove_if(needs->begin(), needs->end(),
                                  [&](const QuirkNeed& have) {
                                    return have.bdf == bdf && Contains(found.field, have.field);
                                  }),
                   needs->end());
      needs->push_back(found);
    }
  }
}

std::string DiscoveryAdvice(const QuirkDiscovery& discovery, const Bdf& bdf) {
  auto it = discovery.devices.find(bdf);
  if (it == discovery.devices.end()) return "";
  const DiscoveredDevice& dev = it->second;
  std::string s = "pciback's verbose requests logged " + std::to_string(dev.writes) +
                  " config-space write(s) by the guest to this device, so kdiag knows every "
                  "register it wrote, not only the first one pciback warned about. ";
  if (dev.needs.empty()) {
    s += "None needs a quirk";
  } else {
    s += std::to_string(dev.needs.size()) + " field(s) need a quirk:";
    for (size_t i = 0; i < dev.needs.size() && i < kListed; ++i) {
      s += (i ? ", " : " ") + dev.needs[i].field.ToString() + " (first at " +
           dev.needs[i].reported_by + ")";
    }
    if (dev.needs.size() > kListed) {
      s += " and " + std::to_string(dev.needs.size() - kListed) + " more";
    }
    s += ". kdiag --emit xend-quirks (or --merge FILE) and --emit sysfs-quirks print them all at "
         "once, in one stanza for the device";
  }
  if (!dev.handled.empty()) {
    s += "; " + std::to_string(dev.handled.size()) +
         " written field(s) lie in registers pciback handles itself and need no quirk (";
    for (size_t i = 0; i < dev.handled.size() && i < 8; ++i) {
      s += (i ? ", " : "") + Hex(dev.handled[i].reg) + ":" + std::to_string(dev.handled[i].size) +
           " in " + dev.handled_by[i];
    }
    if (dev.handled.size() > 8) s += ", ...";
    s += ")";
  }
  s += ".";
  bool unchecked = false;
  for (const QuirkNeed& need : dev.needs) unchecked = unchecked || need.msi_layout_unknown;
  if (unchecked) {
    s += " Give kdiag this device's `lspci -vv` output (--lspci): a guest's driver writes its MSI "
         "and MSI-X capabilities too, which must never get a quirk, and without the capability "
         "list kdiag cannot tell which of the fields above lie there.";
  }
  if (discovery.dropped > 0) {
    s += " (" + std::to_string(discovery.dropped) +
         " further distinct field(s) of the log were not kept: the table is bounded; run kdiag "
         "on one device's log at a time.)";
  }
  s += " Turn the verbose requests off again now: they log every config-space access of the "
       "guest.\n";
  return s;
}

}  // namespace kdiag
