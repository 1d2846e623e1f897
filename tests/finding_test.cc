// FindingTable: de-duplication, and what a rule reload does to the findings it holds.
#include <gtest/gtest.h>

#include <memory>

#include "analyzer/correlate/finding.h"

namespace kdiag {
namespace {

Rule MakeRule(const std::string& id, Severity severity) {
  Rule r;
  r.id = id;
  r.severity = severity;
  r.summary = id + " in {dev}";
  return r;
}

Event MakeEvent(const Rule* rule, const std::string& dev, uint64_t line) {
  Event e;
  e.rule = rule;
  e.record.input = "kern.log";
  e.record.line = line;
  e.record.text = rule->id + " " + dev;
  e.fields = {{"dev", dev}};
  return e;
}

TEST(FindingTable, CountsEventsOfOneRuleAndKey) {
  Rule r = MakeRule("t.a", Severity::kWarning);
  FindingTable table;
  table.Add(MakeEvent(&r, "sda", 1));
  table.Add(MakeEvent(&r, "sda", 2));
  table.Add(MakeEvent(&r, "sdb", 3));
  std::vector<Finding*> found = table.Sorted();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->count, 2u);
  EXPECT_EQ(found[0]->last_line, 2u);
  EXPECT_EQ(found[0]->summary, "t.a in sda");
  EXPECT_EQ(found[1]->count, 1u);
}

// A reload replaces the rule set the findings point at; the old one is freed (the sidecar keeps
// only the rules the input started with and the last ones). Findings of a rule that is still
// there follow its new definition; findings of a removed rule keep a copy of theirs. Under ASan a
// finding left pointing at freed rules fails here.
TEST(FindingTable, RebindMovesFindingsOffRulesThatAreFreed) {
  FindingTable table;
  auto v1 = std::make_unique<std::vector<Rule>>();
  v1->push_back(MakeRule("t.kept", Severity::kInfo));
  v1->push_back(MakeRule("t.removed", Severity::kError));
  table.Add(MakeEvent(&(*v1)[0], "sda", 1));
  table.Add(MakeEvent(&(*v1)[1], "sdb", 2));
  table.Add(MakeEvent(&(*v1)[1], "sdc", 3));

  auto v2 = std::make_unique<std::vector<Rule>>();
  v2->push_back(MakeRule("t.kept", Severity::kCritical));  // now more severe
  table.Rebind(*v2);
  v1.reset();
  auto v3 = std::make_unique<std::vector<Rule>>(*v2);  // a second reload, still without t.removed
  table.Rebind(*v3);
  v2.reset();
  table.Add(MakeEvent(&(*v3)[0], "sda", 4));

  std::vector<Finding*> found = table.Sorted();
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0]->rule, &(*v3)[0]);  // critical first
  EXPECT_EQ(found[0]->count, 2u);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(found[i]->rule->id, "t.removed");
    EXPECT_EQ(found[i]->rule->severity, Severity::kError);
    EXPECT_EQ(found[i]->rule->summary, "t.removed in {dev}");
  }
  EXPECT_EQ(found[1]->rule, found[2]->rule);  // one copy per retired rule

  // The rule comes back: its findings follow it, and the copy is dropped.
  auto v4 = std::make_unique<std::vector<Rule>>();
  v4->push_back(MakeRule("t.removed", Severity::kNotice));
  table.Rebind(*v4);
  v3.reset();
  found = table.Sorted();
  ASSERT_EQ(found.size(), 3u);
  for (const Finding* f : found) {
    if (f->rule->id == "t.removed") {
      EXPECT_EQ(f->rule, &(*v4)[0]);
    } else {
      EXPECT_EQ(f->rule->severity, Severity::kCritical);  // kept as a copy now
    }
  }
}

}  // namespace
}  // namespace kdiag
