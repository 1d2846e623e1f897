// PciIds: names for vendor/device/subsystem IDs from the pci.ids database.
//
// The syntax is the one pciutils lib/names-parse.c reads (and the file's own header describes):
//   vendor  vendor_name
//   \tdevice  device_name                       <- belongs to the vendor above
//   \t\tsubvendor subdevice  subsystem_name     <- belongs to the device above
//   # comment (only at the start of a line: names such as "USB Controller #2" contain '#')
// and after the first "C cc  Class name" line, the class section, which is not read.
//
// Lookups scan the text instead of building tables: a report names a handful of devices, and a
// scan of the 1.3 MB file costs about a millisecond. NameAll, which may see thousands of devices,
// finds the vendor lines of the vendors it needs in one pass (stopping when it has them all) and
// then reads each such vendor's block once for all of that vendor's distinct IDs: a warm start on
// a 100 KB log spent 10.5 M instructions here when every vendor line was indexed and the block of
// a large vendor (Intel's is ~8,500 lines) was read again for each ID (bench/RESULTS.md).
#include "analyzer/correlate/pci_ids.h"

#include "analyzer/input/sources/file_text.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

// The whole database is ~1.3 MB; refuse anything absurd rather than read it into memory.
constexpr size_t kMaxFileSize = 64 << 20;

// Four hex digits at the start of `s`.
std::optional<uint16_t> Hex4(std::string_view s) {
  if (s.size() < 4) return std::nullopt;
  auto v = ParseHex(s.substr(0, 4), 4);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// The line starting at *pos, without its '\n' (and a '\r' before it); advances *pos. Called for
// every line read (the whole file up to the last vendor asked for), hence memchr and no checks of
// string_view::substr: *pos <= text.size() always.
inline std::string_view NextLine(std::string_view text, size_t* pos) {
  const char* begin = text.data() + *pos;
  const size_t left = text.size() - *pos;
  const void* nl = std::memchr(begin, '\n', left);
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : left;
  *pos += nl ? len + 1 : len;
  if (len > 0 && begin[len - 1] == '\r') --len;
  return std::string_view(begin, len);
}

// "hhhh  name" (one or more blanks between): the ID and the name.
bool ParseEntry(std::string_view s, uint16_t* id, std::string_view* name) {
  auto v = Hex4(s);
  if (!v || s.size() < 6 || !IsBlank(s[4])) return false;
  s.remove_prefix(5);
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  if (s.empty()) return false;
  *id = *v;
  *name = s;
  return true;
}

// "ssss dddd  name": subsystem vendor, subsystem device, name.
bool ParseSubsystemEntry(std::string_view s, uint16_t* sv, uint16_t* sd, std::string_view* name) {
  auto v = Hex4(s);
  if (!v || s.size() < 5 || s[4] != ' ') return false;
  if (!ParseEntry(s.substr(5), sd, name)) return false;
  *sv = *v;
  return true;
}

// The name without control bytes (a report is printed to terminals) and outer blanks.
std::string CleanName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out.push_back(c);
  }
  size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

// Offsets of the vendor lines, up to the class section.
template <typename Visit>
void ForEachVendor(std::string_view text, Visit visit) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t line_start = pos;
    std::string_view line = NextLine(text, &pos);
    if (line.empty() || line[0] == '\t' || line[0] == '#') continue;
    if (line.size() >= 2 && line[0] == 'C' && line[1] == ' ') return;
    uint16_t id;
    std::string_view name;
    if (ParseEntry(line, &id, &name) && !visit(id, line_start)) return;
  }
}

size_t FindVendor(std::string_view text, uint16_t vendor) {
  size_t found = std::string_view::npos;
  ForEachVendor(text, [&](uint16_t id, size_t offset) {
    if (id != vendor) return true;
    found = offset;
    return false;
  });
  return found;
}

// One ID asked for, and its answer once found.
struct Wanted {
  PciId id;
  std::optional<PciName> name;
};

// Looks up every ID in `wanted` (all of the vendor of the vendor line at `offset`, in order of
// device ID) in one pass over the vendor's block. For each ID: its first device line, then the
// first subsystem line under that device line with its subsystem IDs (when it has them); the next
// device line ends the search for a subsystem. IDs with no device line keep no name.
void LookupAllAt(std::string_view text, size_t offset, std::vector<Wanted>* wanted) {
  size_t pos = offset;
  uint16_t vendor;
  std::string_view vendor_name;
  if (wanted->empty() || !ParseEntry(NextLine(text, &pos), &vendor, &vendor_name) ||
      vendor != wanted->front().id.vendor) {
    return;
  }
  const std::string vendor_clean = CleanName(vendor_name);
  std::vector<Wanted*> open;  // named at the current device line, still looking for a subsystem
  auto by_device = [](const Wanted& w, uint16_t d) { return w.id.device < d; };
  while (pos < text.size()) {
    std::string_view line = NextLine(text, &pos);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != '\t') break;  // the next vendor, or the class section
    if (line.size() > 1 && line[1] == '\t') {
      if (open.empty()) continue;
      uint16_t sv, sd;
      std::string_view name;
      if (!ParseSubsystemEntry(line.substr(2), &sv, &sd, &name)) continue;
      for (size_t i = 0; i < open.size();) {
        if (sv == *open[i]->id.subvendor && sd == *open[i]->id.subdevice) {
          open[i]->name->subsystem = CleanName(name);
          open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      continue;
    }
    open.clear();  // the next device: no subsystem entry for the previous one's IDs
    uint16_t device;
    std::string_view name;
    if (!ParseEntry(line.substr(1), &device, &name)) continue;
    auto it = std::lower_bound(wanted->begin(), wanted->end(), device, by_device);
    for (; it != wanted->end() && it->id.device == device; ++it) {
      if (it->name) continue;  // an earlier device line with this ID named it
      it->name = PciName{vendor_clean, CleanName(name), ""};
      if (it->id.subvendor && it->id.subdevice) open.push_back(&*it);
    }
  }
}

}  // namespace

std::optional<std::string> PciIds::DefaultPath() {
  // The Debian pci.ids package, then the hwdata package (Fedora, RHEL), then pciutils' default.
  for (const char* path :
       {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids"}) {
    if (access(path, R_OK) == 0) return std::string(path);
  }
  return std::nullopt;
}

std::optional<Error> PciIds::Load(const std::string& path) {
  // The message names the file, so the location stays empty (Error::ToString adds no prefix).
  auto fail = [&](const std::string& why) {
    Error err;
    err.message = "cannot read " + path + ": " + why;
    return err;
  };
  std::string text;
  if (auto why = ReadFileText(path, &text, kMaxFileSize)) return fail(*why);
  text_ = std::move(text);
  return std::nullopt;
}

void PciIds::LoadText(std::string text) {
  text_ = std::move(text);
}

std::optional<PciName> PciIds::Lookup(const PciId& id) const {
  size_t offset = FindVendor(text_, id.vendor);
  if (offset == std::string_view::npos) return std::nullopt;
  std::vector<Wanted> wanted{Wanted{id, std::nullopt}};
  LookupAllAt(text_, offset, &wanted);
  return std::move(wanted.front().name);
}

void PciIds::NameAll(PciInventory* inv) const {
  // The distinct IDs, grouped by vendor and ordered by device within each.
  using Key = std::tuple<uint16_t, uint16_t, int32_t, int32_t>;
  auto key_of = [](const PciId& id) {
    return Key{id.vendor, id.device, id.subvendor ? *id.subvendor : -1,
               id.subdevice ? *id.subdevice : -1};
  };
  std::map<Key, PciId> distinct;
  for (const auto& [bdf, dev] : inv->devices()) {
    if (dev.id) distinct.emplace(key_of(*dev.id), *dev.id);
  }
  if (distinct.empty()) return;
  std::map<uint16_t, std::vector<Wanted>> by_vendor;
  for (const auto& [key, id] : distinct) by_vendor[id.vendor].push_back(Wanted{id, std::nullopt});
  // One pass over the vendor lines finds the first line of every vendor asked for (as FindVendor
  // would), and stops when all are found.
  std::map<uint16_t, size_t> offsets;
  ForEachVendor(text_, [&](uint16_t id, size_t offset) {
    if (by_vendor.count(id)) offsets.emplace(id, offset);
    return offsets.size() < by_vendor.size();
  });
  std::map<Key, const PciName*> names;
  for (auto& [vendor, wanted] : by_vendor) {
    auto at = offsets.find(vendor);
    if (at == offsets.end()) continue;
    LookupAllAt(text_, at->second, &wanted);
    for (const Wanted& w : wanted) {
      if (w.name) names.emplace(key_of(w.id), &*w.name);
    }
  }
  for (auto& [bdf, dev] : inv->mutable_devices()) {
    if (!dev.id) continue;
    auto it = names.find(key_of(*dev.id));
    if (it == names.end()) continue;
    dev.name = it->second->vendor + " " + it->second->device;
    dev.subsystem_name = it->second->subsystem;
  }
}

}  // namespace kdiag
