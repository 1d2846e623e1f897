// QuirkField parsing and the shared output checks (PrintableNeed, CommentText): the values a
// guest can put into a log must never reach a remediation unvalidated.
#include <gtest/gtest.h>

#include "analyzer/remedy/quirk.h"

namespace kdiag {
namespace {

TEST(QuirkFieldTest, ParsesPcibackOffsets) {
  struct Case {
    const char* offset;
    const char* size;
    uint16_t reg;
    uint8_t sz;
  };
  for (const Case& c :
       {Case{"0xe0", "2", 0xe0, 2}, Case{"e0", "2", 0xe0, 2}, Case{"0x1d6", "2", 0x1d6, 2},
        Case{"0XE0", "1", 0xe0, 1}, Case{"0x0", "4", 0, 4}, Case{"0xfff", "4", 0xfff, 4},
        Case{"000000e0", "2", 0xe0, 2}}) {
    auto f = QuirkField::Parse(c.offset, c.size);
    ASSERT_TRUE(f.has_value()) << c.offset << " " << c.size;
    EXPECT_EQ(f->reg, c.reg);
    EXPECT_EQ(f->size, c.sz);
    EXPECT_EQ(f->mask, 0u);
  }
}

TEST(QuirkFieldTest, RejectsEverythingElse) {
  for (const char* offset : {"0x1000", "", "0x", "-1", "0xe0junk", "12345678901234567890",
                             "0x00000000e0", " 0xe0", "0xe0 ", "g0", "0x-1", "+e0", "0xe0\n"}) {
    EXPECT_FALSE(QuirkField::Parse(offset, "2").has_value()) << "offset '" << offset << "'";
  }
  for (const char* size : {"3", "", "0", "8", "02", "2 ", "-2", "22", "0x2"}) {
    EXPECT_FALSE(QuirkField::Parse("0xe0", size).has_value()) << "size '" << size << "'";
  }
  // Embedded NUL.
  EXPECT_FALSE(QuirkField::Parse(std::string_view("e0\0", 3), "2").has_value());
}

TEST(QuirkFieldTest, ToStringIsXendNotation) {
  EXPECT_EQ(QuirkField::Parse("0xe0", "2")->ToString(), "000000e0:2:00000000");
  EXPECT_EQ(QuirkField::Parse("0x1d6", "4")->ToString(), "000001d6:4:00000000");
  EXPECT_EQ(QuirkField::Parse("0xfff", "1")->ToString(), "00000fff:1:00000000");
}

TEST(QuirkFieldTest, OrdersByRegisterThenSize) {
  QuirkField a = *QuirkField::Parse("e0", "2");
  QuirkField b = *QuirkField::Parse("e0", "4");
  QuirkField c = *QuirkField::Parse("e4", "1");
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(b < c);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < a);
  EXPECT_TRUE(a == *QuirkField::Parse("0xE0", "2"));
}

TEST(QuirkFieldTest, ValidIsTheKernelsCheck) {
  QuirkField f = *QuirkField::Parse("e0", "2");
  EXPECT_TRUE(f.Valid());
  f.reg = 0x1000;
  EXPECT_FALSE(f.Valid());
  f.reg = 0xe0;
  f.size = 3;
  EXPECT_FALSE(f.Valid());
  f.size = 2;
  f.mask = 0xffff;
  EXPECT_TRUE(f.Valid());
  f.mask = 0x10000;  // bits beyond a 2-byte field
  EXPECT_FALSE(f.Valid());
  f.size = 4;
  f.mask = 0xffffffff;
  EXPECT_TRUE(f.Valid());
}

TEST(QuirkFieldTest, PrintableNeedChecksBdfAndField) {
  QuirkNeed need;
  need.bdf = *Bdf::Parse("0000:13:04.0");
  need.field = *QuirkField::Parse("e0", "2");
  EXPECT_TRUE(PrintableNeed(need));
  QuirkNeed bad_dev = need;
  bad_dev.bdf.device = 0x20;
  EXPECT_FALSE(PrintableNeed(bad_dev));
  QuirkNeed bad_fn = need;
  bad_fn.bdf.function = 8;
  EXPECT_FALSE(PrintableNeed(bad_fn));
  QuirkNeed bad_field = need;
  bad_field.field.reg = 0x2000;
  EXPECT_FALSE(PrintableNeed(bad_field));
  QuirkNeed zero = need;
  zero.field = QuirkField{};  // size 0
  EXPECT_FALSE(PrintableNeed(zero));
}

TEST(CommentTextTest, RemovesControlCharacters) {
  EXPECT_EQ(CommentText("Intel\n) (evil 'x'"), "Intel) (evil 'x'");
  EXPECT_EQ(CommentText("a\r\tb\x1b[31mc\x7f"), "ab[31mc");
  EXPECT_EQ(CommentText(std::string_view("a\0b", 3)), "ab");
  EXPECT_EQ(CommentText("# x"), "# x");
  EXPECT_EQ(CommentText("trailing   "), "trailing");
}

TEST(CommentTextTest, KeepsValidUtf8DropsC1AndInvalid) {
  EXPECT_EQ(CommentText("Soci\xc3\xa9t\xc3\xa9"), "Soci\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(CommentText("a\xc2\x9b"
                        "31mb"),
            "a31mb");  // C1 CSI
  EXPECT_EQ(CommentText("a\xff\xc3"
                        "b"),
            "ab");
  EXPECT_EQ(CommentText("a\xc0\xafz"), "az");      // overlong '/'
  EXPECT_EQ(CommentText("a\xed\xa0\x80z"), "az");  // surrogate
}

TEST(CommentTextTest, BoundsLength) {
  std::string long_name(10000, 'x');
  EXPECT_EQ(CommentText(long_name, 50).size(), 50u);
  // Never cuts a UTF-8 sequence in half.
  std::string s = "ab\xc3\xa9";
  EXPECT_EQ(CommentText(s, 3), "ab");
}

}  // namespace
}  // namespace kdiag
