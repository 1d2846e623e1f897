// Bdf: a PCI address, domain:bus:device.function, validated.
//
// Every BDF that reaches a remediation goes through Bdf::Parse, which accepts exactly
// "dddd:bb:dd.f" (hex; domain 4 digits, bus 2, device 2 with device <= 0x1f, function 0-7) and,
// where noted, the domain-less "bb:dd.f" that lspci prints (domain 0000 implied). Anything else is
// refused: a guest can write arbitrary text into these logs.
#ifndef KDIAG_CORRELATE_BDF_H_
#define KDIAG_CORRELATE_BDF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

struct Bdf {
  uint16_t domain = 0;
  uint8_t bus = 0;
  uint8_t device = 0;    // 0..0x1f
  uint8_t function = 0;  // 0..7

  // "dddd:bb:dd.f"; with allow_short also "bb:dd.f". Case-insensitive hex. nullopt otherwise.
  static std::optional<Bdf> Parse(std::string_view text, bool allow_short = false);
  // Canonical lower-case "0000:13:04.0".
  std::string ToString() const;
  // "13:04.0" (for lspci -s).
  std::string ShortString() const;

  bool operator==(const Bdf& o) const {
    return domain == o.domain && bus == o.bus && device == o.device && function == o.function;
  }
  bool operator!=(const Bdf& o) const { return !(*this == o); }
  bool operator<(const Bdf& o) const;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_BDF_H_
