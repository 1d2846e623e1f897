// The pci-quirk advice of the report, end to end: log lines in, the finding's advice out.
#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::RunKdiag;

const char kWarning[] =
    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only configuration "
    "space field at offset 0xe0, size 2. This may be harmless, but if you have problems with "
    "your device:\n";

// The advice field of the first finding of `log`'s NDJSON, with JSON's "\n" turned back into
// newlines (the report wraps lines, which would split the phrases a test looks for).
std::string Advice(const std::string& log, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"--pci-ids", "none", "--output", "ndjson"});
  testing::RunResult r = RunKdiag(args, "", log);
  EXPECT_EQ(r.status, 0) << r.err;
  size_t key = r.out.find("\"type\":\"finding\",\"rule\":\"xen.pciback.ro_config_write\"");
  if (key == std::string::npos) return "";
  size_t begin = r.out.find("\"advice\":\"", key);
  size_t end = r.out.find("\",\"", begin + 10);
  std::string advice = r.out.substr(begin + 10, end - begin - 10);
  std::string out;
  for (size_t i = 0; i < advice.size(); ++i) {
    if (advice[i] == '\\' && i + 1 < advice.size() && advice[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += advice[i];
    }
  }
  return out;
}

// A sysfs quirk is freed whenever a domain releases the device (pcistub_put_pci_dev ->
// xen_pcibk_config_free_dyn_fields), not only at a host reboot or re-bind, and the warning flag
// is not reset then.
TEST(AdviceTest, SysfsQuirkLifetimeIsTheGuestsNotTheHosts) {
  std::string advice = Advice(kWarning);
  ASSERT_FALSE(advice.empty());
  EXPECT_EQ(advice.find("until reboot or re-bind"), std::string::npos) << advice;
  EXPECT_NE(advice.find("lost whenever the domain releases the device"), std::string::npos)
      << advice;
  EXPECT_NE(advice.find("before every start of the domain"), std::string::npos) << advice;
  EXPECT_NE(advice.find("no new warning"), std::string::npos) << advice;
}

}  // namespace
}  // namespace kdiag
