// Pte: decoding the page-table entries Xen prints in "Error getting mfn ... from L1 entry %016llx"
// and "ptwr_emulate: fixing up invalid PAE PTE %016llx" (xen/arch/x86/mm.c; from Xen 4.10
// xen/arch/x86/pv/ro-page-fault.c).
//
// Both messages print L1 entries (4 KiB pages), so bit 7 is PAT there (it would be PS in a
// directory entry) and is named PAT. Bits 9..11 and 52..62 are ignored by the MMU and free for
// software (Intel SDM vol. 3, table 4-19; bits 59..62 are protection keys only with CR4.PKE,
// which Xen does not enable for PV guests). The entries come from PV guests, and Linux ones use
// two of the low software bits (arch/x86/include/asm/pgtable_types.h): bit 9 is _PAGE_SPECIAL
// (_PAGE_BIT_SPECIAL = _PAGE_BIT_UNUSED1, later _PAGE_BIT_SOFTW1, = 9), and bit 10 was the pvops
// Xen _PAGE_IOMAP ("_PAGE_BIT_IOMAP 10 /* flag used to indicate IO mapping */", 2.6.3x-3.x, later
// dropped for _PAGE_BIT_SOFTW2): a mapping of device memory. They are named SPECIAL and IOMAP;
// the other software bits AVAIL<bit>. Bit 63 is NX.
#include "analyzer/remedy/pte.h"

#include <cstdio>

#include "analyzer/input/hex.h"

namespace kdiag {

std::optional<Pte> Pte::Parse(std::string_view hex) {
  auto v = ParseHex(StripHexPrefix(hex), 16);
  if (!v) return std::nullopt;
  return Pte{*v};
}

std::string Pte::FlagNames() const {
  static const char* const kLow[] = {"P", "RW", "US", "PWT", "PCD", "A", "D", "PAT", "G"};
  std::string s;
  auto add = [&s](const std::string& name) { s += (s.empty() ? "" : " ") + name; };
  for (int bit = 0; bit < 9; ++bit) {
    if (raw & (uint64_t{1} << bit)) add(kLow[bit]);
  }
  if (raw & (uint64_t{1} << 9)) add("SPECIAL");
  if (raw & (uint64_t{1} << 10)) add("IOMAP");
  if (raw & (uint64_t{1} << 11)) add("AVAIL11");
  for (int bit = 52; bit <= 62; ++bit) {
    if (raw & (uint64_t{1} << bit)) add("AVAIL" + std::to_string(bit));
  }
  if (raw & (uint64_t{1} << 63)) add("NX");
  return s.empty() ? "none" : s;
}

std::string Pte::Describe() const {
  char buf[96];
  unsigned low = static_cast<unsigned>(raw & 0xfff);
  unsigned high = static_cast<unsigned>(raw >> 52);
  if (high != 0) {
    std::snprintf(buf, sizeof buf, "(0x%03x, bits 52-63 0x%03x)", low, high);
  } else {
    std::snprintf(buf, sizeof buf, "(0x%03x)", low);
  }
  char frame_buf[32];
  std::snprintf(frame_buf, sizeof frame_buf, "0x%llx", static_cast<unsigned long long>(frame()));
  return std::string("frame ") + frame_buf + ", flags " + FlagNames() + " " + buf;
}

}  // namespace kdiag
