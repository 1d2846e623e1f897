// The config file (config/config_file.h): parsing and its errors, suppressions and their expiry,
// rule settings, flag defaults through the real binary, and replacing a shipped rule with a
// --rules file (match/rule_file.h OverlayRules).
#include <gtest/gtest.h>

#include <filesystem>

#include "analyzer/config/config_file.h"
#include "analyzer/config/rule_overrides.h"
#include "analyzer/config/suppression.h"
#include "analyzer/match/rule_file.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::ParseNdjson;
using testing::RunKdiag;

std::string ParseError(const std::string& text) {
  ConfigFile c;
  auto err = ParseConfigFile(text, "c.toml", &c);
  return err ? err->ToString() : "";
}

TEST(ConfigFile, ReadsFlagsSuppressionsAndRuleSettings) {
  ConfigFile c;
  auto err = ParseConfigFile(R"(fail-on = "error"
rules = ["/a", "/b"]
threads = 2
records = true

[[suppress]]
rule = "net.link.*"
match = "eth[0-9]"
fields = { iface = "eth1" }
reason = "lab switch"
expires = 2027-01-31

[rule."net.link.down"]
severity = "info"
enabled = false
)",
                             "c.toml", &c);
  ASSERT_FALSE(err) << err->ToString();
  ASSERT_EQ(c.defaults.size(), 4u);
  EXPECT_EQ(c.defaults[0].flag, "fail-on");
  EXPECT_EQ(c.defaults[1].values, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(c.defaults[2].values, (std::vector<std::string>{"2"}));
  EXPECT_EQ(c.defaults[3].values, (std::vector<std::string>{"true"}));
  EXPECT_EQ(c.defaults[1].where.ToString(), "c.toml:2:9");
  ASSERT_EQ(c.suppressions.size(), 1u);
  EXPECT_EQ(c.suppressions[0].rule, "net.link.*");
  EXPECT_EQ(c.suppressions[0].expires, "2027-01-31");
  EXPECT_EQ(c.suppressions[0].fields, (Fields{{"iface", "eth1"}}));
  ASSERT_EQ(c.overrides.size(), 1u);
  EXPECT_EQ(c.overrides[0].id, "net.link.down");
  EXPECT_EQ(c.overrides[0].severity, Severity::kInfo);
  EXPECT_EQ(c.overrides[0].enabled, false);
}

TEST(ConfigFile, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(ParseError("fail-on = \"error\"\n[[suppress]]\nrule = \"x\"\n"),
            "c.toml:2:1: [[suppress]] needs 'reason'");
  EXPECT_EQ(ParseError("[[suppress]]\nrule = \"x\"\nreason = \"r\"\nmatch = \"(\"\n"),
            "c.toml:4:9: 'match' is not a valid RE2 pattern: missing ): (");
  EXPECT_EQ(ParseError("[[suppress]]\nrule = \"x\"\nreason = \"r\"\nexpires = \"soon\"\n"),
            "c.toml:4:11: 'expires' must be a date (2027-01-31)");
  EXPECT_EQ(ParseError("[[suppress]]\nrule = \"x\"\nreason = \"r\"\nwhy = 1\n"),
            "c.toml:4:7: unknown key 'why' in [[suppress]] (rule, match, fields, reason, expires)");
  EXPECT_EQ(ParseError("[rule.\"a.b\"]\nseverity = \"loud\"\n"),
            "c.toml:2:12: 'severity' must be info, notice, warning, error or critical");
  EXPECT_EQ(ParseError("kmsg = true\n"),
            "c.toml:1:8: 'kmsg' says what one run reads or writes: give it on the command line, "
            "not in a config file");
  EXPECT_EQ(ParseError("fail-on = {a = 1}\n"),
            "c.toml:1:11: 'fail-on' must be a string, integer, boolean or an array of them");
  EXPECT_NE(ParseError("x = \n").find("c.toml:1:"), std::string::npos);
  // TOML allows any quoted key; a flag's name is a long option's (found by fuzz_config: "" = 2).
  EXPECT_EQ(ParseError("\"\" = 2\n"),
            "c.toml:1:6: '' is not a flag name: a top-level key is a long option without its "
            "dashes (fail-on = \"error\")");
  EXPECT_NE(ParseError("\"--fail-on\" = \"error\"\n").find("is not a flag name"),
            std::string::npos);
  EXPECT_NE(ParseError("\"a\\u001b[2J\" = 1\n").find("is not a flag name"), std::string::npos);
}

TEST(ConfigFile, DefaultPathsFollowXdg) {
  std::string dir = testing::TempDir();
  std::filesystem::create_directories(dir + "/kdiag");
  testing::WriteFile(dir + "/kdiag/config.toml", "");
  std::vector<std::string> found = DefaultConfigPaths(dir.c_str(), "/nonexistent");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back(), dir + "/kdiag/config.toml");
  // A relative XDG_CONFIG_HOME is ignored (XDG base directory spec): $HOME/.config is used.
  found = DefaultConfigPaths("relative", dir.c_str());
  for (const std::string& p : found) EXPECT_EQ(p.find("relative"), std::string::npos);
}

TEST(Suppression, GlobMatchAndFieldsMustAllHold) {
  Suppression s;
  s.rule = "net.link.*";
  s.match = "eth[0-9]";
  s.fields = {{"iface", "eth1"}};
  s.reason = "r";
  std::vector<std::string> notices;
  Suppressor sup({s}, "2026-01-01", &notices);
  EXPECT_TRUE(notices.empty());
  EXPECT_TRUE(
      sup.Suppresses("net.link.down", "e1000e: eth1 NIC Link is Down", {{"iface", "eth1"}}));
  EXPECT_FALSE(
      sup.Suppresses("net.link.down", "e1000e: eth1 NIC Link is Down", {{"iface", "eth2"}}));
  EXPECT_FALSE(
      sup.Suppresses("net.link.down", "e1000e: em1 NIC Link is Down", {{"iface", "eth1"}}));
  EXPECT_FALSE(sup.Suppresses("net.bond.slave_down", "eth1", {{"iface", "eth1"}}));
}

TEST(Suppression, ExpiredEntriesStopWorkingAndSaySo) {
  Suppression s;
  s.rule = "*";
  s.reason = "waiting for the firmware fix";
  s.expires = "2026-03-01";
  s.where = Location{"c.toml", 3, 1};
  std::vector<std::string> notices;
  Suppressor on_the_day({s}, "2026-03-01", &notices);
  EXPECT_TRUE(on_the_day.Suppresses("a", "m", {}));
  EXPECT_TRUE(notices.empty());
  Suppressor after({s}, "2026-03-02", &notices);
  EXPECT_FALSE(after.Suppresses("a", "m", {}));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0],
            "c.toml:3:1: suppression of '*' expired on 2026-03-01 and no longer applies (reason "
            "given: waiting for the firmware fix)");
}

std::vector<Rule> TwoRules() {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(R"([[rule]]
id = "a.one"
severity = "error"
source = "kernel"
pattern = '^one (?P<x>\w+)'
summary = "one {x}"
  [[rule.example]]
  line = "one y"
  fields = { x = "y" }
[[rule]]
id = "a.two"
severity = "warning"
source = "kernel"
pattern = '^two (?P<x>\w+)'
summary = "two {x}"
  [[rule.example]]
  line = "two y"
  fields = { x = "y" }
)",
                           "r.toml", &rules);
  EXPECT_FALSE(err) << err->ToString();
  return rules;
}

TEST(RuleOverrides, ChangeSeverityOrRemoveTheRule) {
  std::vector<Rule> rules = TwoRules();
  RuleOverride sev{"a.one", Severity::kInfo, std::nullopt, {}};
  RuleOverride off{"a.two", std::nullopt, false, {}};
  ASSERT_FALSE(ApplyRuleOverrides({sev, off}, &rules));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].id, "a.one");
  EXPECT_EQ(rules[0].severity, Severity::kInfo);
}

TEST(RuleOverrides, AnUnknownIdIsAnError) {
  std::vector<Rule> rules = TwoRules();
  RuleOverride typo{"a.tow", std::nullopt, false, Location{"c.toml", 7, 1}};
  auto err = ApplyRuleOverrides({typo}, &rules);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(), "c.toml:7:1: no rule has the id 'a.tow'");
}

TEST(RuleOverlay, ALaterLayerReplacesARuleByIdWithANotice) {
  std::vector<Rule> rules = TwoRules();
  std::vector<Rule> layer;
  ASSERT_FALSE(ParseRuleFile(
      "[[rule]]\nid = \"a.one\"\nseverity = \"info\"\nsource = \"kernel\"\npattern = '^uno'\n"
      "summary = \"uno\"\n  [[rule.example]]\n  line = \"uno\"\n",
      "mine.toml", &layer));
  std::vector<std::string> notices;
  ASSERT_FALSE(OverlayRules(std::move(layer), &rules, &notices));
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].id, "a.one");
  EXPECT_EQ(rules[0].patterns[0], "^uno");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "mine.toml:1:1: rule 'a.one' replaces the one at r.toml:1:1");
}

TEST(RuleOverlay, DuplicatesWithinALayerStayAnError) {
  std::vector<Rule> rules;
  std::vector<Rule> layer = TwoRules();
  layer.push_back(layer[0]);
  layer.back().where = Location{"r.toml", 20, 1};
  std::vector<std::string> notices;
  auto err = OverlayRules(std::move(layer), &rules, &notices);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(),
            "r.toml:20:1: duplicate rule id 'a.one' (first defined at r.toml:1:1)");
}

// Through the binary.

constexpr char kLog[] =
    "[ 7021.111111] e1000e: eth0 NIC Link is Down\n"
    "[ 7022.111111] e1000e: eth1 NIC Link is Down\n";

struct ConfigCase {
  std::string dir = testing::TempDir();
  std::string log = dir + "/kern.log";
  std::string config = dir + "/config.toml";
  explicit ConfigCase(const std::string& config_text) {
    testing::WriteFile(log, kLog);
    testing::WriteFile(config, config_text);
  }
};

TEST(ConfigCli, FlagDefaultsApplyAndAGivenFlagWins) {
  ConfigCase s("fail-on = \"warning\"\noutput = \"ndjson\"\n");
  auto r = RunKdiag({"--config", s.config, s.log});
  EXPECT_EQ(r.status, 1) << r.err;  // fail-on warning, from the config file
  EXPECT_NE(r.out.find("\"type\":\"summary\""), std::string::npos) << r.out;
  r = RunKdiag({"--config", s.config, "--fail-on", "critical", "--output", "text", s.log});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("\"type\""), std::string::npos) << r.out;
  r = RunKdiag({"--no-config", s.log});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(ConfigCli, BadValuesAndUnknownKeysNameTheirPlace) {
  ConfigCase s("# comment\nfail-on = \"loud\"\n");
  auto r = RunKdiag({"--config", s.config, s.log});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(s.config + ":2:11: 'fail-on': "), std::string::npos) << r.err;
  testing::WriteFile(s.config, "fial-on = \"error\"\n");
  r = RunKdiag({"--config", s.config, s.log});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(s.config + ":1:11: 'fial-on': no flag --fial-on"), std::string::npos)
      << r.err;
  r = RunKdiag({"--config", s.config, "--no-config", s.log});
  EXPECT_EQ(r.status, 2);
  r = RunKdiag({"--config", s.dir + "/absent.toml", s.log});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("absent.toml: cannot read config file"), std::string::npos) << r.err;
}

TEST(ConfigCli, DefaultConfigIsReadFromXdgConfigHome) {
  ConfigCase s("");
  std::filesystem::create_directories(s.dir + "/xdg/kdiag");
  testing::WriteFile(s.dir + "/xdg/kdiag/config.toml", "output = \"ndjson\"\n");
  auto r = RunKdiag({s.log}, "", "", {"XDG_CONFIG_HOME=" + s.dir + "/xdg"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"type\":\"summary\""), std::string::npos) << r.out;
  r = RunKdiag({"--no-config", s.log}, "", "", {"XDG_CONFIG_HOME=" + s.dir + "/xdg"});
  EXPECT_EQ(r.out.find("\"type\":\"summary\""), std::string::npos) << r.out;
}

// Suppression and selection count the same whatever their order: a suppressed finding below
// --min-severity is still suppressed (it counted as neither before), and the findings the selection
// leaves out are counted as not shown.
TEST(ConfigCli, SuppressionAndSelectionCountTheSameInEitherOrder) {
  ConfigCase s("[[suppress]]\nrule = \"net.link.*\"\nreason = \"lab\"\n");
  auto r =
      RunKdiag({"--config", s.config, "--min-severity", "critical", "--output", "ndjson", s.log});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"findings\":0,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"suppressed\":2,"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"not_selected\""), std::string::npos) << r.out;
  r = RunKdiag({"--no-config", "--min-severity", "critical", "--output", "ndjson", s.log});
  EXPECT_NE(r.out.find("\"findings\":2,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"not_selected\":2,"), std::string::npos) << r.out;
  r = RunKdiag({"--no-config", "--min-severity", "critical", s.log}, "", "", {"COLUMNS=200"});
  EXPECT_NE(r.out.find("2 findings not shown (--min-severity, --rule or --skip-rule)"),
            std::string::npos)
      << r.out;
}

TEST(ConfigCli, SuppressedFindingsAndEventsAreCountedNotLost) {
  ConfigCase s(R"([[suppress]]
rule = "net.link.*"
fields = { iface = "eth1" }
reason = "lab switch port 12, ticket 42"
)");
  auto r = RunKdiag({"--config", s.config, "--output", "ndjson", s.log});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Count(r.out, "\"iface\":\"eth1\""), 0u) << r.out;
  EXPECT_EQ(Count(r.out, "\"type\":\"finding\""), 1u) << r.out;
  EXPECT_EQ(Count(r.out, "\"type\":\"event\""), 1u) << r.out;
  EXPECT_NE(r.out.find("\"findings\":1,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"suppressed\":1,\"suppressed_events\":1"), std::string::npos) << r.out;
  r = RunKdiag({"--config", s.config, s.log}, "", "", {"COLUMNS=200"});  // the line unwrapped
  EXPECT_NE(r.out.find("1 finding suppressed by the config file"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("eth1"), std::string::npos) << r.out;
}

TEST(ConfigCli, AnExpiredSuppressionNoLongerAppliesAndSaysSo) {
  ConfigCase s(R"([[suppress]]
rule = "net.link.down"
reason = "until the cable is replaced"
expires = 2001-01-01
)");
  auto r = RunKdiag({"--config", s.config, "--output", "ndjson", s.log});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Count(r.out, "\"type\":\"finding\""), 2u) << r.out;
  EXPECT_EQ(r.out.find("suppressed"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(s.config + ":1:1: suppression of 'net.link.down' expired on 2001-01-01"),
            std::string::npos)
      << r.err;
  testing::WriteFile(s.config,
                     "[[suppress]]\nrule = \"net.link.down\"\nreason = \"r\"\n"
                     "expires = 2999-12-31\n");
  r = RunKdiag({"--config", s.config, "--output", "ndjson", s.log});
  EXPECT_EQ(Count(r.out, "\"type\":\"finding\""), 0u) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(ConfigCli, RuleSettingsChangeSeverityAndDisable) {
  ConfigCase s("[rule.\"net.link.down\"]\nseverity = \"critical\"\n");
  auto r = RunKdiag({"--config", s.config, "--output", "ndjson", "--fail-on", "critical", s.log});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(Count(r.out, "\"rule\":\"net.link.down\",\"severity\":\"critical\""), 4u) << r.out;
  testing::WriteFile(s.config, "[rule.\"net.link.down\"]\nenabled = false\n");
  r = RunKdiag({"--config", s.config, "--output", "ndjson", s.log});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Count(r.out, "net.link.down"), 0u) << r.out;
  testing::WriteFile(s.config, "\n[rule.\"net.link.dwon\"]\nenabled = false\n");
  r = RunKdiag({"--config", s.config, s.log});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(s.config + ":2:1: no rule has the id 'net.link.dwon'"), std::string::npos)
      << r.err;
}

TEST(ConfigCli, ARulesFileReplacesAShippedRuleWithANotice) {
  ConfigCase s("");
  std::filesystem::create_directories(s.dir + "/rules");
  testing::WriteFile(s.dir + "/rules/mine.toml", R"([[rule]]
id = "net.link.down"
severity = "error"
source = "kernel"
pattern = '^e1000e: (?P<iface>eth0) NIC Link is Down'
summary = "uplink {iface} lost"
  [[rule.example]]
  line = "e1000e: eth0 NIC Link is Down"
  fields = { iface = "eth0" }
)");
  auto r = RunKdiag({"--no-config", "--rules", s.dir + "/rules", "--output", "ndjson", s.log});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(s.dir + "/rules/mine.toml:1:1: rule 'net.link.down' replaces the one at "),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Count(r.out, "\"type\":\"finding\""), 1u) << r.out;
  EXPECT_NE(r.out.find("uplink eth0 lost"), std::string::npos) << r.out;
  // Twice in one directory: an error, as before.
  testing::WriteFile(s.dir + "/rules/mine2.toml", testing::ReadFile(s.dir + "/rules/mine.toml"));
  r = RunKdiag({"--no-config", "--rules", s.dir + "/rules", s.log});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("duplicate rule id 'net.link.down'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kdiag
