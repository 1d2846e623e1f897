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
// indexes the vendor lines once and asks each distinct ID only once.
#include "analyzer/correlate/pci_ids.h"

#include "analyzer/input/sources/file_text.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>
#include <unordered_map>

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

// The line starting at *pos, without its '\n' (and a '\r' before it); advances *pos.
std::string_view NextLine(std::string_view text, size_t* pos) {
  size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end < text.size() ? end + 1 : end;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
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

// Lookup within the block of the vendor line at `offset`.
std::optional<PciName> LookupAt(std::string_view text, size_t offset, const PciId& id) {
  size_t pos = offset;
  uint16_t vendor;
  std::string_view vendor_name;
  if (!ParseEntry(NextLine(text, &pos), &vendor, &vendor_name) || vendor != id.vendor) {
    return std::nullopt;
  }
  std::optional<PciName> result;
  const bool want_subsystem = id.subvendor && id.subdevice;
  while (pos < text.size()) {
    std::string_view line = NextLine(text, &pos);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] != '\t') break;  // the next vendor, or the class section
    if (line.size() > 1 && line[1] == '\t') {
      if (!result || !want_subsystem) continue;
      uint16_t sv, sd;
      std::string_view name;
      if (ParseSubsystemEntry(line.substr(2), &sv, &sd, &name) && sv == *id.subvendor &&
          sd == *id.subdevice) {
        result->subsystem = CleanName(name);
        break;
      }
      continue;
    }
    if (result) break;  // the next device: no subsystem entry for ours
    uint16_t device;
    std::string_view name;
    if (ParseEntry(line.substr(1), &device, &name) && device == id.device) {
      result = PciName{CleanName(vendor_name), CleanName(name), ""};
      if (!want_subsystem) break;
    }
  }
  return result;
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
  return LookupAt(text_, offset, id);
}

void PciIds::NameAll(PciInventory* inv) const {
  std::unordered_map<uint16_t, size_t> vendors;
  bool indexed = false;
  using Key = std::tuple<uint16_t, uint16_t, int32_t, int32_t>;
  std::map<Key, std::optional<PciName>> cache;
  for (auto& [bdf, dev] : inv->mutable_devices()) {
    if (!dev.id) continue;
    if (!indexed) {
      // First device with a vendor line wins, as in FindVendor.
      ForEachVendor(text_, [&](uint16_t id, size_t offset) {
        vendors.emplace(id, offset);
        return true;
      });
      indexed = true;
    }
    const PciId& id = *dev.id;
    Key key{id.vendor, id.device, id.subvendor ? *id.subvendor : -1,
            id.subdevice ? *id.subdevice : -1};
    auto it = cache.find(key);
    if (it == cache.end()) {
      auto v = vendors.find(id.vendor);
      std::optional<PciName> name;
      if (v != vendors.end()) name = LookupAt(text_, v->second, id);
      it = cache.emplace(key, std::move(name)).first;
    }
    if (!it->second) continue;
    dev.name = it->second->vendor + " " + it->second->device;
    dev.subsystem_name = it->second->subsystem;
  }
}

}  // namespace kdiag
