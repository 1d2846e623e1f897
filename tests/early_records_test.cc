// EarlyRecords: a boot's records before its first anchor are placed from it, in input order;
// what cannot be placed so (another boot, a suspend in between, the bound, the end) leaves as is.
#include "analyzer/input/early_records.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/input/wall_clock.h"

namespace kdiag {
namespace {

constexpr char kRtc[] =
    "rtc_cmos 00:01: setting system clock to 2022-12-13T10:00:00 UTC (1670925600)";

Record Kernel(int64_t time_us, std::string text, int boot = 0) {
  Record r;
  r.time_us = time_us;
  r.text = std::move(text);
  r.boot = boot;
  return r;
}

// "text@timestamp source" of each record handed on, in order ("text@none" unplaced).
struct Out {
  std::vector<std::string> seen;
  RecordSink sink() {
    return [this](Record&& r) {
      seen.push_back(r.text + "@" +
                     (r.timestamp_us ? FormatRfc3339Utc(*r.timestamp_us) + " " +
                                           std::string(r.timestamp_source)
                                     : "none"));
    };
  }
};

TEST(EarlyRecords, RecordsBeforeTheFirstAnchorArePlacedFromIt) {
  WallClock clock;
  EarlyRecords early;
  Out out;
  early.Add(Kernel(0, "Linux version 6.1.0"), &clock, out.sink());
  Record xen = Kernel(10, "(XEN) own clock");
  xen.source = Source::kXen;
  early.Add(std::move(xen), &clock, out.sink());
  early.Add(Kernel(500000, "early"), &clock, out.sink());
  EXPECT_TRUE(out.seen.empty());  // held, in order
  early.Add(Kernel(1000000, kRtc), &clock, out.sink());
  early.Add(Kernel(3500000, "later"), &clock, out.sink());
  EXPECT_TRUE(early.empty());
  EXPECT_EQ(out.seen, (std::vector<std::string>{
                          "Linux version 6.1.0@2022-12-13T09:59:59.000000Z anchor",
                          "(XEN) own clock@none", "early@2022-12-13T09:59:59.500000Z anchor",
                          std::string(kRtc) + "@2022-12-13T10:00:00.000000Z anchor",
                          "later@2022-12-13T10:00:02.500000Z anchor"}));
}

TEST(EarlyRecords, NoAnchorAcrossASuspendOrTheEnd) {
  WallClock clock;
  EarlyRecords early;
  Out out;
  // The kernel clock stops while suspended: the anchor after it says nothing of before.
  early.Add(Kernel(100, "a"), &clock, out.sink());
  early.Add(Kernel(200, "PM: suspend entry (deep)"), &clock, out.sink());
  early.Add(Kernel(300, "PM: suspend exit"), &clock, out.sink());
  early.Add(Kernel(1000000, kRtc), &clock, out.sink());
  EXPECT_EQ(out.seen, (std::vector<std::string>{
                          "a@none", "PM: suspend entry (deep)@none", "PM: suspend exit@none",
                          std::string(kRtc) + "@2022-12-13T10:00:00.000000Z anchor"}));
  // An input that ends says nothing of the records held.
  EarlyRecords other;
  WallClock fresh;
  out.seen.clear();
  other.Add(Kernel(1100, "held"), &fresh, out.sink());
  EXPECT_FALSE(other.empty());
  other.Flush(out.sink());
  EXPECT_EQ(out.seen, (std::vector<std::string>{"held@none"}));
}

// Another boot's anchor says nothing of this one's records; and an input with a boot that had
// none near its start is not held for again (its lines are then passed over: pipeline.cc).
TEST(EarlyRecords, ABootWithoutAnchorEndsTheHolding) {
  WallClock clock;
  EarlyRecords early;
  Out out;
  early.Add(Kernel(100, "boot 0"), &clock, out.sink());
  early.Add(Kernel(1000000, kRtc, 1), &clock, out.sink());
  early.Add(Kernel(100, "boot 2", 2), &clock, out.sink());
  EXPECT_TRUE(early.empty());
  early.Add(Kernel(1000000, kRtc, 2), &clock, out.sink());
  EXPECT_EQ(out.seen,
            (std::vector<std::string>{
                "boot 0@none", std::string(kRtc) + "@2022-12-13T10:00:00.000000Z anchor",
                "boot 2@none", std::string(kRtc) + "@2022-12-13T10:00:00.000000Z anchor"}));
}

// An anchor that is not near the start of its boot: what was held leaves unplaced, and nothing
// more is held (so the pipeline's pass-over works again), by records and by bytes.
TEST(EarlyRecords, ABootWhoseAnchorIsFarEndsTheHolding) {
  WallClock clock;
  EarlyRecords early;
  Out out;
  const size_t n = EarlyRecords::kMaxRecords + 1;
  for (size_t i = 0; i < n; ++i) {
    early.Add(Kernel(static_cast<int64_t>(i), std::to_string(i)), &clock, out.sink());
  }
  ASSERT_EQ(out.seen.size(), n);
  EXPECT_EQ(out.seen.front(), "0@none");
  EXPECT_TRUE(early.empty());
  early.Add(Kernel(100000, "next"), &clock, out.sink());
  EXPECT_TRUE(early.empty());
  early.Add(Kernel(1000000, kRtc), &clock, out.sink());
  early.Add(Kernel(2000000, "after"), &clock, out.sink());
  EXPECT_EQ(out.seen[n], "next@none");
  EXPECT_EQ(out.seen[n + 2], "after@2022-12-13T10:00:01.000000Z anchor");
  EarlyRecords bytes;
  WallClock fresh;
  out.seen.clear();
  bytes.Add(Kernel(0, std::string(3 << 20, 'x')), &fresh, out.sink());
  EXPECT_TRUE(out.seen.empty());
  bytes.Add(Kernel(1, std::string(3 << 20, 'y')), &fresh, out.sink());
  EXPECT_EQ(out.seen.size(), 2u);
  EXPECT_TRUE(bytes.empty());
}

}  // namespace
}  // namespace kdiag
