// The command-line contract of design.md, through the real binary.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::NdjsonLine;
using testing::ParseNdjson;
using testing::RunKdiag;

const std::string kCorpus = std::string(KDIAG_CORPUS_DIR) + "/founding-case/";

constexpr char kPciback[] =
    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only configuration space "
    "field at offset 0xe0, size 2. This may be harmless, but if you have problems with your "
    "device:\n";

std::string Field(const std::string& raw, const char* path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(raw);
  std::string_view sv;
  if (doc.at_pointer(path).get(sv)) return "<absent>";
  return std::string(sv);
}

TEST(Cli, FoundingCaseQuirkFileHasExactlyOneField) {
  auto r = RunKdiag(
      {"--emit", "xend-quirks", "--lspci", kCorpus + "lspci-n.txt", kCorpus + "dmesg.log"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Count(r.out, "'8086:10b5'"), 1u) << r.out;
  EXPECT_EQ(Count(r.out, "'000000e0:2:00000000'"), 1u) << r.out;
  EXPECT_EQ(Count(r.out, "(pci_config_space_fields"), 1u) << r.out;

  auto vmm = RunKdiag(
      {"--emit", "xend-quirks", "--lspci", kCorpus + "lspci-vmm-n.txt", kCorpus + "dmesg.log"});
  ASSERT_EQ(vmm.status, 0) << vmm.err;
  EXPECT_EQ(Count(vmm.out, "'8086:10b5:103c:3109'"), 1u) << vmm.out;
  EXPECT_EQ(Count(vmm.out, "'000000e0:2:00000000'"), 1u) << vmm.out;
}

TEST(Cli, MergingTwiceChangesNothing) {
  std::string dir = testing::TempDir();
  auto once = RunKdiag({"--emit", "xend-quirks", "--merge", kCorpus + "xend-pci-quirks.sxp",
                        "--lspci", kCorpus + "lspci-n.txt", kCorpus + "dmesg.log"});
  ASSERT_EQ(once.status, 0) << once.err;
  testing::WriteFile(dir + "/merged.sxp", once.out);
  auto twice = RunKdiag({"--emit", "xend-quirks", "--merge", dir + "/merged.sxp", "--lspci",
                         kCorpus + "lspci-n.txt", kCorpus + "dmesg.log"});
  ASSERT_EQ(twice.status, 0) << twice.err;
  EXPECT_EQ(once.out, twice.out);
  // The first stanza matching 8086:10b5 (a 4-part ffff wildcard entry) gets the field.
  size_t first = once.out.find("e1000_quad_port"), field = once.out.find("000000e0:2:00000000"),
         second = once.out.find("other_card");
  EXPECT_LT(first, field);
  EXPECT_LT(field, second);
}

TEST(Cli, XenLinesBecomeContractEvents) {
  auto r = RunKdiag({"--output", "ndjson", kCorpus + "xl-dmesg.log"});
  ASSERT_EQ(r.status, 0) << r.err;
  bool bad_mfn = false, pae = false, summary = false;
  for (const NdjsonLine& l : ParseNdjson(r.out)) {
    if (l.type == "event" && l.rule == "xen.mm.bad_mfn") {
      bad_mfn = true;
      EXPECT_EQ(Field(l.raw, "/fields/domain"), "10");
      EXPECT_EQ(Field(l.raw, "/fields/mfn"), "9be78");
      EXPECT_EQ(Field(l.raw, "/fields/pfn"), "a4e78");
      EXPECT_EQ(Field(l.raw, "/fields/pte"), "000000009be78025");
      EXPECT_EQ(Field(l.raw, "/source"), "xen");
    }
    if (l.type == "event" && l.rule == "xen.mm.pae_pte_fixup") {
      pae = true;
      EXPECT_EQ(Field(l.raw, "/fields/domain"), "10");
      EXPECT_EQ(Field(l.raw, "/fields/pte"), "000000009be78025");
      EXPECT_EQ(Field(l.raw, "/source"), "xen");
      EXPECT_EQ(Field(l.raw, "/input/name"), kCorpus + "xl-dmesg.log");
    }
    if (l.type == "summary") summary = true;
  }
  EXPECT_TRUE(bad_mfn && pae && summary) << r.out;
}

TEST(Cli, EventAndSummaryCarryEveryContractKey) {
  auto r = RunKdiag({"--output", "ndjson"}, "", kPciback);
  ASSERT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  int events = 0, findings = 0;
  for (const NdjsonLine& l : ParseNdjson(r.out)) {
    simdjson::dom::element doc = parser.parse(l.raw);
    std::vector<const char*> keys;
    if (l.type == "event") {
      ++events;
      keys = {"type", "rule", "severity", "source", "time", "boot", "fields", "message", "input"};
      EXPECT_EQ(Field(l.raw, "/input/name"), "-");
      double t = doc["time"];
      EXPECT_DOUBLE_EQ(t, 43.052271);
    } else if (l.type == "finding") {
      ++findings;
      keys = {"rule", "count", "first", "last", "fields", "advice"};
    } else {
      keys = {"records", "bytes", "boots", "events"};
    }
    for (const char* k : keys) EXPECT_FALSE(doc[k].error()) << k << " missing in " << l.raw;
  }
  EXPECT_EQ(events, 1);
  EXPECT_EQ(findings, 1);
}

TEST(Cli, MissingInputExitsTwoAndTheOthersAreStillRead) {
  auto r = RunKdiag({"--output", "ndjson", "/nonexistent/kern.log", kCorpus + "dmesg.log"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/kern.log"), std::string::npos) << r.err;
  EXPECT_EQ(Count(r.err, "\n"), 1u) << "one line per error: " << r.err;
  EXPECT_NE(r.out.find("xen.pciback.ro_config_write"), std::string::npos);
}

TEST(Cli, FailOnAndBadUsage) {
  EXPECT_EQ(RunKdiag({"--fail-on", "warning", kCorpus + "dmesg.log"}).status, 1);
  EXPECT_EQ(RunKdiag({"--fail-on", "critical", kCorpus + "dmesg.log"}).status, 0);
  EXPECT_EQ(RunKdiag({"--no-such-flag"}).status, 2);
  EXPECT_EQ(RunKdiag({"--output", "xml"}).status, 2);
  EXPECT_EQ(RunKdiag({"--merge", "x.sxp"}).status, 2);
  EXPECT_EQ(RunKdiag({"--format", "nonsense"}).status, 2);
}

TEST(Cli, InvalidRuleDirectoryNamesFileLineColumn) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/bad.toml",
                     "[[rule]]\nid = \"x\"\nseverity = \"warning\"\n"
                     "source = \"kernel\"\npattern = '''(unclosed'''\n");
  auto r = RunKdiag({"--rules", dir}, "", "");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + "/bad.toml:5:"), std::string::npos) << r.err;
}

// A user's rule without severity_reason still loads and runs; `rules check` refuses it at its
// [[rule]] table (file:line:column, exit 2).
TEST(Cli, RulesCheckRequiresASeverityReason) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/mine.toml",
                     "[[rule]]\nid = \"site.mine\"\nseverity = \"warning\"\n"
                     "source = \"kernel\"\npattern = '''^site marker (?P<n>\\d+)'''\n"
                     "summary = \"marker {n}\"\n  [[rule.example]]\n  line = \"site marker 7\"\n"
                     "  fields = { n = \"7\" }\n");
  auto run = RunKdiag({"--rules", dir, "--output", "ndjson"}, "", "site marker 7\n");
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("\"rule\":\"site.mine\""), std::string::npos) << run.out;
  auto check = RunKdiag({"rules", "check", dir});
  EXPECT_EQ(check.status, 2) << check.out;
  EXPECT_NE(check.err.find(dir + "/mine.toml:1:1: rule 'site.mine' has no 'severity_reason'"),
            std::string::npos)
      << check.err;
  EXPECT_NE(check.out.find("1 failed"), std::string::npos) << check.out;
}

TEST(Cli, RulesSubcommands) {
  auto check = RunKdiag({"rules", "check"});
  EXPECT_EQ(check.status, 0) << check.err << check.out;
  EXPECT_NE(check.out.find("all passed"), std::string::npos);
  auto patterns = RunKdiag({"rules", "patterns"});
  EXPECT_EQ(patterns.status, 0);
  EXPECT_GT(Count(patterns.out, "\n"), 10u);
  EXPECT_EQ(patterns.out.find("\n^"), std::string::npos);
  auto list = RunKdiag({"rules", "list"});
  EXPECT_NE(list.out.find("xen.pciback.ro_config_write\twarning\tkernel"), std::string::npos);
}

TEST(Cli, InvalidValuesNeverReachAnEmittedFix) {
  std::string log =
      "pciback 0000:13:04.0: Driver tried to write to a read-only configuration space field at "
      "offset 0x1000, size 2. This may be harmless\n"
      "pciback 0000:13:04.0: Driver tried to write to a read-only configuration space field at "
      "offset 0xe0, size 3. This may be harmless\n"
      "pciback 0000:13:24.0: Driver tried to write to a read-only configuration space field at "
      "offset 0xe0, size 2. This may be harmless\n"
      "pciback 0000:13:04.9: Driver tried to write to a read-only configuration space field at "
      "offset 0xe4, size 2. This may be harmless\n";
  for (const char* emit : {"xend-quirks", "sysfs-quirks", "xl"}) {
    auto r = RunKdiag({"--emit", emit}, "", log);
    EXPECT_EQ(r.out.find("00001000"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(":3:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("13:24.0"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("04.9"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("000000e4"), std::string::npos) << r.out;
  }
}

TEST(Cli, HostileInputNeverHidesTheNextEvent) {
  std::string junk;
  std::mt19937 rng(7);
  for (int i = 0; i < 1 << 20; ++i) junk.push_back(static_cast<char>(rng()));
  std::string log = junk + "\n" + std::string(5 << 20, 'A') + "\n" + std::string("\0\0\0\n", 4) +
                    "\xff\xfe\xc3(invalid utf-8\n\x1b]0;title\x07\x1b[2J" + kPciback +
                    "no final newline";
  auto r = RunKdiag({"--output", "ndjson"}, "", log);
  EXPECT_EQ(r.status, 0) << r.err;
  int events = 0;
  for (const NdjsonLine& l : ParseNdjson(r.out)) {
    events += l.type == "event" && l.rule == "xen.pciback.ro_config_write";
  }
  EXPECT_EQ(events, 1) << r.out.substr(0, 2000);
  auto text = RunKdiag({}, "", log);
  EXPECT_EQ(text.status, 0);
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos);
  EXPECT_NE(text.out.find("xen.pciback.ro_config_write"), std::string::npos);
}

TEST(Cli, ReportNeutralisesControlSequencesFromTheLog) {
  std::string log =
      "pciback 0000:13:04.0: Driver tried to write to a read-only configuration space field at "
      "offset 0xe0, size 2. \x1b]2;pwned\x07\x1b[1A\x1b[2K fake\n";
  auto r = RunKdiag({}, "", log, {"NO_COLOR="});
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x07'), std::string::npos);
}

}  // namespace
}  // namespace kdiag

namespace kdiag {
namespace {

// (rule, fields) of every event, in order: what must not depend on the rendering.
std::vector<std::string> EventKeys(const std::string& ndjson) {
  std::vector<std::string> keys;
  simdjson::dom::parser parser;
  for (const NdjsonLine& l : ParseNdjson(ndjson)) {
    if (l.type != "event") continue;
    simdjson::dom::element doc = parser.parse(l.raw);
    keys.push_back(l.rule + " " + simdjson::to_string(doc["fields"]) + " boot " +
                   std::to_string(int64_t(doc["boot"])));
  }
  return keys;
}

TEST(Cli, EveryRenderingOfOneIncidentYieldsTheSameEvents) {
  const std::string dir = std::string(KDIAG_CORPUS_DIR) + "/renderings/";
  auto reference = RunKdiag({"--output", "ndjson", dir + "console.log"});
  std::vector<std::string> expected = EventKeys(reference.out);
  ASSERT_EQ(expected.size(), 2u) << reference.out;
  for (const char* file :
       {"dmesg-decode.log", "dmesg-raw.log", "dmesg-notime.log", "syslog-rfc3164.log",
        "syslog-rfc3339.log", "journal-short-precise.log", "kmsg.log", "kmsg-nul.log", "dmesg.json",
        "journal.json", "journal.export", "console.log.gz"}) {
    auto r = RunKdiag({"--output", "ndjson", dir + file});
    EXPECT_EQ(r.status, 0) << file << r.err;
    EXPECT_EQ(EventKeys(r.out), expected) << file;
  }
  // The serial capture adds the hypervisor's banner (xen.hypervisor.version, before them) and its
  // two mm lines (after) to the same kernel events.
  auto serial = EventKeys(RunKdiag({"--output", "ndjson", dir + "serial.log"}).out);
  ASSERT_EQ(serial.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(serial.begin() + 1, serial.begin() + 3), expected);
}

TEST(Cli, BootsAreCountedPerInput) {
  std::string log =
      "[32459.003280] e1000e 0000:00:19.0 eth0: changing MTU from 1500 to 9000\n"  // mid-boot
      "[    0.000000] Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)\n"
      "[    5.000000] pciback 0000:13:04.0: xen-pciback: Driver tried to write to a read-only "
      "configuration space field at offset 0x1d6, size 2. This may be harmless, but if you have "
      "problems with your device:\n"
      "[    0.000000] Booting Linux on physical CPU 0x0\n"  // a reset without a version line
      "[    9.000000] pciback 0000:13:04.0: xen-pciback: Driver tried to write to a read-only "
      "configuration space field at offset 0x1d6, size 2. This may be harmless, but if you have "
      "problems with your device:\n";
  auto r = RunKdiag({"--output", "ndjson"}, "", log);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> keys = EventKeys(r.out);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_NE(keys[0].find("boot 1"), std::string::npos) << keys[0];
  EXPECT_NE(keys[1].find("boot 2"), std::string::npos) << keys[1];
  EXPECT_NE(r.out.find("\"boots\":3"), std::string::npos) << r.out;
  // One finding per boot: the same warning after a reboot is news.
  EXPECT_EQ(Count(r.out, "\"type\":\"finding\""), 2u);
}

}  // namespace
}  // namespace kdiag
