#include "analyzer/match/rule_file.h"

#include <gtest/gtest.h>

#include "analyzer/match/matcher.h"

namespace kdiag {
namespace {

constexpr char kGood[] = R"(
[[rule]]
id = "t.one"
severity = "warning"
source = "kernel"
pattern = '''^hello (?P<who>\w+)'''
summary = "hello {who}"
  [[rule.example]]
  line = "hello world"
  fields = { who = "world" }
)";

std::optional<Error> Parse(const std::string& text, std::vector<Rule>* rules) {
  return ParseRuleFile(text, "t.toml", rules);
}

TEST(RuleFile, ParsesAGoodRule) {
  std::vector<Rule> rules;
  ASSERT_FALSE(Parse(kGood, &rules));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].id, "t.one");
  EXPECT_EQ(rules[0].severity, Severity::kWarning);
  ASSERT_TRUE(rules[0].source);
  EXPECT_EQ(*rules[0].source, Source::kKernel);
  ASSERT_EQ(rules[0].examples.size(), 1u);
  EXPECT_EQ(rules[0].examples[0].fields, (Fields{{"who", "world"}}));
  EXPECT_EQ(rules[0].where.line, 2u);
}

TEST(RuleFile, TomlSyntaxErrorHasLineAndColumn) {
  std::vector<Rule> rules;
  auto err = Parse("[[rule]]\nid = \"x\n", &rules);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->where.name, "t.toml");
  EXPECT_EQ(err->where.line, 2u);
  EXPECT_GT(err->where.column, 0u);
  EXPECT_EQ(err->ToString().rfind("t.toml:2:", 0), 0u) << err->ToString();
}

TEST(RuleFile, BadRegexPointsAtPattern) {
  std::string text = kGood;
  text.replace(text.find("(?P<who>\\w+)"), 12, "(?P<who>\\w+");
  std::vector<Rule> rules;
  auto err = Parse(text, &rules);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->where.line, 6u) << err->ToString();
  EXPECT_NE(err->message.find("not a valid RE2 pattern"), std::string::npos);
}

TEST(RuleFile, RejectsWhatWouldSilentlyDoNothing) {
  struct Case {
    std::string from, to, expect;
  } cases[] = {
      {"severity = \"warning\"", "severity = \"loud\"", "severity must be"},
      {"source = \"kernel\"", "source = \"dom0\"", "source must be"},
      {"summary = ", "summery = ", "unknown key 'summery'"},
      {"fields = { who = \"world\" }", "fields = { whom = \"world\" }", "not a named capture"},
      {"id = \"t.one\"", "id = \"T One\"", "must be [a-z0-9_.-]+"},
      {"  [[rule.example]]\n  line = \"hello world\"\n  fields = { who = \"world\" }\n", "",
       "needs at least one"},
  };
  for (const Case& c : cases) {
    std::string text = kGood;
    size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    std::vector<Rule> rules;
    auto err = Parse(text, &rules);
    ASSERT_TRUE(err) << c.expect;
    EXPECT_NE(err->message.find(c.expect), std::string::npos) << err->ToString();
    EXPECT_GT(err->where.line, 0u);
  }
}

TEST(RuleFile, PatternVariantsAndDuplicateIds) {
  std::vector<Rule> rules;
  ASSERT_FALSE(Parse(kGood, &rules));
  ASSERT_FALSE(Parse(kGood, &rules));
  auto err = CheckUniqueIds(rules);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("duplicate rule id 't.one'"), std::string::npos);

  std::vector<Rule> variants;
  std::string v = kGood;
  v.replace(v.find("pattern = '''^hello (?P<who>\\w+)'''"), 35,
            "pattern = ['''^hello (?P<who>\\w+)''', '''^hi (?P<who>\\w+)''']");
  ASSERT_FALSE(Parse(v, &variants)) << v;
  EXPECT_EQ(variants[0].patterns.size(), 2u);
}

// Every embedded pattern compiles and every capture a rule names exists: what lets kdiag's
// analysis trust the embedded rules instead of compiling them at each start (PatternChecks).
TEST(RuleFile, EmbeddedRulesPassEveryCheck) {
  std::vector<Rule> rules;
  auto err = LoadEmbeddedRules(&rules, PatternChecks::kCompile);
  ASSERT_FALSE(err) << err->ToString();
  EXPECT_FALSE(CheckUniqueIds(rules));
  EXPECT_GT(rules.size(), 10u);
}

// Trusting the embedded rules changes what is checked, never what is loaded.
TEST(RuleFile, TrustedEmbeddedRulesAreTheCompiledOnes) {
  std::vector<Rule> compiled, trusted;
  ASSERT_FALSE(LoadEmbeddedRules(&compiled, PatternChecks::kCompile));
  ASSERT_FALSE(LoadEmbeddedRules(&trusted, PatternChecks::kTrusted));
  ASSERT_EQ(compiled.size(), trusted.size());
  for (size_t i = 0; i < compiled.size(); ++i) {
    EXPECT_EQ(compiled[i].id, trusted[i].id);
    EXPECT_EQ(compiled[i].patterns, trusted[i].patterns);
    EXPECT_EQ(compiled[i].summary, trusted[i].summary);
    EXPECT_EQ(compiled[i].key, trusted[i].key);
    EXPECT_EQ(compiled[i].examples.size(), trusted[i].examples.size());
    EXPECT_EQ(compiled[i].crash.has_value(), trusted[i].crash.has_value());
  }
}

// Which is why only the binary's own rules are trusted: a pattern RE2 rejects, or a summary naming
// a capture the pattern lacks, passes unnoticed without the compile.
TEST(RuleFile, OnlyCompiledChecksCatchBadPatternsAndCaptures) {
  for (const char* body :
       {"pattern = '''^a(b'''\nsummary = 's'", "pattern = '''^a(?P<x>b)'''\nsummary = '{y}'"}) {
    std::string text =
        std::string("[[rule]]\nid = 't.x'\nseverity = 'error'\nsource = 'kernel'\n") + body +
        "\n[[rule.example]]\nline = 'ab'\n";
    std::vector<Rule> rules;
    EXPECT_TRUE(ParseRuleFile(text, "t.toml", &rules, PatternChecks::kCompile)) << body;
    rules.clear();
    EXPECT_FALSE(ParseRuleFile(text, "t.toml", &rules, PatternChecks::kTrusted)) << body;
  }
}

TEST(RuleTemplate, RipgrepPatternDropsAnchorAndGroupNames) {
  EXPECT_EQ(RipgrepPattern(R"(^pciback (?P<bdf>[0-9a-f]{4}): (?:x)?(?P<n>\d+))"),
            R"(pciback ([0-9a-f]{4}): (?:x)?(\d+))");
  // Escapes and character classes are not groups.
  EXPECT_EQ(RipgrepPattern(R"(a\(?P<x>b[(?P<]c)"), R"(a\(?P<x>b[(?P<]c)");
  EXPECT_EQ(RipgrepPattern(R"([]^(?P<y>z)])"), R"([]^(?P<y>z)])");
}

TEST(RuleTemplate, Expands) {
  Fields f{{"bdf", "0000:13:04.0"}};
  EXPECT_EQ(ExpandTemplate("dev {bdf} {{x}} {missing}", f), "dev 0000:13:04.0 {x} ");
  EXPECT_EQ(ExpandTemplate("open {bdf", f), "open {bdf");
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

std::string WithCrash(const std::string& crash, const std::string& example_extra = "") {
  return R"(
[[rule]]
id = "t.crash"
severity = "critical"
source = "kernel"
pattern = '''^BUG: (?P<what>\w+)'''
summary = "s"
  [rule.crash]
)" + crash +
         R"(
  [[rule.example]]
  line = "BUG: x"
  fields = { what = "x" }
)" + example_extra;
}

TEST(RuleFileCrash, ReadsTheCrashTable) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(WithCrash("type = \"BUG\"\ntitle = \"BUG: {what} in {frame}\"\n"
                                     "capture = ['''^(?P<access>Read|Write)''']\nsecondary = true"),
                           "t.toml", &rules);
  ASSERT_FALSE(err) << err->ToString();
  ASSERT_TRUE(rules[0].crash);
  EXPECT_EQ(rules[0].crash->type, "BUG");
  EXPECT_TRUE(rules[0].crash->secondary);
  EXPECT_EQ(rules[0].crash->frames, (std::vector<std::string>{"rip", "stack"}));  // the default
}

TEST(RuleFileCrash, RejectsWhatCannotWork) {
  struct Case {
    std::string crash, message;
  } cases[] = {
      {"title = \"t\"", "missing required key 'type'"},
      {"type = \"BUG\"\ntitle = \"t\"\nframes = [\"heap\"]", "frames entries are"},
      {"type = \"BUG\"\ntitle = \"t\"\nframes = ['line:(?P<fn>x)']", "(?P<frame>...)"},
      {"type = \"BUG\"\ntitle = \"t\"\nframes = [\"field:nope\"]", "names no capture"},
      {"type = \"BUG\"\ntitle = \"t\"\nskip = '''(x'''", "skip is not a valid RE2"},
      {"type = \"BUG\"\ntitle = \"t\"\ncolour = 1", "unknown key 'colour'"},
      {"type = \"BUG\"\ntitle = \"t\"\nend = '''(x'''", "end is not a valid RE2"},
      {"type = \"BUG\"\ntitle = \"t\"\nyields = \"t.other\"", "yields"},
  };
  for (const Case& c : cases) {
    std::vector<Rule> rules;
    auto err = ParseRuleFile(WithCrash(c.crash), "t.toml", &rules);
    ASSERT_TRUE(err) << c.crash;
    EXPECT_NE(err->message.find(c.message), std::string::npos) << err->ToString();
    EXPECT_GT(err->where.line, 0u);
  }
}

TEST(RuleFileCrash, AbsorbsMustNameARule) {
  std::vector<Rule> rules;
  ASSERT_FALSE(ParseRuleFile(
      WithCrash("type = \"BUG\"\ntitle = \"t\"\nabsorbs = [\"no.such.rule\"]"), "t.toml", &rules));
  auto err = CheckUniqueIds(rules);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("no.such.rule"), std::string::npos);
}

TEST(RuleFileCrash, YieldsMustNameARule) {
  std::vector<Rule> rules;
  ASSERT_FALSE(ParseRuleFile(
      WithCrash("type = \"BUG\"\ntitle = \"t\"\nyields = [\"no.such.rule\"]"), "t.toml", &rules));
  auto err = CheckUniqueIds(rules);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("'yields' names unknown rule 'no.such.rule'"), std::string::npos);
}

TEST(RuleFileCrash, ExcludeIsCheckedAndApplied) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(R"(
[[rule]]
id = "t.bug"
severity = "critical"
source = "kernel"
pattern = '''^BUG: (?P<what>\w+)'''
exclude = ['''^BUG: KASAN''']
summary = "s"
not = ["BUG: KASAN: use-after-free"]
  [[rule.example]]
  line = "BUG: x"
  fields = { what = "x" }
)",
                           "t.toml", &rules);
  ASSERT_FALSE(err) << err->ToString();
  std::unique_ptr<Matcher> m;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &m));
  std::vector<RuleMatch> out;
  Record r;
  r.text = "BUG: KASAN: use-after-free";
  m->Match(r, &out);
  EXPECT_TRUE(out.empty());
  r.text = "BUG: spinlock";
  m->Match(r, &out);
  EXPECT_EQ(out.size(), 1u);
}

TEST(RuleFileCrash, ExampleTitleNeedsACrashRule) {
  std::vector<Rule> rules;
  std::string text = kGood;
  text.insert(text.find("  fields = { who"), "  title = \"x\"\n");
  auto err = ParseRuleFile(text, "t.toml", &rules);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("no [rule.crash]"), std::string::npos) << err->ToString();
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

TEST(RuleFile, PlaceholdersMustNameCaptures) {
  std::vector<Rule> rules;
  std::string text = kGood;
  text.replace(text.find("hello {who}\""), 12, "hello {whom}\"");
  auto err = ParseRuleFile(text, "t.toml", &rules);
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("{whom}"), std::string::npos) << err->ToString();
  EXPECT_GT(err->where.line, 0u);
  std::string literal = kGood;
  literal.replace(literal.find("hello {who}\""), 12, "hello {{x}} {who}\"");
  EXPECT_FALSE(ParseRuleFile(literal, "t.toml", &rules));
}

}  // namespace
}  // namespace kdiag
