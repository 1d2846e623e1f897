// A device's story (correlate/device_story.h), the functions of one card as one device
// (correlate/card_functions.h), the bridges that hide devices (correlate/pci_topology.h) and the
// address spellings they all read (Bdf::ParseSpelled), through the pipeline with the shipped
// rules and into the outputs.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/card_functions.h"
#include "analyzer/correlate/device_story.h"
#include "analyzer/correlate/pci_topology.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/device_report.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/pipeline.h"

namespace kdiag {
namespace {

Matcher* Shipped() {
  static std::unique_ptr<Matcher> matcher = [] {
    std::vector<Rule> rules;
    auto err = LoadEmbeddedRules(&rules);
    EXPECT_FALSE(err) << err->ToString();
    std::unique_ptr<Matcher> m;
    EXPECT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
    return m;
  }();
  return matcher.get();
}

std::string Spelled(std::string_view text) {
  auto b = Bdf::ParseSpelled(text);
  return b ? b->ToString() : "none";
}

TEST(BdfSpellings, EverySourceSpellingIsOneAddress) {
  EXPECT_EQ(Spelled("0000:03:00.0"), "0000:03:00.0");  // Linux, Xen %pp, libxl PCI_BDF
  EXPECT_EQ(Spelled("0:3:0.0"), "0000:03:00.0");       // libxl "%x:%x:%x.%x"
  EXPECT_EQ(Spelled("03:00.0"), "0000:03:00.0");       // Xen < 4.2, DMAR, PCI_BDF_SHORT
  EXPECT_EQ(Spelled("3:0.0"), "0000:03:00.0");         // Xen domctl "%x:%x.%x"
  EXPECT_EQ(Spelled("0x03:0x00.0"), "0000:03:00.0");   // Linux DMAR since 5.x
  EXPECT_EQ(Spelled("0:0:d.2"), "0000:00:0d.2");
  EXPECT_EQ(Spelled("10000:e0:06.0"), "10000:e0:06.0");  // Intel VMD segment
  EXPECT_EQ(Spelled("0000:0A:1F.7"), "0000:0a:1f.7");
}

TEST(BdfSpellings, RefusesWhatIsNotAnAddress) {
  for (const char* text : {"", "0000:03:00", "0000:03:00.8", "0000:03:20.0", "0000:103:00.0",
                           "1:2:3:4.0", "03.0", "0000:03:00.0 ", "'gpu'", "24cd", "0000:82.0",
                           "0x:03:00.0", "000000000:03:00.0", "0000:03:00.01"}) {
    EXPECT_EQ(Spelled(text), "none") << text;
  }
}

TEST(DeviceOf, ReadsTheFieldsThatNameADevice) {
  EXPECT_EQ(DeviceOf({{"seg", "0"}, {"bus", "3"}, {"slot", "0"}, {"func", "1"}})->ToString(),
            "0000:03:00.1");
  EXPECT_EQ(DeviceOf({{"bdf", "0000:03:00.0"}, {"conflict", "0000:04:00.0"}})->ToString(),
            "0000:03:00.0");
  EXPECT_EQ(DeviceOf({{"device", "0:3:0.0"}, {"rc", "-3"}})->ToString(), "0000:03:00.0");
  EXPECT_EQ(DeviceOf({{"driver", "e1000e"}, {"bus", "0000:00:19.0"}})->ToString(), "0000:00:19.0");
  EXPECT_FALSE(DeviceOf({{"device", "'gpu'"}}));
  EXPECT_FALSE(DeviceOf({{"device", "24cd"}, {"vendor", "8086"}}));
  EXPECT_FALSE(DeviceOf({{"bus", "0"}, {"devfn", "8"}}));  // a guest's pcifront bus:devfn
}

// One card with two functions behind a PCIe-to-PCI bridge, seen by dom0's kernel, by Xen and by
// libxl, each spelling the address its own way.
constexpr char kDom0[] =
    "[    0.401000] pci 0000:02:00.0: [104c:8231] type 01 class 0x060400 PCIe to PCI/PCI-X "
    "bridge\n"
    "[    0.402000] pci 0000:02:00.0: PCI bridge to [bus 03]\n"
    "[    0.403000] pci 0000:03:00.0: [8086:1079] type 00 class 0x020000 conventional PCI "
    "endpoint\n"
    "[    0.403100] pci 0000:03:00.1: [8086:1079] type 00 class 0x020000 conventional PCI "
    "endpoint\n"
    "[    2.104512] pciback 0000:03:00.0: seizing device\n"
    "[    2.104600] pciback 0000:03:00.1: seizing device\n"
    "[    2.200000] pciback 0000:00:1a.0: seizing device\n";
constexpr char kXl[] =
    "libxl: error: libxl_pci.c:1574:libxl__device_pci_reset: Domain 0:The kernel doesn't "
    "support reset from sysfs for PCI device 0000:03:00.0\n"
    "libxl: error: libxl_pci.c:1574:libxl__device_pci_reset: Domain 0:The kernel doesn't "
    "support reset from sysfs for PCI device 0000:03:00.1\n"
    "libxl: error: libxl_pci.c:1529:pci_add_dm_done: Domain 4:xc_assign_device failed: Device "
    "or resource busy\n"
    "libxl: error: libxl_pci.c:1804:device_pci_add_done: Domain 4:libxl__device_pci_add failed "
    "for PCI device 0:3:0.0 (rc -3)\n";
constexpr char kXen[] = "(XEN) d4: assign (0000:03:00.0) failed (-16)\n";

struct Analysis {
  std::unique_ptr<Pipeline> pipeline;
  std::vector<Finding*> findings;
};

Analysis Analyze(const std::vector<std::pair<std::string, std::string>>& inputs) {
  Analysis run;
  run.pipeline = std::make_unique<Pipeline>(Shipped(), nullptr);
  for (const auto& [name, text] : inputs) run.pipeline->ReadText(text, name);
  run.findings = run.pipeline->Findings();
  return run;
}

TEST(DeviceStory, JoinsOneCardsEventsFromEveryInput) {
  Analysis run = Analyze({{"dom0.log", kDom0}, {"xl.log", kXl}, {"xl-dmesg.log", kXen}});
  DeviceStories stories = run.pipeline->device_stories();
  std::vector<const DeviceStory*> told = stories.Told();
  ASSERT_EQ(told.size(), 1u);  // 00:1a.0 has one routine line only: no story
  const DeviceStory& s = *told[0];
  std::vector<Bdf> functions = s.Functions();
  ASSERT_EQ(functions.size(), 2u);
  EXPECT_EQ(functions[0].ToString(), "0000:03:00.0");
  EXPECT_EQ(functions[1].ToString(), "0000:03:00.1");
  std::vector<std::string> seen;
  for (const StoryEntry& e : s.entries) {
    seen.push_back(e.input + ":" + std::to_string(e.line) + " " + e.rule + " " + e.bdf.ToString());
  }
  // In input order, then line order; the enumeration lines are not history. xc_assign_device
  // names no device and is not in it.
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "dom0.log:5 xen.pciback.seize 0000:03:00.0",
                      "dom0.log:6 xen.pciback.seize 0000:03:00.1",
                      "xl.log:1 xen.libxl.pci_reset_unsupported 0000:03:00.0",
                      "xl.log:2 xen.libxl.pci_reset_unsupported 0000:03:00.1",
                      "xl.log:4 xen.libxl.pci_add_failed 0000:03:00.0",
                      "xl-dmesg.log:1 xen.passthrough.assign_failed 0000:03:00.0",
                  }));
  ASSERT_TRUE(s.entries[0].time_us);
  EXPECT_EQ(*s.entries[0].time_us, 2104512);

  auto bridge = run.pipeline->topology().HidingBridgeOf(functions[0]);
  ASSERT_TRUE(bridge);
  EXPECT_EQ(bridge->bdf.ToString(), "0000:02:00.0");
  EXPECT_EQ(bridge->kind, "PCIe to PCI/PCI-X bridge");

  std::string text = DeviceStoriesText(told, run.pipeline->inventory(), run.pipeline->topology());
  EXPECT_NE(text.find("0000:03:00 (functions 0000:03:00.0, 0000:03:00.1)  8086:1079"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("behind PCIe to PCI/PCI-X bridge 0000:02:00.0 (bus 03)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  xl-dmesg.log:1  error xen.passthrough.assign_failed\n"
                      "      d4: assign (0000:03:00.0) failed (-16)\n"),
            std::string::npos)
      << text;
}

TEST(DeviceStory, OneEventOrOneRepeatedProblemTellsNoStory) {
  Analysis one = Analyze({{"xl-dmesg.log", kXen}});
  EXPECT_TRUE(one.pipeline->device_stories().Told().empty());
  // The same problem again and again is one finding's count, not a story; it is one entry.
  std::string repeated;
  for (int i = 0; i < 5; ++i) repeated += kXen;
  Analysis many = Analyze({{"xl-dmesg.log", repeated}, {"other.log", kXen}});
  DeviceStories stories = many.pipeline->device_stories();
  EXPECT_TRUE(stories.Told().empty());
  Analysis two = Analyze({{"dom0.log", "[    2.104512] pciback 0000:03:00.0: seizing device\n"},
                          {"xl-dmesg.log", repeated}});
  // Told() points into the stories: keep them (a temporary's pointers dangle; ASan caught it).
  const DeviceStories two_stories = two.pipeline->device_stories();
  std::vector<const DeviceStory*> told = two_stories.Told();
  ASSERT_EQ(told.size(), 1u);
  ASSERT_EQ(told[0]->entries.size(), 2u);
  EXPECT_EQ(told[0]->entries[1].count, 5u);
  EXPECT_EQ(told[0]->entries[1].line, 1u);
  EXPECT_EQ(told[0]->entries[1].last_line, 5u);
}

TEST(DeviceStory, OnlyRoutineLinesTellNoStory) {
  Analysis run =
      Analyze({{"dom0.log",
                "[    2.104512] pciback 0000:03:00.0: seizing device\n"
                "[  396.103595] pciback 0000:03:00.0: enabling device (0000 -> 0003)\n"}});
  EXPECT_TRUE(run.pipeline->device_stories().Told().empty());
}

TEST(DeviceStory, BoundedPerCardAndInCards) {
  // Alternating rules never collapse: past kMaxEntries they are counted.
  std::string text;
  for (size_t i = 0; i < DeviceStories::kMaxEntries + 10; ++i) {
    text += i % 2 ? "(XEN) 0000:03:00.0 already assigned, or non-existent\n" : kXen;
  }
  Analysis run = Analyze({{"mixed.log", text}});
  const DeviceStories run_stories = run.pipeline->device_stories();
  std::vector<const DeviceStory*> told = run_stories.Told();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0]->entries.size(), DeviceStories::kMaxEntries);
  EXPECT_EQ(told[0]->omitted, 10u);

  // Many cards: the table stops at kMaxStories and counts the rest.
  std::string cards;
  char line[96];
  for (unsigned i = 0; i < DeviceStories::kMaxStories + 5; ++i) {
    std::snprintf(line, sizeof line, "(XEN) d4: assign (%04x:%02x:%02x.0) failed (-16)\n", i >> 8,
                  i & 0xff, 0);
    cards += line;
  }
  Analysis many = Analyze({{"xl-dmesg.log", cards}});
  EXPECT_EQ(many.pipeline->device_stories().dropped(), 5u);
}

TEST(DeviceStory, AGuestsInputIsNotTheHostsStory) {
  // An input found to be a guest's (pcifront lines) names its own virtual slots.
  Analysis run = Analyze({{"guest.log",
                           "[    1.000000] pcifront pci-0: Installing PCI frontend\n"
                           "[    8.038746] nvme 0000:00:00.0: enable msix get err ffffff8e\n"
                           "[    8.038756] nvme 0000:00:00.0: Xen PCI frontend error: -114!\n"},
                          {"xl-dmesg.log", "(XEN) d4: assign (0000:00:00.0) failed (-16)\n"}});
  EXPECT_TRUE(run.pipeline->device_stories().Told().empty());
}

TEST(CardFunctions, FoldsOneProblemOnTwoFunctions) {
  Analysis run = Analyze({{"dom0.log", kDom0}, {"xl.log", kXl}, {"xl-dmesg.log", kXen}});
  std::vector<Finding*> reported = run.findings;
  size_t before = reported.size();
  size_t folded = FoldCardFunctions(&reported, run.pipeline->topology());
  EXPECT_EQ(folded, 2u);  // pciback seizing both functions, and libxl resetting neither
  EXPECT_EQ(reported.size(), before - 2);
  const Finding* reset = nullptr;
  for (const Finding* f : reported) {
    if (f->rule->id == "xen.libxl.pci_reset_unsupported") {
      EXPECT_EQ(reset, nullptr) << "two reset findings for one card";
      reset = f;
    }
  }
  ASSERT_NE(reset, nullptr);
  EXPECT_EQ(reset->count, 2u);
  EXPECT_EQ(reset->last_line, 2u);
  ASSERT_EQ(reset->functions.size(), 2u);
  EXPECT_EQ(reset->functions[1].ToString(), "0000:03:00.1");
  ASSERT_TRUE(reset->behind_bridge);

  std::string note;
  AppendCardNote(*reset, &note);
  EXPECT_EQ(
      note.find("  the same on functions 0000:03:00.0, 0000:03:00.1 of one card; what it says "
                "of 0000:03:00.0 holds for each\n"),
      0u)
      << note;
  std::string json;
  AppendFindingJson(*reset, &json);
  EXPECT_NE(json.find("\"functions\":[\"0000:03:00.0\",\"0000:03:00.1\"]"), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"behind_bridge\":{\"bdf\":\"0000:02:00.0\""), std::string::npos) << json;
}

TEST(CardFunctions, OtherCardsAndOtherValuesStayApart) {
  Analysis run = Analyze({{
      "xl-dmesg.log",
      "(XEN) d4: assign (0000:03:00.0) failed (-16)\n"
      "(XEN) d5: assign (0000:03:00.1) failed (-16)\n"  // another domain: another problem
      "(XEN) d4: assign (0000:04:00.1) failed (-16)\n"  // another card
      "(XEN) d4: assign (0001:03:00.1) failed (-16)\n"  // another segment
  }});
  std::vector<Finding*> reported = run.findings;
  EXPECT_EQ(FoldCardFunctions(&reported, run.pipeline->topology()), 0u);
  EXPECT_EQ(reported.size(), 4u);
  for (const Finding* f : reported) {
    EXPECT_TRUE(f->functions.empty());
    EXPECT_FALSE(f->behind_bridge);  // the log shows no bridge
  }
}

TEST(PciTopology, ClaimsABridgeOnlyWhenTheLogShowsItsKind) {
  // Before Linux 6.8 the enumeration line has no type: no claim.
  Analysis old = Analyze({{"dom0.log",
                           "[    0.401000] pci 0000:02:00.0: [104c:8231] type 01 class 0x060400\n"
                           "[    0.402000] pci 0000:02:00.0: PCI bridge to [bus 03]\n"}});
  Bdf dev = *Bdf::Parse("0000:03:00.0");
  EXPECT_FALSE(old.pipeline->topology().HidingBridgeOf(dev));
  // A PCIe port hides nothing.
  Analysis port =
      Analyze({{"dom0.log",
                "[    0.401000] pci 0000:00:1c.0: [8086:a110] type 01 class 0x060400 PCIe "
                "Root Port\n"
                "[    0.402000] pci 0000:00:1c.0: PCI bridge to [bus 03-05]\n"}});
  EXPECT_FALSE(port.pipeline->topology().HidingBridgeOf(dev));
  // Nested conventional bridges: the uppermost one counts (xend's
  // find_the_uppermost_pci_bridge).
  Analysis nested = Analyze(
      {{"dom0.log",
        "[    0.401000] pci 0000:02:00.0: [104c:8231] type 01 class 0x060400 PCIe to PCI/PCI-X "
        "bridge\n"
        "[    0.402000] pci 0000:02:00.0: PCI bridge to [bus 03-04]\n"
        "[    0.403000] pci 0000:03:01.0: [1011:0026] type 01 class 0x060400 conventional PCI "
        "bridge\n"
        "[    0.404000] pci 0000:03:01.0: PCI bridge to [bus 04] (subtractive decode)\n"}});
  auto up = nested.pipeline->topology().HidingBridgeOf(*Bdf::Parse("0000:04:05.0"));
  ASSERT_TRUE(up);
  EXPECT_EQ(up->bdf.ToString(), "0000:02:00.0");
  EXPECT_FALSE(nested.pipeline->topology().HidingBridgeOf(*Bdf::Parse("0000:05:00.0")));
  EXPECT_FALSE(nested.pipeline->topology().HidingBridgeOf(*Bdf::Parse("0001:04:00.0")));
}

TEST(DeviceJson, OneObjectPerToldStory) {
  Analysis run = Analyze({{"dom0.log", kDom0}, {"xl.log", kXl}, {"xl-dmesg.log", kXen}});
  DeviceStories stories = run.pipeline->device_stories();
  std::vector<const DeviceStory*> told = stories.Told();
  ASSERT_EQ(told.size(), 1u);
  std::string json;
  AppendDeviceJson(*told[0], run.pipeline->inventory(), run.pipeline->topology(), &json);
  EXPECT_EQ(
      json.find("{\"type\":\"device\",\"card\":\"0000:03:00\",\"functions\":[\"0000:03:00.0\","
                "\"0000:03:00.1\"],\"id\":\"8086:1079\","),
      0u)
      << json;
  EXPECT_NE(json.find("{\"rule\":\"xen.passthrough.assign_failed\",\"severity\":\"error\","
                      "\"bdf\":\"0000:03:00.0\",\"boot\":0,\"count\":1,\"time\":"
                      "null,\"message\":\"d4: assign (0000:03:00.0) failed (-16)\","
                      "\"input\":{\"name\":\"xl-dmesg.log\",\"line\":1,\"last_line\":1}}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"events_omitted\":0}\n"), std::string::npos) << json;
}

}  // namespace
}  // namespace kdiag
