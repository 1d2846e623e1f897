// CrashAnalyzer compiles a crash rule's patterns on the rule's first report, not when it is built
// (crash_report.h): most runs see no report of most crash rules. What it finds is the same.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analyzer/correlate/crash_report.h"
#include "analyzer/correlate/event.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

std::vector<Rule> ShippedRules() {
  std::vector<Rule> rules;
  EXPECT_FALSE(LoadEmbeddedRules(&rules, PatternChecks::kTrusted));
  return rules;
}

// A crash rule of the shipped set with an `end` pattern and a crash example.
const Rule* CrashRuleWithEnd(const std::vector<Rule>& rules) {
  for (const Rule& r : rules) {
    if (r.crash && !r.crash->end.empty() && !r.examples.empty()) return &r;
  }
  return nullptr;
}

Event Analyzed(const CrashAnalyzer& analyzer, const Rule& rule) {
  Event e;
  e.rule = &rule;
  std::vector<std::string_view> lines = {rule.examples[0].line, "RIP: 0010:foo_bar+0x1/0x2",
                                         "Call Trace:", " foo_baz+0x10/0x20", " bar_qux+0x3/0x4"};
  analyzer.Analyze(lines, &e);
  return e;
}

TEST(CrashAnalyzerLazy, CompilesNothingUntilAReport) {
  std::vector<Rule> rules = ShippedRules();
  const Rule* rule = CrashRuleWithEnd(rules);
  ASSERT_NE(rule, nullptr);
  CrashAnalyzer analyzer(rules);
  EXPECT_EQ(analyzer.compiled_rules(), 0u);
  analyzer.Ends(*rule, "no end here");
  EXPECT_EQ(analyzer.compiled_rules(), 1u);
  Event first = Analyzed(analyzer, *rule);
  EXPECT_EQ(analyzer.compiled_rules(), 1u);  // once per rule
  ASSERT_TRUE(first.crash.has_value());
  // A rule that is no crash rule compiles nothing.
  for (const Rule& r : rules) {
    if (r.crash) continue;
    EXPECT_FALSE(analyzer.Ends(r, "x"));
    break;
  }
  EXPECT_EQ(analyzer.compiled_rules(), 1u);
}

// Threads that meet one rule's first report at once compile it once and agree.
TEST(CrashAnalyzerLazy, FirstUseFromSeveralThreads) {
  std::vector<Rule> rules = ShippedRules();
  const Rule* rule = CrashRuleWithEnd(rules);
  ASSERT_NE(rule, nullptr);
  CrashAnalyzer reference(rules);
  Event expected = Analyzed(reference, *rule);
  CrashAnalyzer analyzer(rules);
  std::vector<Event> got(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&analyzer, &got, rule, i] { got[i] = Analyzed(analyzer, *rule); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(analyzer.compiled_rules(), 1u);
  for (const Event& e : got) {
    ASSERT_TRUE(e.crash.has_value());
    EXPECT_EQ(e.crash->title, expected.crash->title);
    EXPECT_EQ(e.fields, expected.fields);
  }
}

}  // namespace
}  // namespace kdiag
