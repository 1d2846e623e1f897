// Selection: TIME forms, globs, and --since/--until/--boot/--list-boots/--min-severity/--rule/
// --skip-rule through the binary.
#include "analyzer/config/selection.h"

#include <gtest/gtest.h>

#include <string>

#include "analyzer/input/wall_clock.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

constexpr int64_t kNow = 1700000000LL * 1000000 + 250000;  // 2023-11-14T22:13:20.25Z

std::string At(const std::string& spec) {
  int64_t us = 0;
  if (ParseTimeSpec(spec, kNow, &us)) return "error";
  return FormatRfc3339Utc(us);
}

class SelectionTime : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    unsetenv("TZ");
    tzset();
  }
};

TEST_F(SelectionTime, Forms) {
  EXPECT_EQ(At("2025-11-03T18:54:01+01:00"), "2025-11-03T17:54:01.000000Z");
  EXPECT_EQ(At("2025-11-03"), "2025-11-03T00:00:00.000000Z");
  EXPECT_EQ(At("2025-11-03 18:54"), "2025-11-03T18:54:00.000000Z");
  EXPECT_EQ(At("2025-11-03 18:54:07"), "2025-11-03T18:54:07.000000Z");
  EXPECT_EQ(At("now"), "2023-11-14T22:13:20.250000Z");
  EXPECT_EQ(At("today"), "2023-11-14T00:00:00.000000Z");
  EXPECT_EQ(At("yesterday"), "2023-11-13T00:00:00.000000Z");
  EXPECT_EQ(At("tomorrow"), "2023-11-15T00:00:00.000000Z");
  EXPECT_EQ(At("-1h"), "2023-11-14T21:13:20.250000Z");
  EXPECT_EQ(At("+30min"), "2023-11-14T22:43:20.250000Z");
  EXPECT_EQ(At("-1h30min"), "2023-11-14T20:43:20.250000Z");
  EXPECT_EQ(At("2 days ago"), "2023-11-12T22:13:20.250000Z");
  EXPECT_EQ(At("-1 week"), "2023-11-07T22:13:20.250000Z");
  EXPECT_EQ(At("last tuesday"), "error");
  EXPECT_EQ(At("-1parsec"), "error");
  EXPECT_EQ(At("Nov  3 18:54:01"), "error");  // no year
  EXPECT_EQ(At(""), "error");
}

TEST(Selection, RulesBySeverityAndGlob) {
  Rule info, error;
  info.id = "pci.device.enumerated";
  info.severity = Severity::kInfo;
  error.id = "fs.ext4.error";
  error.severity = Severity::kError;
  Selection s;
  EXPECT_TRUE(s.Reports(info));
  s.has_min_severity = true;
  s.min_severity = Severity::kWarning;
  EXPECT_FALSE(s.Reports(info));
  EXPECT_TRUE(s.Reports(error));
  s = Selection();
  s.rules = {"fs.*"};
  EXPECT_FALSE(s.Reports(info));
  EXPECT_TRUE(s.Reports(error));
  s.skip_rules = {"*.ext4.*"};
  EXPECT_FALSE(s.Reports(error));
  EXPECT_TRUE(GlobMatch("hw.mce.?orrected", "hw.mce.corrected"));
  EXPECT_TRUE(GlobMatch("hw.[em]*", "hw.mce.corrected"));
  EXPECT_FALSE(GlobMatch("hw", "hw.mce.corrected"));
}

TEST(Selection, UnplacedRecordsAreOutsideAWindow) {
  Selection s;
  EXPECT_TRUE(s.InWindow(std::nullopt));
  s.since_us = 10;
  EXPECT_FALSE(s.InWindow(std::nullopt));
  EXPECT_FALSE(s.InWindow(9));
  EXPECT_TRUE(s.InWindow(10));
  s.until_us = 20;
  EXPECT_TRUE(s.InWindow(20));
  EXPECT_FALSE(s.InWindow(21));
}

// Three boots of a syslog file, an event of a different rule in each.
const char kThreeBoots[] =
    "2023-11-01T10:00:00Z h1 kernel: [    0.000000] Linux version 6.1.0 (gcc)\n"
    "2023-11-01T10:00:05Z h1 kernel: [    5.000000] tsc: Marking TSC unstable due to "
    "clocksource watchdog\n"
    "2023-11-02T10:00:00Z h1 kernel: [    0.000000] Linux version 6.1.0 (gcc)\n"
    "2023-11-02T10:00:05Z h1 kernel: [    5.000000] EXT4-fs error (device sda1): "
    "ext4_lookup:1589: inode #2: comm ls: deleted inode referenced: 1835009\n"
    "2023-11-03T10:00:00Z h1 kernel: [    0.000000] Linux version 6.1.0 (gcc)\n"
    "2023-11-03T10:00:05Z h1 kernel: [    5.000000] tsc: Marking TSC unstable due to "
    "check_tsc_sync_source failed\n";

std::string Log() {
  std::string path = testing::TempDir() + "/syslog";
  testing::WriteFile(path, kThreeBoots);
  return path;
}

std::vector<std::string> Rules(const std::string& ndjson) {
  std::vector<std::string> rules;
  for (const testing::NdjsonLine& l : testing::ParseNdjson(ndjson)) {
    if (l.type == "finding") rules.push_back(l.rule);
  }
  return rules;
}

std::vector<std::string> Findings(std::vector<std::string> args) {
  args.insert(args.begin(), {"--output", "ndjson", Log()});
  testing::RunResult r = testing::RunKdiag(args, "", "", {"TZ=UTC"});
  EXPECT_EQ(r.status, 0) << r.err;
  return Rules(r.out);
}

using V = std::vector<std::string>;

TEST(SelectionCli, SinceAndUntil) {
  EXPECT_EQ(Findings({}), V({"hw.tsc.unstable", "fs.ext4.error", "hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--since", "2023-11-02"}), V({"fs.ext4.error", "hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--until", "2023-11-02 10:00:04"}), V({"hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--since", "2023-11-02T00:00:00Z", "--until", "2023-11-02T23:00:00Z"}),
            V({"fs.ext4.error"}));
  EXPECT_EQ(Findings({"--since", "-1h"}), V());  // the log is years old
}

TEST(SelectionCli, BootsCountLikeJournalctl) {
  EXPECT_EQ(Findings({"--boot", "1"}), V({"hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--boot", "2"}), V({"fs.ext4.error"}));
  EXPECT_EQ(Findings({"--boot", "0"}), V({"hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--boot", "-1"}), V({"fs.ext4.error"}));
  testing::RunResult r = testing::RunKdiag({"--boot", "-3", Log()});
  EXPECT_EQ(r.status, 2);
  r = testing::RunKdiag({"--boot", "0"}, "", kThreeBoots);
  EXPECT_EQ(r.status, 2);  // stdin cannot be read twice
  EXPECT_NE(r.err.find("stdin"), std::string::npos);
}

TEST(SelectionCli, ListBoots) {
  testing::RunResult r = testing::RunKdiag({"--list-boots", Log()}, "", "", {"TZ=UTC"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("-2 1 - 2023-11-01T10:00:00.000000Z 2023-11-01T10:00:05.000000Z 2 1 "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n0 3 - 2023-11-03T10:00:00.000000Z 2023-11-03T10:00:05.000000Z 2 1 "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(testing::Count(r.out, "\n"), 4u);
}

TEST(SelectionCli, SeverityAndRules) {
  EXPECT_EQ(Findings({"--min-severity", "warning"}), V({"fs.ext4.error"}));  // tsc: notice
  EXPECT_EQ(Findings({"--rule", "hw.*"}), V({"hw.tsc.unstable", "hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--rule", "fs.*", "--rule", "hw.tsc.*"}),
            V({"hw.tsc.unstable", "fs.ext4.error", "hw.tsc.unstable"}));
  EXPECT_EQ(Findings({"--skip-rule", "hw.tsc.unstable"}), V({"fs.ext4.error"}));
  // Events go the same way; --fail-on still sees what is left out of the output.
  testing::RunResult r = testing::RunKdiag({"--output", "ndjson", "--min-severity", "critical",
                                            "--skip-rule", "fs.*", "--fail-on", "notice", Log()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out.find("\"type\":\"event\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"type\":\"finding\""), std::string::npos) << r.out;
  EXPECT_EQ(testing::RunKdiag({"--min-severity", "loud", Log()}).status, 2);
}

}  // namespace
}  // namespace kdiag
