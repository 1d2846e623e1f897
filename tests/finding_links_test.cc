// FindingLinks ([[rule.merge]]): two events of two rules that are one problem make one finding,
// and each stays an event of its own rule.
#include "analyzer/correlate/finding_links.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/output/text_report.h"
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

// The OOM killer of 2.6.36-5.0 names its choice, then the kill (mm/oom_kill.c): one kill, one
// finding, an error, whose summary ends in the victim (it ended in "): " when the kill line, which
// has no scope before 5.x, was a finding of its own).
TEST(FindingLinks, OldOomKillerPairIsOneFinding) {
  Analysis a = Analyze(Shipped(),
                       "[ 5321.774200] Out of memory: Kill process 3127 (java) score 912 or "
                       "sacrifice child\n"
                       "[ 5321.774300] Killed process 3127 (java) total-vm:4022556kB, "
                       "anon-rss:3712440kB, file-rss:16kB\n");
  EXPECT_EQ(RuleIds(a.events), (std::vector<std::string>{"kernel.oom.select", "kernel.oom.kill"}));
  ASSERT_EQ(a.findings.size(), 1u);
  const Finding& f = a.findings[0];
  EXPECT_EQ(f.rule->id, "kernel.oom.kill");
  EXPECT_EQ(f.rule->severity, Severity::kError);
  ASSERT_EQ(f.merged.size(), 1u);
  EXPECT_EQ(f.merged[0].rule, "kernel.oom.select");
  EXPECT_EQ(f.summary, "OOM killer killed java (pid 3127)");
  EXPECT_EQ(FieldValue(f.fields, "scope"), "Out of memory");  // from the choice
  // A child killed in the chosen process's place (RHEL 6, emqx/emqx#356): the same kill.
  Analysis child = Analyze(Shipped(),
                           "Out of memory: Kill process 16929 (beam.smp) score 580 or sacrifice "
                           "child\n"
                           "Killed process 28364, UID 0, (sh) total-vm:106064kB, anon-rss:180kB, "
                           "file-rss:4kB\n");
  ASSERT_EQ(child.findings.size(), 1u);
  EXPECT_EQ(child.findings[0].summary, "OOM killer killed sh (pid 28364)");
  // A kill line alone (4.x and older print no scope on it) ends in the victim too.
  Analysis alone = Analyze(Shipped(), "Killed process 1771 (httpd)\n");
  ASSERT_EQ(alone.findings.size(), 1u);
  EXPECT_EQ(alone.findings[0].summary, "OOM killer killed httpd (pid 1771)");
}

// "NETDEV WATCHDOG" and the WARNING in dev_watchdog that WARN_ONCE prints with it are one
// transmit timeout, whichever comes first (kernel/panic.c: the message after "WARNING: at" up to
// 4.15, before "WARNING: CPU:" from 4.16).
TEST(FindingLinks, NetdevWatchdogAndItsWarningAreOneFinding) {
  const std::string kNew =
      "[281441.339200] ------------[ cut here ]------------\n"
      "[281441.339251] NETDEV WATCHDOG: eth0 (e1000e): transmit queue 0 timed out\n"
      "[281441.339300] WARNING: CPU: 0 PID: 0 at net/sched/sch_generic.c:477 "
      "dev_watchdog+0x258/0x260\n"
      "[281441.339400] Modules linked in: e1000e\n"
      "[281441.339500] RIP: 0010:dev_watchdog+0x258/0x260\n"
      "[281441.339600] Call Trace:\n"
      "[281441.339800]  call_timer_fn+0x2b/0x130\n"
      "[281441.339900] ---[ end trace 1234 ]---\n";
  const std::string kOld =
      "[ 9000.100000] ------------[ cut here ]------------\n"
      "[ 9000.100001] WARNING: at net/sched/sch_generic.c:261 dev_watchdog+0x26b/0x280()\n"
      "[ 9000.100002] Hardware name: PowerEdge R710\n"
      "[ 9000.100003] NETDEV WATCHDOG: eth0 (bnx2): transmit queue 0 timed out\n"
      "[ 9000.100004] Modules linked in: bnx2\n"
      "[ 9000.100006] Call Trace:\n"
      "[ 9000.100009]  [<ffffffff8147b6bb>] ? dev_watchdog+0x26b/0x280\n"
      "[ 9000.100010] ---[ end trace 2f2a1b4a3b1c2d3e ]---\n";
  for (const std::string& text : {kNew, kOld}) {
    Analysis a = Analyze(Shipped(), text);
    EXPECT_EQ(a.events.size(), 2u) << text;
    ASSERT_EQ(a.findings.size(), 1u) << text;
    EXPECT_EQ(a.findings[0].rule->id, "net.netdev_watchdog");
    ASSERT_EQ(a.findings[0].merged.size(), 1u);
    EXPECT_EQ(a.findings[0].merged[0].rule, "kernel.warning");
  }
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

// Issue 18: link drops that come back are no findings (at boot, in a VM guest, before a
// suspend); a link that stays down, or that flaps 3 times in 10 minutes, is.
TEST(FindingLinks, LinkDownSettledByItsLinkUpOrASuspend) {
  Analysis boot = Analyze(Shipped(),
                          "[    5.100000] e1000e: eth0 NIC Link is Down\n"
                          "[    8.200000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow "
                          "Control: Rx/Tx\n"
                          "[  100.000000] vmxnet3 0000:0b:00.0 ens3: NIC Link is Down\n"
                          "[  103.000000] vmxnet3 0000:0b:00.0 ens3: NIC Link is Up 10000 Mbps\n"
                          "[  200.000000] e1000e: eth0 NIC Link is Down\n"
                          "[  201.000000] PM: suspend entry (deep)\n");
  EXPECT_EQ(boot.events.size(), 6u);
  EXPECT_TRUE(boot.findings.empty());
  // Up on another interface, or 40 s later: the link stayed down.
  Analysis down = Analyze(Shipped(),
                          "[  300.000000] igb 0000:01:00.0 eno1: igb: eno1 NIC Link is Down\n"
                          "[  301.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow "
                          "Control: Rx/Tx\n"
                          "[  400.000000] e1000e: eth0 NIC Link is Down\n"
                          "[  440.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow "
                          "Control: Rx/Tx\n");
  EXPECT_EQ(FindingIds(down), (std::vector<std::string>{"net.link.down", "net.link.down"}));
}

// A syslog file without kernel stamps: the settle window's seconds are wall-clock seconds. Before,
// only its lines applied there, and a link back 20 minutes later settled the drop.
TEST(FindingLinks, WindowsUseTheWallClockWhenThatIsAllALogHas) {
  Analysis quick =
      Analyze(Shipped(),
              "Mar  3 10:00:01 host kernel: e1000e: eth0 NIC Link is Down\n"
              "Mar  3 10:00:04 host kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full "
              "Duplex, Flow Control: Rx/Tx\n");
  EXPECT_EQ(quick.events.size(), 2u);
  EXPECT_TRUE(quick.findings.empty());
  Analysis slow = Analyze(Shipped(),
                          "Mar  3 10:00:01 host kernel: e1000e: eth0 NIC Link is Down\n"
                          "Mar  3 10:20:01 host kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full "
                          "Duplex, Flow Control: Rx/Tx\n");
  EXPECT_EQ(slow.events.size(), 2u);
  EXPECT_EQ(FindingIds(slow), (std::vector<std::string>{"net.link.down"}));
}

// A controller that never came back from its reset and was removed: one finding, the removal.
TEST(FindingLinks, NvmeNotReadyThenRemovedIsOneFinding) {
  Analysis a = Analyze(Shipped(),
                       "[ 7700.100001] nvme nvme0: Device not ready; aborting reset, CSTS=0x1\n"
                       "[ 7700.100210] nvme nvme0: Removing after probe failure status: -19\n");
  EXPECT_EQ(a.events.size(), 2u);
  EXPECT_EQ(FindingIds(a),
            (std::vector<std::string>{"storage.nvme.removed+storage.nvme.not_ready"}));
  // Another controller's removal does not take it.
  a = Analyze(Shipped(),
              "[ 7700.100001] nvme nvme0: Device not ready; aborting reset, CSTS=0x1\n"
              "[ 7700.100210] nvme nvme1: Removing after probe failure status: -19\n");
  EXPECT_EQ(FindingIds(a),
            (std::vector<std::string>{"storage.nvme.removed", "storage.nvme.not_ready"}));
}

// libxl's device hot-plug (rules/xen-hotplug.toml): the script's exit status, the reason it left in
// xenstore and the attach that failed are one problem, the script's; a failed removal after it
// (with its own reason) is a consequence too.
TEST(FindingLinks, XenHotplugScriptFailureIsOneFinding) {
  Analysis a = Analyze(
      Shipped(),
      "libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /etc/xen/scripts/vif-bridge "
      "online [3120] exited with error status 1\n"
      "libxl: error: libxl_device.c:1351:device_hotplug_child_death_cb: script: Could not find "
      "bridge device xenbr1\n"
      "libxl: error: libxl_device.c:1476:device_addrm_aocomplete: Domain 12:Unable to add vif "
      "with id 1\n"
      "libxl: error: libxl_exec.c:117:libxl_report_child_exitstatus: /etc/xen/scripts/vif-bridge "
      "offline [3177] exited with error status 1\n"
      "libxl: error: libxl_device.c:1351:device_hotplug_child_death_cb: script: Could not find "
      "bridge device xenbr1\n");
  EXPECT_EQ(a.events.size(), 5u);
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"xen.libxl.hotplug_script_failed+"
                                                     "xen.libxl.hotplug_script_error"}));
  EXPECT_EQ(FieldValue(a.findings[0].fields, "error"), "Could not find bridge device xenbr1");
  ASSERT_EQ(a.findings[0].explained.size(), 3u);
  EXPECT_EQ(a.findings[0].explained[0].rule, "xen.libxl.device_hotplug_failed");
  // A backend that never answered: the creation failure and the removal are its consequences.
  a = Analyze(Shipped(),
              "libxl: error: libxl_device.c:1224:device_backend_callback: Domain 115:unable to add "
              "device with path /local/domain/3/backend/vif/115/0 - rc -9\n"
              "libxl: error: libxl_create.c:2043:domcreate_attach_devices: Domain 115:unable to "
              "add vif devices\n"
              "libxl: error: libxl_device.c:1224:device_backend_callback: Domain 115:unable to "
              "remove device with path /local/domain/3/backend/vif/115/0 - rc -9\n");
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"xen.libxl.device_add_failed"}));
  EXPECT_EQ(a.findings[0].explained.size(), 2u);
  // Another device's removal is not this backend's consequence.
  a = Analyze(Shipped(),
              "libxl: error: libxl_device.c:1224:device_backend_callback: Domain 115:unable to add "
              "device with path /local/domain/3/backend/vif/115/0 - rc -9\n"
              "libxl: error: libxl_device.c:1224:device_backend_callback: Domain 9:unable to "
              "remove device with path /local/domain/0/backend/vbd/9/51712 - rc -9\n");
  EXPECT_EQ(FindingIds(a), (std::vector<std::string>{"xen.libxl.device_add_failed",
                                                     "xen.libxl.device_remove_failed"}));
}

// A command timeout whose reset fails and whose controller is removed (real chain:
// linux-nvme/nvme-cli issue 151): one finding, the timeout's, as severe as its worst consequence;
// a timeout the reset recovers stays a warning.
TEST(FindingLinks, NvmeTimeoutThenRemovedIsOneCriticalFinding) {
  Analysis a = Analyze(Shipped(),
                       "[11457.533097] nvme nvme2: I/O 0 QID 0 timeout, reset controller\n"
                       "[11483.115530] nvme nvme2: Device not ready; aborting reset\n"
                       "[11508.697971] nvme nvme2: Device not ready; aborting reset\n"
                       "[11508.697977] nvme nvme2: Removing after probe failure status: -19\n");
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"storage.nvme.timeout"}));
  EXPECT_EQ(a.findings[0].severity(), Severity::kCritical);
  EXPECT_EQ(a.findings[0].rule->severity, Severity::kWarning);
  EXPECT_EQ(a.findings[0].severity_from, "storage.nvme.removed");
  ASSERT_EQ(a.findings[0].explained.size(), 2u);
  EXPECT_EQ(a.findings[0].explained[0].count, 2u);
  Analysis recovered =
      Analyze(Shipped(), "[11457.533097] nvme nvme2: I/O 0 QID 0 timeout, reset controller\n");
  ASSERT_EQ(FindingIds(recovered), (std::vector<std::string>{"storage.nvme.timeout"}));
  EXPECT_EQ(recovered.findings[0].severity(), Severity::kWarning);
  EXPECT_TRUE(recovered.findings[0].severity_from.empty());
}

TEST(FindingLinks, LinkFlappingIsAFindingOfAllItsDrops) {
  std::string flaps;
  for (int t : {400, 410, 420}) {
    flaps += "[  " + std::to_string(t) + ".000000] r8169 0000:02:00.0 enp2s0: Link is Down\n";
    flaps += "[  " + std::to_string(t + 2) +
             ".000000] r8169 0000:02:00.0 enp2s0: Link is Up - 1Gbps/Full - flow control rx/tx\n";
  }
  Analysis a = Analyze(Shipped(), flaps);
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"net.link.down"}));
  EXPECT_EQ(a.findings[0].count, 3u);
  EXPECT_EQ(a.findings[0].line, 1u);
  // Two quick drops, and a third more than a day later: not a link that keeps dropping.
  Analysis two = Analyze(Shipped(),
                         "[  400.000000] r8169 0000:02:00.0 enp2s0: Link is Down\n"
                         "[  402.000000] r8169 0000:02:00.0 enp2s0: Link is Up - 1Gbps/Full\n"
                         "[  410.000000] r8169 0000:02:00.0 enp2s0: Link is Down\n"
                         "[  412.000000] r8169 0000:02:00.0 enp2s0: Link is Up - 1Gbps/Full\n"
                         "[90000.000000] r8169 0000:02:00.0 enp2s0: Link is Down\n"
                         "[90002.000000] r8169 0000:02:00.0 enp2s0: Link is Up - 1Gbps/Full\n");
  EXPECT_TRUE(two.findings.empty());
}

// corpus/real: real logs from public threads, each one problem (corpus/real/README.md): one
// finding each, never two for the one problem.
TEST(FindingLinks, RealLogsHaveNoDuplicateFindings) {
  const std::vector<std::pair<std::string, std::string>> kCases = {
      {"01-duplicity3-oom-pair.log", "kernel.oom.kill+kernel.oom.select"},
      {"02-pandora49-oom-pair-syslog.log", "kernel.oom.kill+kernel.oom.select"},
      {"03-emqx356-oom-child-rhel6.log", "kernel.oom.kill+kernel.oom.select"},
      {"04-openbmc3192-watchdog-warning.log", "net.netdev_watchdog+kernel.warning"},
      {"05-xiaomi77-watchdog-warning-3.10.log", "net.netdev_watchdog+kernel.warning"},
      {"06-ustclug86-link-flaps.log", "net.link.down"},
      {"07-nixos-journal-unclean.log", "platform.unclean_shutdown"},
      {"08-linuxsurface1494-nfs-timeouts.log", "fs.nfs.not_responding"},
      {"09-rsyslog4595-nul-after-power-glitch.log", "platform.boot.unclean_end"},
      {"22-ms02ultra10-aer-acs-recovery-failed.log", "hw.aer.recovery_failed+hw.aer.uncorrected"},
      {"23-rpipcie116-aer-cmplto-recovery-failed.log", "hw.aer.recovery_failed+hw.aer.uncorrected"},
      {"24-winbtrfs788-write-time-corruption-reltime-comma.log", "fs.btrfs.corrupt_tree"},
      {"25-btrfsprogs577-transid-abort.log", "fs.btrfs.transid_mismatch"},
      {"26-debianforum2019-i915-dmc-missing.log",
       "gpu.i915.dmc_load_failed+driver.firmware_load_failed"},
      {"27-nvmecli151-timeout-removed.log", "storage.nvme.timeout"},
      {"28-router7-31-neigh-overflow.log", "net.neigh.table_overflow"},
      {"29-icinga4918-pids-fork-rejected.log", "kernel.cgroup.pids_limit"},
      {"30-hivemind31-thin-pool-full.log", "storage.thin.pool_full"},
      {"31-stratisd914-thin-metadata-full.log",
       "storage.thin.metadata_failed+storage.thin.low_water"},
      {"32-ubuntuforum2019-irq7-disabled.log", "hw.irq.disabled+hw.irq.nobody_cared"},
      {"33-hostboot150-memory-failure.log", "hw.memory_failure.unrecovered"},
      {"34-krun194-rt-throttling.log", "kernel.sched.rt_throttling"},
  };
  for (const auto& [file, expected] : kCases) {
    std::ifstream in(std::string(KDIAG_CORPUS_DIR) + "/real/" + file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Analysis a = Analyze(Shipped(), text);
    EXPECT_EQ(FindingIds(a), (std::vector<std::string>{expected})) << file;
  }
}

// The driver core's failures (rules/driver.toml) name device, driver and the decoded error.
TEST(FindingLinks, DriverCoreFailuresNameDeviceDriverAndError) {
  Analysis probe_a = Analyze(
      Shipped(), "[    3.212345] snd_hda_intel: probe of 0000:00:1f.3 failed with error -22\n");
  const std::vector<Finding>& probe = probe_a.findings;
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(probe[0].rule->id, "driver.probe_failed");
  EXPECT_EQ(
      probe[0].summary,
      "driver snd_hda_intel failed to take 0000:00:1f.3: error -22 (EINVAL: invalid argument)");
  Analysis resume_a = Analyze(
      Shipped(), "[ 8812.100000] PM: Device 0000:00:14.0 failed to resume async: error -110\n");
  const std::vector<Finding>& resume = resume_a.findings;
  ASSERT_EQ(resume.size(), 1u);
  EXPECT_EQ(resume[0].summary,
            "device 0000:00:14.0 failed to resume: error -110 (ETIMEDOUT: connection timed out)");
  Analysis firmware_a = Analyze(Shipped(),
                                "[    5.100000] iwlwifi 0000:02:00.0: Direct firmware load for "
                                "iwlwifi-8265-36.ucode failed with "
                                "error -2\n");
  const std::vector<Finding>& firmware = firmware_a.findings;
  ASSERT_EQ(firmware.size(), 1u);
  EXPECT_EQ(firmware[0].rule->severity, Severity::kNotice);
  EXPECT_NE(firmware[0].summary.find("ENOENT"), std::string::npos) << firmware[0].summary;
}

// A boot that ended without a shutdown (issue 18): journald's unclean journal. One finding per
// boot, whatever the file name.
TEST(FindingLinks, UncleanShutdownEvidenceIsAFinding) {
  Analysis journal_a = Analyze(
      Shipped(),
      "[    6.100000] systemd-journald[98]: File /var/log/journal/10/system.journal corrupted or "
      "uncleanly shut down, renaming and replacing.\n"
      "[    6.200000] systemd-journald[98]: File /var/log/journal/10/user-1000.journal corrupted "
      "or "
      "uncleanly shut down, renaming and replacing.\n");
  const std::vector<Finding>& journal = journal_a.findings;
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].rule->id, "platform.unclean_shutdown");
  EXPECT_EQ(journal[0].count, 2u);
}

constexpr char kGatedRules[] = R"(
[[rule]]
id = "t.ce"
severity = "warning"
source = "any"
pattern = '''^corrected (?P<dimm>\w+)'''
summary = "corrected errors on {dimm}"
key = ["dimm"]
  [rule.threshold]
  count = 3
  lines = 10
  [[rule.example]]
  line = "corrected A"
  fields = { dimm = "A" }
)";

// Threshold alone: below the count in the window, nothing; at the count, all of them.
TEST(FindingLinks, ThresholdCountsEventsOfOneKeyInTheWindow) {
  auto m = Build(kGatedRules);
  Analysis few = Analyze(m.get(), "corrected A\ncorrected A\ncorrected B\ncorrected B\n");
  EXPECT_EQ(few.events.size(), 4u);
  EXPECT_TRUE(few.findings.empty());
  std::string spread = "corrected A\n";
  for (int i = 0; i < 10; ++i) spread += "noise\n";
  spread += "corrected A\ncorrected A\n";
  EXPECT_TRUE(Analyze(m.get(), spread).findings.empty());
  Analysis storm =
      Analyze(m.get(), "corrected A\nnoise\ncorrected A\ncorrected A\ncorrected A\ncorrected B\n");
  ASSERT_EQ(FindingIds(storm), (std::vector<std::string>{"t.ce"}));
  EXPECT_EQ(storm.findings[0].count, 4u);
  EXPECT_EQ(storm.findings[0].line, 1u);
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
      "t.toml:63:12: 'window' in [[rule.merge]] has no unit: give the window as 'lines = N' "
      "and/or 'seconds = S'");
  check("  [[rule.merge]]\n  after = \"t.missing\"\n  fields = [\"dev\"]\n  lines = 2\n",
        "t.toml:59:3: merge names unknown rule 't.missing'");
  check(
      "  [[rule.merge]]\n  after = \"t.first\"\n  fields = [\"dev\"]\n  lines = 2\n  seconds = "
      "-1\n",
      "t.toml:63:13: merge 'seconds' must be a number in (0, 86400]");
}

// Correlation tables are checked at file:line:column: unknown rules, windows without a unit.
TEST(FindingLinks, SettleAndThresholdErrorsNameTheirTable) {
  auto check = [](const std::string& table, const std::string& expected) {
    std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.bad"
severity = "info"
source = "any"
pattern = '''^bad (?P<dev>\w+)'''
summary = "bad {dev}"
)" + table + R"(
  [[rule.example]]
  line = "bad eth0"
  fields = { dev = "eth0" }
)";
    std::vector<Rule> rules;
    auto err = ParseRuleFile(toml, "t.toml", &rules);
    if (!err) err = CheckUniqueIds(rules);
    ASSERT_TRUE(err) << table;
    EXPECT_EQ(err->ToString(), expected) << table;
  };
  check("  [[rule.settle]]\n  by = \"t.nope\"\n  lines = 2\n",
        "t.toml:59:3: settle names unknown rule 't.nope'");
  check("  [[rule.settle]]\n  by = \"t.first\"\n  window = 10\n",
        "t.toml:61:12: 'window' in [[rule.settle]] has no unit: give the window as 'lines = N' "
        "and/or 'seconds = S'");
  check("  [[rule.settle]]\n  by = \"t.first\"\n  fields = [\"dev\"]\n",
        "t.toml:59:3: [[rule.settle]] is missing required key 'lines'");
  check("  [[rule.settle]]\n  by = \"t.tail\"\n  fields = [\"dev\", \"x\"]\n  lines = 2\n",
        "t.toml:61:12: settle field 'x' is not a named capture of the pattern");
  check("  [rule.threshold]\n  count = 3\n  within = 10\n",
        "t.toml:61:12: 'within' in [rule.threshold] has no unit: give the window as 'lines = N' "
        "and/or 'seconds = S'");
  check("  [rule.threshold]\n  count = 1\n  lines = 10\n",
        "t.toml:60:11: threshold 'count' must be an integer 2..1000");
}

// The first event of a pair, while it waits for its second, is still a cause: an effect that comes
// between them is the pair's consequence, or the first's own finding's when no second comes.
// (Before, the effect was a finding of its own: xc's loader refusal, then set_arch_hooks' refusal
// it causes, then libxl's "cannot (re-)build domain" that pairs with the first.)
TEST(FindingLinks, AFirstWaitingForItsPairExplainsWhatFollows) {
  std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.echo"
severity = "error"
source = "any"
pattern = '''^echo (?P<dev>\w+)'''
summary = "echo {dev}"
  [[rule.example]]
  line = "echo eth0"
  fields = { dev = "eth0" }
)";
  toml.replace(toml.find("  [[rule.merge]]\n  before = \"t.tail\""), 0,
               "  [[rule.explain]]\n  effect = \"t.echo\"\n  fields = [\"dev\"]\n  lines = 5\n");
  auto m = Build(toml);
  Analysis paired = Analyze(m.get(), "lead eth0\necho eth0\ntail eth0\n");
  ASSERT_EQ(FindingIds(paired), (std::vector<std::string>{"t.lead+t.tail"}));
  ASSERT_EQ(paired.findings[0].explained.size(), 1u);
  EXPECT_EQ(paired.findings[0].explained[0].rule, "t.echo");
  Analysis alone = Analyze(m.get(), "lead eth0\necho eth0\nnoise\nnoise\n");
  ASSERT_EQ(FindingIds(alone), (std::vector<std::string>{"t.lead"}));
  EXPECT_EQ(alone.findings[0].explained.size(), 1u);
  // At the end of the input too, and an effect on another device is not the pair's.
  Analysis end = Analyze(m.get(), "lead eth0\necho eth1\necho eth0\n");
  EXPECT_EQ(FindingIds(end), (std::vector<std::string>{"t.lead", "t.echo"}));
  EXPECT_EQ(end.findings[0].explained.size(), 1u);
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

// CaptureChecks::kSkip (a cached rule set that passed the whole check when it was stored) leaves
// out only the capture names: a field the other rule does not capture passes, an unknown rule
// and a duplicate id are still refused.
TEST(FindingLinks, SkippedCaptureChecksStillCheckTheIds) {
  auto with_merge = [](const std::string& after, const std::string& field) {
    std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.wide"
severity = "info"
source = "any"
pattern = '''^wide (?P<dev>\w+) (?P<extra>\w+)'''
summary = "wide {dev}"
  [[rule.merge]]
  after = ")" + after + R"("
  fields = [")" + field +
                       R"("]
  lines = 2
  [[rule.example]]
  line = "wide eth0 x"
  fields = { dev = "eth0", extra = "x" }
)";
    std::vector<Rule> rules;
    EXPECT_FALSE(ParseRuleFile(toml, "t.toml", &rules));
    return rules;
  };
  std::vector<Rule> uncaptured = with_merge("t.tail", "extra");
  ASSERT_TRUE(CheckUniqueIds(uncaptured, CaptureChecks::kCompile));
  EXPECT_FALSE(CheckUniqueIds(uncaptured, CaptureChecks::kSkip));
  auto unknown = CheckUniqueIds(with_merge("t.missing", "dev"), CaptureChecks::kSkip);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->ToString(), "t.toml:59:3: merge names unknown rule 't.missing'");
  std::vector<Rule> twice = with_merge("t.tail", "dev");
  twice.push_back(twice.back());
  auto duplicate = CheckUniqueIds(twice, CaptureChecks::kSkip);
  ASSERT_TRUE(duplicate);
  EXPECT_NE(duplicate->ToString().find("duplicate rule id 't.wide'"), std::string::npos);
}

// Issue 18, explain: a USB stick pulled out while in use. The errors on its disk (tied to the USB
// device by the enumeration lines) are consequences of the disconnect: one finding, which lists
// them, with no "replace the disk" advice; every line is still an event.
constexpr char kUsbEnumeration[] =
    "[  512.101010] usb 2-1: new high-speed USB device number 3 using ehci-pci\n"
    "[  512.330020] usb-storage 2-1:1.0: USB Mass Storage device detected\n"
    "[  512.330031] scsi host6: usb-storage 2-1:1.0\n"
    "[  513.345678] scsi 6:0:0:0: Direct-Access     SanDisk  Cruzer Blade     1.00 PQ: 0 ANSI: 6\n"
    "[  513.360002] sd 6:0:0:0: [sdb] Attached SCSI removable disk\n";
constexpr char kUsbPulled[] =
    "[  700.000001] usb 2-1: USB disconnect, device number 3\n"
    "[  700.010001] sd 6:0:0:0: [sdb] tag#0 FAILED Result: hostbyte=DID_NO_CONNECT "
    "driverbyte=DRIVER_OK cmd_age=0s\n"
    "[  700.010002] I/O error, dev sdb, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio "
    "class 2\n"
    "[  700.010003] Buffer I/O error on dev sdb1, logical block 0, lost async page write\n"
    "[  700.010004] I/O error, dev sdb, sector 4096 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio "
    "class 2\n";

TEST(FindingLinks, UsbDisconnectExplainsTheErrorsOnItsDisk) {
  Analysis a = Analyze(Shipped(), std::string(kUsbEnumeration) + kUsbPulled);
  EXPECT_EQ(RuleIds(a.events), (std::vector<std::string>{
                                   "usb.storage.scsi_host", "storage.scsi.disk_attached",
                                   "usb.disconnect", "storage.scsi.failed", "storage.blk.io_error",
                                   "storage.buffer_io_error", "storage.blk.io_error"}));
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"usb.disconnect"}));
  const Finding& f = a.findings[0];
  EXPECT_EQ(f.line, 6u);
  ASSERT_EQ(f.explained.size(), 3u);
  EXPECT_EQ(f.explained[0].rule, "storage.scsi.failed");
  EXPECT_EQ(f.explained[1].rule, "storage.blk.io_error");
  EXPECT_EQ(f.explained[1].count, 2u);
  EXPECT_EQ(f.explained[1].line, 8u);
  EXPECT_EQ(f.explained[1].last_line, 10u);
  EXPECT_EQ(f.explained[2].rule, "storage.buffer_io_error");
  EXPECT_NE(f.summary.find("removed while in use"), std::string::npos);
  EXPECT_EQ(f.advice.find("Replace a disk"), std::string::npos) << f.advice;
}

TEST(FindingLinks, UsbDisconnectExplainsOnlyItsOwnDisk) {
  // Unplugged with nothing in use: no finding. Errors on another disk, or on this disk with no
  // enumeration that ties it to the USB device: findings of their own.
  Analysis idle =
      Analyze(Shipped(), std::string(kUsbEnumeration) +
                             "[  700.000001] usb 2-1: USB disconnect, device number 3\n");
  EXPECT_TRUE(idle.findings.empty());
  Analysis other =
      Analyze(Shipped(), std::string(kUsbEnumeration) +
                             "[  700.000001] usb 2-1: USB disconnect, device number 3\n"
                             "[  700.010002] I/O error, dev sda, sector 2048 op "
                             "0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2\n");
  EXPECT_EQ(FindingIds(other), (std::vector<std::string>{"storage.blk.io_error"}));
  Analysis untied = Analyze(Shipped(), kUsbPulled);
  EXPECT_EQ(FindingIds(untied),
            (std::vector<std::string>{"storage.scsi.failed", "storage.blk.io_error",
                                      "storage.buffer_io_error"}));
  // Another USB device disconnected: not sdb's.
  Analysis elsewhere =
      Analyze(Shipped(), std::string(kUsbEnumeration) +
                             "[  700.000001] usb 1-4: USB disconnect, device number 7\n"
                             "[  700.010002] I/O error, dev sdb, sector 2048 op 0x1:(WRITE) flags "
                             "0x800 phys_seg 1 prio class 2\n");
  EXPECT_EQ(FindingIds(elsewhere), (std::vector<std::string>{"storage.blk.io_error"}));
}

// Link down, then the NFS server stops responding: one finding, the NFS line under it. A drop
// that comes back before the NFS line explains nothing.
TEST(FindingLinks, LinkDownExplainsTheNfsServerNotResponding) {
  Analysis a = Analyze(Shipped(),
                       "[  300.000000] e1000e: eth0 NIC Link is Down\n"
                       "[  480.000000] nfs: server filer01 not responding, still trying\n");
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"net.link.down"}));
  ASSERT_EQ(a.findings[0].explained.size(), 1u);
  EXPECT_EQ(a.findings[0].explained[0].rule, "fs.nfs.not_responding");
  // The NFS line while the drop may still be resolved stays with it, and is its own finding once
  // the link comes back.
  Analysis back = Analyze(Shipped(),
                          "[  300.000000] e1000e: eth0 NIC Link is Down\n"
                          "[  310.000000] nfs: server filer01 not responding, still trying\n"
                          "[  320.000000] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow "
                          "Control: Rx/Tx\n");
  EXPECT_EQ(FindingIds(back), (std::vector<std::string>{"fs.nfs.not_responding"}));
  Analysis held = Analyze(Shipped(),
                          "[  300.000000] e1000e: eth0 NIC Link is Down\n"
                          "[  310.000000] nfs: server filer01 not responding, still trying\n");
  ASSERT_EQ(FindingIds(held), (std::vector<std::string>{"net.link.down"}));
  EXPECT_EQ(held.findings[0].explained.size(), 1u);
  // Past the window (10 minutes): unrelated.
  Analysis late = Analyze(Shipped(),
                          "[  300.000000] e1000e: eth0 NIC Link is Down\n"
                          "[ 1000.000000] nfs: server filer01 not responding, still trying\n");
  EXPECT_EQ(FindingIds(late), (std::vector<std::string>{"net.link.down", "fs.nfs.not_responding"}));
}

// An OOM kill, then tasks hung while memory ran out: the hung tasks are under the kill.
TEST(FindingLinks, OomKillExplainsTheHungTasksThatFollow) {
  const std::string kill =
      "[ 5321.790411] Out of memory: Killed process 2214 (postgres) total-vm:8473312kB, "
      "anon-rss:6203124kB, file-rss:0kB, shmem-rss:1024kB, UID:108 pgtables:12848kB "
      "oom_score_adj:0\n";
  const std::string hung =
      "[ 5464.319520] INFO: task kworker/u8:2:5612 blocked for more than 120 seconds.\n"
      "[ 5464.319601] Call Trace:\n"
      "[ 5464.319602]  __schedule+0x7b0/0x1830\n"
      "[ 5464.319603]  io_schedule+0x40/0x70\n"
      "[ 5464.319604]  folio_wait_bit_common+0x3d0/0x850\n";
  Analysis a = Analyze(Shipped(), kill + hung);
  ASSERT_EQ(FindingIds(a), (std::vector<std::string>{"kernel.oom.kill"}));
  ASSERT_EQ(a.findings[0].explained.size(), 1u);
  EXPECT_EQ(a.findings[0].explained[0].rule, "kernel.hung_task");
  // A hung task first: its own finding.
  Analysis before = Analyze(Shipped(), hung + kill);
  EXPECT_EQ(FindingIds(before).size(), 2u);
}

TEST(FindingLinks, ExplainErrorsNameTheirTable) {
  auto check = [](const std::string& table, const std::string& expected) {
    std::string toml = std::string(kLinkedRules) + R"(
[[rule]]
id = "t.bad"
severity = "info"
source = "any"
pattern = '''^bad (?P<dev>\w+)'''
summary = "bad {dev}"
)" + table + R"(
  [[rule.example]]
  line = "bad eth0"
  fields = { dev = "eth0" }
)";
    std::vector<Rule> rules;
    auto err = ParseRuleFile(toml, "t.toml", &rules);
    if (!err) err = CheckUniqueIds(rules);
    ASSERT_TRUE(err) << table;
    EXPECT_EQ(err->ToString(), expected) << table;
  };
  check("  [[rule.explain]]\n  effect = \"t.nope\"\n  fields = []\n  lines = 2\n",
        "t.toml:59:3: explain names unknown rule 't.nope'");
  check("  [[rule.explain]]\n  effect = \"t.first\"\n  fields = []\n  window = 10\n",
        "t.toml:62:12: 'window' in [[rule.explain]] has no unit: give the window as 'lines = N' "
        "and/or 'seconds = S'");
  check("  [[rule.explain]]\n  effect = \"t.first\"\n  lines = 10\n",
        "t.toml:59:3: [[rule.explain]] needs 'fields' or 'device' (what ties cause and effect)");
  check(
      "  [[rule.explain]]\n  effect = \"t.first\"\n  device = { cause = \"dev\", effect = \"x\" }"
      "\n  lines = 10\n",
      "t.toml:59:3: explain field 'x' is not a named capture of rule 't.first'");
  check("  [rule.part_of]\n  part = \"dev\"\n  whole = \"usb\"\n",
        "t.toml:59:3: part_of field 'usb' is not a named capture of the pattern");
  check("severity_reason = \"\"\n",
        "t.toml:59:19: 'severity_reason' must be one line of 1..400 characters");
  check("finding_alone = false\n",
        "t.toml:59:17: 'finding_alone = false' needs a [[rule.explain]] (what makes it a finding)");
}

// The cause's finding lists its consequences: NDJSON "explained", and "then: ..." under it in the
// text report (every line still an event).
TEST(FindingLinks, ExplainedEventsInNdjsonAndTheTextReport) {
  Analysis a = Analyze(Shipped(), std::string(kUsbEnumeration) + kUsbPulled);
  ASSERT_EQ(a.findings.size(), 1u);
  std::string json;
  AppendFindingJson(a.findings[0], &json);
  EXPECT_NE(json.find("\"explained\":[{\"rule\":\"storage.scsi.failed\",\"count\":1,\"line\":7,"
                      "\"last_line\":7,"),
            std::string::npos)
      << json;
  EXPECT_NE(
      json.find("{\"rule\":\"storage.blk.io_error\",\"count\":2,\"line\":8,\"last_line\":10,"),
      std::string::npos)
      << json;
  std::vector<Finding*> findings = {&a.findings[0]};
  std::string text;
  TextReportOptions options;
  options.width = 200;
  WriteTextReport(findings, Summary{}, options, [&](std::string_view s) { text += s; });
  EXPECT_NE(text.find("\n  then: I/O error on /dev/sdb, sector 2048 WRITE  (storage.blk.io_error "
                      "x2)\n    xl-dmesg.log:8: I/O error, dev sdb, sector 2048"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Replace a disk"), std::string::npos) << text;
}

}  // namespace
}  // namespace kdiag
