// {field:errno} (rule.h ExpandTemplate, match/errno_names.h): the kernel's error numbers decoded in
// summaries and advice (issue 18; the driver rules that use it: finding_links_test.cc).
#include "analyzer/match/errno_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzer/match/rule.h"
#include "analyzer/match/rule_file.h"

namespace kdiag {
namespace {

TEST(ErrnoNames, DecodesKernelErrorNumbers) {
  EXPECT_EQ(DescribeErrno("-110"), "-110 (ETIMEDOUT: connection timed out)");
  EXPECT_EQ(DescribeErrno("-2"), "-2 (ENOENT: no such file or directory)");
  EXPECT_EQ(DescribeErrno("517"), "517 (EPROBE_DEFER: driver requests probe retry)");
  // Not an errno: as it is.
  EXPECT_EQ(DescribeErrno("-9999"), "-9999");
  EXPECT_EQ(DescribeErrno("-0x10"), "-0x10");
  EXPECT_EQ(DescribeErrno(""), "");
  EXPECT_EQ(DescribeErrno("-"), "-");
}

TEST(ErrnoNames, TemplatesDecodeFieldsMarkedErrno) {
  Fields f = {{"error", "-22"}, {"dev", "sda"}};
  EXPECT_EQ(ExpandTemplate("{dev}: {error:errno}, raw {error}", f),
            "sda: -22 (EINVAL: invalid argument), raw -22");
  EXPECT_EQ(ExpandTemplate("[{missing:errno}]", f), "[]");
}

TEST(ErrnoNames, RuleFilesAcceptOnlyTheErrnoFormat) {
  std::vector<Rule> rules;
  auto err = ParseRuleFile(R"(
[[rule]]
id = "t.x"
severity = "info"
source = "any"
pattern = '''^x (?P<error>-\d+)'''
summary = "x {error:hex}"
  [[rule.example]]
  line = "x -1"
  fields = { error = "-1" }
)",
                           "t.toml", &rules);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(),
            "t.toml:7:11: summary names {error:hex}: the only format after ':' is 'errno'");
}

}  // namespace
}  // namespace kdiag
