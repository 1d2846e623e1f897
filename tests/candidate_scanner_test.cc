#include "analyzer/match/candidate_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/match/entry_checksum.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

using Clauses = std::vector<std::vector<std::string>>;

// The clauses a scan needs for `pattern` (the further ones only when *all is set).
Clauses Of(const std::string& pattern, Clauses* all = nullptr) {
  Clauses out;
  size_t needed = 0;
  EXPECT_TRUE(RequiredClauses(pattern, &out, &needed)) << pattern;
  for (auto& c : out) std::sort(c.begin(), c.end());
  if (all) *all = out;
  out.resize(needed);
  return out;
}

TEST(RequiredClauses, ALongLiteralIsClauseEnough) {
  // "pciback " is required too, but the long literal is rare enough on its own.
  Clauses all;
  EXPECT_EQ(Of(R"(pciback (\S+): Driver tried to write)", &all),
            (Clauses{{": driver tried to write"}}));
  EXPECT_EQ(all, (Clauses{{": driver tried to write"}, {"pciback "}}));
}

TEST(RequiredClauses, ShortLiteralsTakeFurtherClauses) {
  EXPECT_EQ(Of(R"(^(\S+): link (?:is )?down)"), (Clauses{{": link "}, {"down"}}));
}

TEST(RequiredClauses, AlternativesShareAClause) {
  EXPECT_EQ(Of(R"((?:soft|hard) lockup - CPU#\d+ stuck|watchdog: BUG: hung)"),
            (Clauses{{"hard lockup - cpu#", "soft lockup - cpu#", "watchdog: bug: hung"}}));
}

TEST(RequiredClauses, LinkDownNeedsBothWords) {
  Clauses c = Of(R"((\S+): (?:NIC )?Link (?:is )?[Dd]own)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1], (std::vector<std::string>{"down"}));
}

TEST(RequiredClauses, PatternsWithoutALiteralHaveNone) {
  Clauses out;
  size_t needed = 0;
  EXPECT_FALSE(RequiredClauses(R"(^\S+$)", &out, &needed));
  EXPECT_FALSE(RequiredClauses(R"(a|b\d+)", &out, &needed));  // "a" is shorter than any kept
  EXPECT_FALSE(RequiredClauses("(unclosed", &out, &needed));
  EXPECT_FALSE(RequiredClauses("caf\xc3\xa9 au lait|\xc3\xa9t\xc3\xa9", &out, &needed));
}

std::vector<uint32_t> Ends(const CandidateScanner& s, std::string_view data, size_t skip = 0) {
  auto scratch = s.NewScratch();
  std::vector<uint32_t> ends;
  EXPECT_TRUE(s.Scan(data, skip, scratch.get(), &ends));
  return ends;
}

TEST(CandidateScanner, ALineIsACandidateWhenItSatisfiesEveryClause) {
  std::string p1 = "Kernel panic - not syncing: (.*)", p2 = R"((\S+): NIC Link is Down)";
  std::string why;
  auto s = CandidateScanner::Build({&p1, &p2}, {"\x1b"}, nullptr, &why);
  ASSERT_NE(s, nullptr) << why;
  std::string text =
      "xx KERNEL PANIC - NOT SYNCING: x\n"  // 0..32: a candidate, ignoring case
      "eth0: NIC Link is Up\n"              // 33..53: "link" without "down"
      "eth0: NIC Link is Down\n"            // 54..76: both clauses
      "down, then link\n"                   // 77..92: both words, not the literals' order
      "\x1b[0m\n"                           // an extra literal
      "wlan0: nic link is down";            // no '\n': the end of the data
  std::vector<uint32_t> ends = Ends(*s, text);
  std::vector<uint32_t> want;
  for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
    want.push_back(static_cast<uint32_t>(at));
  }
  // Lines 1, 3, 5 and the last one; line 4 has neither "nic link is down" nor ": ".
  EXPECT_EQ(ends,
            (std::vector<uint32_t>{want[0], want[2], want[4], static_cast<uint32_t>(text.size())}));
  // With the first 40 bytes a tail: the panic line's literal ends inside it and is not counted;
  // offsets are relative to the end of the tail.
  std::vector<uint32_t> tail = Ends(*s, text, 40);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0] + 40, want[2]);
}

// netback's "Guest Rx stalled" needs only its long literal, but "vif vif-" is scanned for anyway
// (the xenbus error pattern needs it), so it is checked too: the line of another shape is no
// candidate.
TEST(CandidateScanner, AFurtherClauseIsCheckedWhenItsLiteralsAreScannedAnyway) {
  std::string stalled = R"(^vif vif-(\d+)-(\d+) ([\w.@-]+): Guest Rx stalled)";
  std::string xenbus = R"(^vif vif-(\d+)-(\d+): (-?\d+) ([^\n]+))";
  std::string text =
      "xen-netback: vif1.0: Guest Rx stalled\n"
      "vif vif-1-0 vif1.0: Guest Rx stalled\n";
  std::string why;
  auto both = CandidateScanner::Build({&stalled, &xenbus}, {}, nullptr, &why);
  ASSERT_NE(both, nullptr) << why;
  EXPECT_EQ(Ends(*both, text), (std::vector<uint32_t>{static_cast<uint32_t>(text.size() - 1)}));
  // Alone, "vif vif-" would be one more literal to scan for: the long literal is enough.
  auto alone = CandidateScanner::Build({&stalled}, {}, nullptr, &why);
  ASSERT_NE(alone, nullptr) << why;
  EXPECT_EQ(Ends(*alone, text).size(), 2u);
}

TEST(CandidateScanner, APatternWithoutLiteralsMeansNoScanner) {
  std::string p1 = "BUG: (.*)", p2 = R"(^\w+$)";
  std::string why;
  EXPECT_EQ(CandidateScanner::Build({&p1, &p2}, {}, nullptr, &why), nullptr);
  EXPECT_NE(why.find(p2), std::string::npos) << why;
}

// Every shipped rule has required literals, so lines are passed over with the shipped rules: a
// rule added without any would silently make every line a candidate.
TEST(CandidateScanner, ShippedRulesHaveAScanner) {
  std::vector<Rule> rules;
  ASSERT_FALSE(LoadEmbeddedRules(&rules));
  std::unique_ptr<Matcher> m;
  ASSERT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
  ConsoleFramer framer("x");
  EXPECT_NE(m->Scanner(*framer.PassOverLiterals()), nullptr) << m->scanner_note();
  EXPECT_EQ(m->scanner_note(), "compiled (no cache)");
}

// A cache file is input too: a table that claims four billion literals, sealed with a correct
// checksum, is a miss and a rebuild, not an allocation that kills the process.
TEST(CandidateScanner, ForgedCacheTableIsAMiss) {
  char tmpl[] = "/tmp/kdiag_scanner_cache_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  DatabaseCache cache(dir);
  std::string p1 = R"((\S+): NIC Link is Down)";
  std::string why;
  ASSERT_NE(CandidateScanner::Build({&p1}, {}, &cache, &why), nullptr) << why;
  std::string path;
  for (const auto& e : std::filesystem::directory_iterator(dir)) path = e.path();
  std::string b;
  {
    std::ifstream in(path, std::ios::binary);
    b.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
    return v;
  };
  auto put = [](uint32_t v, std::string* out) {
    for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
  };
  size_t table_at = 52 + 4 * size_t{u32(48)};  // after magic, key, expressions, ids, refused
  size_t rest_at = table_at + 4 + 4 * size_t{u32(table_at)};
  std::string forged = b.substr(0, table_at);
  put(4, &forged);
  for (uint32_t v : {0xFFFFFFF0u, 1u, 0u, 1u}) put(v, &forged);
  forged += b.substr(rest_at, b.size() - 4 - rest_at);
  put(EntryChecksum(forged), &forged);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << forged;
  }
  auto again = CandidateScanner::Build({&p1}, {}, &cache, &why);
  ASSERT_NE(again, nullptr) << why;
  EXPECT_NE(again->origin().find("malformed table"), std::string::npos) << again->origin();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kdiag
