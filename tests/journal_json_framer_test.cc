#include "analyzer/input/framers/journal_json_framer.h"

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

// The warning of drivers/xen/xen-pciback/conf_space.c (5.8+), one dev_warn with two '\n'; the
// journal keeps it as one MESSAGE. As JSON, the newlines are "\n" escapes.
constexpr char kPcibackJson[] =
    "pciback 0000:07:10.1: xen-pciback: Driver tried to write to a read-only configuration space "
    "field at offset 0x1d6, size 2. This may be harmless, but if you have problems with your "
    "device:\\n1) see permissive attribute in sysfs\\n2) report problems to the xen-devel mailing "
    "list along with details of your device obtained from lspci.";

// One `journalctl -o json` line for a kernel message; `message` is JSON (quoted string, array,
// null).
std::string KernelJson(const std::string& boot, uint64_t mono_us, const std::string& message) {
  return "{\"__CURSOR\":\"s=6c1f4e0b2a3d4c5e8f9a0b1c2d3e4f50;i=1a2b;b=" + boot +
         ";m=" + std::to_string(mono_us) +
         ";t=609a5b3c1d2e0;x=5f2e1d0c9b8a7766\",\"__REALTIME_TIMESTAMP\":\"1699034041123456\","
         "\"__MONOTONIC_TIMESTAMP\":\"" +
         std::to_string(mono_us + 16) + "\",\"_BOOT_ID\":\"" + boot +
         "\",\"_TRANSPORT\":\"kernel\",\"PRIORITY\":\"4\",\"SYSLOG_FACILITY\":\"0\","
         "\"SYSLOG_IDENTIFIER\":\"kernel\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"" +
         std::to_string(mono_us) +
         "\",\"_MACHINE_ID\":\"3b2d9e8f7a6c4b5d9e0f1a2b3c4d5e6f\",\"_HOSTNAME\":\"dom0\","
         "\"_KERNEL_SUBSYSTEM\":\"pci\",\"_KERNEL_DEVICE\":\"+pci:0000:07:10.1\",\"MESSAGE\":" +
         message + "}";
}

std::string Quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::vector<Record> Frame(const std::string& text) {
  JournalJsonFramer framer("journal.json");
  return testing::FrameText(&framer, text);
}

bool IsUnparsed(const Record& r) {
  return r.source == Source::kUserspace && r.program == kUnparsedProgram;
}

TEST(JournalJsonFramer, OneObjectPerLine) {
  std::vector<Record> rs = Frame(KernelJson(kBootA, 395849996, Quoted(kPcibackJson)) + "\n" +
                                 KernelJson(kBootA, 395850100, Quoted("next")) + "\n");
  ASSERT_EQ(rs.size(), 2u);
  const Record& r = rs[0];
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(r.text.find("pciback 0000:07:10.1: xen-pciback: Driver tried"), 0u);
  EXPECT_NE(r.text.find("device:\n1) see permissive attribute in sysfs\n2) report"),
            std::string::npos);
  EXPECT_EQ(*r.time_us, 395849996);
  EXPECT_EQ(r.wall_time, "2023-11-03T17:54:01.123456Z");
  EXPECT_EQ(r.level, 4);
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(r.boot_id, kBootA);
  EXPECT_EQ(r.host, "dom0");
  EXPECT_EQ(r.input, "journal.json");
  EXPECT_EQ(r.line, 1u);
  EXPECT_EQ(r.line_count, 1u);
  EXPECT_EQ(rs[1].text, "next");
  EXPECT_EQ(rs[1].line, 2u);
}

TEST(JournalJsonFramer, KernelSubsystemAndDevice) {
  std::vector<Record> r = Frame(
      "{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"pciback 0000:13:04.0: x\","
      "\"_KERNEL_SUBSYSTEM\":\"pci\",\"_KERNEL_DEVICE\":\"+pci:0000:13:04.0\"}\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].subsystem, "pci");
  EXPECT_EQ(r[0].device, "+pci:0000:13:04.0");
}

TEST(JournalJsonFramer, JsonSeqAndSse) {
  std::string object = KernelJson(kBootA, 5, Quoted("hello"));
  for (const std::string& text : {"\x1e" + object + "\n\x1e" + object + "\n",
                                  "data: " + object + "\n\ndata: " + object + "\n\n"}) {
    std::vector<Record> rs = Frame(text);
    ASSERT_EQ(rs.size(), 2u) << text;
    EXPECT_EQ(rs[0].text, "hello");
    EXPECT_EQ(rs[1].text, "hello");
    EXPECT_EQ(rs[0].source, Source::kKernel);
    EXPECT_EQ(*rs[1].time_us, 5);
  }
}

// `journalctl -o json-pretty`: one field per line, tab-indented.
constexpr char kPretty[] =
    "{\n"
    "\t\"__CURSOR\" : "
    "\"s=6c1f4e0b2a3d4c5e8f9a0b1c2d3e4f50;i=1a2b;b=0e4f7a2c9b1d4e8fa3c5d6e7f8091a2b;"
    "m=5e3f2c1;t=609a5b3c1d2e0;x=5f2e1d0c9b8a7766\",\n"
    "\t\"__REALTIME_TIMESTAMP\" : \"1699034041123456\",\n"
    "\t\"__MONOTONIC_TIMESTAMP\" : \"12345700\",\n"
    "\t\"_BOOT_ID\" : \"0e4f7a2c9b1d4e8fa3c5d6e7f8091a2b\",\n"
    "\t\"_TRANSPORT\" : \"kernel\",\n"
    "\t\"PRIORITY\" : \"6\",\n"
    "\t\"SYSLOG_FACILITY\" : \"0\",\n"
    "\t\"SYSLOG_IDENTIFIER\" : \"kernel\",\n"
    "\t\"_SOURCE_MONOTONIC_TIMESTAMP\" : \"12345678\",\n"
    "\t\"_HOSTNAME\" : \"dom0\",\n"
    "\t\"MESSAGE\" : \"pci 0000:07:10.1: [8086:10ca] type 00 class 0x020000 {not a brace}\"\n"
    "}\n";

TEST(JournalJsonFramer, Pretty) {
  std::vector<Record> rs = Frame(std::string(kPretty) + kPretty);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].text, "pci 0000:07:10.1: [8086:10ca] type 00 class 0x020000 {not a brace}");
  EXPECT_EQ(rs[0].level, 6);
  EXPECT_EQ(*rs[0].time_us, 12345678);
  EXPECT_EQ(rs[0].line, 1u);
  EXPECT_EQ(rs[0].line_count, 13u);
  EXPECT_EQ(rs[1].line, 14u);
  EXPECT_FALSE(IsUnparsed(rs[1]));
}

TEST(JournalJsonFramer, ByteArrayNullAndRepeatedFields) {
  std::vector<Record> rs = Frame(
      // not valid UTF-8 / not printable: an array of bytes
      KernelJson(kBootA, 1, "[104,105,7,255]") + "\n" +
      // over 4096 bytes without --all: null; the record stays with an empty text
      KernelJson(kBootA, 2, "null") + "\n" +
      // a repeated field: an array of values, the first is taken
      KernelJson(kBootA, 3, "[\"first\",\"second\"]") + "\n" +
      // a repeated field whose first value is binary
      KernelJson(kBootA, 4, "[[98,7],\"plain\"]") + "\n" +
      // repeated, the first too long to show
      KernelJson(kBootA, 5, "[null,\"shown\"]") + "\n" +
      // an empty byte array
      KernelJson(kBootA, 6, "[]") + "\n");
  ASSERT_EQ(rs.size(), 6u);
  EXPECT_EQ(rs[0].text, std::string("hi\a\xff"));
  EXPECT_EQ(rs[1].text, "");
  EXPECT_EQ(rs[1].source, Source::kKernel);
  EXPECT_EQ(*rs[1].time_us, 2);
  EXPECT_EQ(rs[2].text, "first");
  EXPECT_EQ(rs[3].text, "b\a");
  EXPECT_EQ(rs[4].text, "shown");
  EXPECT_EQ(rs[5].text, "");
  for (const Record& r : rs) EXPECT_FALSE(IsUnparsed(r));
}

TEST(JournalJsonFramer, RepeatedIdentifierAndUserspace) {
  std::vector<Record> rs = Frame(
      R"({"__REALTIME_TIMESTAMP":"1699034041123456","_TRANSPORT":"syslog",)"
      R"("SYSLOG_IDENTIFIER":["libxl","xl"],"_COMM":"xl","PRIORITY":"3","MESSAGE":"libxl: error: )"
      R"(libxl_pci.c:1489:libxl__device_pci_reset: write to /sys/bus/pci/devices/0000:07:10.1/reset )"
      R"(returned -1: Invalid argument"})"
      "\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].source, Source::kUserspace);
  EXPECT_EQ(rs[0].program, "libxl");
  EXPECT_EQ(rs[0].level, 3);
  EXPECT_EQ(rs[0].text.find("libxl: error: "), 0u);
}

TEST(JournalJsonFramer, EscapesAndKeyOrder) {
  std::vector<Record> rs =
      Frame(R"({"MESSAGE":"tab\there \"q\" \\ \u00e9 {[","_TRANSPORT":"kernel"})"
            "\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].text, "tab\there \"q\" \\ \xc3\xa9 {[");
  EXPECT_EQ(rs[0].source, Source::kKernel);
}

TEST(JournalJsonFramer, UnparsableLinesBecomeUnparsedRecords) {
  std::vector<Record> rs = Frame("-- No entries --\n" + KernelJson(kBootA, 1, Quoted("ok")) +
                                 "\n{\"MESSAGE\":\"bad\" \"x\"}\n\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_TRUE(IsUnparsed(rs[0]));
  EXPECT_EQ(rs[0].text, "-- No entries --");
  EXPECT_EQ(rs[0].line, 1u);
  EXPECT_EQ(rs[1].text, "ok");
  EXPECT_TRUE(IsUnparsed(rs[2]));
  EXPECT_EQ(rs[2].text, "{\"MESSAGE\":\"bad\" \"x\"}");
  EXPECT_EQ(rs[2].line, 3u);
}

// A file cut mid-object: Finish() cannot return an error, so the damage is an unparsed record
// holding what arrived.
TEST(JournalJsonFramer, ObjectCutAtTheEndIsReported) {
  std::string whole = KernelJson(kBootA, 1, Quoted("whole"));
  std::string cut = KernelJson(kBootA, 2, Quoted("cut")).substr(0, 120);
  std::vector<Record> rs = Frame(whole + "\n" + cut);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].text, "whole");
  EXPECT_TRUE(IsUnparsed(rs[1]));
  EXPECT_EQ(rs[1].text, cut);
  EXPECT_EQ(rs[1].line, 2u);

  std::string pretty(kPretty);
  rs = Frame(pretty.substr(0, pretty.find("\t\"PRIORITY\"")));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(IsUnparsed(rs[0]));
  EXPECT_EQ(rs[0].line_count, 6u);
}

// The line reader cut an over-long line: the next object still parses.
TEST(JournalJsonFramer, ObjectCutMidStreamResyncs) {
  std::string cut = KernelJson(kBootA, 1, Quoted("long")).substr(0, 80);
  std::vector<Record> rs =
      Frame(cut + "\n" + KernelJson(kBootA, 2, Quoted("after")) + "\n" + kPretty);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_TRUE(IsUnparsed(rs[0]));
  EXPECT_EQ(rs[1].text, "after");
  EXPECT_FALSE(IsUnparsed(rs[2]));
}

TEST(JournalJsonFramer, OversizedObjectIsReportedAndSkipped) {
  std::string text = "{\n";
  for (uint32_t i = 0; i < JournalJsonFramer::kMaxObjectLines + 5; ++i) {
    text += "\t\"F" + std::to_string(i) + "\" : \"v\",\n";
  }
  text += "\t\"MESSAGE\" : \"lost\"\n}\n";
  text += KernelJson(kBootA, 1, Quoted("after"));
  std::vector<Record> rs = Frame(text);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_TRUE(IsUnparsed(rs[0]));
  EXPECT_LE(rs[0].text.size(), kMaxUnparsedText);
  EXPECT_EQ(rs[0].line_count, JournalJsonFramer::kMaxObjectLines + 8);
  EXPECT_EQ(rs[1].text, "after");
}

TEST(JournalJsonFramer, DetectsAllFourShapes) {
  std::string object = KernelJson(kBootA, 1, Quoted("x"));
  EXPECT_TRUE(LooksLikeJournalJson(object + "\n"));
  EXPECT_TRUE(LooksLikeJournalJson("\n" + object));
  EXPECT_TRUE(LooksLikeJournalJson("\x1e" + object + "\n"));
  EXPECT_TRUE(LooksLikeJournalJson("data: " + object + "\n\n"));
  EXPECT_TRUE(LooksLikeJournalJson(kPretty));
  EXPECT_TRUE(LooksLikeJournalJson(R"({"MESSAGE" : "only"})"));
  // The head may end inside the first object.
  EXPECT_TRUE(LooksLikeJournalJson(object.substr(0, 30)));
  EXPECT_TRUE(LooksLikeJournalJson(std::string(kPretty).substr(0, 20)));
  EXPECT_EQ(std::string(DetectFormat(object).name), "journal-json");
  EXPECT_EQ(std::string(DetectFormat(kPretty).name), "journal-json");
}

TEST(JournalJsonFramer, DoesNotDetectOtherLogs) {
  for (const char* head : {
           "[    0.000000] Linux version 6.1.0-13-amd64 (gcc 12)\n",
           "6,1,0,-;Linux version 6.1.0\n6,2,5,-;Command line: ro\n",
           "Nov 03 18:54:01 dom0 kernel: pciback 0000:07:10.1: seizing device\n",
           "(XEN) Xen version 4.17.5 (Debian 4.17.5-1)\n",
           "{\"level\":\"info\",\"msg\":\"some other json log\"}\n",
           "{\n  \"name\": \"package.json\"\n}\n",
           "{ not json at all\n",
           "",
           "\n\n",
       }) {
    EXPECT_FALSE(LooksLikeJournalJson(head)) << head;
  }
}

// ---- Through the whole pipeline ---------------------------------------------------------------

TEST(JournalJsonPipeline, PcibackWarningIsOneEventAndBootIdsCountBoots) {
  std::string text =
      KernelJson(kBootA, 0,
                 Quoted("Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)")) +
      "\n" + KernelJson(kBootA, 395849996, Quoted(kPcibackJson)) + "\n" +
      // the next boot's kernel time restarts near zero, but the boot id alone decides
      KernelJson(kBootB, 0,
                 Quoted("Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)")) +
      "\n" + KernelJson(kBootB, 2000000, Quoted("pciback 0000:07:10.1: seizing device")) + "\n";
  testing::PipelineRun c = testing::RunShippedRules(text, "journal.json");
  int pciback = 0;
  for (const Event& e : c.events) {
    if (e.rule->id == "xen.pciback.ro_config_write") {
      ++pciback;
      EXPECT_EQ(e.record.boot, 0);
    }
  }
  EXPECT_EQ(pciback, 1);
  ASSERT_EQ(c.records.size(), 4u);
  EXPECT_EQ(c.records[0].boot, 0);
  EXPECT_EQ(c.records[1].boot, 0);
  EXPECT_EQ(c.records[2].boot, 1);
  EXPECT_EQ(c.records[3].boot, 1);
  EXPECT_EQ(c.summary.boots, 2u);
  EXPECT_EQ(c.summary.records, 4u);
}

}  // namespace
}  // namespace kdiag
