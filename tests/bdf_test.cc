#include "analyzer/correlate/bdf.h"

#include <gtest/gtest.h>

#include <string>

namespace kdiag {
namespace {

TEST(BdfTest, ParsesFullForm) {
  auto b = Bdf::Parse("0000:13:04.0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->domain, 0);
  EXPECT_EQ(b->bus, 0x13);
  EXPECT_EQ(b->device, 4);
  EXPECT_EQ(b->function, 0);
}

TEST(BdfTest, ParsesMixedCaseHexAndLimits) {
  auto b = Bdf::Parse("0000:0A:1f.7");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bus, 0x0a);
  EXPECT_EQ(b->device, 0x1f);
  EXPECT_EQ(b->function, 7);

  auto big = Bdf::Parse("ffff:ff:1f.7");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->domain, 0xffff);
  EXPECT_EQ(big->bus, 0xff);
}

TEST(BdfTest, ShortFormOnlyWhenAllowed) {
  EXPECT_FALSE(Bdf::Parse("13:04.0"));
  auto b = Bdf::Parse("13:04.0", /*allow_short=*/true);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->domain, 0);
  EXPECT_EQ(b->bus, 0x13);
  EXPECT_EQ(b->device, 4);
  // The full form is still accepted with allow_short.
  EXPECT_TRUE(Bdf::Parse("0001:13:04.0", /*allow_short=*/true));
}

TEST(BdfTest, RejectsOutOfRangeDeviceAndFunction) {
  EXPECT_FALSE(Bdf::Parse("0000:13:20.0"));
  EXPECT_FALSE(Bdf::Parse("0000:13:04.8"));
  EXPECT_FALSE(Bdf::Parse("13:20.0", true));
  EXPECT_FALSE(Bdf::Parse("13:04.8", true));
}

TEST(BdfTest, RejectsMalformedText) {
  for (const char* bad :
       {"", "0000:13:04.0 ", " 0000:13:04.0", "0000:13:04.00", "0000:13:04", "g000:13:04.0",
        "0000:1g:04.0", "0000-13:04.0", "0000:13-04.0", "0000:13:04:0", "000:013:04.0",
        "00000:13:04.0", "0000:13:4.0", "0000:13:04.-", "+000:13:04.0", "13:04.0"}) {
    EXPECT_FALSE(Bdf::Parse(bad)) << '"' << bad << '"';
  }
  for (const char* bad : {"1:04.0", "13:04.0 ", "13:4.0", "x3:04.0", "13:04.0\n"}) {
    EXPECT_FALSE(Bdf::Parse(bad, true)) << '"' << bad << '"';
  }
}

TEST(BdfTest, RejectsEmbeddedNul) {
  EXPECT_FALSE(Bdf::Parse(std::string("0000:13:04.0\0", 13)));
  EXPECT_FALSE(Bdf::Parse(std::string("0000:13\0:04.0", 13)));
  EXPECT_FALSE(Bdf::Parse(std::string("0000:1\0:04.0", 12)));
  EXPECT_FALSE(Bdf::Parse(std::string("13:0\0.0", 7), true));
}

TEST(BdfTest, ToStringIsCanonicalLowerCase) {
  auto b = Bdf::Parse("0000:0A:1F.7");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->ToString(), "0000:0a:1f.7");
  EXPECT_EQ(b->ShortString(), "0a:1f.7");
  Bdf d;
  d.domain = 0x1234;
  d.bus = 5;
  d.device = 6;
  d.function = 1;
  EXPECT_EQ(d.ToString(), "1234:05:06.1");
  EXPECT_EQ(d.ShortString(), "05:06.1");
}

TEST(BdfTest, RoundTrips) {
  for (const char* s : {"0000:00:00.0", "0000:13:04.0", "abcd:ef:1f.7"}) {
    auto b = Bdf::Parse(s);
    ASSERT_TRUE(b) << s;
    EXPECT_EQ(b->ToString(), s);
    EXPECT_EQ(Bdf::Parse(b->ShortString(), true)->ShortString(), b->ShortString());
  }
}

TEST(BdfTest, OrdersByDomainBusDeviceFunction) {
  auto a = *Bdf::Parse("0000:13:04.1");
  auto b = *Bdf::Parse("0000:13:05.0");
  auto c = *Bdf::Parse("0001:00:00.0");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < a);
  EXPECT_EQ(a, *Bdf::Parse("0000:13:04.1"));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace kdiag
