// Pte: decoding an x86 PAE / 64-bit page-table entry, as printed by Xen's mm.c messages.
//
// Frame number = bits 12..51; flags in bits 0..11 and 63: P(0) RW(1) US(2) PWT(3) PCD(4) A(5)
// D(6) PAT/PS(7) G(8), software bits 9..11 (AVAIL; Linux PV guests: 9 SPECIAL, 10 IOMAP), NX(63)
// (Intel SDM vol. 3, 4.4 and 4.5).
#ifndef KDIAG_REMEDY_PTE_H_
#define KDIAG_REMEDY_PTE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

struct Pte {
  uint64_t raw = 0;

  // Up to 16 hex digits, optional 0x. nullopt otherwise.
  static std::optional<Pte> Parse(std::string_view hex);
  uint64_t frame() const { return (raw >> 12) & ((uint64_t{1} << 40) - 1); }
  bool present() const { return raw & 1; }
  // "P RW US A" style list of set flag names, "none" when none; software bits 9 and 10 as SPECIAL
  // and IOMAP (their Linux PV meaning), the others as "AVAIL11" etc.
  std::string FlagNames() const;
  // One line: "frame 0x9be78, flags P US A (0x025)".
  std::string Describe() const;
};

}  // namespace kdiag

#endif  // KDIAG_REMEDY_PTE_H_
