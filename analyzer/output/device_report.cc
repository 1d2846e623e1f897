#include "analyzer/output/device_report.h"

#include "analyzer/output/terminal_safe.h"

namespace kdiag {
namespace {

std::string Hex2(unsigned v) {
  static const char kDigits[] = "0123456789abcdef";
  return {kDigits[(v >> 4) & 0xf], kDigits[v & 0xf]};
}

std::string Buses(const HidingBridge& b) {
  std::string s = "bus " + Hex2(b.secondary);
  if (b.subordinate != b.secondary) s += "-" + Hex2(b.subordinate);
  return s;
}

// xend 4.1 tools/python/xen/util/pci.py find_coassigned_pci_devices; Xen
// xen/drivers/passthrough/pci.c bus2bridge (correlate/pci_topology.h).
std::string BridgeText(const HidingBridge& b) {
  return "behind " + b.kind + " " + b.bdf.ToString() + " (" + Buses(b) +
         "): the IOMMU sees every device behind it as the bridge, so they can only be passed to "
         "one guest together (co-assignment)";
}

std::string FunctionList(const std::vector<Bdf>& functions) {
  std::string s;
  for (const Bdf& b : functions) s += (s.empty() ? "" : ", ") + b.ToString();
  return s;
}

void BridgeObject(const HidingBridge& b, JsonWriter* w) {
  w->Key("behind_bridge");
  w->BeginObject();
  w->Key("bdf");
  w->String(b.bdf.ToString());
  w->Key("kind");
  w->String(b.kind);
  w->Key("secondary_bus");
  w->String(Hex2(b.secondary));
  w->Key("subordinate_bus");
  w->String(Hex2(b.subordinate));
  w->EndObject();
}

void FunctionArray(const std::vector<Bdf>& functions, JsonWriter* w) {
  w->Key("functions");
  w->BeginArray();
  for (const Bdf& b : functions) w->String(b.ToString());
  w->EndArray();
}

}  // namespace

std::string DeviceStoriesText(const std::vector<const DeviceStory*>& stories,
                              const PciInventory& inventory, const PciTopology& topology) {
  if (stories.empty()) return {};
  std::string out = "\n== PCI devices: each one's events across the inputs ==\n";
  for (const DeviceStory* story : stories) {
    std::vector<Bdf> functions = story->Functions();
    const Bdf& first = functions.front();
    out += first.CardString();
    out += functions.size() > 1 ? " (functions " : " (function ";
    out += FunctionList(functions) + ")";
    if (const PciDevice* dev = inventory.Find(first)) {
      if (dev->id) out += "  " + dev->id->ToString();
      if (!dev->name.empty()) out += " " + TerminalSafeLine(dev->name);
    }
    out.push_back('\n');
    if (auto bridge = topology.HidingBridgeOf(first)) out += "  " + BridgeText(*bridge) + "\n";
    for (const StoryEntry& e : story->entries) {
      out += "  " + TerminalSafeLine(e.input) + ":" + std::to_string(e.line);
      if (e.count > 1) {
        out += " (x" + std::to_string(e.count) + ", to line " + std::to_string(e.last_line) + ")";
      }
      if (e.boot != 0) out += ", boot " + std::to_string(e.boot);
      if (e.time_us) out += "  at " + FormatSeconds(*e.time_us);
      out += "  " + std::string(SeverityName(e.severity)) + " " + e.rule + "\n";
      out += "      " + TerminalSafeLine(e.message) + "\n";
    }
    if (story->omitted) {
      out += "  ... and " + std::to_string(story->omitted) + " later events of this device\n";
    }
  }
  return out;
}

void AppendCardNote(const Finding& f, std::string* out) {
  if (f.functions.size() > 1) {
    *out += "  the same on functions " + FunctionList(f.functions) +
            " of one card; what it says of " + f.functions.front().ToString() + " holds for each\n";
  }
  if (f.behind_bridge) *out += "  " + BridgeText(*f.behind_bridge) + "\n";
}

void AppendCardMembers(const Finding& f, JsonWriter* w) {
  if (f.functions.size() > 1) FunctionArray(f.functions, w);
  if (f.behind_bridge) BridgeObject(*f.behind_bridge, w);
}

void AppendDeviceJson(const DeviceStory& story, const PciInventory& inventory,
                      const PciTopology& topology, std::string* out) {
  std::vector<Bdf> functions = story.Functions();
  JsonWriter w(out);
  w.BeginObject();
  w.Key("type");
  w.String("device");
  w.Key("card");
  w.String(functions.front().CardString());
  FunctionArray(functions, &w);
  if (const PciDevice* dev = inventory.Find(functions.front())) {
    if (dev->id) {
      w.Key("id");
      w.String(dev->id->ToString());
    }
    if (!dev->name.empty()) {
      w.Key("name");
      w.String(dev->name);
    }
  }
  if (auto bridge = topology.HidingBridgeOf(functions.front())) BridgeObject(*bridge, &w);
  w.Key("events");
  w.BeginArray();
  for (const StoryEntry& e : story.entries) {
    w.BeginObject();
    w.Key("rule");
    w.String(e.rule);
    w.Key("severity");
    w.String(SeverityName(e.severity));
    w.Key("bdf");
    w.String(e.bdf.ToString());
    w.Key("boot");
    w.Int(e.boot);
    w.Key("count");
    w.Int(static_cast<int64_t>(e.count));
    w.Key("time");
    if (e.time_us) {
      w.Raw(FormatSeconds(*e.time_us));
    } else {
      w.Null();
    }
    w.Key("message");
    w.String(e.message);
    w.Key("input");
    w.BeginObject();
    w.Key("name");
    w.String(e.input);
    w.Key("line");
    w.Int(static_cast<int64_t>(e.line));
    w.Key("last_line");
    w.Int(static_cast<int64_t>(e.last_line));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.Key("events_omitted");
  w.Int(static_cast<int64_t>(story.omitted));
  w.EndObject();
  out->push_back('\n');
}

}  // namespace kdiag
