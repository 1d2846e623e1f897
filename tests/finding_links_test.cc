// FindingLinks ([[rule.merge]]): two events of two rules that are one problem make one finding,
// and each stays an event of its own rule.
#include "analyzer/correlate/finding_links.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"
#include "analyzer/remedy/advice.h"

namespace kdiag {
namespace {

class EventCollector : public PipelineObserver {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  std::vector<Event> events;
};

struct Analysis {
  std::vector<Event> events;
  std::vector<Finding> findings;  // with advice
};

Analysis Analyze(Matcher* matcher, std::string_view text) {
  EventCollector collector;
  Pipeline pipeline(matcher, &collector);
  pipeline.ReadText(text, "xl-dmesg.log");
  std::vector<Finding*> found = pipeline.Findings();
  Advise(pipeline.inventory(), EraOf(pipeline.platform()), found);
  Analysis a;
  a.events = collector.events;
  for (const Finding* f : found) a.findings.push_back(*f);
  return a;
}

Matcher* Shipped() {
  static std::unique_ptr<Matcher> matcher = [] {
    std::vector<Rule> rules;
    auto err = LoadEmbeddedRules(&rules);
    EXPECT_FALSE(err) << err->ToString();
    EXPECT_FALSE(CheckUniqueIds(rules));
    std::unique_ptr<Matcher> m;
    EXPECT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
    return m;
  }();
  return matcher.get();
}

std::unique_ptr<Matcher> Build(const std::string& toml) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(toml, "t.toml", &rules);
  EXPECT_FALSE(err) << err->ToString();
  err = CheckUniqueIds(rules);
  EXPECT_FALSE(err) << err->ToString();
  std::unique_ptr<Matcher> m;
  EXPECT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
  return m;
}

std::vector<std::string> RuleIds(const std::vector<Event>& events) {
  std::vector<std::string> ids;
  for (const Event& e : events) ids.push_back(e.rule->id);
  return ids;
}

// Xen 3.4.0 (xen/arch/x86/mm.c: the MEM_LOG calls end on lines 804 and 4190).
constexpr char kBadMfn[] =
    "(XEN) mm.c:804:d10 Error getting mfn 9be78 (pfn a4e78) from L1 entry 000000009be78025 for "
    "dom10\n";
constexpr char kFixup[] =
    "(XEN) mm.c:4190:d10 ptwr_emulate: fixing up invalid PAE PTE 000000009be78025\n";

TEST(FindingLinks, PaeFixupAfterBadMfnIsOneFindingAndTwoEvents) {
  Analysis a = Analyze(Shipped(), std::string(kBadMfn) + kFixup);
  EXPECT_EQ(RuleIds(a.events),
            (std::vector<std::string>{"xen.mm.bad_mfn", "xen.mm.pae_pte_fixup"}));
  ASSERT_EQ(a.findings.size(), 1u);
  const Finding& f = a.findings[0];
  EXPECT_EQ(f.rule->id, "xen.mm.pae_pte_fixup");
  EXPECT_EQ(f.count, 1u);
  ASSERT_EQ(f.merged.size(), 1u);
  EXPECT_EQ(f.merged[0].rule, "xen.mm.bad_mfn");
  EXPECT_EQ(f.merged[0].count, 1u);
  EXPECT_EQ(f.merged[0].line, 1u);
  EXPECT_EQ(f.line, 2u);
  // The refused entry's frame numbers come with the merged event.
  EXPECT_EQ(FieldValue(f.fields, "mfn"), "9be78");
  EXPECT_EQ(FieldValue(f.fields, "pte"), "000000009be78025");
  EXPECT_NE(f.advice.find("PAE"), std::string::npos);
}

// The PAE explanation needs the fix-up of the same entry: a fix-up of another entry (or domain)
// leaves the refusal a finding of its own, whose advice does not describe the half-write race.
TEST(FindingLinks, BadMfnWithoutItsFixupIsNotExplainedAsThePaeRace) {
  std::string other_pte =
      "(XEN) mm.c:4190:d10 ptwr_emulate: fixing up invalid PAE PTE 0000000012345025\n";
  std::string other_domain =
      "(XEN) mm.c:4190:d11 ptwr_emulate: fixing up invalid PAE PTE 000000009be78025\n";
  for (const std::string& text : {std::string(kBadMfn), std::string(kBadMfn) + other_pte,
                                  std::string(kBadMfn) + other_domain}) {
    Analysis a = Analyze(Shipped(), text);
    const Finding* lone = nullptr;
    for (const Finding& f : a.findings) {
      EXPECT_TRUE(f.merged.empty()) << text;
      if (f.rule->id == "xen.mm.bad_mfn") lone = &f;
    }
    ASSERT_NE(lone, nullptr) << text;
    EXPECT_EQ(lone->advice.find("two 4-byte writes"), std::string::npos) << lone->advice;
    EXPECT_EQ(lone->advice.find("high half"), std::string::npos) << lone->advice;
  }
}

// Each pair merges once; a third refusal without its fix-up stays alone.
TEST(FindingLinks, PairsFormInInputOrder) {
  std::string text = std::string(kBadMfn) + kFixup + kBadMfn + kFixup + kBadMfn;
  Analysis a = Analyze(Shipped(), text);
  EXPECT_EQ(a.events.size(), 5u);
  ASSERT_EQ(a.findings.size(), 2u);
  const Finding* pair =
      a.findings[0].rule->id == "xen.mm.pae_pte_fixup" ? &a.findings[0] : &a.findings[1];
  const Finding* lone = pair == &a.findings[0] ? &a.findings[1] : &a.findings[0];
  EXPECT_EQ(pair->count, 2u);
  ASSERT_EQ(pair->merged.size(), 1u);
  EXPECT_EQ(pair->merged[0].count, 2u);
  EXPECT_EQ(lone->rule->id, "xen.mm.bad_mfn");
  EXPECT_EQ(lone->count, 1u);
  EXPECT_EQ(lone->line, 5u);
}

constexpr char kLinkedRules[] = R"(
[[rule]]
id = "t.first"
severity = "notice"
source = "any"
pattern = '''^first (?P<dev>\w+) (?P<extra>\w+)'''
summary = "first {dev}"
advice = "first alone"
  [[rule.example]]
  line = "first eth0 x"
  fields = { dev = "eth0", extra = "x" }

[[rule]]
id = "t.second"
severity = "warning"
source = "any"
pattern = '''^second (?P<dev>\w+)'''
summary = "second {dev}"
advice = "second, after its first"
  [[rule.merge]]
  after  = "t.first"
  fields = ["dev"]
  lines  = 3
  seconds = 1.5
  [[rule.example]]
  line = "second eth0"
  fields = { dev = "eth0" }

[[rule]]
id = "t.lead"
severity = "error"
source = "any"
pattern = '''^lead (?P<dev>\w+)'''
summary = "lead {dev}"
  [[rule.merge]]
  before = "t.tail"
  fields = ["dev"]
  lines  = 2
  [[rule.example]]
  line = "lead eth0"
  fields = { dev = "eth0" }

[[rule]]
id = "t.tail"
severity = "info"
source = "any"
pattern = '''^tail (?P<dev>\w+)'''
summary = "tail {dev}"
  [[rule.example]]
  line = "tail eth0"
  fields = { dev = "eth0" }
)";

std::vector<std::string> FindingIds(const Analysis& a) {
  std::vector<std::string> ids;
  for (const Finding& f : a.findings) {
    std::string id = f.rule->id;
    for (const MergedEvents& m : f.merged) id += "+" + m.rule;
    ids.push_back(id);
  }
  return ids;
}

TEST(FindingLinks, WindowInLinesAndSeconds) {
  auto m = Build(kLinkedRules);
  // Within 3 lines: one finding, the owner's, carrying the first's fields too.
  Analysis near = Analyze(m.get(), "first eth0 x\nnoise\nnoise\nsecond eth0\n");
  EXPECT_EQ(FindingIds(near), (std::vector<std::string>{"t.second+t.first"}));
  EXPECT_EQ(FieldValue(near.findings[0].fields, "extra"), "x");
  EXPECT_EQ(near.findings[0].advice, "second, after its first");
  // 4 lines later: too far.
  Analysis far = Analyze(m.get(), "first eth0 x\nnoise\nnoise\nnoise\nsecond eth0\n");
  EXPECT_EQ(FindingIds(far), (std::vector<std::string>{"t.second", "t.first"}));
  EXPECT_EQ(far.findings[1].advice, "first alone");
  // Other fields: no pair.
  Analysis other = Analyze(m.get(), "first eth0 x\nsecond eth1\n");
  EXPECT_EQ(FindingIds(other), (std::vector<std::string>{"t.second", "t.first"}));
  // Near in lines, 2 s apart in kernel time: no pair; 1 s: a pair.
  Analysis slow = Analyze(m.get(), "[    1.000000] first eth0 x\n[    3.000000] second eth0\n");
  EXPECT_EQ(FindingIds(slow), (std::vector<std::string>{"t.second", "t.first"}));
  Analysis quick = Analyze(m.get(), "[    1.000000] first eth0 x\n[    2.000000] second eth0\n");
  EXPECT_EQ(FindingIds(quick), (std::vector<std::string>{"t.second+t.first"}));
  // A second event never pairs with a first of another input.
  EventCollector collector;
  Pipeline p(m.get(), &collector);
  p.ReadText("first eth0 x\n", "a.log");
  p.ReadText("second eth0\n", "b.log");
  std::vector<Finding*> found = p.Findings();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0]->merged.empty());
  EXPECT_TRUE(found[1]->merged.empty());
}

// `before`: the owner's event comes first and waits for the other's.
TEST(FindingLinks, BeforeHoldsTheOwnersEvent) {
  auto m = Build(kLinkedRules);
  Analysis a = Analyze(m.get(), "lead eth0\nnoise\ntail eth0\nlead eth1\n");
  EXPECT_EQ(a.events.size(), 3u);
  EXPECT_EQ(FindingIds(a), (std::vector<std::string>{"t.lead+t.tail", "t.lead"}));
  EXPECT_EQ(a.findings[0].line, 1u);
  EXPECT_EQ(a.findings[0].merged[0].line, 3u);
}

// No shared value: the other event is recognised by values of its own (a NETDEV WATCHDOG line
// and the WARNING in dev_watchdog printed with it).
TEST(FindingLinks, OtherFieldsPickTheOtherEvent) {
  auto m = Build(R"(
[[rule]]
id = "t.watchdog"
severity = "error"
source = "any"
pattern = '''^WATCHDOG: (?P<iface>\w+) timed out'''
summary = "{iface} timed out"
  [[rule.merge]]
  before = "t.warn"
  other_fields = { func = "dev_watchdog" }
  lines = 4
  [[rule.example]]
  line = "WATCHDOG: eth0 timed out"
  fields = { iface = "eth0" }

[[rule]]
id = "t.warn"
severity = "warning"
source = "any"
pattern = '''^WARN at (?P<func>\w+)'''
summary = "warning in {func}"
  [[rule.example]]
  line = "WARN at foo"
  fields = { func = "foo" }
)");
  Analysis a = Analyze(m.get(),
                       "WATCHDOG: eth0 timed out\nWARN at dev_watchdog\nWATCHDOG: eth1 timed out\n"
                       "WARN at other_func\n");
  EXPECT_EQ(FindingIds(a), (std::vector<std::string>{"t.watchdog+t.warn", "t.watchdog", "t.warn"}));
  EXPECT_EQ(FieldValue(a.findings[0].fields, "func"), "dev_watchdog");
  EXPECT_EQ(FieldValue(a.findings[2].fields, "func"), "other_func");
}

TEST(FindingLinks, RuleFileErrorsNameTheMergeTable) {
  auto check = [](const std::string& merge, const std::string& expected) {
    std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.bad"
severity = "info"
source = "any"
pattern = '''^bad (?P<dev>\w+)'''
summary = "bad {dev}"
)" + merge + R"(
  [[rule.example]]
  line = "bad eth0"
  fields = { dev = "eth0" }
)";
    std::vector<Rule> rules;
    auto err = ParseRuleFile(toml, "t.toml", &rules);
    if (!err) err = CheckUniqueIds(rules);
    ASSERT_TRUE(err) << merge;
    EXPECT_EQ(err->ToString(), expected) << merge;
  };
  // kLinkedRules ends on line 50; t.bad's [[rule.merge]] starts on line 59.
  check("  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"dev\"]\n",
        "t.toml:59:3: [[rule.merge]] is missing required key 'lines'");
  check("  [[rule.merge]]\n  after = \"t.first\"\n  lines = 2\n",
        "t.toml:59:3: [[rule.merge]] needs 'fields' or 'other_fields' (what ties the two events)");
  check("  [[rule.merge]]\n  after = \"t.first\"\n  other_fields = { extra = 1 }\n  lines = 2\n",
        "t.toml:61:28: merge 'other_fields' values must be strings");
  check("  [[rule.merge]]\n  after = \"t.tail\"\n  other_fields = { extra = \"x\" }\n  lines = 2\n",
        "t.toml:59:3: merge field 'extra' is not a named capture of rule 't.tail'");
  check(
      "  [[rule.merge]]\n  after = \"t.first\"\n  before = \"t.tail\"\n  fields = [\"dev\"]\n  "
      "lines = 2\n",
      "t.toml:59:3: [[rule.merge]] needs exactly one of 'after' or 'before' (the other rule's id)");
  check("  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"nope\"]\n  lines = 2\n",
        "t.toml:61:12: merge field 'nope' is not a named capture of the pattern");
  check("  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"dev\"]\n  lines = 0\n",
        "t.toml:62:11: merge 'lines' must be an integer 1..100000");
  check(
      "  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"dev\"]\n  lines = 2\n  window = 3\n",
      "t.toml:63:12: unknown key 'window' in [[rule.merge]]");
  check("  [[rule.merge]]\n  after = \"t.missing\"\n  fields = [\"dev\"]\n  lines = 2\n",
        "t.toml:59:3: merge names unknown rule 't.missing'");
  check(
      "  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"dev\"]\n  lines = 2\n  seconds = "
      "-1\n",
      "t.toml:63:13: merge 'seconds' must be a number in (0, 86400]");
}

TEST(FindingLinks, OtherRuleMustCaptureTheFields) {
  std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.wide"
severity = "info"
source = "any"
pattern = '''^wide (?P<dev>\w+) (?P<extra>\w+)'''
summary = "wide {dev}"
  [[rule.merge]]
  after = "t.tail"
  fields = ["dev", "extra"]
  lines = 2
  [[rule.example]]
  line = "wide eth0 x"
  fields = { dev = "eth0", extra = "x" }
)";
  std::vector<Rule> rules;
  ASSERT_FALSE(ParseRuleFile(toml, "t.toml", &rules));
  auto err = CheckUniqueIds(rules);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(),
            "t.toml:59:3: merge field 'extra' is not a named capture of rule 't.tail'");
}

}  // namespace
}  // namespace kdiag
