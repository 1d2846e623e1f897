// Crash reports through the EventAssembler: which lines join a report, where it ends, how
// interleaved tasks and other events are ordered, and the title the rule's [rule.crash] derives.
#include <gtest/gtest.h>

#include "analyzer/correlate/crash_report.h"
#include "analyzer/correlate/event_assembler.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

constexpr char kRules[] = R"(
[[rule]]
id = "t.warn"
severity = "warning"
source = "kernel"
pattern = '''^WARNING: at (?P<func>\w+)'''
summary = "s"
  [rule.crash]
  type = "WARNING"
  title = "WARNING in {frame}"
  frames = ["field:func", "stack"]
  [[rule.example]]
  line = "WARNING: at foo"
  fields = { func = "foo" }
[[rule]]
id = "t.kasan"
severity = "critical"
source = "kernel"
pattern = '''^BUG: KASAN: (?P<kind>[a-z-]+) in'''
summary = "s"
  [rule.crash]
  type = "KASAN"
  title = "KASAN: {kind} {access} in {frame} at 0x1234 after 17 s"
  capture = ['''^(?P<access>Read|Write) of size''']
  [[rule.example]]
  line = "BUG: KASAN: use-after-free in x"
  fields = { kind = "use-after-free" }
[[rule]]
id = "t.panic"
severity = "critical"
source = "kernel"
pattern = '''^Kernel panic - not syncing: (?P<reason>.*)'''
summary = "s"
  [rule.crash]
  type = "PANIC"
  title = "kernel panic: {reason}"
  secondary = true
  [[rule.example]]
  line = "Kernel panic - not syncing: x"
  fields = { reason = "x" }
[[rule]]
id = "t.dump"
severity = "info"
source = "kernel"
pattern = '''^DUMP'''
summary = "s"
  [rule.crash]
  type = "DUMP"
  title = "dump in {frame}"
  absorbs = ["t.dump"]
  yields = ["t.xpanic"]
  [[rule.example]]
  line = "DUMP"
[[rule]]
id = "t.xpanic"
severity = "critical"
source = "kernel"
pattern = '''^XPANIC on (?P<cpu>\d+)'''
summary = "s"
  [rule.crash]
  type = "XPANIC"
  title = "xpanic: {message}"
  capture = ['''^(?P<message>[a-z].*)''']
  yields = ["t.xtrap"]
  end = '''^Reboot'''
  [[rule.example]]
  line = "XPANIC on 1"
  fields = { cpu = "1" }
[[rule]]
id = "t.xtrap"
severity = "critical"
source = "kernel"
pattern = '''^XTRAP (?P<trap>\w+)'''
summary = "s"
  [rule.crash]
  type = "XTRAP"
  title = "xtrap {trap} in {frame}"
  end = '''^Reboot'''
  [[rule.example]]
  line = "XTRAP PF"
  fields = { trap = "PF" }
[[rule]]
id = "t.periodic"
severity = "error"
source = "kernel"
pattern = "^PERIODIC"
summary = "s"
  [rule.crash]
  type = "HANG"
  title = "periodic"
  interleaves = true
  [[rule.example]]
  line = "PERIODIC"
[[rule]]
id = "t.other"
severity = "info"
source = "kernel"
pattern = '''^other'''
summary = "s"
  [[rule.example]]
  line = "other"
)";

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Rule> rules;
    auto err = ParseRuleFile(kRules, "t.toml", &rules);
    ASSERT_FALSE(err) << err->ToString();
    ASSERT_FALSE(Matcher::Build(std::move(rules), &matcher_));
  }
  // Lines as "caller|text" (caller may be empty).
  std::vector<Event> Run(const std::vector<std::string>& lines) {
    EventAssembler a(matcher_.get());
    std::vector<Event> events;
    EventSink sink = [&](Event&& e) { events.push_back(std::move(e)); };
    uint64_t n = 0;
    for (const std::string& l : lines) {
      Record r;
      size_t bar = l.find('|');
      r.caller = l.substr(0, bar);
      r.text = l.substr(bar + 1);
      r.line = ++n;
      a.Add(r, sink);
    }
    a.Flush(sink);
    return events;
  }
  std::unique_ptr<Matcher> matcher_;
};

TEST_F(CrashTest, ReportTakesItsLinesUpToTheEndMarker) {
  auto ev = Run({"|WARNING: at dump_stack", "|Call Trace:", "| ? __warn+0x1/0x2",
                 "| mydrv_probe+0x1a/0x20 [mydrv]", "| pci_device_probe+0x1/0x2",
                 "|---[ end trace 0000000000000000 ]---", "|other"});
  ASSERT_EQ(ev.size(), 2u);
  ASSERT_TRUE(ev[0].crash);
  EXPECT_EQ(ev[0].continuation, 5);
  // dump_stack in the header is generic: the first guilty call trace frame is the title's.
  EXPECT_EQ(ev[0].crash->title, "WARNING in mydrv_probe");
  EXPECT_EQ(ev[0].crash->frame, "mydrv_probe");
  EXPECT_EQ(ev[0].crash->type, "WARNING");
  EXPECT_FALSE(ev[0].crash->corrupted);
  EXPECT_EQ(ev[0].crash->frames, (std::vector<std::string>{"mydrv_probe", "pci_device_probe"}));
  EXPECT_NE(ev[0].record.text.find("\n---[ end trace"), std::string::npos);
  EXPECT_EQ(ev[1].rule->id, "t.other");
  EXPECT_FALSE(ev[1].crash);
}

TEST_F(CrashTest, CaptureFieldsAndTitleNormalisation) {
  auto ev = Run({"|BUG: KASAN: use-after-free in x", "|Write of size 8 at addr ffff88 by task a/1",
                 "|Call Trace:", "| kasan_report+0x1/0x2", "| tcp_close+0x1/0x2"});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(FieldValue(ev[0].fields, "access"), "Write");
  EXPECT_EQ(ev[0].crash->title, "KASAN: use-after-free Write in tcp_close at ADDR after NUM s");
}

TEST_F(CrashTest, NoGuiltyFrameIsCorrupted) {
  auto ev = Run({"|WARNING: at __warn", "| kfree+0x1/0x2"});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in corrupted");
  EXPECT_TRUE(ev[0].crash->corrupted);
}

TEST_F(CrashTest, OtherTasksLinesStayOutAndTheirEventsWait) {
  auto ev = Run({"T1|WARNING: at foo", "T2|other", "T1|Call Trace:", "T2| bar+0x1/0x2",
                 "T1| foo+0x1/0x2", "T1|---[ end trace ]---"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rule->id, "t.warn");  // events leave in the order of their first line
  EXPECT_EQ(ev[0].continuation, 3);
  EXPECT_EQ(ev[0].record.text.find("bar"), std::string::npos);
  EXPECT_EQ(ev[1].rule->id, "t.other");
}

TEST_F(CrashTest, NextHeaderEndsAReportButSecondaryLinesJoinIt) {
  auto ev = Run({"|WARNING: at foo", "|Kernel panic - not syncing: panic_on_warn set ...",
                 "|WARNING: at bar", "|---[ end trace ]---", "|Kernel panic - not syncing: x"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo");
  EXPECT_EQ(ev[0].continuation, 1);
  EXPECT_EQ(ev[1].crash->title, "WARNING in bar");
  EXPECT_EQ(ev[2].crash->title, "kernel panic: x");  // alone, a secondary header opens a report
}

TEST_F(CrashTest, ASecondDieCounterIsASecondOops) {
  // die() numbers every oops ("%s: %04lx [#%d]", arch/i386/kernel/traps.c in 2.6.18): an oops line
  // of another number inside an open report starts that oops's own report, even where its fault
  // line is missing; the same number (the oops line after its fault line) stays in the report.
  auto ev = Run({"|WARNING: at foo", "|Kernel panic - not syncing: Oops: 0000 [#1]",
                 "| foo+0x1/0x2", "|Kernel panic - not syncing: Oops: 0000 [#1]",
                 "|Kernel panic - not syncing: Oops: 0002 [#2]", "| bar+0x1/0x2"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo");
  EXPECT_EQ(ev[0].continuation, 3);
  EXPECT_EQ(ev[1].crash->title, "kernel panic: Oops: NUM [#NUM]");
}

TEST_F(CrashTest, ReportsAreBounded) {
  std::vector<std::string> lines = {"|WARNING: at foo"};
  for (int i = 0; i < 10000; ++i) lines.push_back("| f" + std::to_string(i) + "+0x1/0x2");
  auto ev = Run(lines);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].continuation, static_cast<int>(kMaxReportLines));
  EXPECT_LE(ev[0].crash->frames.size(), kMaxCrashFrames);
  EXPECT_LE(ev[0].record.text.size(), kMaxReportBytes + 64 * 1024);
}

TEST_F(CrashTest, AnAssemblerCanBeReplacedWithAnother) {
  // The sidecar swaps in an assembler over reloaded rules (SIGHUP): the crash analysis moves along.
  EventAssembler a(matcher_.get());
  a = EventAssembler(matcher_.get());
  std::vector<Event> events;
  EventSink sink = [&](Event&& e) { events.push_back(std::move(e)); };
  Record r;
  r.text = "WARNING: at foo";
  a.Add(r, sink);
  a.Flush(sink);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].crash->title, "WARNING in foo");
}

TEST(CrashTitle, Normalisation) {
  EXPECT_EQ(NormalizeTitle("kernel panic: VFS: Unable to mount root fs on unknown-block(0,0)"),
            "kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)");
  EXPECT_EQ(NormalizeTitle("  KASAN:  x in ip6_fragment at addr ffff88004ec2c238 "),
            "KASAN: x in ip6_fragment at addr ADDR");
}

TEST_F(CrashTest, ARuleEndPatternEndsTheReportAndKeepsTheLine) {
  auto ev = Run({"|XPANIC on 1", "|things broke", "|Reboot in five seconds...", "|other"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rule->id, "t.xpanic");
  EXPECT_EQ(ev[0].continuation, 2);
  EXPECT_NE(ev[0].record.text.find("\nReboot in five seconds..."), std::string::npos);
  EXPECT_EQ(ev[0].crash->title, "xpanic: things broke");
  EXPECT_EQ(ev[1].rule->id, "t.other");  // after the end, lines are matched on their own again
}

TEST_F(CrashTest, AHeaderTheReportYieldsToTakesItOverWithItsLines) {
  // A register dump, then the panic that names it, then the trap line inside the panic: one report,
  // the trap's, with the dump's frames.
  auto ev = Run(
      {"|DUMP", "|DUMP", "| guilty_fn+0x1/0x2", "|XPANIC on 3", "|XTRAP PF", "|Reboot", "|other"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rule->id, "t.xtrap");
  EXPECT_EQ(ev[0].fields, (Fields{{"trap", "PF"}}));  // the taking header's fields
  EXPECT_EQ(ev[0].continuation, 5);
  EXPECT_EQ(ev[0].record.text.compare(0, 5, "DUMP\n"), 0);
  EXPECT_EQ(ev[0].crash->type, "XTRAP");
  EXPECT_EQ(ev[0].crash->title, "xtrap PF in guilty_fn");
  EXPECT_EQ(ev[1].rule->id, "t.other");
}

TEST_F(CrashTest, CapturesReadTheLinesAfterTheTakingHeader) {
  auto ev = Run({"|DUMP", "|an earlier line", "|XPANIC on 3", "|the panic message", "|Reboot"});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].rule->id, "t.xpanic");
  EXPECT_EQ(FieldValue(ev[0].fields, "cpu"), "3");
  EXPECT_EQ(FieldValue(ev[0].fields, "message"), "the panic message");
}

TEST_F(CrashTest, AHeaderNotYieldedToStillClosesTheReport) {
  auto ev = Run({"|DUMP", "| f+0x1/0x2", "|WARNING: at foo", "|XTRAP GP"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].rule->id, "t.dump");  // t.dump yields to t.xpanic only
  EXPECT_EQ(ev[0].crash->title, "dump in f");
  EXPECT_EQ(ev[1].rule->id, "t.warn");
  EXPECT_EQ(ev[2].rule->id, "t.xtrap");
  EXPECT_TRUE(ev[2].crash->corrupted);
}

TEST_F(CrashTest, AHeaderOfAnotherTaskOpensItsOwnReportBesideTheOpenOne) {
  // syzkaller's findReport leaves lines of another caller id out of a report without ending it:
  // two tasks' reports interleave line by line, and each keeps its own frames.
  auto ev = Run({"T1|WARNING: at __warn", "T2|BUG: KASAN: use-after-free in x",
                 "T1|Call Trace:", "T2|Read of size 4 at addr ffff88 by task a/1",
                 "T1| foo_probe+0x1/0x2", "T2|Call Trace:", "T2| kasan_report+0x1/0x2",
                 "T2| bar_read+0x1/0x2", "T3|other", "T1|---[ end trace ]---"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo_probe");  // in the order of their first lines
  EXPECT_EQ(ev[0].continuation, 3);
  EXPECT_EQ(ev[1].crash->title, "KASAN: use-after-free Read in bar_read at ADDR after NUM s");
  EXPECT_EQ(ev[1].record.text.find("foo_probe"), std::string::npos);
  EXPECT_EQ(ev[2].rule->id, "t.other");
}

TEST_F(CrashTest, ALineWithoutCallerIdGoesToTheNewestReport) {
  auto ev = Run(
      {"T1|WARNING: at __warn", "T2|WARNING: at __warn", "| bar_fn+0x1/0x2", "T1| foo_fn+0x1/0x2"});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo_fn");
  EXPECT_EQ(ev[1].crash->title, "WARNING in bar_fn");
}

TEST_F(CrashTest, TheSameTasksNextHeaderStillEndsItsReport) {
  auto ev = Run({"T1|WARNING: at foo", "T2|WARNING: at bar", "T1|WARNING: at baz"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo");
  EXPECT_EQ(ev[0].continuation, 0);
  EXPECT_EQ(ev[1].crash->title, "WARNING in bar");
  EXPECT_EQ(ev[2].crash->title, "WARNING in baz");
}

TEST_F(CrashTest, AnInterleavingHeaderIsAReportOfItsOwnAndEndsNothing) {
  // syzkaller's reportStartIgnores ("unregister_netdevice: waiting for" inside a hang report).
  auto ev = Run({"|WARNING: at __warn", "|PERIODIC", "| foo_fn+0x1/0x2", "|PERIODIC"});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in foo_fn");
  EXPECT_EQ(ev[0].record.text.find("PERIODIC"), std::string::npos);
  EXPECT_EQ(ev[1].rule->id, "t.periodic");
  EXPECT_EQ(ev[1].crash->title, "periodic");
  EXPECT_EQ(ev[2].rule->id, "t.periodic");
  // With no report open it opens one, and the next one, inside it, is a report of its own.
  auto alone = Run({"|PERIODIC", "|PERIODIC"});
  ASSERT_EQ(alone.size(), 2u);
  EXPECT_TRUE(alone[1].crash);
}

TEST_F(CrashTest, ReportsOfConcurrentTasksAreBounded) {
  std::vector<std::string> lines;
  const size_t tasks = kMaxOpenReports + 4;
  for (size_t t = 0; t < tasks; ++t) {
    lines.push_back("T" + std::to_string(t) + "|WARNING: at f" + std::to_string(t));
  }
  lines.push_back("T0| late_fn+0x1/0x2");  // T0's report has left: this line is no one's
  for (size_t i = 0; i < kMaxHeldEvents + 10; ++i) lines.push_back("T99|other");
  auto ev = Run(lines);
  ASSERT_EQ(ev.size(), tasks + kMaxHeldEvents + 10);
  for (size_t t = 0; t < tasks; ++t) {
    EXPECT_EQ(ev[t].crash->title, "WARNING in f" + std::to_string(t));
  }
  EXPECT_EQ(ev[0].continuation, 0);
}

TEST_F(CrashTest, OtherCpusBacktracesJoinAReportThatAskedForThem) {
  // syzkaller's findReport: after "Sending NMI from CPU", CPU contexts' lines are the report's.
  auto ev = Run({"C0|WARNING: at __warn", "C1| early_fn+0x1/0x2",
                 "C0|Sending NMI from CPU 0 to CPUs 1:", "C1|NMI backtrace for cpu 1",
                 "C1| stalled_fn+0x1/0x2", "T5| task_fn+0x1/0x2"});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].crash->title, "WARNING in stalled_fn");
  EXPECT_EQ(ev[0].record.text.find("early_fn"), std::string::npos);
  EXPECT_EQ(ev[0].record.text.find("task_fn"), std::string::npos);
}

}  // namespace
}  // namespace kdiag
