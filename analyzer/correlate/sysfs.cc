// ReadSysfs: vendor/device IDs from a sysfs tree (domain.md section 4, source 3).
//
// <root>/bus/pci/devices/ holds one entry per function, named by its full BDF (a symlink into
// /sys/devices/pci*/ on a live host, a directory in a copied tree). The attribute files come from
// drivers/pci/pci-sysfs.c: vendor, device, subsystem_vendor and subsystem_device are printed
// "0x%04x\n", class "0x%06x\n" (the 24-bit class/subclass/prog-if). Only an explicit --sysfs root
// is read: a log may come from another host, so the analyzing machine's /sys proves nothing.
//
// A subsystem vendor of 0x0000 or 0xffff means "none" (bridges without an SSVID capability),
// the same rule lspci.c get_subid()/show_terse() use before printing a Subsystem line.
#include <dirent.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

// The contents of a small attribute file; nullopt when it cannot be read. Sysfs attributes are
// at most a page; anything longer than a line is not one of ours.
std::optional<std::string> ReadAttribute(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  char buf[64];
  size_t n = std::fread(buf, 1, sizeof buf, f);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed || n == sizeof buf) return std::nullopt;
  return std::string(buf, n);
}

// "0x" and exactly `digits` hex digits, then an optional newline.
std::optional<uint32_t> ParseAttribute(std::string_view text, size_t digits) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string_view number = StripHexPrefix(text);
  // The prefix is required: stripping must have removed exactly two characters.
  if (number.size() + 2 != text.size() || number.size() != digits) return std::nullopt;
  auto v = ParseHex(number, digits);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint32_t> ReadHex(const std::string& dir, const char* file, size_t digits) {
  auto text = ReadAttribute(dir + "/" + file);
  if (!text) return std::nullopt;
  return ParseAttribute(*text, digits);
}

// Adds one device; false when its files are missing or malformed.
bool AddDevice(const std::string& dir, const Bdf& bdf, PciInventory* inv) {
  auto vendor = ReadHex(dir, "vendor", 4);
  auto device = ReadHex(dir, "device", 4);
  auto cls = ReadHex(dir, "class", 6);
  if (!vendor || !device || !cls) return false;
  PciId id;
  id.vendor = static_cast<uint16_t>(*vendor);
  id.device = static_cast<uint16_t>(*device);
  // The subsystem files are optional; present but malformed spoils the device like any other.
  auto sv_text = ReadAttribute(dir + "/subsystem_vendor");
  auto sd_text = ReadAttribute(dir + "/subsystem_device");
  if (sv_text && sd_text) {
    auto sv = ParseAttribute(*sv_text, 4);
    auto sd = ParseAttribute(*sd_text, 4);
    if (!sv || !sd) return false;
    if (*sv != 0 && *sv != 0xffff) {
      id.subvendor = static_cast<uint16_t>(*sv);
      id.subdevice = static_cast<uint16_t>(*sd);
    }
  }
  inv->Add(bdf, id, *cls, "sysfs");
  return true;
}

}  // namespace

std::optional<Error> ReadSysfs(std::string_view root, PciInventory* inv) {
  std::string path(root);
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += "/bus/pci/devices";
  DIR* dir = opendir(path.c_str());
  if (!dir) {
    int errnum = errno;
    // The message names the path; a location naming it again would only repeat it. Built field
    // by field: GCC 12 -O2 warns (falsely) -Wmaybe-uninitialized on a braced temporary.
    Error err;
    err.message = "cannot read " + path + ": " + std::strerror(errnum);
    return err;
  }
  while (const dirent* entry = readdir(dir)) {
    // Entry names are full BDFs; ".", ".." and anything else are not devices.
    auto bdf = Bdf::Parse(entry->d_name);
    if (!bdf) continue;
    AddDevice(path + "/" + entry->d_name, *bdf, inv);
  }
  closedir(dir);
  return std::nullopt;
}

}  // namespace kdiag
