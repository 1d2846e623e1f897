#include "analyzer/input/framers/journal_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace kdiag {
namespace {

using FieldList = std::vector<std::pair<std::string, std::string>>;

Record Map(const FieldList& fields) {
  JournalEntry entry;
  for (const auto& [name, value] : fields) entry.Set(name, value);
  return entry.ToRecord("journal.json", 7, 3);
}

// A kernel record as journald stores it (systemd src/journal/journald-kmsg.c, dev_kmsg_record()).
TEST(JournalFields, KernelRecord) {
  Record r = Map({
      {"__REALTIME_TIMESTAMP", "1699034041123456"},
      {"__MONOTONIC_TIMESTAMP", "395850012"},
      {"_BOOT_ID", "0e4f7a2c9b1d4e8fa3c5d6e7f8091a2b"},
      {"_TRANSPORT", "kernel"},
      {"PRIORITY", "4"},
      {"SYSLOG_FACILITY", "0"},
      {"SYSLOG_IDENTIFIER", "kernel"},
      {"_SOURCE_MONOTONIC_TIMESTAMP", "395849996"},
      {"_HOSTNAME", "dom0"},
      {"_KERNEL_SUBSYSTEM", "pci"},
      {"MESSAGE", "pciback 0000:07:10.1: enabling permissive mode"},
  });
  EXPECT_EQ(r.source, Source::kKernel);
  EXPECT_EQ(r.text, "pciback 0000:07:10.1: enabling permissive mode");
  ASSERT_TRUE(r.time_us.has_value());
  EXPECT_EQ(*r.time_us, 395849996);  // the printk time, not journald's reception time
  EXPECT_EQ(r.wall_time, "2023-11-03T17:54:01.123456Z");
  EXPECT_EQ(r.level, 4);
  EXPECT_EQ(r.facility, 0);
  EXPECT_EQ(r.boot_id, "0e4f7a2c9b1d4e8fa3c5d6e7f8091a2b");
  EXPECT_EQ(r.host, "dom0");
  EXPECT_TRUE(r.program.empty());
  EXPECT_EQ(r.input, "journal.json");
  EXPECT_EQ(r.line, 7u);
  EXPECT_EQ(r.line_count, 3u);
  EXPECT_FALSE(r.boot_marker);
}

TEST(JournalFields, KernelFallsBackToReceptionTime) {
  Record r = Map({{"_TRANSPORT", "kernel"}, {"__MONOTONIC_TIMESTAMP", "1500"}, {"MESSAGE", "x"}});
  ASSERT_TRUE(r.time_us.has_value());
  EXPECT_EQ(*r.time_us, 1500);
}

TEST(JournalFields, SyslogIdentifierKernelIsKernel) {
  Record r = Map({{"SYSLOG_IDENTIFIER", "kernel"}, {"_TRANSPORT", "syslog"}, {"MESSAGE", "x"}});
  EXPECT_EQ(r.source, Source::kKernel);
}

TEST(JournalFields, BootMarker) {
  Record r = Map({{"_TRANSPORT", "kernel"},
                  {"MESSAGE", "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)"}});
  EXPECT_TRUE(r.boot_marker);
  // Only the kernel's own banner starts a boot.
  r = Map({{"_TRANSPORT", "stdout"}, {"SYSLOG_IDENTIFIER", "echo"}, {"MESSAGE", "Linux version"}});
  EXPECT_FALSE(r.boot_marker);
}

TEST(JournalFields, UserspaceProgramAndNoKernelTime) {
  Record r = Map({{"_TRANSPORT", "syslog"},
                  {"SYSLOG_IDENTIFIER", "libxl"},
                  {"_COMM", "xl"},
                  {"PRIORITY", "3"},
                  {"SYSLOG_FACILITY", "3"},
                  {"__MONOTONIC_TIMESTAMP", "400000000"},
                  {"MESSAGE", "libxl_pci.c:1489:libxl__device_pci_reset: write to reset failed"}});
  EXPECT_EQ(r.source, Source::kUserspace);
  EXPECT_EQ(r.program, "libxl");
  EXPECT_EQ(r.level, 3);
  EXPECT_EQ(r.facility, 3);
  EXPECT_FALSE(r.time_us.has_value());  // reception time is not a kernel time

  r = Map({{"_TRANSPORT", "stdout"}, {"_COMM", "xenstored"}, {"MESSAGE", "x"}});
  EXPECT_EQ(r.program, "xenstored");
}

TEST(JournalFields, XenAndGuestLinesRelayedToTheJournal) {
  Record r = Map({{"_TRANSPORT", "syslog"},
                  {"SYSLOG_IDENTIFIER", "xenconsoled"},
                  {"__MONOTONIC_TIMESTAMP", "400000000"},
                  {"MESSAGE", "(XEN) [  395.849996] d1: Bad L1 flags 800000"}});
  EXPECT_EQ(r.source, Source::kXen);
  EXPECT_EQ(r.text, "d1: Bad L1 flags 800000");
  EXPECT_TRUE(r.program.empty());
  ASSERT_TRUE(r.time_us.has_value());
  EXPECT_EQ(*r.time_us, 395849996);  // Xen's own stamp

  r = Map({{"_TRANSPORT", "kernel"},
           {"_SOURCE_MONOTONIC_TIMESTAMP", "12"},
           {"MESSAGE", "(XEN) no stamp here"}});
  EXPECT_EQ(r.source, Source::kXen);
  EXPECT_EQ(r.text, "no stamp here");
  EXPECT_FALSE(r.time_us.has_value());  // dom0's clock is not Xen's

  r = Map({{"SYSLOG_IDENTIFIER", "xenconsoled"}, {"MESSAGE", "(d5) Booting from Hard Disk..."}});
  EXPECT_EQ(r.source, Source::kGuest);
  EXPECT_EQ(r.domain, 5);
  EXPECT_EQ(r.text, "Booting from Hard Disk...");
}

TEST(JournalFields, FirstOfARepeatedFieldWins) {
  JournalEntry entry;
  EXPECT_TRUE(entry.Wants("MESSAGE"));
  entry.Set("MESSAGE", "first");
  EXPECT_FALSE(entry.Wants("MESSAGE"));
  entry.Set("MESSAGE", "second");
  EXPECT_FALSE(entry.Wants("_MACHINE_ID"));  // not read at all
  EXPECT_EQ(entry.ToRecord("-", 1, 1).text, "first");
  entry.Clear();
  EXPECT_TRUE(entry.Wants("MESSAGE"));
  EXPECT_EQ(entry.ToRecord("-", 1, 1).text, "");
}

TEST(JournalFields, MessageKeepsNewlinesAndInvalidUtf8) {
  std::string text("line one\nline two \xff\xfe end", 23);
  Record r = Map({{"_TRANSPORT", "kernel"}, {"MESSAGE", text}});
  EXPECT_EQ(r.text, text);
}

TEST(JournalFields, BadNumbersAreIgnored) {
  Record r = Map({{"_TRANSPORT", "kernel"},
                  {"PRIORITY", "9"},
                  {"SYSLOG_FACILITY", "-1"},
                  {"_SOURCE_MONOTONIC_TIMESTAMP", "12x"},
                  {"__MONOTONIC_TIMESTAMP", "99999999999999999999999"},
                  {"__REALTIME_TIMESTAMP", ""}});
  EXPECT_EQ(r.level, -1);
  EXPECT_EQ(r.facility, -1);
  EXPECT_FALSE(r.time_us.has_value());
  EXPECT_TRUE(r.wall_time.empty());
}

TEST(JournalFields, FormatUtcMicros) {
  EXPECT_EQ(FormatUtcMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatUtcMicros(1699034041000001), "2023-11-03T17:54:01.000001Z");
  EXPECT_EQ(FormatUtcMicros(-1), "");
}

TEST(JournalFields, UnparsedRecord) {
  Record r = UnparsedRecord(std::string(kMaxUnparsedText + 10, 'x'), "in", 4, 2);
  EXPECT_EQ(r.source, Source::kUserspace);
  EXPECT_EQ(r.program, kUnparsedProgram);
  EXPECT_EQ(r.text.size(), kMaxUnparsedText);
  EXPECT_EQ(r.line, 4u);
  EXPECT_EQ(r.line_count, 2u);
}

}  // namespace
}  // namespace kdiag
