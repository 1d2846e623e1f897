#include "analyzer/input/framers/journal_export_framer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "analyzer/input/framers/format.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"
#include "pipeline_run.h"

namespace kdiag {
namespace {

constexpr char kBootA[] = "0e4f7a2c9b1d4e8fa3c5d6e7f8091a2b";
constexpr char kBootB[] = "7d2c1b0a99884f6e8d7c6b5a49382716";

constexpr char kPciback[] =
    "pciback 0000:07:10.1: xen-pciback: Driver tried to write to a read-only configuration space "
    "field at offset 0x1d6, size 2. This may be harmless, but if you have problems with your "
    "device:\n1) see permissive attribute in sysfs\n2) report problems to the xen-devel mailing "
    "list along with details of your device obtained from lspci.";

// "FIELD\n" + 64-bit little-endian length + bytes + "\n", as journalctl writes a value that is
// not printable UTF-8 or holds a newline.
std::string Binary(const std::string& name, const std::string& value) {
  std::string s = name + "\n";
  uint64_t n = value.size();
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return s + value + "\n";
}

// The fields journalctl -o export writes before MESSAGE for a kernel record.
std::string KernelHead(const std::string& boot, uint64_t mono_us) {
  return "__CURSOR=s=6c1f4e0b2a3d4c5e8f9a0b1c2d3e4f50;i=1a2b;b=" + boot +
         ";m=" + std::to_string(mono_us) + ";t=609a5b3c1d2e0;x=5f2e1d0c9b8a7766\n" +
         "__REALTIME_TIMESTAMP=1699034041123456\n"
         "__MONOTONIC_TIMESTAMP=" +
         std::to_string(mono_us + 16) + "\n_BOOT_ID=" + boot +
         "\n_TRANSPORT=kernel\nPRIORITY=4\nSYSLOG_FACILITY=0\nSYSLOG_IDENTIFIER=kernel\n"
         "_SOURCE_MONOTONIC_TIMESTAMP=" +
         std::to_string(mono_us) +
         "\n_MACHINE_ID=3b2d9e8f7a6c4b5d9e0f1a2b3c4d5e6f\n_HOSTNAME=dom0\n";
}

std::string KernelEntry(const std::string& boot, uint64_t mono_us, const std::string& message) {
  bool binary = message.find('\n') != std::string::npos;
  return KernelHead(boot, mono_us) +
         (binary ? Binary("MESSAGE", message) : "MESSAGE=" + message + "\n") +
         "_KERNEL_SUBSYSTEM=pci\n\n";
}

// Lines as the line reader delivers them: split on '\n', a last line without '\n' still comes.
std::vector<Record> Frame(const std::string& text) {
  JournalExportFramer framer("journal.export");
  return testing::FrameText(&framer, text);
}

bool IsUnparsed(const Record& r) {
  return r.source == Source::kUserspace && r.program == kUnparsedProgram;
}

TEST(JournalExportFramer, TextFields) {
  std::vector<Record> rs = Frame(KernelEntry(kBootA, 395849996, "pci 0000:07:10.1: BAR 0") +
                                 KernelEntry(kBootA, 395850000, "second"));
  ASSERT_EQ(rs.size(), 2u);
  const Record& r = rs[0];
  EXPECT_EQ(r.text, "pci 0000:07:10.1: BAR 0");
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(*r.time_us, 395849996);
  EXPECT_EQ(r.wall_time, "2023-11-03T17:54:01.123456Z");
  EXPECT_EQ(r.level, 4);
  EXPECT_EQ(r.boot_id, kBootA);
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(r.line, 1u);
  EXPECT_EQ(r.line_count, 13u);
  EXPECT_EQ(rs[1].text, "second");
  EXPECT_EQ(rs[1].line, 15u);
}

TEST(JournalExportFramer, BinaryMessageWithNewlines) {
  std::vector<Record> rs = Frame(KernelEntry(kBootA, 1, kPciback) + KernelEntry(kBootA, 2, "x"));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].text, kPciback);
  EXPECT_EQ(rs[0].line_count, 16u);  // 11 head lines, "MESSAGE", 3 value lines, 1 after
  EXPECT_EQ(rs[1].text, "x");
  EXPECT_FALSE(IsUnparsed(rs[1]));
}

// Lengths whose bytes hold 0x0a: the eight length bytes themselves span "lines".
TEST(JournalExportFramer, LengthBytesHoldingNewlines) {
  for (size_t size : {size_t{10}, size_t{0x0a0a}, size_t{0x0a0a0a}}) {
    std::string value;
    for (size_t i = 0; i < size; ++i)
      value.push_back(i % 7 == 3 ? '\n' : static_cast<char>('a' + i % 26));
    value[0] = '\xff';               // not UTF-8 either
    value[value.size() - 1] = '\n';  // ends with a newline, so "\n\n" follows it
    std::string text = "__CURSOR=s=1\n" + Binary("MESSAGE", value) + "_TRANSPORT=kernel\n\n" +
                       "__CURSOR=s=2\nMESSAGE=next\n";
    std::vector<Record> rs = Frame(text);
    ASSERT_EQ(rs.size(), 2u) << size;
    EXPECT_EQ(rs[0].text, value) << size;
    EXPECT_EQ(rs[0].source, Source::kKernel);
    EXPECT_EQ(rs[1].text, "next");
  }
}

TEST(JournalExportFramer, EmptyBinaryValueAndRepeatedFields) {
  std::string text = "__CURSOR=s=1\n" + Binary("MESSAGE", "") + "MESSAGE=second\n" +
                     "SYSLOG_IDENTIFIER=libxl\nSYSLOG_IDENTIFIER=xl\n\n";
  std::vector<Record> rs = Frame(text);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].text, "");
  EXPECT_EQ(rs[0].program, "libxl");
  EXPECT_EQ(rs[0].source, Source::kUserspace);
}

// A cut export: the binary length promises more than the input holds.
TEST(JournalExportFramer, TruncatedBinaryValueIsKeptAndReported) {
  std::string full = KernelEntry(kBootA, 1, kPciback);
  std::string cut = full.substr(0, full.find("1) see"));
  std::vector<Record> rs = Frame(KernelEntry(kBootA, 0, "before") + cut);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].text, "before");
  EXPECT_EQ(rs[1].source, Source::kKernel);
  EXPECT_EQ(rs[1].boot_id, kBootA);
  EXPECT_EQ(rs[1].text, std::string(kPciback).substr(0, std::string(kPciback).find('\n')));
  EXPECT_TRUE(IsUnparsed(rs[2]));
  EXPECT_NE(rs[2].text.find("input ends inside binary field MESSAGE"), std::string::npos);
  EXPECT_EQ(rs[2].line, 26u);  // the "MESSAGE" line of the cut entry

  // Cut inside the length bytes.
  rs = Frame(std::string("__CURSOR=s=1\nMESSAGE\n\x05\x00\x00", 24));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].text, "");
  EXPECT_TRUE(IsUnparsed(rs[1]));
}

TEST(JournalExportFramer, HugeLengthSkipsToTheNextEntry) {
  std::string bad = "__CURSOR=s=1\n_TRANSPORT=kernel\nMESSAGE\n" + std::string(7, '\xff') + "\x7f" +
                    "garbage\nMORE=garbage\n\n";
  std::vector<Record> rs = Frame(bad + KernelEntry(kBootA, 5, "after"));
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].source, Source::kKernel);  // the fields before the damage
  EXPECT_EQ(rs[0].text, "");
  EXPECT_TRUE(IsUnparsed(rs[1]));
  EXPECT_NE(rs[1].text.find("over the limit"), std::string::npos);
  EXPECT_EQ(rs[1].line, 3u);
  EXPECT_EQ(rs[1].line_count, 3u);
  EXPECT_EQ(rs[2].text, "after");
}

TEST(JournalExportFramer, ValueNotEndingAtALineEnd) {
  std::string lying = Binary("MESSAGE", "abcdef");
  lying[lying.size() - 1] = 'X';  // no newline after the value: the next field runs on
  std::string text = "__CURSOR=s=1\n_TRANSPORT=kernel\n" + lying + "PRIORITY=3\n\n" +
                     KernelEntry(kBootA, 5, "after");
  std::vector<Record> rs = Frame(text);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].text, "abcdef");
  EXPECT_TRUE(IsUnparsed(rs[1]));
  EXPECT_NE(rs[1].text.find("not followed by a newline"), std::string::npos);
  EXPECT_EQ(rs[2].text, "after");
}

TEST(JournalExportFramer, StrayLinesBecomeUnparsedRecords) {
  std::vector<Record> rs = Frame("__CURSOR=s=1\nthis is not a field\nMESSAGE=kept\n\n\n\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_TRUE(IsUnparsed(rs[0]));
  EXPECT_EQ(rs[0].text, "this is not a field");
  EXPECT_EQ(rs[0].line, 2u);
  EXPECT_EQ(rs[1].text, "kept");
  EXPECT_EQ(rs[1].line, 1u);
  EXPECT_EQ(rs[1].line_count, 3u);
}

TEST(JournalExportFramer, LastEntryWithoutBlankLine) {
  std::vector<Record> rs = Frame("__CURSOR=s=1\nMESSAGE=a\n\n__CURSOR=s=2\nMESSAGE=b");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].text, "b");
}

TEST(JournalExportFramer, Detects) {
  EXPECT_TRUE(LooksLikeJournalExport(KernelEntry(kBootA, 1, "x")));
  EXPECT_TRUE(LooksLikeJournalExport("__REALTIME_TIMESTAMP=1699034041123456\n"));
  EXPECT_TRUE(LooksLikeJournalExport("_TRANSPORT=kernel\nPRIORITY=6\nMESSAGE=hi\n\n"));
  EXPECT_TRUE(LooksLikeJournalExport("_TRANSPORT=kernel\n" + Binary("MESSAGE", "a\nb")));
  EXPECT_EQ(std::string(DetectFormat(KernelEntry(kBootA, 1, kPciback)).name), "journal-export");
  for (const char* head : {
           "[    0.000000] Linux version 6.1.0-13-amd64 (gcc 12)\n",
           "6,1,0,-;Linux version 6.1.0\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:00.0\n",
           "Nov 03 18:54:01 dom0 kernel: MESSAGE=x\n",
           "(XEN) MESSAGE=x\n",
           "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
           "MESSAGE=alone\n",
           "    _TRANSPORT=kernel\n    MESSAGE=verbose mode is not export\n",
           "",
       }) {
    EXPECT_FALSE(LooksLikeJournalExport(head)) << head;
  }
}

// ---- Through the whole pipeline ---------------------------------------------------------------

TEST(JournalExportPipeline, PcibackWarningIsOneEventAndBootIdsCountBoots) {
  std::string text = KernelEntry(kBootA, 0, "Linux version 6.1.0-13-amd64") +
                     KernelEntry(kBootA, 395849996, kPciback) +
                     KernelEntry(kBootB, 0, "Linux version 6.1.0-13-amd64") +
                     KernelEntry(kBootB, 1000, "pciback 0000:07:10.1: seizing device");
  testing::PipelineRun c = testing::RunShippedRules(text, "journal.export");
  int pciback = 0;
  for (const Event& e : c.events) {
    if (e.rule->id == "xen.pciback.ro_config_write") {
      ++pciback;
      EXPECT_EQ(e.record.boot, 0);
    }
  }
  EXPECT_EQ(pciback, 1);
  ASSERT_EQ(c.records.size(), 4u);
  EXPECT_EQ(c.records[1].boot, 0);
  EXPECT_EQ(c.records[2].boot, 1);
  EXPECT_EQ(c.summary.boots, 2u);
}

}  // namespace
}  // namespace kdiag
