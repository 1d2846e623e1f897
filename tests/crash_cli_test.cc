// The crash report contract through the binary (design.md): crash events carry top-level "title",
// "crash_type", "corrupted" and "frames", and the text report shows title, type and top frames.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::RunKdiag;

const std::string kLog = std::string(KDIAG_CORPUS_DIR) + "/kernel-crashes/dmesg.log";

TEST(CrashCli, CrashEventsCarryTitleTypeCorruptedAndFrames) {
  auto r = RunKdiag({"--output", "ndjson", "--pci-ids", "none", kLog});
  ASSERT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  int crashes = 0;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t nl = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, nl - pos);
    pos = nl + 1;
    simdjson::dom::element doc = parser.parse(line);
    std::string_view type = doc["type"];
    if (type != "event") continue;
    std::string_view rule = doc["rule"];
    if (rule.compare(0, 7, "kernel.") != 0) continue;
    ++crashes;
    std::string_view title = doc["title"];
    std::string_view crash_type = doc["crash_type"];
    bool corrupted = doc["corrupted"];
    simdjson::dom::array frames = doc["frames"];
    EXPECT_FALSE(corrupted);
    EXPECT_GT(frames.size(), 2u);
    if (rule == "kernel.oops.null_deref") {
      EXPECT_EQ(title,
                "BUG: unable to handle kernel NULL pointer dereference in "
                "xen_pcibk_publish_pci_root");
      EXPECT_EQ(crash_type, "NULL_POINTER_DEREFERENCE");
      std::string_view top = frames.at(0);
      EXPECT_EQ(top, "xen_pcibk_publish_pci_root");
      // The other task's line in the middle of the oops is not part of it.
      std::string_view message = doc["message"];
      EXPECT_EQ(message.find("nvme nvme0"), std::string_view::npos);
    }
    if (rule == "kernel.hung_task") {
      EXPECT_EQ(title, "INFO: task hung in jbd2_journal_commit_transaction");
    }
    if (rule == "kernel.warning") {
      EXPECT_EQ(title, "WARNING in ixgbe_configure_msix");
    }
  }
  EXPECT_EQ(crashes, 3);
}

TEST(CrashCli, TextReportShowsTitleTypeAndTopFrames) {
  // Wide enough that the title line is not wrapped (output/wrap.h).
  auto r = RunKdiag({"--pci-ids", "none", kLog}, "", "", {"COLUMNS=200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("BUG: unable to handle kernel NULL pointer dereference in "
                       "xen_pcibk_publish_pci_root  [NULL_POINTER_DEREFERENCE]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    in xen_pcibk_publish_pci_root\n       xen_pcibk_setup_backend\n"),
            std::string::npos)
      << r.out;
}

// Issue 18: the same advice paragraph once per rule (it appeared 70 times for 70 KASAN reports);
// later findings of the rule point back at it.
TEST(CrashCli, TextReportPrintsARulesAdviceOnce) {
  std::string dir = testing::TempDir();
  std::string log;
  for (const char* func : {"tcp_close", "udp_sendmsg", "ext4_readdir"}) {
    log += std::string("[  1.000000] BUG: KASAN: use-after-free in ") + func + "+0x1/0x2\n" +
           "[  1.000001] Read of size 8 at addr ffff888000000000 by task a/1\n" +
           "[  1.000002] Call Trace:\n[  1.000003]  " + func + "+0x1/0x2\n" +
           "[  1.000004] ==================================================================\n";
  }
  testing::WriteFile(dir + "/kasan.log", log);
  auto r = RunKdiag({"--pci-ids", "none", dir + "/kasan.log"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(testing::Count(r.out, "kernel.kasan  x1"), 3u) << r.out;
  EXPECT_EQ(testing::Count(r.out, "KASAN (the kernel address sanitizer) caught"), 1u) << r.out;
  EXPECT_EQ(testing::Count(r.out, "Advice: as for the first kernel.kasan finding above."), 2u)
      << r.out;
}

}  // namespace
}  // namespace kdiag
