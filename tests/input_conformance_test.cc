// The conformance test of issue 4: one two-boot kernel log, rendered here in every form kdiag
// reads (console text, util-linux dmesg variants, kmsg with newlines and NULs, journalctl short
// modes, json, json-seq, export, a real binary journal, RFC 3164, RFC 3339, gzip), gives the same
// events (rule, boot, fields) and the same boot count from each. The binary journal is built from
// the export rendering with systemd-journal-remote, and journalctl itself renders that journal
// in its text modes, so kdiag is checked against the real tool and not only against this file's
// idea of the formats. Both programs are installed by `scripts/setup test`; when they are missing
// the test says so loudly and skips those renderings.
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "pipeline_run.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::PipelineRun;
using testing::ReadFile;
using testing::RunShippedRules;
using testing::RunShippedRulesOnPath;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kJournalRemote = "/lib/systemd/systemd-journal-remote";
constexpr const char* kJournalctl = "/usr/bin/journalctl";

struct Message {
  int boot;
  int64_t usec;  // since boot
  int level;
  std::string text;
};

const char* const kBootIds[] = {"5a7c1c5c2a0e4f0c9d1e2f3a4b5c6d7e",
                                "6b8d2d6d3b1f5a1dae2f3a4b5c6d7e8f"};
// 2025-11-03T17:54:01Z and an hour later.
constexpr int64_t kBootRealtime[] = {1762192441000000, 1762196041000000};

const std::string kVersion =
    "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) "
    "12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)";

std::string ReadOnlyWarning(const std::string& bdf, const std::string& offset, int size) {
  return "pciback " + bdf +
         ": Driver tried to write to a read-only configuration space field at offset " + offset +
         ", size " + std::to_string(size) +
         ". This may be harmless, but if you have problems with your device:\n"
         "1) see permissive attribute in sysfs\n"
         "2) report problems to the xen-devel mailing list along with details of your device "
         "obtained from lspci.";
}

const std::vector<Message>& Log() {
  static const std::vector<Message> log = {
      {0, 0, 5, kVersion},
      {0, 1234567, 6, "PCI: Enabling device 0000:13:04.0 (0000 -> 0003)"},
      {0, 43052271, 4, ReadOnlyWarning("0000:13:04.0", "0xe0", 2)},
      {0, 43100000, 6, "xen-blkback: backend/vbd/1/51712: using 1 queues, protocol 1"},
      {1, 0, 5, kVersion},
      {1, 2500000, 6, "PCI: Enabling device 0000:14:00.0 (0400 -> 0402)"},
      {1, 50100000, 4, ReadOnlyWarning("0000:14:00.0", "0x4c", 4)},
  };
  return log;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  for (;;) {
    size_t nl = text.find('\n', begin);
    lines.push_back(text.substr(begin, nl - begin));
    if (nl == std::string::npos) return lines;
    begin = nl + 1;
  }
}

std::string Printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string Printf(const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

std::string Seconds(int64_t usec) {  // "%5lu.%06lu"
  return Printf("%5" PRId64 ".%06" PRId64, usec / 1000000, usec % 1000000);
}

int64_t Realtime(const Message& m) {
  return kBootRealtime[m.boot] + m.usec;
}

// strftime of the message's wall-clock time in UTC.
std::string Wall(const Message& m, const char* format) {
  time_t t = static_cast<time_t>(Realtime(m) / 1000000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"  // the formats are this file's literals
  strftime(buf, sizeof buf, format, &tm);
#pragma GCC diagnostic pop
  return buf;
}
std::string Micros(const Message& m) {
  return Printf("%06" PRId64, Realtime(m) % 1000000);
}

// Every line of every message behind `prefix(m)`; continuation lines either repeat the prefix
// (kernel console, syslog) or are indented to its width (util-linux, journalctl).
std::string Render(const std::function<std::string(const Message&)>& prefix, bool indent,
                   const std::string& boot_separator = "") {
  std::string out;
  int boot = 0;
  for (const Message& m : Log()) {
    if (m.boot != boot && !boot_separator.empty()) {
      out += boot_separator == "id" ? std::string("-- Boot ") + kBootIds[m.boot] + " --\n"
                                    : boot_separator + "\n";
    }
    boot = m.boot;
    std::string p = prefix(m);
    bool first = true;
    for (const std::string& line : Lines(m.text)) {
      out += (first || !indent ? p : std::string(p.size(), ' ')) + line + "\n";
      first = false;
    }
  }
  return out;
}

std::string Kmsg(char separator) {
  std::string out;
  int seq = 0;
  for (const Message& m : Log()) {
    out += Printf("%d,%d,%" PRId64 ",-;", m.level, seq++, m.usec);
    for (char c : m.text) out += c == '\n' ? std::string("\\x0a") : std::string(1, c);
    out += separator;
    if (m.text.find("pciback") != std::string::npos) out += " SUBSYSTEM=pci\n";
  }
  return out;
}

// journald's fields for a kernel message.
std::vector<std::pair<std::string, std::string>> Fields(const Message& m) {
  return {{"__REALTIME_TIMESTAMP", std::to_string(Realtime(m))},
          {"__MONOTONIC_TIMESTAMP", std::to_string(m.usec + 50)},
          {"_BOOT_ID", kBootIds[m.boot]},
          {"_TRANSPORT", "kernel"},
          {"PRIORITY", std::to_string(m.level)},
          {"SYSLOG_FACILITY", "0"},
          {"SYSLOG_IDENTIFIER", "kernel"},
          {"_SOURCE_MONOTONIC_TIMESTAMP", std::to_string(m.usec)},
          {"_HOSTNAME", "dom0"},
          {"MESSAGE", m.text}};
}

std::string Json(const char* before, const char* after) {
  std::string out;
  for (const Message& m : Log()) {
    out += before;
    out += "{";
    bool first = true;
    for (const auto& [name, value] : Fields(m)) {
      out += (first ? "\"" : ", \"") + name + "\": \"";
      for (char c : value) out += c == '\n' ? std::string("\\n") : std::string(1, c);
      out += "\"";
      first = false;
    }
    out += "}";
    out += after;
  }
  return out;
}

std::string Export() {
  std::string out;
  for (const Message& m : Log()) {
    for (const auto& [name, value] : Fields(m)) {
      if (value.find('\n') == std::string::npos) {
        out += name + "=" + value + "\n";
        continue;
      }
      out += name + "\n";
      uint64_t n = value.size();
      for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
      out += value + "\n";
    }
    out += "\n";
  }
  return out;
}

struct EventKey {
  std::string rule;
  int boot;
  std::string fields;
  bool operator==(const EventKey& o) const {
    return rule == o.rule && boot == o.boot && fields == o.fields;
  }
};

std::ostream& operator<<(std::ostream& os, const EventKey& e) {
  return os << e.rule << " boot " << e.boot << " {" << e.fields << "}";
}

struct Outcome {
  std::vector<EventKey> events;
  int boots = 0;
};

Outcome Summarise(const PipelineRun& run) {
  Outcome o;
  for (const Event& e : run.events) {
    std::string fields;
    for (const auto& [name, value] : e.fields) fields += name + "=" + value + " ";
    o.events.push_back({e.rule->id, e.record.boot, fields});
  }
  o.boots = run.summary.boots;
  return o;
}

void ExpectSame(const Outcome& expected, const Outcome& got, const std::string& rendering) {
  EXPECT_EQ(got.boots, expected.boots) << rendering;
  EXPECT_EQ(got.events, expected.events) << rendering;
}

std::vector<std::pair<std::string, std::string>> TextRenderings() {
  auto syslog3164 = [](const Message& m) {
    return Wall(m, "%b %e %H:%M:%S") + " dom0 kernel: [" + Seconds(m.usec) + "] ";
  };
  return {
      {"console", Render([](const Message& m) { return "[" + Seconds(m.usec) + "] "; }, false)},
      {"dmesg", Render([](const Message& m) { return "[" + Seconds(m.usec) + "] "; }, true)},
      {"dmesg -r", Render(
                       [](const Message& m) {
                         return "<" + std::to_string(m.level) + ">[" + Seconds(m.usec) + "] ";
                       },
                       false)},
      {"dmesg -x", Render(
                       [](const Message& m) {
                         static const char* levels[] = {"emerg", "alert",  "crit", "err",
                                                        "warn",  "notice", "info", "debug"};
                         return Printf("kern  :%-6s: [", levels[m.level]) + Seconds(m.usec) + "] ";
                       },
                       true)},
      {"dmesg -t", Render([](const Message&) { return std::string(); }, false)},
      {"dmesg -T",
       Render([](const Message& m) { return Wall(m, "[%a %b %e %H:%M:%S %Y] "); }, true)},
      {"dmesg --time-format iso",
       Render([](const Message& m) { return Wall(m, "%Y-%m-%dT%H:%M:%S,") + Micros(m) + "+0000 "; },
              true)},
      {"kmsg", Kmsg('\n')},
      {"kmsg NUL (dmesg -K)", Kmsg('\0')},
      {"journalctl short",
       Render([](const Message& m) { return Wall(m, "%b %d %H:%M:%S") + " dom0 kernel: "; }, true,
              "id")},
      {"journalctl short-precise", Render(
                                       [](const Message& m) {
                                         return Wall(m, "%b %d %H:%M:%S.") + Micros(m) +
                                                " dom0 kernel: ";
                                       },
                                       true, "id")},
      {"journalctl short-iso",
       Render([](const Message& m) { return Wall(m, "%Y-%m-%dT%H:%M:%S+0000 dom0 kernel: "); },
              true, "id")},
      {"journalctl short-monotonic",
       Render([](const Message& m) { return "[" + Seconds(m.usec) + "] dom0 kernel: "; }, true,
              "-- Reboot --")},
      {"journalctl json", Json("", "\n")},
      {"journalctl json-seq", Json("\x1e", "\n")},
      {"journalctl export", Export()},
      {"RFC 3164", Render(syslog3164, false)},
      {"RFC 3339", Render(
                       [](const Message& m) {
                         return Wall(m, "%Y-%m-%dT%H:%M:%S.") + Micros(m) +
                                "+00:00 dom0 kernel: [" + Seconds(m.usec) + "] ";
                       },
                       false)},
  };
}

// The events every rendering must give: two boots, an enable line and a read-only warning in each.
Outcome Expected() {
  Outcome o;
  o.boots = 2;
  o.events = {
      {"pci.device.enable", 0, "bdf=0000:13:04.0 old=0000 new=0003 "},
      {"xen.pciback.ro_config_write", 0, "bdf=0000:13:04.0 offset=0xe0 size=2 "},
      {"pci.device.enable", 1, "bdf=0000:14:00.0 old=0400 new=0402 "},
      {"xen.pciback.ro_config_write", 1, "bdf=0000:14:00.0 offset=0x4c size=4 "},
  };
  return o;
}

TEST(InputConformance, EveryTextRenderingGivesTheSameEventsAndBoots) {
  Outcome expected = Expected();
  for (const auto& [name, text] : TextRenderings()) {
    ExpectSame(expected, Summarise(RunShippedRules(text, name)), name);
  }
}

TEST(InputConformance, Gzip) {
  std::string dir = TempDir();
  std::string path = dir + "/console.log.gz";
  std::string text = TextRenderings()[0].second;
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  std::vector<Error> errors;
  ExpectSame(Expected(), Summarise(RunShippedRulesOnPath(path, false, &errors)), "gzip");
  EXPECT_TRUE(errors.empty());
}

// systemd-journal-remote turns the export rendering into a real journal file, or "" (with the
// reason in *why) when it cannot.
std::string BuildJournal(const std::string& dir, std::string* why) {
  if (access(kJournalRemote, X_OK) != 0) {
    *why = std::string(kJournalRemote) + " is not installed (scripts/setup test installs it)";
    return "";
  }
  WriteFile(dir + "/in.export", Export());
  std::string journal = dir + "/journal/test.journal";
  std::string cmd = std::string("mkdir -p ") + dir + "/journal && " + kJournalRemote +
                    " --output=" + journal + " - < " + dir + "/in.export 2> " + dir + "/remote.err";
  if (std::system(cmd.c_str()) != 0) {
    *why = "systemd-journal-remote failed: " + ReadFile(dir + "/remote.err");
    return "";
  }
  return journal;
}

TEST(InputConformance, BinaryJournalFileAndDirectory) {
  std::string dir = TempDir(), why;
  std::string journal = BuildJournal(dir, &why);
  if (journal.empty()) {
    std::fprintf(stderr, "\n*** SKIPPING binary journal conformance: %s ***\n\n", why.c_str());
    GTEST_SKIP() << why;
  }
  std::vector<Error> errors;
  // Found by content in a plain path, and through --journal as a file and as a directory.
  ExpectSame(Expected(), Summarise(RunShippedRulesOnPath(journal, false, &errors)), "journal");
  ExpectSame(Expected(), Summarise(RunShippedRulesOnPath(journal, true, &errors)),
             "--journal file");
  ExpectSame(Expected(), Summarise(RunShippedRulesOnPath(dir + "/journal", true, &errors)),
             "--journal directory");
  for (const Error& e : errors) ADD_FAILURE() << e.ToString();

  // A truncated copy is an error naming it, and says why.
  std::string cut = dir + "/cut.journal";
  WriteFile(cut, ReadFile(journal).substr(0, 8192));
  RunShippedRulesOnPath(cut, false, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.name, cut);
  EXPECT_NE(errors[0].message.find("truncated"), std::string::npos) << errors[0].message;
  errors.clear();

  // The binary journal's records equal the export rendering's.
  PipelineRun file = RunShippedRulesOnPath(journal, false, &errors);
  PipelineRun exported = RunShippedRules(Export(), "x");
  ASSERT_EQ(file.records.size(), exported.records.size());
  for (size_t i = 0; i < file.records.size(); ++i) {
    const Record& a = file.records[i];
    const Record& b = exported.records[i];
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.time_us, b.time_us);
    EXPECT_EQ(a.wall_time, b.wall_time);
    EXPECT_EQ(a.boot_id, b.boot_id);
    EXPECT_EQ(a.level, b.level);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.boot, b.boot);
  }
}

TEST(InputConformance, RealJournalctlRenderings) {
  std::string dir = TempDir(), why;
  std::string journal = BuildJournal(dir, &why);
  if (journal.empty() || access(kJournalctl, X_OK) != 0) {
    if (why.empty()) why = std::string(kJournalctl) + " is not installed";
    std::fprintf(stderr, "\n*** SKIPPING journalctl conformance: %s ***\n\n", why.c_str());
    GTEST_SKIP() << why;
  }
  for (const char* mode :
       {"short", "short-precise", "short-iso", "short-iso-precise", "short-full", "short-monotonic",
        "short-unix", "verbose", "cat", "json", "json-seq", "json-sse", "json-pretty", "export"}) {
    std::string out = dir + "/out." + mode;
    std::string cmd = std::string("TZ=Europe/Berlin ") + kJournalctl + " --no-pager --file " +
                      journal + " -o " + mode + " > " + out + " 2> " + dir + "/journalctl.err";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << mode << ": " << ReadFile(dir + "/journalctl.err");
    Outcome got = Summarise(RunShippedRules(ReadFile(out), out));
    ExpectSame(Expected(), got, std::string("journalctl -o ") + mode);
  }
}

TEST(InputConformance, DamagedJournalFileIsAnErrorAndOtherInputsGoOn) {
  std::string dir = TempDir();
  WriteFile(dir + "/a-damaged.journal", "LPKSHHRH" + std::string(300, 'x'));
  WriteFile(dir + "/b-console.log", TextRenderings()[0].second);
  std::vector<Error> errors;
  PipelineRun run = RunShippedRulesOnPath(dir, false, &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.name, dir + "/a-damaged.journal");
  EXPECT_NE(errors[0].message.find("journal"), std::string::npos) << errors[0].message;
  ExpectSame(Expected(), Summarise(run), "console after a damaged journal");
}

}  // namespace
}  // namespace kdiag
