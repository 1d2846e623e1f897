#include "analyzer/match/candidate_scanner.h"

#include <gtest/gtest.h>

#include <memory>

#include "analyzer/input/console_framer.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

std::vector<std::string> Literals(const std::string& pattern) {
  std::vector<std::string> out;
  EXPECT_TRUE(RequiredLiterals(pattern, &out)) << pattern;
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RequiredLiterals, KeepsOneLongLiteralOfAConcatenation) {
  // Both words are required; the longer one is enough.
  EXPECT_EQ(Literals(R"(pciback (\S+): Driver tried to write)"),
            (std::vector<std::string>{": driver tried to write"}));
}

TEST(RequiredLiterals, AlternativesNeedOneLiteralEach) {
  EXPECT_EQ(Literals(R"((?:soft|hard) lockup - CPU#\d+ stuck|watchdog: BUG: hung)"),
            (std::vector<std::string>{"hard lockup - cpu#", "soft lockup - cpu#",
                                      "watchdog: bug: hung"}));
}

TEST(RequiredLiterals, PatternsWithoutALiteralHaveNone) {
  std::vector<std::string> out;
  EXPECT_FALSE(RequiredLiterals(R"(^\S+$)", &out));
  EXPECT_FALSE(RequiredLiterals(R"(a|b\d+)", &out));  // "a" is shorter than any literal kept
  EXPECT_FALSE(RequiredLiterals("(unclosed", &out));
  EXPECT_FALSE(RequiredLiterals("caf\xc3\xa9 au lait|\xc3\xa9t\xc3\xa9", &out));
}

std::vector<uint32_t> Ends(const CandidateScanner& s, std::string_view data, size_t skip = 0) {
  auto scratch = s.NewScratch();
  std::vector<uint32_t> ends;
  EXPECT_TRUE(s.Scan(data, skip, scratch.get(), &ends));
  return ends;
}

TEST(CandidateScanner, FindsLiteralsIgnoringCaseAndSkipsTheTail) {
  std::string p1 = "Kernel panic - not syncing: (.*)", p2 = R"(segfault at [0-9a-f]+ ip)";
  std::string why;
  auto s = CandidateScanner::Build({&p1, &p2}, {"\x1b"}, nullptr, &why);
  ASSERT_NE(s, nullptr) << why;
  std::string text = "xx KERNEL PANIC - NOT SYNCING: x\nfoo[1]: segfault at 0 ip\n\x1b[0m";
  std::vector<uint32_t> ends = Ends(*s, text);
  ASSERT_EQ(ends.size(), 3u);
  EXPECT_EQ(text.substr(0, ends[0]), "xx KERNEL PANIC - NOT SYNCING: ");
  EXPECT_EQ(text[ends[2] - 1], '\x1b');
  // With the first 10 bytes a tail: the panic literal ends after it and counts, offsets move.
  std::vector<uint32_t> tail = Ends(*s, text, 10);
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0] + 10, ends[0]);
  // A literal that ends inside the tail belongs to the block before.
  EXPECT_EQ(Ends(*s, "segfault at ", 12).size(), 0u);
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

}  // namespace
}  // namespace kdiag
