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

namespace kdiag {
namespace {

// A guest can write lines of any length: what a finding keeps is bounded, whatever the event held.
TEST(FindingTable, KeepsBoundedCopiesOfWhatAFindingShows) {
  Rule r = MakeRule("t.long", Severity::kWarning);
  std::string name(60000, 'a');
  Event e = MakeEvent(&r, name, 1);
  e.record.text = std::string(1 << 20, 'x');
  e.crash.emplace();
  e.crash->title = "WARNING in " + name;
  e.crash->frame = name;
  e.crash->frames = {name, name};
  FindingTable table;
  table.Add(e);
  table.Add(e);  // the same finding: the bounded key still identifies it
  std::vector<Finding*> found = table.Sorted();
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = *found[0];
  EXPECT_EQ(f.count, 2u);
  EXPECT_LE(f.fields[0].second.size(), FindingTable::kStoredField);
  EXPECT_EQ(f.fields[0].second.substr(f.fields[0].second.size() - 3), "\xe2\x80\xa6");
  EXPECT_LE(f.message.size(), FindingTable::kStoredMessage);
  EXPECT_LE(f.summary.size(), FindingTable::kStoredMessage);
  EXPECT_LE(f.crash->title.size(), FindingTable::kStoredField);
  EXPECT_LE(f.crash->frame.size(), FindingTable::kStoredFrame);
  EXPECT_EQ(f.crash->frames[0], f.crash->frame);  // cut alike, so the report still finds it
  EXPECT_LT(table.bytes(), 64u * 1024);
}

TEST(FindingTable, CutsAtACharacterBoundary) {
  Rule r = MakeRule("t.utf8", Severity::kInfo);
  std::string value;
  while (value.size() < 2 * FindingTable::kStoredField) value += "\xc3\xa9";  // é
  FindingTable table;
  table.Add(MakeEvent(&r, value, 1));
  const std::string& kept = table.Sorted()[0]->fields[0].second;
  std::string body = kept.substr(0, kept.size() - 3);
  EXPECT_EQ(body.size() % 2, 0u) << "a two-byte character was cut in half";
}

// The cap is a memory budget (like RE2's max_mem), not only a count: past it, new findings are
// counted as dropped and the table stops growing.
TEST(FindingTable, StopsGrowingAtItsMemoryBudget) {
  Rule r = MakeRule("t.many", Severity::kInfo);
  FindingTable table(1000000, 256 * 1024);
  for (int i = 0; i < 10000; ++i) {
    Event e = MakeEvent(&r, "dev" + std::to_string(i), i);
    e.record.text = std::string(4000, 'm');
    table.Add(e);
  }
  EXPECT_GT(table.dropped(), 0u);
  EXPECT_LT(table.size(), 10000u);
  EXPECT_LE(table.bytes(), 256u * 1024 + 16 * 1024);
  // Findings already kept still count their events.
  Event again = MakeEvent(&r, "dev0", 99999);
  table.Add(again);
  for (Finding* f : table.Sorted()) {
    if (f->fields[0].second == "dev0") {
      EXPECT_EQ(f->count, 2u);
    }
  }
}

}  // namespace
}  // namespace kdiag
