#include "analyzer/input/framers/kmsg_framer.h"
#include "analyzer/output/ndjson.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/framers/format.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/pipeline.h"
#include "conformance.h"
#include "pipeline_run.h"

namespace kdiag {
namespace {

using namespace std::string_literals;

// Splits like LineReader: on '\n' only, a final line without '\n' still counts.
std::vector<Record> Frame(std::string_view text) {
  KmsgFramer framer("kmsg.log");
  return testing::FrameText(&framer, text);
}

const char kPciback[] =
    "4,1234,395849996,-,caller=T2345;pciback 0000:07:10.1: xen-pciback: Driver tried to write "
    "to a read-only configuration space field at offset 0x1d6, size 2. This may be harmless, but "
    "if you have problems with your device:\\x0a1) see permissive attribute in sysfs\\x0a2) report "
    "problems to the xen-devel mailing list along with details of your device obtained from "
    "lspci.\n"
    " SUBSYSTEM=pci\n"
    " DEVICE=+pci:0000:07:10.1\n";

// ---- Headers and escapes --------------------------------------------------------------------

TEST(KmsgFramer, HeaderFields) {
  std::vector<Record> r = Frame("14,7,12345678,-,caller=C3;hello, world; really\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "hello, world; really");
  EXPECT_EQ(r[0].level, 6);
  EXPECT_EQ(r[0].facility, 1);
  ASSERT_TRUE(r[0].time_us.has_value());
  EXPECT_EQ(*r[0].time_us, 12345678);
  EXPECT_EQ(r[0].caller, "C3");
  EXPECT_EQ(r[0].source, Source::kKernel);
  EXPECT_EQ(r[0].input, "kmsg.log");
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[0].line_count, 1u);
  EXPECT_FALSE(r[0].boot_marker);
}

TEST(KmsgFramer, SubsystemAndDeviceAreKept) {
  std::vector<Record> r = Frame(
      "4,101,43052271,-;pciback 0000:13:04.0: x\n"
      " SUBSYSTEM=pci\n"
      " DEVICE=+pci:0000:13:04.0\n"
      " SUBSYSTEM=second\n"
      " OTHER=ignored\n"
      "6,102,43052390,-;usb 1-1: new device\n"
      " DEVICE=c189:1\\x5c\n"
      "6,103,43052400,-;no dictionary\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].subsystem, "pci");
  EXPECT_EQ(r[0].device, "+pci:0000:13:04.0");
  EXPECT_EQ(r[0].line_count, 5u);
  EXPECT_TRUE(r[1].subsystem.empty());
  EXPECT_EQ(r[1].device, "c189:1\\");  // escaped like the text
  EXPECT_TRUE(r[2].subsystem.empty());
  EXPECT_TRUE(r[2].device.empty());
  std::vector<Record> huge = Frame("6,1,1,-;x\n DEVICE=" + std::string(5000, 'd') + "\n");
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_EQ(huge[0].device.size(), 256u);
}

TEST(KmsgFramer, RecordsNdjsonShowsSubsystemAndDevice) {
  std::vector<Record> r =
      Frame("4,101,43052271,-;x\n SUBSYSTEM=pci\n DEVICE=+pci:0000:13:04.0\n6,102,1,-;y\n");
  ASSERT_EQ(r.size(), 2u);
  std::string with, without;
  AppendRecordJson(r[0], &with);
  AppendRecordJson(r[1], &without);
  EXPECT_NE(with.find(R"("subsystem":"pci","device":"+pci:0000:13:04.0")"), std::string::npos)
      << with;
  EXPECT_EQ(without.find("subsystem"), std::string::npos) << without;
  EXPECT_EQ(without.find("device"), std::string::npos) << without;
}

TEST(KmsgFramer, FacilitiesBeyondSyslogsAreUnknown) {
  std::vector<Record> r = Frame("190,1,5,-;local7 is the last\n610,2,6,-;facility 76\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].facility, 23);
  EXPECT_EQ(r[0].level, 6);
  EXPECT_EQ(r[1].facility, -1);
  EXPECT_EQ(r[1].level, 2);
  EXPECT_EQ(r[1].text, "facility 76");
}

TEST(KmsgFramer, ParseHeader) {
  KmsgHeader h;
  ASSERT_TRUE(ParseKmsgHeader("6,18446744073709551615,9223372036854775807,c;x", &h));
  EXPECT_EQ(h.priority, 6);
  EXPECT_EQ(h.seq, 18446744073709551615u);
  EXPECT_EQ(h.usec, 9223372036854775807);
  EXPECT_EQ(h.flag, 'c');
  EXPECT_EQ(h.text, 45u);
  EXPECT_FALSE(ParseKmsgHeader("6,18446744073709551616,1,-;seq overflows", &h));
  EXPECT_FALSE(ParseKmsgHeader("6,1,9223372036854775808,-;usec overflows int64", &h));
  EXPECT_FALSE(ParseKmsgHeader("1024,1,1,-;priority above LOG_FACMASK|LOG_PRIMASK", &h));
}

TEST(KmsgFramer, BootMarker) {
  std::vector<Record> r = Frame("0,0,0,-;Linux version 6.6.4-arch1-1 (linux@archlinux)\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(r[0].level, 0);
  EXPECT_EQ(r[0].facility, 0);
  EXPECT_EQ(*r[0].time_us, 0);
}

TEST(KmsgFramer, EscapesAreDecoded) {
  std::vector<Record> r =
      Frame("6,1,1,-;a\\x5cb tab\\x09 del\\x7f hi\\xff upper\\x5C not\\x5 end\\xzz \\x\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "a\\b tab\t del\x7f hi\xff upper\\ not\\x5 end\\xzz \\x");
  std::string out;
  AppendKmsgUnescaped("\\x00\\x0a", &out);
  EXPECT_EQ(out, "\0\n"s);
}

TEST(KmsgFramer, UnknownCommaFieldsAreIgnored) {
  std::vector<Record> r = Frame("3,5,99,-,future=1,caller=T42,x;msg\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "msg");
  EXPECT_EQ(r[0].caller, "T42");
  EXPECT_EQ(r[0].level, 3);
}

TEST(KmsgFramer, OlderFlagsAndFragmentsAreRecordsOfTheirOwn) {
  std::vector<Record> r = Frame(
      "6,301,201607,-;smpboot: x86: Booting SMP configuration:\n"
      "4,311,209670,c;  #1  #3  #5  #7\n"
      "6,312,212630,+;prefix flag of 3.x kernels\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].text, "  #1  #3  #5  #7");
  EXPECT_EQ(r[1].level, 4);
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].text, "prefix flag of 3.x kernels");
}

TEST(KmsgFramer, PcibackWarningIsOneRecord) {
  std::vector<Record> r = Frame(kPciback);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text,
            "pciback 0000:07:10.1: xen-pciback: Driver tried to write to a read-only "
            "configuration space field at offset 0x1d6, size 2. This may be harmless, but if you "
            "have problems with your device:\n1) see permissive attribute in sysfs\n2) report "
            "problems to the xen-devel mailing list along with details of your device obtained "
            "from lspci.");
  EXPECT_EQ(r[0].level, 4);
  EXPECT_EQ(r[0].caller, "T2345");
  EXPECT_EQ(*r[0].time_us, 395849996);
  EXPECT_EQ(r[0].line_count, 3u);  // header and two dictionary lines
}

TEST(KmsgFramer, GarbageLinesBecomePlainRecords) {
  std::vector<Record> r = Frame(
      "not a header\n"
      "6,1,2,-;first\n"
      "6,2,3,-;second\n"
      "6,x,3,-;bad sequence\n"
      "6,4,5,?;bad flag\n"
      "6,5,6,-,no terminator\n"
      "  indented text\n"
      "6,6,7,-;last\n");
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r[0].text, "not a header");
  EXPECT_EQ(r[0].level, -1);
  EXPECT_FALSE(r[0].time_us.has_value());
  EXPECT_EQ(r[1].text, "first");
  EXPECT_EQ(r[3].text, "6,x,3,-;bad sequence");
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r[4].text, "6,4,5,?;bad flag");
  EXPECT_EQ(r[5].text, "6,5,6,-,no terminator");
  EXPECT_EQ(r[6].text, "  indented text");
  EXPECT_EQ(r[7].text, "last");
}

TEST(KmsgFramer, NewlineSeparatedLinesAfterTheFirstRecordAreNotJoined) {
  // No NUL: the stray line is data of its own, not part of the first record.
  std::vector<Record> r = Frame("6,1,2,-;first\nstray\n6,2,3,-;second\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "first");
  EXPECT_EQ(r[1].text, "stray");
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].text, "second");
}

TEST(KmsgFramer, NulSeparatedRecords) {
  std::vector<Record> r = Frame(
      "6,1,2,-;first\nraw newline\n SUBSYSTEM=pci\n\0"s
      "6,2,3,-;second\n\0"s
      "6,3,4,-;third\0"s
      "6,4,5,-;fourth on the same line\0\0"s
      "\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].text, "first\nraw newline");
  EXPECT_EQ(r[0].line_count, 3u);
  EXPECT_EQ(r[1].text, "second");
  EXPECT_EQ(r[1].line, 4u);
  EXPECT_EQ(r[2].text, "third");
  EXPECT_EQ(r[2].line, 5u);
  EXPECT_EQ(r[3].text, "fourth on the same line");
  EXPECT_EQ(r[3].line, 5u);
}

TEST(KmsgFramer, CrLfAndBlankLines) {
  std::vector<Record> r = Frame("6,1,2,-;first\r\n\r\n\n6,2,3,-;second\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].text, "first");
  EXPECT_EQ(r[1].text, "second");
  EXPECT_EQ(r[1].line, 4u);
}

TEST(KmsgFramer, HostileInputIsBounded) {
  std::string text =
      "\0"s
      "6,1,2,-;first\n";
  for (int i = 0; i < 20000; ++i) text += "x\n";
  std::vector<Record> r = Frame(text);
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0].line_count, 10000u);
  size_t lines = 0;
  for (const Record& rec : r) lines += rec.line_count;
  EXPECT_EQ(lines, 20001u);
}

TEST(KmsgFramer, RandomBytesNeitherCrashNorLoseLines) {
  const std::string alphabet = "0123456789,,;;-c+\\xa \n\0\0="s;
  std::mt19937 rng(7);
  std::string text;
  for (int i = 0; i < 200000; ++i) text += alphabet[rng() % alphabet.size()];
  for (size_t cut = 0; cut < 200; ++cut) LooksLikeKmsg(std::string_view(text).substr(cut, cut * 7));
  std::vector<Record> r = Frame(text);
  EXPECT_GT(r.size(), 100u);
  for (const Record& rec : r) EXPECT_GE(rec.line_count, 1u);
}

// ---- Detection ------------------------------------------------------------------------------

TEST(KmsgDetect, Accepts) {
  EXPECT_TRUE(LooksLikeKmsg("6,1,2,-;one record without newline"));
  EXPECT_TRUE(
      LooksLikeKmsg("\n\n6,1,2,-;a\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n6,2,3,c;b\n"));
  EXPECT_TRUE(
      LooksLikeKmsg("6,1,2,-,caller=T1;a\n\0"s
                    "6,2,3,-,caller=T2;b\n\0"s));
  EXPECT_TRUE(
      LooksLikeKmsg("6,1,2,-;a\nraw line\n\0"s
                    "6,2,3,-;b\n"));
  EXPECT_TRUE(LooksLikeKmsg("6,1,2,-;a\n6,2,3,-;cut by the detection limi"));
  EXPECT_TRUE(DetectFormat("4,1,2,-;x\n4,2,3,-;y\n").name == std::string("kmsg"));
}

TEST(KmsgDetect, Rejects) {
  EXPECT_FALSE(LooksLikeKmsg(""));
  EXPECT_FALSE(LooksLikeKmsg("\n\0\n"s));
  EXPECT_FALSE(LooksLikeKmsg("<6>[    0.000000] Linux version 6.1.0\n"));
  EXPECT_FALSE(LooksLikeKmsg("[    0.000000] Linux version 6.1.0\n"));
  EXPECT_FALSE(LooksLikeKmsg("Nov  3 18:54:01 host kernel: [   12.345678] msg\n"));
  EXPECT_FALSE(LooksLikeKmsg("<4>1 2023-11-03T18:54:01.123456+01:00 host kernel - - - msg\n"));
  EXPECT_FALSE(LooksLikeKmsg("(XEN) Xen version 4.17.0\n"));
  EXPECT_FALSE(LooksLikeKmsg("1,2,3\n4,5,6\n"));
  EXPECT_FALSE(LooksLikeKmsg("6,1,2,-;a header, then\nplain console text\n"));
  EXPECT_TRUE(DetectFormat("<6>[    0.000000] x\n").name == std::string("console"));
}

// ---- util-linux conformance inputs ----------------------------------------------------------

TEST(KmsgConformance, KmsgInput) {
  READ_CONFORMANCE(input, "input/kmsg-input");
  EXPECT_TRUE(LooksLikeKmsg(input));
  std::vector<Record> r = Frame(input);
  ASSERT_EQ(r.size(), 45u);  // expected/kmsg-file has 45 entries
  // expected/kmsg-file: {"pri": 0, "time": 0.000000, "msg": "Linux version 6.6.4-arch1-1 ..."}
  EXPECT_EQ(r[0].level, 0);
  EXPECT_TRUE(r[0].boot_marker);
  EXPECT_EQ(*r[0].time_us, 0);
  EXPECT_EQ(r[1].text,
            "Command line: initrd=\\ucode.img initrd=\\initramfs-linux.img rw "
            "cryptdevice=/dev/nvme0n1p3:system:discard root=/dev/mapper/system");
  EXPECT_EQ(r[1].level, 1);
  EXPECT_EQ(*r[1].time_us, 1);
  // {"pri": 4, "time": 0.209670, "msg": "  #1  #3  #5  #7"}: a 'c' fragment.
  EXPECT_EQ(r[13].text, "  #1  #3  #5  #7");
  EXPECT_EQ(r[13].level, 4);
  EXPECT_EQ(*r[13].time_us, 209670);
  EXPECT_EQ(r[18].text, "ACPI: \\_SB_.PCI0.GP19.NHI1.PWRS: New power resource");
  EXPECT_EQ(*r[18].time_us, 367657);
  // {"pri": 6, "time": 147.981859, "msg": "usb 3-3.1: New USB device found, ..."}
  const Record& last = r.back();
  EXPECT_EQ(last.text,
            "usb 3-3.1: New USB device found, idVendor=17ef, idProduct=6047, bcdDevice= 3.30");
  EXPECT_EQ(last.level, 6);
  EXPECT_EQ(last.facility, 0);
  EXPECT_EQ(*last.time_us, 147981859);
  EXPECT_EQ(last.line_count, 3u);  // SUBSYSTEM=usb, DEVICE=c189:300
  for (const Record& rec : r) EXPECT_TRUE(rec.caller.empty());
}

TEST(KmsgConformance, CidKmsgInputAgreesWithItsDecodeRendering) {
  READ_CONFORMANCE(input, "input/cid-kmsg-input");
  READ_CONFORMANCE(decode, "expected/cid-kmsg-decode");
  std::vector<Record> r = Frame(input);
  ASSERT_EQ(r.size(), 58u);
  // "daemon:info  : [   10.441520] [T31] systemd[1]: systemd 254.7-1.fc39 running in system mode"
  EXPECT_EQ(r[30].facility, 3);
  EXPECT_EQ(r[30].level, 6);
  EXPECT_EQ(r[30].caller, "T31");
  EXPECT_EQ(*r[30].time_us, 10441520);
  EXPECT_EQ(r[30].text, "systemd[1]: systemd 254.7-1.fc39 running in system mode");
  // "kern  :info  : [  166.909842] [C1234567] perf: interrupt took too long (4174 > 3987)"
  EXPECT_EQ(r[52].caller, "C1234567");
  EXPECT_EQ(*r[52].time_us, 166909842);
  EXPECT_EQ(r[52].text, "perf: interrupt took too long (4174 > 3987)");
  // "user  :debug : [  207.987439] [T1234567] User program Dmesg Test Message at debug priority"
  EXPECT_EQ(r[57].facility, 1);
  EXPECT_EQ(r[57].level, 7);

  // Every record agrees with what the console framer reads from util-linux's rendering of it.
  ConsoleFramer console("decode");
  std::vector<Record> d;
  RecordSink sink = [&d](Record&& rec) { d.push_back(std::move(rec)); };
  std::istringstream lines(decode);
  std::string line;
  uint64_t number = 0;
  while (std::getline(lines, line)) console.Line(line, ++number, sink);
  console.Finish(sink);
  ASSERT_EQ(d.size(), r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(r[i].text, d[i].text);
    EXPECT_EQ(r[i].time_us, d[i].time_us);
    EXPECT_EQ(r[i].level, d[i].level);
    EXPECT_EQ(r[i].facility, d[i].facility);
    EXPECT_EQ(r[i].caller, d[i].caller);
  }
}

TEST(KmsgConformance, CidKmsgNewlines) {
  READ_CONFORMANCE(input, "input/cid-kmsg-newlines");
  EXPECT_TRUE(LooksLikeKmsg(input));
  std::vector<Record> r = Frame(input);
  // util-linux prints only each record's first line; the raw newlines are message text, kept.
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].text, "line zero");
  EXPECT_EQ(r[0].caller, "T0");
  EXPECT_EQ(r[1].text, "new\nline");
  EXPECT_EQ(r[1].facility, 1);
  EXPECT_EQ(r[1].level, 2);
  EXPECT_EQ(*r[1].time_us, 1000000);
  EXPECT_EQ(r[2].text, "two\ntwo\nlines");
  EXPECT_EQ(r[3].text, "three\nthree\nmore\nlines");
  EXPECT_EQ(r[3].caller, "T3");
  EXPECT_EQ(r[3].line_count, 4u);
}

// ---- Through the pipeline -------------------------------------------------------------------

TEST(KmsgPipeline, PcibackRecordGivesOneEvent) {
  // Newline-separated (as read from the device) and NUL-separated (dmesg -K), format detected.
  const std::string inputs[] = {
      "6,1233,395849000,-;pciback 0000:07:10.1: assigned\n"s + kPciback,
      "6,1233,395849000,-;pciback 0000:07:10.1: assigned\n\0"s + kPciback,
  };
  for (const std::string& input : inputs) {
    testing::PipelineRun run = testing::RunShippedRules(input, "kmsg.log");
    int count = 0;
    for (const Event& e : run.events) {
      if (e.rule->id != "xen.pciback.ro_config_write") continue;
      ++count;
      EXPECT_EQ(FieldValue(e.fields, "bdf"), "0000:07:10.1");
      EXPECT_EQ(FieldValue(e.fields, "offset"), "0x1d6");
      EXPECT_EQ(FieldValue(e.fields, "size"), "2");
      EXPECT_EQ(e.record.line, 2u);
    }
    EXPECT_EQ(count, 1);
    EXPECT_EQ(run.summary.records, 2u);
  }
}

}  // namespace
}  // namespace kdiag
