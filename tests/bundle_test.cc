#include "analyzer/input/sources/bundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "pipeline_run.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::TempDir;
using testing::WriteFile;

const char kPciback[] =
    "pciback 0000:13:04.0: Driver tried to write to a read-only configuration space field at "
    "offset 0xe0, size 2. This may be harmless, but if you have problems with your device:";

void Put(const std::string& root, const std::string& relative, const std::string& text) {
  std::string path = root + "/" + relative;
  for (size_t slash = path.find('/', root.size() + 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
  }
  WriteFile(path, text);
}

// A small sosreport: logs where sos puts them, and files that are not logs beside them.
std::string MakeSosreport() {
  std::string root = TempDir() + "/sosreport-dom0-2025-11-03";
  mkdir(root.c_str(), 0755);
  Put(root, "sos_commands/kernel/dmesg", std::string("[   43.052271] ") + kPciback + "\n");
  Put(root, "sos_commands/pci/lspci_-nnvv",
      "13:04.0 Ethernet controller [0200]: Intel Corporation 82546GB Gigabit Ethernet "
      "Controller [8086:10b5] (rev 03)\n"
      "\tSubsystem: Hewlett-Packard Company NC340T [103c:3109]\n\n");
  Put(root, "sos_commands/networking/ip_-o_addr", "1: lo    inet 127.0.0.1/8 scope host lo\n");
  Put(root, "var/log/messages",
      "Nov  3 18:54:01 dom0 kernel: [   43.052390] PCI: Enabling device 0000:13:04.0 "
      "(0000 -> 0003)\n");
  Put(root, "var/log/xen/xl-dom1.log", "Waiting for domain dom1 (domid 1) to die [pid 1234]\n");
  Put(root, "var/log/xen/core.bin",
      std::string("\x7f"
                  "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                  16) +
          std::string(200, '\0'));
  Put(root, "var/log/audit/audit.log", "type=DAEMON_START msg=audit(1699034041.123:1): x\n");
  Put(root, "etc/xen/xl.conf", "autoballoon=0\n");
  EXPECT_EQ(symlink("sos_commands/kernel/dmesg", (root + "/dmesg").c_str()), 0);
  return root;
}

std::vector<std::string> Relative(const std::string& root, const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) out.push_back(p.substr(root.size() + 1));
  return out;
}

TEST(Bundle, SosreportPlanReadsOnlyKernelLogs) {
  std::string root = MakeSosreport();
  DirectoryPlan plan = PlanDirectory(root);
  EXPECT_EQ(plan.layout, "sosreport");
  // The top-level "dmesg" link to sos_commands/kernel/dmesg is not read a second time.
  EXPECT_EQ(Relative(root, plan.logs),
            (std::vector<std::string>{"sos_commands/kernel/dmesg", "var/log/messages",
                                      "var/log/xen/core.bin", "var/log/xen/xl-dom1.log"}));
  EXPECT_EQ(Relative(root, plan.lspci), (std::vector<std::string>{"sos_commands/pci/lspci_-nnvv"}));
  EXPECT_TRUE(plan.errors.empty());
}

TEST(Bundle, ContentDecidesWhatIsALog) {
  std::string root = MakeSosreport();
  EXPECT_TRUE(LooksLikeLog(root + "/var/log/messages"));
  EXPECT_TRUE(LooksLikeLog(root + "/var/log/xen/xl-dom1.log"));
  EXPECT_FALSE(LooksLikeLog(root + "/var/log/xen/core.bin"));
  WriteFile(root + "/empty", "");
  EXPECT_FALSE(LooksLikeLog(root + "/empty"));
  // kmsg files from dmesg -K separate records with NULs and are still logs.
  WriteFile(root + "/kmsg", std::string("4,1,43052271,-;") + kPciback + std::string(1, '\0') +
                                "6,2,43052390,-;PCI: Enabling device 0000:13:04.0" +
                                std::string(1, '\0'));
  EXPECT_TRUE(LooksLikeLog(root + "/kmsg"));
}

TEST(Bundle, SosreportThroughThePipeline) {
  std::string root = MakeSosreport();
  std::vector<Error> errors;
  testing::PipelineRun run = testing::RunShippedRulesOnPath(root, false, &errors);
  EXPECT_TRUE(errors.empty());
  std::set<std::string> inputs;
  for (const Record& r : run.records) inputs.insert(r.input.substr(root.size() + 1));
  EXPECT_EQ(inputs, (std::set<std::string>{"sos_commands/kernel/dmesg", "var/log/messages",
                                           "var/log/xen/xl-dom1.log"}));
  EXPECT_EQ(run.events.size(), 2u);  // once each, though the dmesg is linked twice
  std::set<std::string> rules;
  for (const Event& e : run.events) rules.insert(e.rule->id);
  EXPECT_TRUE(rules.count("xen.pciback.ro_config_write"));
  EXPECT_TRUE(rules.count("pci.device.enable"));
  // The bundle's lspci output named the device.
  bool found = false;
  for (const PciDevice& d : run.devices) {
    if (d.bdf.ToString() == "0000:13:04.0" && d.id) {
      found = true;
      EXPECT_EQ(d.id->ToString(), "8086:10b5:103c:3109");
    }
  }
  EXPECT_TRUE(found);
}

TEST(Bundle, FilesystemLayoutAndPlainDirectories) {
  std::string root = TempDir() + "/bug-report-20251103185401";
  mkdir(root.c_str(), 0755);
  Put(root, "var/log/kern.log.1", "Nov  3 18:54:01 dom0 kernel: x\n");
  Put(root, "var/log/xensource.log", "Nov  3 18:54:01 dom0 xapi: not a kernel log\n");
  Put(root, "xl-dmesg.out", "(XEN) Xen version 4.17.5\n");
  Put(root, "xapi-db.xml", "<database/>\n");
  DirectoryPlan plan = PlanDirectory(root);
  EXPECT_EQ(plan.layout, "filesystem");
  EXPECT_EQ(Relative(root, plan.logs),
            (std::vector<std::string>{"var/log/kern.log.1", "xl-dmesg.out"}));

  // Bundles are recognised below a plain directory too.
  std::string parent = TempDir();
  std::string sos = MakeSosreport();
  std::string nested = parent + "/cases";
  mkdir(nested.c_str(), 0755);
  ASSERT_EQ(rename(sos.c_str(), (nested + "/sosreport-a").c_str()), 0);
  Put(nested, "notes.txt", "customer says it broke\n");
  DirectoryPlan n = PlanDirectory(nested);
  EXPECT_EQ(n.layout, "");
  EXPECT_EQ(
      Relative(nested, n.logs),
      (std::vector<std::string>{"notes.txt", "sosreport-a/sos_commands/kernel/dmesg",
                                "sosreport-a/var/log/messages", "sosreport-a/var/log/xen/core.bin",
                                "sosreport-a/var/log/xen/xl-dom1.log"}));
  EXPECT_EQ(Relative(nested, n.lspci),
            (std::vector<std::string>{"sosreport-a/sos_commands/pci/lspci_-nnvv"}));

  // Outside bundles every file is a candidate, in name order.
  std::string plain = TempDir() + "/logs";
  mkdir(plain.c_str(), 0755);
  Put(plain, "b/z.log", "x\n");
  Put(plain, "a.log", "y\n");
  Put(plain, "b/c.log", "z\n");
  DirectoryPlan p = PlanDirectory(plain + "/");
  EXPECT_EQ(p.layout, "");
  EXPECT_EQ(Relative(plain, p.logs), (std::vector<std::string>{"a.log", "b/c.log", "b/z.log"}));
}

}  // namespace
}  // namespace kdiag
