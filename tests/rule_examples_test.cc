// Every example of every shipped rule, through the real pipeline.
#include <gtest/gtest.h>

#include "analyzer/match/rule_file.h"
#include "analyzer/rule_check.h"
#include "pipeline_run.h"

namespace kdiag {
namespace {

TEST(ShippedRules, EveryExampleMatchesAndEveryCounterExampleDoesNot) {
  std::vector<Rule> rules;
  auto err = LoadEmbeddedRules(&rules);
  ASSERT_FALSE(err) << err->ToString();
  std::unique_ptr<Matcher> m;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &m));
  RuleCheckResult result = CheckRuleExamples(m.get());
  for (const Error& e : result.failures) ADD_FAILURE() << e.ToString();
  EXPECT_GE(result.examples, result.rules);
  std::cout << result.rules << " rules, " << result.examples << " examples run\n";
}

TEST(ShippedRules, ContractRuleIdsExistWithTheirFields) {
  std::vector<Rule> rules;
  ASSERT_FALSE(LoadEmbeddedRules(&rules));
  struct Contract {
    const char* id;
    std::vector<std::string> fields;
  } contracts[] = {
      {"xen.pciback.ro_config_write", {"bdf", "offset", "size"}},
      {"pci.device.enumerated", {"bdf", "vendor", "device", "class"}},
      {"xen.mm.pae_pte_fixup", {"domain", "pte"}},
      {"xen.mm.bad_mfn", {"domain", "mfn", "pfn", "pte"}},
  };
  for (const Contract& c : contracts) {
    const Rule* rule = nullptr;
    for (const Rule& r : rules) {
      if (r.id == c.id) rule = &r;
    }
    ASSERT_TRUE(rule) << c.id;
    // Every example of a contract rule carries every contract field.
    for (const RuleExample& ex : rule->examples) {
      for (const std::string& f : c.fields) {
        EXPECT_FALSE(FieldValue(ex.fields, f).empty())
            << c.id << " example " << ex.line << " lacks " << f;
      }
    }
  }
}

TEST(RuleCheck, ReportsAWrongExample) {
  std::vector<Rule> rules;
  ASSERT_FALSE(ParseRuleFile(R"(
[[rule]]
id = "t.bad"
severity = "info"
source = "kernel"
pattern = '''^x (?P<n>\d)'''
summary = "s"
not = ["x 1"]
  [[rule.example]]
  line = "x 1"
  fields = { n = "2" }
  [[rule.example]]
  line = "y 1"
)",
                             "t.toml", &rules));
  std::unique_ptr<Matcher> m;
  ASSERT_FALSE(Matcher::Build(std::move(rules), &m));
  RuleCheckResult result = CheckRuleExamples(m.get());
  ASSERT_EQ(result.failures.size(), 3u);
  EXPECT_NE(result.failures[0].message.find("expected {n = \"2\"}"), std::string::npos);
  EXPECT_NE(result.failures[1].message.find("does not match"), std::string::npos);
  EXPECT_NE(result.failures[2].message.find("counter-example"), std::string::npos);
}

// Issue 18: every shipped rule says why it has its severity (what `kdiag rules check` demands).
TEST(ShippedRules, EveryRuleSaysWhyItHasItsSeverity) {
  std::vector<Rule> rules;
  ASSERT_FALSE(LoadEmbeddedRules(&rules));
  ASSERT_GT(rules.size(), 200u);
  for (const Error& e : CheckSeverityReasons(rules)) ADD_FAILURE() << e.ToString();
}

// A rule without severity_reason loads (a user's older --rules file keeps working), but the check
// names it at its [[rule]] table; a rule with one passes.
TEST(RuleCheck, RequiresASeverityReasonTheLoaderDoesNot) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(R"([[rule]]
id = "t.with"
severity = "warning"
severity_reason = "Nothing is lost."
source = "kernel"
pattern = '''^with'''
summary = "s"
  [[rule.example]]
  line = "with"

  [[rule]]
id = "t.without"
severity = "error"
source = "kernel"
pattern = '''^without'''
summary = "s"
  [[rule.example]]
  line = "without"
)",
                           "t.toml", &rules);
  ASSERT_FALSE(err) << err->ToString();
  ASSERT_EQ(rules.size(), 2u);
  std::vector<Error> errors = CheckSeverityReasons(rules);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "t.toml:11:3: rule 't.without' has no 'severity_reason': say why it is error (what an "
            "operator loses, or why nothing is lost)");
}

TEST(ShippedRules, ASegfaultWithoutItsObjectEndsItsSummaryAtTheAddress) {
  // 2.6.18 show_signal_msg prints no " in <object>[...]" part: the summary has no dangling "in".
  testing::PipelineRun run = testing::RunShippedRules(
      "httpd[4410]: segfault at 0000000000000010 rip 00002b1c3d4e5f60 rsp 00007fff5a6b7c80 "
      "error 4\n"
      "a.out[25311]: segfault at 0 ip 0000000000400546 sp 00007fff2fb08610 error 4 in "
      "a.out[400000+1000]\n",
      "t.log");
  std::vector<std::string> summaries;
  for (const Event& e : run.events) {
    if (e.rule->id == "process.segfault") {
      summaries.push_back(ExpandTemplate(e.rule->summary, e.fields));
    }
  }
  EXPECT_EQ(summaries, (std::vector<std::string>{
                           "httpd (pid 4410) segfaulted at address 0000000000000010",
                           "a.out (pid 25311) segfaulted at address 0 in a.out",
                       }));
}

}  // namespace
}  // namespace kdiag
