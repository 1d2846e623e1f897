// ReadLspci: vendor/device IDs from saved `lspci` output (domain.md section 4, source 2).
//
// All formats come from pciutils lspci.c and lib/names.c (pci_lookup_name, format_name and
// format_name_pair). Each line is classified on its own, so the format is detected from the text
// rather than announced, and a file holding several dumps still reads:
//
//   terse, show_terse(): "<slot> <class>: <vendor device>[ (rev %02x)][ (prog-if %02x[ [name]])]"
//     -n   class "%04x", IDs "%04x:%04x":   13:04.0 0200: 8086:10b5 (rev 03)
//          (early pciutils, lib/names.c of 1999, printed the class as "Class %04x")
//     -nn  names with the number in brackets, "%s [%04x]" and "%s %s [%04x:%04x]" (or
//          "Device [%04x:%04x]" for an unknown device):
//          13:04.0 Ethernet controller [0200]: Intel Corporation 82546GB ... [8086:10b5] (rev 03)
//     The slot has a domain ("0000:13:04.0") with -D or when some device is outside domain 0.
//     "(prog-if ..)" is printed only with -v; its name part never carries the number.
//   verbose, -v/-vv/-vvv: the terse line, then tab-indented detail lines, among them
//     "\tSubsystem: %s" with the subsystem pair formatted like the vendor/device pair
//     ("103c:3109" with -n, "Hewlett-Packard Company NC340T ... [103c:3109]" with -nn). A
//     "\tDeviceName: %s" printed just before it has no newline, so both can share one line.
//     Without -n no line carries an ID, and nothing is read.
//   machine, show_machine() with -vmm: blank-line separated "Key:\tvalue" records, "Slot:",
//     "Class:", "Vendor:", "Device:", "SVendor:", "SDevice:", "Rev:", "ProgIf:" (Rev and ProgIf
//     only when non-zero); values "%04x" with -n, "%s [%04x]" with -nn. With a single -m (-vm) the
//     slot is printed as "Device:" instead of "Slot:".
//
// Verbose output also places each capability ("\tCapabilities: [%02x] ..."): the MSI and MSI-X
// ones are kept (ParseCapability), because the remedy must never put a quirk on them.
//
// Class codes are stored 24-bit like the kernel's and sysfs's: class << 8 | prog-if. Where
// the output shows no prog-if (every format but -v and -vmm) it is taken as 0, which is exact
// for most devices and at worst loses the programming interface, never the class.
//
// Every number is checked (4 hex digits exactly for IDs, Bdf::Parse for slots); a line that does
// not fit its format is skipped, never guessed at.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

// `text` is exactly `digits` hex digits.
std::optional<uint16_t> Hex(std::string_view text, size_t digits) {
  if (text.size() != digits) return std::nullopt;
  auto v = ParseHex(text, digits);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "hhhh:hhhh", the whole of `text`.
std::optional<PciId> IdPair(std::string_view text) {
  if (text.size() != 9 || text[4] != ':') return std::nullopt;
  auto v = Hex(text.substr(0, 4), 4);
  auto d = Hex(text.substr(5, 4), 4);
  if (!v || !d) return std::nullopt;
  PciId id;
  id.vendor = *v;
  id.device = *d;
  return id;
}

// "[hhhh:hhhh]" starting at text[pos].
std::optional<PciId> BracketedPairAt(std::string_view text, size_t pos) {
  if (pos > text.size() || text.size() - pos < 11) return std::nullopt;
  if (text[pos] != '[' || text[pos + 10] != ']') return std::nullopt;
  return IdPair(text.substr(pos + 1, 9));
}

// A value that ends in "[hhhh]" (-nn) or is just "hhhh" (-n).
std::optional<uint16_t> NumberOfValue(std::string_view value) {
  if (auto n = Hex(value, 4)) return n;
  if (value.size() < 6 || value.back() != ']' || value[value.size() - 6] != '[') {
    return std::nullopt;
  }
  return Hex(value.substr(value.size() - 5, 4), 4);
}

// "(prog-if %02x" somewhere in the tail after the IDs.
std::optional<uint8_t> ProgIf(std::string_view tail) {
  constexpr std::string_view kProgIf = "(prog-if ";
  size_t p = tail.find(kProgIf);
  if (p == std::string_view::npos) return std::nullopt;
  std::string_view rest = tail.substr(p + kProgIf.size());
  if (rest.size() < 3 || (rest[2] != ' ' && rest[2] != ')')) return std::nullopt;
  auto v = Hex(rest.substr(0, 2), 2);
  if (!v) return std::nullopt;
  return static_cast<uint8_t>(*v);
}

struct Device {
  Bdf bdf;
  PciId id;
  std::optional<uint32_t> class_code;
  bool capabilities_seen = false;  // a "\tCapabilities: [NN] ..." line (-v and more)
  std::vector<PciInterruptCapability> interrupt_capabilities;
};

// The class and IDs of a -nn line: class in the first "[hhhh]: ", the ID in the last
// "[hhhh:hhhh]" (names may hold brackets), which must end the names: only " (rev ..)" and
// " (prog-if ..)" may follow. That also rejects a line whose names pciutils cut short with
// "..." (its buffers are 128 bytes), where the last bracket pair would belong to a name.
bool ParseNamedTerse(std::string_view rest, Device* dev, std::string_view* tail) {
  size_t colon = rest.find("]: ");
  while (colon != std::string_view::npos &&
         (colon < 5 || rest[colon - 5] != '[' || !Hex(rest.substr(colon - 4, 4), 4))) {
    colon = rest.find("]: ", colon + 1);
  }
  if (colon == std::string_view::npos) return false;
  uint16_t cls = *Hex(rest.substr(colon - 4, 4), 4);
  std::string_view names = rest.substr(colon + 3);
  for (size_t p = names.rfind('['); p != std::string_view::npos; p = names.rfind('[', p - 1)) {
    if (auto id = BracketedPairAt(names, p)) {
      dev->id = *id;
      dev->class_code = uint32_t{cls} << 8;
      *tail = names.substr(p + 11);
      return true;
    }
    if (p == 0) break;
  }
  return false;
}

// "13:04.0 0200: 8086:10b5 (rev 03)" (-n) or the -nn form; nullopt for anything else.
std::optional<Device> ParseTerse(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto bdf = Bdf::Parse(line.substr(0, space), /*allow_short=*/true);
  if (!bdf) return std::nullopt;
  Device dev;
  dev.bdf = *bdf;
  std::string_view rest = line.substr(space + 1);
  std::string_view numeric = rest;
  if (StartsWith(numeric, "Class ")) numeric.remove_prefix(6);  // early pciutils
  std::string_view tail;
  if (numeric.size() >= 15 && numeric[4] == ':' && numeric[5] == ' ' &&
      Hex(numeric.substr(0, 4), 4) && IdPair(numeric.substr(6, 9))) {
    dev.id = *IdPair(numeric.substr(6, 9));
    dev.class_code = uint32_t{*Hex(numeric.substr(0, 4), 4)} << 8;
    tail = numeric.substr(15);
  } else if (!ParseNamedTerse(rest, &dev, &tail)) {
    return std::nullopt;
  }
  if (!tail.empty() && !StartsWith(tail, " (")) return std::nullopt;
  if (auto pi = ProgIf(tail)) *dev.class_code |= *pi;
  return dev;
}

// The subsystem pair of a "\tSubsystem: " detail line (possibly after "\tDeviceName: <label>").
std::optional<PciId> ParseSubsystem(std::string_view line) {
  constexpr std::string_view kSubsystem = "\tSubsystem: ";
  size_t p = 0;
  if (!StartsWith(line, kSubsystem)) {
    if (!StartsWith(line, "\tDeviceName: ")) return std::nullopt;
    p = line.rfind(kSubsystem);
    if (p == 0 || p == std::string_view::npos) return std::nullopt;
  }
  std::string_view value = line.substr(p + kSubsystem.size());
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (auto id = IdPair(value)) return id;  // -nvv
  if (value.size() < 11) return std::nullopt;
  return BracketedPairAt(value, value.size() - 11);  // -nnvv
}

// A "\tCapabilities: [%02x] " line of -v output (pciutils ls-caps.c show_caps; extended
// capabilities print "[%03x v%d] "). MSI and MSI-X are kept with the bytes they span:
//   cap_msi:  "MSI: Enable%c Count=%d/%d Maskable%c 64bit%c" (pciutils 2.2 and older said
//             "Message Signalled Interrupts: ..."), 10 bytes, +4 for a 64-bit address, +10 for
//             per-vector masking (mask and pending bits); when the flags are not shown, the
//             largest (24) is assumed, which can only refuse more;
//   cap_msix: "MSI-X: Enable%c Count=%d Masked%c", 12 bytes.
// Returns false for any other line.
bool ParseCapability(std::string_view line, Device* dev) {
  constexpr std::string_view kCaps = "\tCapabilities: [";
  if (!StartsWith(line, kCaps)) return false;
  std::string_view rest = line.substr(kCaps.size());
  size_t close = rest.find(']');
  if (close == std::string_view::npos) return false;
  std::string_view where = rest.substr(0, close);
  size_t space = where.find(' ');  // "100 v1"
  if (space != std::string_view::npos) where = where.substr(0, space);
  auto offset = ParseHex(where, 3);
  if (!offset || where.empty()) return false;
  dev->capabilities_seen = true;
  if (*offset < 0x40 || *offset > 0xff) return true;
  std::string_view what = rest.substr(close + 1);
  if (!StartsWith(what, " ")) return true;
  what.remove_prefix(1);
  PciInterruptCapability cap;
  cap.offset = static_cast<uint8_t>(*offset);
  if (StartsWith(what, "MSI-X:")) {
    cap.kind = PciInterruptCapability::Kind::kMsiX;
    cap.length = 12;
  } else if (StartsWith(what, "MSI:") || StartsWith(what, "Message Signalled Interrupts:")) {
    cap.kind = PciInterruptCapability::Kind::kMsi;
    const bool shows_64 = what.find(" 64bit") != std::string_view::npos;
    const bool shows_mask = what.find(" Mask") != std::string_view::npos;
    const bool is_64 = what.find(" 64bit+") != std::string_view::npos;
    const bool masking = what.find(" Maskable+") != std::string_view::npos ||
                         what.find(" Mask+") != std::string_view::npos;
    cap.length = 10;
    if (!shows_64 || is_64) cap.length += 4;
    if (!shows_mask || masking) cap.length += 10;
  } else {
    return true;
  }
  if (cap.offset + cap.length > 0x100) cap.length = static_cast<uint8_t>(0x100 - cap.offset);
  dev->interrupt_capabilities.push_back(cap);
  return true;
}

// One -vmm (or -vm) record.
struct MachineRecord {
  std::optional<Bdf> slot;
  std::optional<uint16_t> vendor, device, svendor, sdevice, cls;
  uint8_t prog_if = 0;
  bool empty = true;
};

// "Key:\tvalue" with a non-empty alphanumeric key.
bool SplitMachineLine(std::string_view line, std::string_view* key, std::string_view* value) {
  size_t colon = line.find(":\t");
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (char c : line.substr(0, colon)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  *key = line.substr(0, colon);
  *value = line.substr(colon + 2);
  return true;
}

void SetOnce(std::optional<uint16_t>* field, std::optional<uint16_t> v) {
  if (!*field) *field = v;
}

void ApplyMachineField(std::string_view key, std::string_view value, MachineRecord* rec) {
  rec->empty = false;
  if (key == "Slot") {
    if (!rec->slot) rec->slot = Bdf::Parse(value, /*allow_short=*/true);
  } else if (key == "Device" && !rec->slot && !rec->device) {
    // -vm names the slot "Device:" too; a slot never looks like a device ID and vice versa.
    if (auto bdf = Bdf::Parse(value, /*allow_short=*/true)) {
      rec->slot = bdf;
    } else {
      rec->device = NumberOfValue(value);
    }
  } else if (key == "Device") {
    SetOnce(&rec->device, NumberOfValue(value));
  } else if (key == "Vendor") {
    SetOnce(&rec->vendor, NumberOfValue(value));
  } else if (key == "SVendor") {
    SetOnce(&rec->svendor, NumberOfValue(value));
  } else if (key == "SDevice") {
    SetOnce(&rec->sdevice, NumberOfValue(value));
  } else if (key == "Class") {
    SetOnce(&rec->cls, NumberOfValue(StartsWith(value, "Class ") ? value.substr(6) : value));
  } else if (key == "ProgIf") {
    if (auto v = Hex(value, 2)) rec->prog_if = static_cast<uint8_t>(*v);
  }
}

}  // namespace

std::optional<Error> ReadLspci(std::string_view text, std::string_view name, PciInventory* inv) {
  size_t added = 0;
  std::optional<Device> terse;  // the last terse line, waiting for its "\tSubsystem:" line
  MachineRecord rec;

  auto flush_terse = [&] {
    if (!terse) return;
    inv->Add(terse->bdf, terse->id, terse->class_code, "lspci");
    if (terse->capabilities_seen) {
      inv->SetInterruptCapabilities(terse->bdf, std::move(terse->interrupt_capabilities));
    }
    ++added;
    terse.reset();
  };
  auto flush_record = [&] {
    if (rec.slot && rec.vendor && rec.device) {
      Device dev;
      dev.bdf = *rec.slot;
      dev.id.vendor = *rec.vendor;
      dev.id.device = *rec.device;
      if (rec.svendor && rec.sdevice) {
        dev.id.subvendor = rec.svendor;
        dev.id.subdevice = rec.sdevice;
      }
      if (rec.cls) dev.class_code = uint32_t{*rec.cls} << 8 | rec.prog_if;
      inv->Add(dev.bdf, dev.id, dev.class_code, "lspci");
      ++added;
    }
    rec = MachineRecord();
  };

  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // saved on Windows

    std::string_view key, value;
    if (line.empty()) {
      flush_terse();
      flush_record();
    } else if (line[0] == '\t') {
      if (terse && !ParseCapability(line, &*terse)) {
        if (auto sub = ParseSubsystem(line)) {
          terse->id.subvendor = sub->vendor;
          terse->id.subdevice = sub->device;
        }
      }
    } else if (auto dev = ParseTerse(line)) {
      flush_terse();
      flush_record();
      terse = dev;
    } else if (SplitMachineLine(line, &key, &value)) {
      flush_terse();
      // A record without its blank separator still ends where the next slot begins.
      if (key == "Slot" && rec.slot) flush_record();
      ApplyMachineField(key, value, &rec);
    } else {
      // Anything else (a -x hex dump, a shell prompt) ends the detail lines of a terse device.
      flush_terse();
    }
  }
  flush_terse();
  flush_record();

  if (added == 0) {
    // Built field by field: GCC 12 -O2 warns (falsely) -Wmaybe-uninitialized on
    // std::optional<Error> initialised from a braced temporary.
    Error err;
    err.where.name = std::string(name);
    err.message = "no PCI devices found (expected lspci -n, -nn, -vmm -n or -nnvv output)";
    return err;
  }
  return std::nullopt;
}

}  // namespace kdiag
