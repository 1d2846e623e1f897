#include "analyzer/match/matcher.h"

#include <gtest/gtest.h>

#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

std::unique_ptr<Matcher> Build(const std::string& toml) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(toml, "t.toml", &rules);
  EXPECT_FALSE(err) << err->ToString();
  std::unique_ptr<Matcher> m;
  auto berr = Matcher::Build(std::move(rules), &m);
  EXPECT_FALSE(berr) << berr->ToString();
  return m;
}

Record Text(std::string text, Source source = Source::kKernel) {
  Record r;
  r.text = std::move(text);
  r.source = source;
  return r;
}

constexpr char kRules[] = R"(
[[rule]]
id = "a.variants"
severity = "info"
source = "kernel"
pattern = ['''^new (?P<n>\d+)''', '''^old (?P<n>\d+) (?P<extra>x)''']
summary = "s"
  [[rule.example]]
  line = "new 1"
  fields = { n = "1" }
[[rule]]
id = "b.xen"
severity = "error"
source = "xen"
pattern = '''boom (?P<what>\w+)'''
summary = "s"
  [[rule.example]]
  line = "(XEN) boom x"
  fields = { what = "x" }
[[rule]]
id = "c.any"
severity = "error"
source = "any"
pattern = '''boom'''
summary = "s"
  [[rule.example]]
  line = "boom"
)";

TEST(Matcher, VariantsFirstMatchWinsAndCapturesByName) {
  auto m = Build(kRules);
  std::vector<RuleMatch> out;
  m->Match(Text("old 7 x"), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->id, "a.variants");
  EXPECT_EQ(out[0].fields, (Fields{{"n", "7"}, {"extra", "x"}}));
  out.clear();
  m->Match(Text("nothing here"), &out);
  EXPECT_TRUE(out.empty());
}

TEST(Matcher, SourceFilterAndRuleOrder) {
  auto m = Build(kRules);
  std::vector<RuleMatch> out;
  m->Match(Text("boom bang"), &out);
  ASSERT_EQ(out.size(), 1u);  // b.xen is for xen records only
  EXPECT_EQ(out[0].rule->id, "c.any");
  out.clear();
  m->Match(Text("boom bang", Source::kXen), &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rule->id, "b.xen");
  EXPECT_EQ(out[1].rule->id, "c.any");
}

TEST(Matcher, PatternVectorscanRejectsStillMatchesThroughRe2) {
  // Vectorscan refuses code points above \xff; the rule must still work.
  auto m = Build(R"(
[[rule]]
id = "u.wide"
severity = "info"
source = "any"
pattern = '''caf[\x{e9}\x{100}]'''
summary = "s"
  [[rule.example]]
  line = "café"
)");
  EXPECT_EQ(m->always_candidates(), 1u);
  std::vector<RuleMatch> out;
  m->Match(Text("a café"), &out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(Matcher, PatternRe2RejectsMatchesNothing) {
  // rule_file.h rejects such rules; a caller that builds rules by hand gets no match, no crash.
  Rule bad;
  bad.id = "bad";
  bad.patterns = {"(unclosed", "fine (?P<n>\\d+)"};
  std::vector<Rule> rules = {bad};
  std::unique_ptr<Matcher> m;
  ASSERT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
  std::vector<RuleMatch> out;
  m->Match(Text("(unclosed"), &out);
  EXPECT_TRUE(out.empty());
  m->Match(Text("fine 7"), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(FieldValue(out[0].fields, "n"), "7");
}

TEST(Matcher, HostileBytesDoNotMatchOrCrash) {
  auto m = Build(kRules);
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1103515245 + 12345;
    junk.push_back(static_cast<char>(x >> 24));
  }
  std::vector<RuleMatch> out;
  m->Match(Text(junk + "\xff\xfe new 5"), &out);
  m->Match(Text(std::string("new \0 9", 7)), &out);
  EXPECT_TRUE(out.empty());
}

// `exclude` and `continuation` patterns are compiled on their rule's first use; they apply as
// before, and one RE2 rejects (only a forged cache entry can carry one: rule files are checked)
// matches nothing instead of failing the build.
TEST(Matcher, ExcludeAndContinuationCompiledOnFirstUse) {
  constexpr char kLinked[] = R"(
[[rule]]
id = "d.fail"
severity = "error"
source = "kernel"
pattern = '''^disk (?P<dev>\w+) failed'''
exclude = ['''failed \(simulated\)''']
continuation = '''^\s+sector'''
summary = "s"
  [[rule.example]]
  line = "disk sda failed now"
  fields = { dev = "sda" }
)";
  auto m = Build(kLinked);
  std::vector<RuleMatch> out;
  m->Match(Text("disk sda failed (simulated)"), &out);
  EXPECT_TRUE(out.empty());
  m->Match(Text("disk sda failed now"), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(m->Continues(*out[0].rule, Text("   sector 12")));
  EXPECT_FALSE(m->Continues(*out[0].rule, Text("disk sdb failed")));

  std::vector<Rule> rules;
  ASSERT_FALSE(ParseRuleFile(kLinked, "t.toml", &rules));
  rules[0].exclude = {"(unclosed"};
  rules[0].continuation = "[z-a]";
  std::unique_ptr<Matcher> broken;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &broken));
  out.clear();
  broken->Match(Text("disk sda failed (simulated)"), &out);
  ASSERT_EQ(out.size(), 1u);  // the exclude that does not compile excludes nothing
  EXPECT_FALSE(broken->Continues(*out[0].rule, Text("   sector 12")));
}

}  // namespace
}  // namespace kdiag
