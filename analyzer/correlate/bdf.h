// Bdf: a PCI address, domain:bus:device.function, validated.
//
// Every BDF that reaches a remediation goes through Bdf::Parse, which accepts exactly
// "dddd:bb:dd.f" (hex; domain 4 digits, bus 2, device 2 with device <= 0x1f, function 0-7) and,
// where noted, the domain-less "bb:dd.f" that lspci prints (domain 0000 implied). Anything else is
// refused: a guest can write arbitrary text into these logs.
//
// Bdf::ParseSpelled reads the other spellings the logs use for the same address (bdf_spellings:
// the device story joins one device's lines from every source through it).
#ifndef KDIAG_CORRELATE_BDF_H_
#define KDIAG_CORRELATE_BDF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

struct Bdf {
  uint32_t domain = 0;  // PCI segment: 16 bits, except Intel VMD's (0x10000 and up)
  uint8_t bus = 0;
  uint8_t device = 0;    // 0..0x1f
  uint8_t function = 0;  // 0..7

  // "dddd:bb:dd.f"; with allow_short also "bb:dd.f". Case-insensitive hex. nullopt otherwise.
  static std::optional<Bdf> Parse(std::string_view text, bool allow_short = false);
  // Every spelling of an address in the kernel, Xen and toolstack logs, normalised:
  //   "0000:03:00.0"  Linux dev_name (drivers/pci/probe.c "%04x:%02x:%02x.%d"), Xen's %pp
  //                   (xen/common/vsprintf.c print_pci_addr) and "%04x:%02x:%02x.%u", libxl's
  //                   PCI_BDF "%04x:%02x:%02x.%01x" (tools/libs/light/libxl_pci.c), xend's
  //                   pci_dict_to_bdf_str;
  //   "10000:e0:06.0" Linux with an Intel VMD segment (5 hex digits);
  //   "0:0:1d.0"      libxl's "%x:%x:%x.%x" ("libxl__device_pci_add failed for PCI device",
  //                   "is not assignable", Xen 4.5-4.19);
  //   "03:00.0"       Xen before 4.2 ("%02x:%02x.%x", xen/drivers/passthrough/pci.c), Linux
  //                   DMAR/AMD-Vi fault lines, libxl's PCI_BDF_SHORT: segment 0 implied;
  //   "0x03:0x00.0"   Linux's DMAR fault lines since 5.x ("[0x%02x:0x%02x.%d]").
  // Each part is hex, at most 8 digits for the segment, 2 for bus and device (device <= 0x1f),
  // one digit 0-7 for the function. nullopt for anything else.
  static std::optional<Bdf> ParseSpelled(std::string_view text);
  // Canonical lower-case "0000:13:04.0".
  std::string ToString() const;
  // "13:04.0" (for lspci -s).
  std::string ShortString() const;

  bool operator==(const Bdf& o) const {
    return domain == o.domain && bus == o.bus && device == o.device && function == o.function;
  }
  bool operator!=(const Bdf& o) const { return !(*this == o); }
  bool operator<(const Bdf& o) const;
  // Two functions of one card: same segment, bus and device.
  bool SameCard(const Bdf& o) const {
    return domain == o.domain && bus == o.bus && device == o.device;
  }
  // The card's address, "0000:03:00".
  std::string CardString() const;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_BDF_H_
