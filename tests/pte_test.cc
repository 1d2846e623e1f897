// Pte decoding, with the entries from real "Error getting mfn" lines (domain.md section 6).
#include "analyzer/remedy/pte.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(PteTest, Parses) {
  EXPECT_EQ(Pte::Parse("000000009be78025")->raw, 0x9be78025u);
  EXPECT_EQ(Pte::Parse("0x9be78025")->raw, 0x9be78025u);
  EXPECT_EQ(Pte::Parse("0X8000000100000673")->raw, 0x8000000100000673u);
  EXPECT_EQ(Pte::Parse("ffffffffffffffff")->raw, ~uint64_t{0});
  EXPECT_EQ(Pte::Parse("0")->raw, 0u);
  for (const char* bad : {"", "0x", "10000000000000000", "0x9be78025 ", "9be78g25", "-1", "0x0x1",
                          "000000000000000000"}) {
    EXPECT_FALSE(Pte::Parse(bad).has_value()) << bad;
  }
}

TEST(PteTest, XenExamples) {
  // mm.c:590:d10 Error getting mfn 9be78 (pfn a4e78) from L1 entry 000000009be78025: 0x025 is
  // P (0x001) | US (0x004) | A (0x020).
  Pte a = *Pte::Parse("000000009be78025");
  EXPECT_EQ(a.frame(), 0x9be78u);
  EXPECT_TRUE(a.present());
  EXPECT_EQ(a.FlagNames(), "P US A");
  EXPECT_EQ(a.Describe(), "frame 0x9be78, flags P US A (0x025)");

  // mfn 100000 from 8000000100000673 (a driver domain mapping device memory): 0x673 = 0x400 |
  // 0x200 | 0x40 | 0x20 | 0x10 | 0x2 | 0x1 = IOMAP SPECIAL D A PCD RW P (0x4, US, is clear); bit
  // 63 = NX. Bits 9 and 10 are software bits, named as Linux PV guests use them.
  Pte b = *Pte::Parse("8000000100000673");
  EXPECT_EQ(b.frame(), 0x100000u);
  EXPECT_EQ(b.FlagNames(), "P RW PCD A D SPECIAL IOMAP NX");
  EXPECT_EQ(b.Describe(),
            "frame 0x100000, flags P RW PCD A D SPECIAL IOMAP NX (0x673, bits 52-63 0x800)");

  // mfn 36f40 from 8010000036f40067: bit 52 is a software bit, not part of the frame.
  Pte c = *Pte::Parse("8010000036f40067");
  EXPECT_EQ(c.frame(), 0x36f40u);
  EXPECT_EQ(c.FlagNames(), "P RW US A D AVAIL52 NX");
}

TEST(PteTest, EveryFlagBit) {
  struct Case {
    int bit;
    const char* name;
  };
  for (const Case& c :
       {Case{0, "P"}, Case{1, "RW"}, Case{2, "US"}, Case{3, "PWT"}, Case{4, "PCD"}, Case{5, "A"},
        Case{6, "D"}, Case{7, "PAT"}, Case{8, "G"}, Case{9, "SPECIAL"}, Case{10, "IOMAP"},
        Case{11, "AVAIL11"}, Case{52, "AVAIL52"}, Case{62, "AVAIL62"}, Case{63, "NX"}}) {
    Pte p{uint64_t{1} << c.bit};
    EXPECT_EQ(p.FlagNames(), c.name) << c.bit;
    EXPECT_EQ(p.frame(), 0u) << c.bit;
  }
  EXPECT_EQ(Pte{0}.FlagNames(), "none");
  EXPECT_FALSE(Pte{0x1000}.present());
  EXPECT_EQ(Pte{0x1000}.Describe(), "frame 0x1, flags none (0x000)");
}

TEST(PteTest, FrameIsBits12To51) {
  EXPECT_EQ(Pte{0x000ffffffffff000}.frame(), 0xffffffffffu);
  EXPECT_EQ(Pte{0xfff0000000000fff}.frame(), 0u);
  EXPECT_EQ(Pte{~uint64_t{0}}.frame(), (uint64_t{1} << 40) - 1);
}

}  // namespace
}  // namespace kdiag
