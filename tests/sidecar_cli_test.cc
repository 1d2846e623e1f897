// The sidecar through the real binary: --follow, --state, --output-file, --metrics, signals,
// --kmsg --follow against the real /dev/kmsg (tests run as root), the omprog protocol on pipes.
// Time bounds are generous (seconds): the machine is shared. Latency figures are in
// bench/RESULTS.md ("Sidecar latency").
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Background;
using testing::Count;
using testing::ReadFile;
using testing::RunKdiag;
using testing::TempDir;
using testing::WaitFor;
using testing::WriteFile;

constexpr char kTickRule[] = R"([[rule]]
id       = "test.sidecar.tick"
severity = "notice"
source   = "kernel"
pattern  = '''kdiagtest-(?P<tag>[a-z0-9]+): tick (?P<n>\d+)'''
summary  = "tick {n}"
  [[rule.example]]
  line   = "kdiagtest-abc: tick 1"
  fields = { tag = "abc", n = "1" }
)";

std::string UniqueTag() {
  return "t" + std::to_string(getpid()) + "x" + std::to_string(std::rand() % 100000);
}

// A directory with the tick rule.
std::string TickRules() {
  std::string dir = TempDir();
  WriteFile(dir + "/tick.toml", kTickRule);
  return dir;
}

std::string TickLine(const std::string& tag, int n) {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "[%5d.%06d] ", 100 + n, n);
  return stamp + ("kdiagtest-" + tag + ": tick " + std::to_string(n) + "\n");
}

void Append(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "ab");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

// The tick numbers of `tag`'s events in NDJSON `text`, in order; every line must be JSON.
std::vector<int> Ticks(const std::string& text, const std::string& tag) {
  std::vector<int> out;
  simdjson::dom::parser parser;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) break;  // a line being written
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc)) {
      ADD_FAILURE() << "not JSON: " << line;
      continue;  // doc holds nothing to look into
    }
    std::string_view rule, t, n;
    if (doc["rule"].get(rule) || rule != "test.sidecar.tick") continue;
    if (doc.at_pointer("/fields/tag").get(t) || t != tag) continue;
    if (doc.at_pointer("/fields/n").get(n)) continue;
    out.push_back(std::stoi(std::string(n)));
  }
  return out;
}

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// Prometheus's own checker of the text exposition format: `promtool check metrics` (Debian
// package prometheus) reads the exposition on stdin and exits 0 when it parses and passes its
// lint. Empty when promtool is not installed (the caller skips, saying so).
std::optional<testing::RunResult> Promtool(const std::string& text) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) return std::nullopt;
  std::string dir = TempDir();
  WriteFile(dir + "/metrics.prom", text);
  std::string cmd = "promtool check metrics < " + dir + "/metrics.prom > " + dir + "/out 2>&1";
  int rc = std::system(cmd.c_str());
  testing::RunResult r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
  r.out = ReadFile(dir + "/out");
  return r;
}

#define SKIP_WITHOUT_PROMTOOL(result)                                                      \
  if (!(result)) {                                                                         \
    std::fprintf(stderr, "SKIPPED: promtool not installed (Debian package prometheus)\n"); \
    GTEST_SKIP() << "promtool not installed (Debian package prometheus)";                  \
  }

TEST(Sidecar, PromtoolRefusesWhatIsNotExpositionText) {
  auto good = Promtool("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\\\"\"} 2\n");
  SKIP_WITHOUT_PROMTOOL(good);
  EXPECT_EQ(good->status, 0) << good->out;
  for (const char* bad : {"a b 1\n", "a{x=1} 1\n", "a 1x\n", "# TYPE a countr\n"}) {
    auto r = Promtool(bad);
    EXPECT_NE(r->status, 0) << bad << r->out;
  }
}

TEST(Sidecar, AppendedLineBecomesAnEventAtOnceAndSigtermSummarises) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  Background kdiag({"--follow", log, "--rules", TickRules(), "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  auto start = std::chrono::steady_clock::now();
  Append(log, TickLine(tag, 2));
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 2; }, 5));
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("append_to_event_ms", std::to_string(ms));
  std::printf("append to event: %.1f ms\n", ms);
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::string text = ReadFile(out);
  EXPECT_EQ(Ticks(text, tag), Range(1, 2));
  EXPECT_NE(text.rfind("{\"type\":\"summary\",\"records\":2,"), std::string::npos) << text;
  EXPECT_EQ(kdiag.err(), "");
}

TEST(Sidecar, RenameAndCopytruncateRotationsLoseAndRepeatNothing) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  Background kdiag({"--follow", log, "--rules", TickRules(), "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  int n = 1;
  auto write_some = [&](int count) {
    for (int i = 0; i < count; ++i) {
      Append(log, TickLine(tag, ++n));
      if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  write_some(100);
  // logrotate's default: rename, the writer reopens (the next Append creates the file).
  ASSERT_EQ(std::rename(log.c_str(), (log + ".1").c_str()), 0);
  Append(log + ".1", TickLine(tag, ++n));  // the writer had not reopened yet
  write_some(100);
  // copytruncate: copy, then truncate in place. What is written between the copy and the
  // truncation, or not yet read at the truncation, is lost to any reader (logrotate(8)): wait
  // until kdiag has read everything, as a reader far faster than the rotation interval has.
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == static_cast<size_t>(n); }));
  WriteFile(log + ".2", ReadFile(log));
  ASSERT_EQ(truncate(log.c_str(), 0), 0);
  write_some(100);
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() >= 302; }))
      << ::testing::PrintToString(Ticks(ReadFile(out), tag)) << " " << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::vector<int> got = Ticks(ReadFile(out), tag);
  EXPECT_EQ(got, Range(1, 302));
}

TEST(Sidecar, StateResumesAFileAfterTheLastProcessedLine) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string state = dir + "/state", rules = TickRules(), tag = UniqueTag();
  std::vector<std::string> args = {"--follow", log,   "--rules",       rules,
                                   "--state",  state, "--output-file", out};
  for (int i = 1; i <= 5; ++i) Append(log, TickLine(tag, i));
  {
    Background kdiag(args);
    ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 5; })) << kdiag.err();
    kdiag.Signal(SIGINT);
    ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  }
  EXPECT_NE(ReadFile(state).find("file.offset="), std::string::npos) << ReadFile(state);
  for (int i = 6; i <= 10; ++i) Append(log, TickLine(tag, i));  // while kdiag is down
  Append(log, "[  200.000000] half a line");
  {
    Background kdiag(args);
    ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 10; })) << kdiag.err();
    kdiag.Signal(SIGTERM);
    ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  }
  // The unfinished line was not processed: it is finished and read after the next restart.
  Append(log, " kdiagtest-" + tag + ": tick 11\n");
  Background kdiag(args);
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() >= 11; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), Range(1, 11));
}

TEST(Sidecar, TheCheckpointIsWrittenWhileRunningSoACrashLosesAndRepeatsNothing) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string state = dir + "/state", rules = TickRules(), tag = UniqueTag();
  std::vector<std::string> args = {"--follow", log,   "--rules",       rules,
                                   "--state",  state, "--output-file", out};
  for (int i = 1; i <= 3; ++i) Append(log, TickLine(tag, i));
  {
    Background kdiag(args);
    ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 3; })) << kdiag.err();
    // Idle after its last event: the checkpoint follows within a second or so.
    std::string size = "file.offset=" + std::to_string(ReadFile(log).size()) + "\n";
    ASSERT_TRUE(WaitFor([&] { return ReadFile(state).find(size) != std::string::npos; }, 10))
        << ReadFile(state);
    kdiag.Signal(SIGKILL);  // no chance to save anything more
    EXPECT_EQ(kdiag.Wait(), 128 + SIGKILL);
  }
  for (int i = 4; i <= 6; ++i) Append(log, TickLine(tag, i));
  Background kdiag(args);
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() >= 6; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), Range(1, 6));
}

TEST(Sidecar, StdinIsFollowedUntilItsEnd) {
  std::string dir = TempDir(), out = dir + "/events", tag = UniqueTag();
  Background kdiag({"--follow", "--rules", TickRules(), "--output-file", out});
  kdiag.WriteStdin(TickLine(tag, 1));
  // The event comes while stdin is still open.
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  kdiag.WriteStdin(TickLine(tag, 2));
  kdiag.CloseStdin();
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), Range(1, 2));
  EXPECT_EQ(Count(ReadFile(out), "\"type\":\"summary\""), 1u);
}

TEST(Sidecar, SighupReopensTheOutputAndRefusesInvalidRules) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string rules = TickRules(), tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  Background kdiag({"--follow", log, "--rules", rules, "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();

  // logrotate moved the output away; a broken rule file appeared.
  ASSERT_EQ(std::rename(out.c_str(), (out + ".1").c_str()), 0);
  WriteFile(rules + "/broken.toml", "[[rule]]\nid = \"x\"\n");
  kdiag.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return kdiag.err().find("keeping the old rules") != std::string::npos;
  })) << kdiag.err();
  EXPECT_NE(kdiag.err().find("broken.toml"), std::string::npos) << kdiag.err();
  Append(log, TickLine(tag, 2));
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), std::vector<int>{2});  // the new file, old rules

  // Fixed, with a new rule: it applies to the lines after the reload.
  WriteFile(rules + "/broken.toml", R"([[rule]]
id       = "test.sidecar.tock"
severity = "info"
source   = "kernel"
pattern  = '''kdiagtest-[a-z0-9]+: tock'''
summary  = "tock"
  [[rule.example]]
  line   = "kdiagtest-abc: tock"
  fields = {}
)");
  kdiag.Signal(SIGHUP);
  bool matched = WaitFor(
      [&] {
        Append(log, "[  300.000000] kdiagtest-" + tag + ": tock\n");
        return ReadFile(out).find("test.sidecar.tock") != std::string::npos;
      },
      60);
  EXPECT_TRUE(matched) << kdiag.err();
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out + ".1"), tag), std::vector<int>{1});
}

TEST(Sidecar, AClosedOutputPipeEndsTheRunQuietlyWithStateSaved) {
  std::string dir = TempDir(), log = dir + "/kern.log", state = dir + "/state";
  std::string tag = UniqueTag();
  WriteFile(log, "");
  Background kdiag({"--follow", log, "--rules", TickRules(), "--state", state}, true);
  kdiag.CloseStdoutPipe();  // the reader went away
  Append(log, TickLine(tag, 1));
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(kdiag.err(), "");
  EXPECT_NE(ReadFile(state).find("file.offset="), std::string::npos);
}

// Issue 16: a full disk. /dev/full fails every write() with ENOSPC, as a full file system does
// once its last block is taken. kdiag must stop at the first failed write and keep no checkpoint
// past what was written: the restart (space freed: a real file) then writes every event.
TEST(Sidecar, AFullDiskStopsTheRunAndTheRestartLosesNothing) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string state = dir + "/state", rules = TickRules(), tag = UniqueTag();
  for (int i = 1; i <= 200; ++i) Append(log, TickLine(tag, i));
  {
    Background kdiag(
        {"--follow", log, "--rules", rules, "--state", state, "--output-file", "/dev/full"});
    EXPECT_EQ(kdiag.Wait(), 2) << kdiag.err();  // it stops by itself
    EXPECT_NE(kdiag.err().find(std::strerror(ENOSPC)), std::string::npos) << kdiag.err();
  }
  EXPECT_EQ(ReadFile(state).find("file.offset=" + std::to_string(ReadFile(log).size())),
            std::string::npos)
      << ReadFile(state);
  Background kdiag({"--follow", log, "--rules", rules, "--state", state, "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() >= 200; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), Range(1, 200));
}

// A write cut short (the disk filled up, the machine lost power) leaves a line without its
// newline at the end of the output. The next run cuts it off before appending, so the shipper
// never reads a torn line glued to the next event.
TEST(Sidecar, ATornLastLineOfTheOutputIsCutBeforeAppending) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string tag = UniqueTag();
  WriteFile(out, "{\"type\":\"event\",\"n\":1}\n{\"type\":\"event\",\"rule\":\"test.sid");
  WriteFile(log, TickLine(tag, 1));
  Background kdiag({"--follow", log, "--rules", TickRules(), "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Count(ReadFile(out), "tick 1") > 0; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::string text = ReadFile(out);
  EXPECT_EQ(text.rfind("{\"type\":\"event\",\"n\":1}\n{\"type\":\"event\",\"rule\":\"test.sidecar."
                       "tick\"",
                       0),
            0u)
      << text;
  EXPECT_EQ(Ticks(text, tag), std::vector<int>{1});
  EXPECT_NE(kdiag.err().find(out), std::string::npos) << kdiag.err();  // and says so
}

// Issue 16: a state that can never be saved is an error at exit, naming the file.
TEST(Sidecar, AStateThatCannotBeSavedIsAnErrorNamingTheFile) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string state = dir + "/no-such-dir/state", tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  Background kdiag(
      {"--follow", log, "--rules", TickRules(), "--state", state, "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(kdiag.Wait(), 2) << kdiag.err();
  EXPECT_NE(kdiag.err().find(state), std::string::npos) << kdiag.err();
}

// Issue 16: a state file cut down to its comment line used to be read as "no state", a silent
// replay of the whole input. It is now named on stderr with its line.
TEST(Sidecar, ATruncatedStateIsNamedOnStderr) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string state = dir + "/state", tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  WriteFile(state, "# kdiag state: where a restarted kdiag resumes (written atomically)\n");
  Background kdiag(
      {"--follow", log, "--rules", TickRules(), "--state", state, "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_NE(kdiag.err().find(state + ":2: "), std::string::npos) << kdiag.err();
}

// Issue 16: the output file deleted under a running sidecar (no logrotate postrotate SIGHUP) is
// noticed within the checkpoint interval and created again, like logrotate's create mode.
TEST(Sidecar, ADeletedOutputFileIsCreatedAgain) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string tag = UniqueTag();
  WriteFile(log, TickLine(tag, 1));
  Background kdiag({"--follow", log, "--rules", TickRules(), "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
  ASSERT_EQ(unlink(out.c_str()), 0);
  Append(log, TickLine(tag, 2));
  EXPECT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag) == std::vector<int>{2}; }, 10))
      << kdiag.err();
  kdiag.Signal(SIGTERM);
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
}

TEST(Sidecar, ASlowReaderSlowsKdiagDownAndLosesNothing) {
  std::string tag = UniqueTag();
  Background kdiag({"--follow", "--rules", TickRules()}, true);
  std::string input;
  for (int i = 1; i <= 2000; ++i) input += TickLine(tag, i);  // ~600 KB of events: > a pipe
  std::thread writer([&] {  // kdiag stops reading while its output is blocked
    kdiag.WriteStdin(input);
    kdiag.CloseStdin();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nobody reads meanwhile
  std::string got;
  char buf[65536];
  for (ssize_t n; (n = read(kdiag.stdout_fd(), buf, sizeof buf)) > 0;) got.append(buf, n);
  writer.join();
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(got, tag), Range(1, 2000));
}

TEST(Sidecar, MetricsParseAsPrometheusTextAndCount) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string metrics = dir + "/kdiag.prom", tag = UniqueTag();
  for (int i = 1; i <= 3; ++i) Append(log, TickLine(tag, i));
  Append(log, std::string(70 * 1024, 'x') + "\n");  // cut at the line limit
  Background kdiag(
      {"--follow", log, "--rules", TickRules(), "--output-file", out, "--metrics", metrics});
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 3; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::string text = ReadFile(metrics);
  EXPECT_NE(text.find("\nkdiag_records_total 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kdiag_events_total{rule=\"test.sidecar.tick\",severity=\"notice\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kdiag_parse_errors_total{kind=\"truncated_line\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("kdiag_last_event_timestamp_seconds 0.000"), std::string::npos) << text;
  auto checked = Promtool(text);
  SKIP_WITHOUT_PROMTOOL(checked);
  EXPECT_EQ(checked->status, 0) << checked->out << text;
}

// Before any event, every rule's counter is already there at 0, so that
// `increase(kdiag_events_total[10m]) > 0` sees the first event (it needs a sample before it).
TEST(Sidecar, EveryRulesEventCounterExistsFromTheStartAtZero) {
  std::string dir = TempDir(), log = dir + "/kern.log", out = dir + "/events";
  std::string metrics = dir + "/kdiag.prom";
  Append(log, "[    1.000000] nothing any rule knows\n");
  Background kdiag(
      {"--follow", log, "--rules", TickRules(), "--output-file", out, "--metrics", metrics});
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(metrics).empty(); })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::string text = ReadFile(metrics);
  EXPECT_NE(text.find("kdiag_events_total{rule=\"test.sidecar.tick\",severity=\"notice\"} 0\n"),
            std::string::npos)
      << text;
  // The embedded rules too, one series each.
  auto listed = RunKdiag({"rules", "list"});
  size_t rules = Count(listed.out, "\n");
  EXPECT_GT(rules, 10u);
  EXPECT_EQ(Count(text, "\nkdiag_events_total{"), rules + 1) << text;
  auto checked = Promtool(text);
  SKIP_WITHOUT_PROMTOOL(checked);
  EXPECT_EQ(checked->status, 0) << checked->out << text;
}

TEST(Sidecar, OmprogConfirmsReadinessAndEveryMessage) {
  std::string dir = TempDir(), out = dir + "/events", tag = UniqueTag();
  Background kdiag({"--omprog", "--rules", TickRules(), "--output-file", out});
  ASSERT_TRUE(WaitFor([&] { return kdiag.out() == "OK\n"; })) << kdiag.err();
  for (int i = 1; i <= 5; ++i) {
    // rsyslog's RSYSLOG_FileFormat; the next message goes only after the confirmation.
    kdiag.WriteStdin("2026-11-23T22:25:00.123456+00:00 node1 kernel: [  12.000000] kdiagtest-" +
                     tag + ": tick " + std::to_string(i) + "\n");
    ASSERT_TRUE(WaitFor([&] { return Count(kdiag.out(), "OK\n") == static_cast<size_t>(i + 1); }))
        << kdiag.out();
    // Confirmed means processed: the event is already written.
    EXPECT_EQ(Ticks(ReadFile(out), tag), Range(1, i));
  }
  kdiag.CloseStdin();
  EXPECT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(kdiag.out(), "OK\nOK\nOK\nOK\nOK\nOK\n");
}

// A message whose event could not be written (a full disk) is never confirmed: rsyslog keeps it
// and sends it again to the restarted kdiag, as a checkpoint would.
TEST(Sidecar, OmprogConfirmsNoMessageWhoseEventWasNotWritten) {
  std::string tag = UniqueTag();
  Background kdiag({"--omprog", "--rules", TickRules(), "--output-file", "/dev/full"});
  ASSERT_TRUE(WaitFor([&] { return kdiag.out() == "OK\n"; })) << kdiag.err();
  kdiag.WriteStdin("2026-11-23T22:25:00.123456+00:00 node1 kernel: [  12.000000] kdiagtest-" + tag +
                   ": tick 1\n");
  EXPECT_EQ(kdiag.Wait(), 2) << kdiag.err();
  EXPECT_EQ(kdiag.out(), "OK\n");
}

TEST(Sidecar, AnUnreadableFileIsAnErrorNamingIt) {
  std::string dir = TempDir();
  auto r = RunKdiag({"--follow", dir});  // a directory: read() fails
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + ":1: read: Is a directory"), std::string::npos) << r.err;
}

TEST(Sidecar, LiveUsageErrors) {
  EXPECT_EQ(RunKdiag({"--omprog"}).status, 2);  // events need --output-file
  EXPECT_EQ(RunKdiag({"--follow", "a", "b"}).status, 2);
  EXPECT_EQ(RunKdiag({"--state", "s", "x.log", "-"}).status, 2);  // batch: not stdin
  EXPECT_EQ(RunKdiag({"--state", "s", "--journal", "j"}).status, 2);
  EXPECT_EQ(RunKdiag({"--state", "s", "--metrics", "m", "x.log"}).status, 2);
  EXPECT_EQ(RunKdiag({"--follow", "--output", "text"}).status, 2);
  auto r = RunKdiag({"--follow", "--emit", "xl"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--emit"), std::string::npos) << r.err;
}

// /dev/kmsg: the test writes records with a unique tag (other tests and the real kernel write
// there too) and checks its own.
bool WriteKmsg(const std::string& message) {
  int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size());
  close(fd);
  return ok;
}

TEST(Sidecar, KmsgStateRestartNeitherReplaysNorLoses) {
  std::string tag = UniqueTag();
  if (!WriteKmsg("<5>kdiagtest-" + tag + ": tick 0\n")) GTEST_SKIP() << "/dev/kmsg not writable";
  std::string dir = TempDir(), out = dir + "/events", state = dir + "/state";
  std::vector<std::string> args = {"--kmsg",  "--follow", "--rules",       TickRules(),
                                   "--state", state,      "--output-file", out};
  int n = 0;
  auto write_ticks = [&](int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(WriteKmsg("<5>kdiagtest-" + tag + ": tick " + std::to_string(++n) + "\n"));
    }
  };
  for (int run = 0; run < 3; ++run) {
    Background kdiag(args);
    write_ticks(5);
    // Run 0 starts at the buffer's first record, so it also sees tick 0.
    size_t want = static_cast<size_t>(n) + 1;
    ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == want; }))
        << Ticks(ReadFile(out), tag).size() << " " << kdiag.err();
    kdiag.Signal(SIGTERM);
    ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
    write_ticks(3);  // while kdiag is down
  }
  Background kdiag(args);
  ASSERT_TRUE(
      WaitFor([&] { return Ticks(ReadFile(out), tag).size() == static_cast<size_t>(n) + 1; }));
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), Range(0, n));
  std::string s = ReadFile(state);
  EXPECT_NE(s.find("kmsg.boot_id="), std::string::npos) << s;
  EXPECT_NE(s.find("kmsg.seq="), std::string::npos) << s;
}

TEST(Sidecar, KmsgStateOfAnotherBootStartsAtTheFirstRecord) {
  std::string tag = UniqueTag();
  if (!WriteKmsg("<5>kdiagtest-" + tag + ": tick 1\n")) GTEST_SKIP() << "/dev/kmsg not writable";
  std::string dir = TempDir(), out = dir + "/events", state = dir + "/state";
  std::vector<std::string> args = {"--kmsg",  "--follow", "--rules",       TickRules(),
                                   "--state", state,      "--output-file", out};
  {
    Background kdiag(args);
    ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 1; })) << kdiag.err();
    kdiag.Signal(SIGTERM);
    ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  }
  // The same state, as if written before a reboot: its sequence number means nothing now.
  std::string s = ReadFile(state);
  size_t at = s.find("kmsg.boot_id=");
  ASSERT_NE(at, std::string::npos) << s;
  s.replace(at, s.find('\n', at) - at, "kmsg.boot_id=00000000-0000-4000-8000-000000000000");
  WriteFile(state, s);
  Background kdiag(args);
  ASSERT_TRUE(WaitFor([&] { return Ticks(ReadFile(out), tag).size() == 2; })) << kdiag.err();
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  EXPECT_EQ(Ticks(ReadFile(out), tag), (std::vector<int>{1, 1}));
}

TEST(Sidecar, KmsgFromEndSeesOnlyNewRecords) {
  std::string tag = UniqueTag();
  if (!WriteKmsg("<5>kdiagtest-" + tag + ": tick 1\n")) GTEST_SKIP() << "/dev/kmsg not writable";
  std::string out = TempDir() + "/events";
  Background kdiag(
      {"--kmsg", "--follow", "--from-end", "--rules", TickRules(), "--output-file", out});
  // Ready once it has read to the end: a record written before that may or may not be seen, so
  // keep writing until one is.
  int n = 1;
  ASSERT_TRUE(WaitFor(
      [&] {
        WriteKmsg("<5>kdiagtest-" + tag + ": tick " + std::to_string(++n) + "\n");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return !Ticks(ReadFile(out), tag).empty();
      },
      10));
  kdiag.Signal(SIGTERM);
  ASSERT_EQ(kdiag.Wait(), 0) << kdiag.err();
  std::vector<int> got = Ticks(ReadFile(out), tag);
  ASSERT_FALSE(got.empty());
  EXPECT_GT(got.front(), 1);  // tick 1 was there before kdiag started
}

// Batch --state (live/batch_state.h): each run reports the events of what is new since the last.
std::vector<int> EventTicks(const std::string& ndjson, const std::string& tag) {
  std::string events;
  size_t start = 0;
  for (size_t nl; (nl = ndjson.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = ndjson.substr(start, nl + 1 - start);
    if (line.find("\"type\":\"event\"") != std::string::npos) events += line;
  }
  return Ticks(events, tag);
}

TEST(BatchState, FileRunsReportOnlyWhatIsNewAcrossWritesAndARotation) {
  std::string tag = UniqueTag(), dir = TempDir(), log = dir + "/kern.log", state = dir + "/state";
  std::vector<std::string> args = {"--rules", TickRules(), "--output", "ndjson",
                                   "--state", state,       log};
  Append(log, TickLine(tag, 1) + TickLine(tag, 2));
  auto r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), Range(1, 2)) << r.out;
  // A line still being written is left for the next run.
  std::string three = TickLine(tag, 3);
  Append(log, three.substr(0, 10));
  r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), std::vector<int>{}) << r.out;
  Append(log, three.substr(10) + TickLine(tag, 4));
  r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), Range(3, 4)) << r.out;
  // Rotated between runs, with a line written to the old file before: both are read, once.
  Append(log, TickLine(tag, 5));
  ASSERT_EQ(std::rename(log.c_str(), (log + ".1").c_str()), 0);
  Append(log, TickLine(tag, 6));
  r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), Range(5, 6)) << r.out;
  r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), std::vector<int>{}) << r.out;
  // Without --state, the whole file as before.
  r = RunKdiag({"--rules", TickRules(), "--output", "ndjson", log});
  EXPECT_EQ(EventTicks(r.out, tag), std::vector<int>{6}) << r.out;
}

// Several inputs in one state file: each is taken up where it was left, over three runs with
// writes to both (and a rotation of one) in between; nothing lost, nothing repeated. Before, a
// second input was refused.
TEST(BatchState, SeveralFilesEachTakenUpWhereTheyWereLeft) {
  std::string a = UniqueTag(), b = UniqueTag() + "b", dir = TempDir();
  std::string kern = dir + "/kern.log", xen = dir + "/hypervisor.log", state = dir + "/state";
  std::vector<std::string> args = {"--rules", TickRules(), "--output", "ndjson",
                                   "--state", state,       kern,       xen};
  std::vector<int> seen_a, seen_b;
  auto run = [&](std::vector<int> want_a, std::vector<int> want_b) {
    auto r = RunKdiag(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<int> got_a = EventTicks(r.out, a), got_b = EventTicks(r.out, b);
    EXPECT_EQ(got_a, want_a) << r.out;
    EXPECT_EQ(got_b, want_b) << r.out;
    seen_a.insert(seen_a.end(), got_a.begin(), got_a.end());
    seen_b.insert(seen_b.end(), got_b.begin(), got_b.end());
  };
  Append(kern, TickLine(a, 1) + TickLine(a, 2));
  Append(xen, TickLine(b, 1));
  run(Range(1, 2), Range(1, 1));
  // Writes to one input only; a line of the other still being written waits.
  Append(kern, TickLine(a, 3));
  std::string b2 = TickLine(b, 2);
  Append(xen, b2.substr(0, 8));
  run(Range(3, 3), {});
  // Both written, one rotated in between.
  Append(xen, b2.substr(8) + TickLine(b, 3));
  Append(kern, TickLine(a, 4));
  ASSERT_EQ(std::rename(kern.c_str(), (kern + ".1").c_str()), 0);
  Append(kern, TickLine(a, 5));
  run(Range(4, 5), Range(2, 3));
  run({}, {});
  EXPECT_EQ(seen_a, Range(1, 5));
  EXPECT_EQ(seen_b, Range(1, 3));
  // A run with one of them keeps the other's position.
  Append(xen, TickLine(b, 4));
  Append(kern, TickLine(a, 6));
  auto r = RunKdiag({"--rules", TickRules(), "--output", "ndjson", "--state", state, kern});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, a), Range(6, 6)) << r.out;
  run({}, Range(4, 4));
}

TEST(BatchState, AnUnreadableInputOrStateMovesNothing) {
  std::string dir = TempDir(), state = dir + "/state";
  auto r = RunKdiag({"--state", state, dir + "/absent.log"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("absent.log"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(state), "");
  WriteFile(state, "version=2\nfile.path=x\n");  // cut short: no end line
  WriteFile(dir + "/kern.log", "hello\n");
  r = RunKdiag({"--state", state, dir + "/kern.log"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(state), std::string::npos) << r.err;
}

TEST(BatchState, KmsgRunsReportOnlyWhatIsNew) {
  std::string tag = UniqueTag();
  if (!WriteKmsg("<5>kdiagtest-" + tag + ": tick 0\n")) GTEST_SKIP() << "/dev/kmsg not writable";
  std::string dir = TempDir(), state = dir + "/state";
  std::vector<std::string> args = {"--kmsg", "--rules", TickRules(), "--output",
                                   "ndjson", "--state", state};
  std::vector<int> seen;
  int n = 0;
  for (int run = 0; run < 3; ++run) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(WriteKmsg("<5>kdiagtest-" + tag + ": tick " + std::to_string(++n) + "\n"));
    }
    auto r = RunKdiag(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<int> got = EventTicks(r.out, tag);
    // The first run starts at the buffer's first record, so it also sees tick 0.
    EXPECT_EQ(got, Range(run == 0 ? 0 : n - 2, n)) << r.out;
    seen.insert(seen.end(), got.begin(), got.end());
  }
  EXPECT_EQ(seen, Range(0, n));
  std::string s = ReadFile(state);
  EXPECT_NE(s.find("kmsg.boot_id="), std::string::npos) << s;
  // Another boot's sequence numbers mean nothing in this one: every record is new.
  std::string other;
  size_t at = s.find("kmsg.boot_id=");
  other = s.substr(0, at) + "kmsg.boot_id=00000000-0000-0000-0000-000000000000" +
          s.substr(s.find('\n', at));
  WriteFile(state, other);
  auto r = RunKdiag(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(EventTicks(r.out, tag), Range(0, n)) << r.out;
}

TEST(Sidecar, SuppressedEventsAreNotWrittenButCounted) {
  std::string tag = UniqueTag(), dir = TempDir(), config = dir + "/config.toml";
  WriteFile(config,
            "[[suppress]]\nrule = \"test.sidecar.*\"\nfields = { n = \"2\" }\nreason = \"r\"\n");
  auto r = RunKdiag({"--follow", "--config", config, "--rules", TickRules()}, "",
                    TickLine(tag, 1) + TickLine(tag, 2) + TickLine(tag, 3));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Ticks(r.out, tag), (std::vector<int>{1, 3})) << r.out;
  EXPECT_NE(r.out.find("\"suppressed_events\":1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kdiag
