#include "analyzer/correlate/event_assembler.h"

#include <gtest/gtest.h>

#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

constexpr char kRules[] = R"(
[[rule]]
id = "t.multi"
severity = "warning"
source = "kernel"
pattern = '''^head (?P<n>\d)'''
summary = "s"
continuation = '''^(?:1\) one|2\) two)'''
continuation_lines = 2
  [[rule.example]]
  line = "head 1"
  fields = { n = "1" }
[[rule]]
id = "t.other"
severity = "info"
source = "kernel"
pattern = '''^other'''
summary = "s"
  [[rule.example]]
  line = "other"
)";

class AssemblerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Rule> rules;
    ASSERT_FALSE(ParseRuleFile(kRules, "t.toml", &rules));
    ASSERT_FALSE(Matcher::Build(std::move(rules), &matcher_));
  }
  std::vector<Event> Run(const std::vector<std::string>& lines) {
    EventAssembler a(matcher_.get());
    std::vector<Event> events;
    EventSink sink = [&](Event&& e) { events.push_back(std::move(e)); };
    uint64_t n = 0;
    for (const std::string& l : lines) {
      Record r;
      r.text = l;
      r.line = ++n;
      a.Add(r, sink);
    }
    a.Flush(sink);
    return events;
  }
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(AssemblerTest, ConsumesContinuationLinesIntoOneEvent) {
  auto ev = Run({"head 1", "1) one", "2) two", "other"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rule->id, "t.multi");
  EXPECT_EQ(ev[0].continuation, 2);
  EXPECT_EQ(ev[0].record.text, "head 1\n1) one\n2) two");
  EXPECT_EQ(ev[0].record.line_count, 3u);
  EXPECT_EQ(ev[1].rule->id, "t.other");
  EXPECT_EQ(ev[1].record.line, 4u);
}

TEST_F(AssemblerTest, StopsAtTheLimitAndAtUnrelatedLines) {
  auto ev = Run({"head 1", "1) one", "2) two", "1) one", "head 2", "other", "1) one"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].continuation, 2);  // the third "1) one" is past the limit
  EXPECT_EQ(ev[1].continuation, 0);  // "other" interrupts
  EXPECT_EQ(ev[1].fields, (Fields{{"n", "2"}}));
}

TEST_F(AssemblerTest, OpenEventLeavesAtFlushInOrder) {
  auto ev = Run({"other", "head 3"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rule->id, "t.other");
  EXPECT_EQ(ev[1].rule->id, "t.multi");
}

}  // namespace
}  // namespace kdiag
