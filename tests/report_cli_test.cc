// The text report through the real binary: the overview, the order across inputs, the width of
// the terminal (60, 80 and 200 columns), --color, the short options, and never "No problems
// found" when something was not read (an input, /dev/kmsg without CAP_SYSLOG, a directory's
// files that are not logs). A bare kdiag on a terminal reads the running kernel's log.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/output/wrap.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::Count;
using testing::ReadFile;
using testing::RunKdiag;
using testing::RunResult;
using testing::TempDir;
using testing::WriteFile;

const std::string kFounding = std::string(KDIAG_CORPUS_DIR) + "/founding-case/";

// Three rules of three severities (error, warning, info).
constexpr char kRules[] = R"([[rule]]
id       = "test.report.bad"
severity = "error"
source   = "kernel"
pattern  = '''kdiagtest: bad (?P<n>\d+)'''
summary  = "bad {n}"
  [[rule.example]]
  line   = "kdiagtest: bad 1"
  fields = { n = "1" }

[[rule]]
id       = "test.report.odd"
severity = "warning"
source   = "kernel"
pattern  = '''kdiagtest: odd (?P<n>\d+)'''
summary  = "odd {n}"
  [[rule.example]]
  line   = "kdiagtest: odd 1"
  fields = { n = "1" }

[[rule]]
id       = "test.report.fyi"
severity = "info"
source   = "kernel"
pattern  = '''kdiagtest: fyi (?P<n>\d+)'''
summary  = "fyi {n}"
  [[rule.example]]
  line   = "kdiagtest: fyi 1"
  fields = { n = "1" }
)";

std::string RulesDir() {
  std::string dir = TempDir();
  WriteFile(dir + "/report.toml", kRules);
  return dir;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The words of a report, in order, without the advice's "|" markers: the same at every width when
// no word was ever cut.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    if (w != "|") words.push_back(w);
  }
  return words;
}

// A line wider than the terminal is allowed only when it could not be wrapped: a command indented
// for copying, or a single word (a backquoted command, a long path) after its indentation.
bool Unwrappable(const std::string& line) {
  std::string body = line;
  size_t bar = body.find("| ");
  if (body.compare(0, 4, "    ") == 0 && bar == 4) body = body.substr(6);
  size_t indent = body.find_first_not_of(' ');
  if (indent != std::string::npos && indent >= kVerbatimIndent) return true;
  std::string rest = body.substr(indent == std::string::npos ? body.size() : indent);
  bool in_quote = false;
  for (char c : rest) {
    if (c == '`') in_quote = !in_quote;
    if (c == ' ' && !in_quote) return false;
  }
  return true;
}

TEST(ReportCli, FitsTheWidthAt60_80And200ColumnsWithoutBreakingWordsOrCommands) {
  std::vector<std::string> args = {"--pci-ids",
                                   "none",
                                   "--lspci",
                                   kFounding + "lspci-n.txt",
                                   kFounding + "dmesg.log",
                                   kFounding + "xl-dmesg.log"};
  std::vector<std::string> words;
  size_t lines_at_60 = 0, lines_at_200 = 0;
  for (size_t width : {60, 80, 200}) {
    RunResult r = RunKdiag(args, "", "", {"COLUMNS=" + std::to_string(width)});
    ASSERT_EQ(r.status, 0) << r.err;
    size_t over = 0;
    for (const std::string& line : Lines(r.out)) {
      if (DisplayWidth(line) <= width) continue;
      ++over;
      EXPECT_TRUE(Unwrappable(line)) << width << " columns: " << line;
    }
    // The commands to copy are whole, each on one line.
    EXPECT_NE(
        r.out.find("`echo 'module xen_pciback +p' > /sys/kernel/debug/dynamic_debug/control`"),
        std::string::npos)
        << width << ":\n"
        << r.out;
    EXPECT_NE(r.out.find("|       '000000e0:2:00000000'\n"), std::string::npos) << r.out;
    if (words.empty()) {
      words = Words(r.out);
    } else {
      EXPECT_EQ(Words(r.out), words) << width << " columns cut or joined a word";
    }
    if (width == 60) lines_at_60 = Lines(r.out).size();
    if (width == 200) {
      lines_at_200 = Lines(r.out).size();
      EXPECT_EQ(over, 0u) << r.out;  // at 200 columns everything fits
    }
  }
  EXPECT_GT(lines_at_60, lines_at_200 + 20);
}

TEST(ReportCli, OverviewCountsBySeverityAndRuleThenTheMostSevereFirstAcrossInputs) {
  std::string dir = TempDir(), rules = RulesDir();
  WriteFile(dir + "/first.log",
            "[    1.000000] kdiagtest: fyi 1\n[    2.000000] kdiagtest: odd 1\n"
            "[    3.000000] kdiagtest: odd 2\n");
  WriteFile(dir + "/second.log", "[    5.000000] kdiagtest: bad 7\n");
  RunResult r =
      RunKdiag({"--no-embedded-rules", "--rules", rules, dir + "/first.log", dir + "/second.log"},
               "", "", {"COLUMNS=200"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "3 problems: 1 error, 2 warnings; 1 info finding (not a problem).") << r.out;
  EXPECT_EQ(lines[1], "  ERROR     1 finding,  1 event   test.report.bad") << r.out;
  EXPECT_EQ(lines[2], "  WARNING   2 findings, 2 events  test.report.odd") << r.out;
  EXPECT_EQ(lines[3], "  INFO      1 finding,  1 event   test.report.fyi") << r.out;
  // The error of the second input comes before the warnings of the first; each names its input
  // and boot.
  size_t bad =
      r.out.find("ERROR  test.report.bad  x1  " + dir + "/second.log, boot 0, at 5.000000");
  size_t odd =
      r.out.find("WARNING  test.report.odd  x1  " + dir + "/first.log, boot 0, at 2.000000");
  size_t fyi = r.out.find("INFO  test.report.fyi  x1  " + dir + "/first.log, boot 0");
  ASSERT_NE(bad, std::string::npos) << r.out;
  ASSERT_NE(odd, std::string::npos) << r.out;
  ASSERT_NE(fyi, std::string::npos) << r.out;
  EXPECT_LT(bad, odd);
  EXPECT_LT(odd, fyi);
  EXPECT_EQ(r.out.find("No problems"), std::string::npos);
  // The summary line never counts an info fact as a finding (issue 18); NDJSON keeps "findings"
  // (all, its meaning in schema 1) and says how many are problems and how many facts.
  EXPECT_EQ(lines.back(),
            "3 findings from 4 events in 4 records (2 boots, 2 inputs, 128 bytes); 1 info fact "
            "(not counted as findings).")
      << r.out;
  r = RunKdiag({"--no-embedded-rules", "--rules", rules, "--output", "ndjson", dir + "/first.log",
                dir + "/second.log"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"findings\":4,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"problems\":3,\"facts\":1,"), std::string::npos) << r.out;
}

TEST(ReportCli, InfoFindingsAloneAreNoProblems) {
  std::string dir = TempDir();
  WriteFile(dir + "/a.log", "[    1.000000] kdiagtest: fyi 1\n");
  RunResult r = RunKdiag({"--no-embedded-rules", "--rules", RulesDir(), dir + "/a.log"}, "", "",
                         {"COLUMNS=200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out)[0], "No problems; 1 info finding (not a problem).") << r.out;
}

TEST(ReportCli, ColorAlwaysWorksThroughAPipeAndNeverAndAutoDoNot) {
  std::vector<std::string> args = {"--pci-ids", "none", kFounding + "dmesg.log"};
  const std::string yellow = "\x1b[1;33mWARNING\x1b[0m";
  auto with = [&](const std::string& when, std::vector<std::string> env) {
    std::vector<std::string> a = args;
    if (!when.empty()) a.push_back("--color=" + when);
    return RunKdiag(a, "", "", env);
  };
  RunResult always = with("always", {"NO_COLOR="});
  ASSERT_EQ(always.status, 0) << always.err;
  EXPECT_NE(always.out.find(yellow + "  xen.pciback.ro_config_write"), std::string::npos)
      << always.out;
  // An explicit --color=always is the user's word: NO_COLOR only changes what auto means.
  EXPECT_NE(with("always", {"NO_COLOR=1"}).out.find(yellow), std::string::npos);
  EXPECT_EQ(with("never", {}).out.find('\x1b'), std::string::npos);
  EXPECT_EQ(with("auto", {}).out.find('\x1b'), std::string::npos);  // stdout is a file
  EXPECT_EQ(with("", {}).out.find('\x1b'), std::string::npos);
  RunResult bad = with("sometimes", {});
  EXPECT_EQ(bad.status, 2);
}

TEST(ReportCli, ShortOptionsAreListedAndMeanTheirLongOnes) {
  RunResult help = RunKdiag({"--help"});
  ASSERT_EQ(help.status, 0);
  for (const char* both : {"-o,--output", "-f,--follow", "-q,--quiet", "-j,--threads", "-k,--kmsg",
                           "-V,--version", "--color"}) {
    EXPECT_NE(help.out.find(both), std::string::npos) << both << "\n" << help.out;
  }
  std::string log = kFounding + "dmesg.log";
  RunResult longer = RunKdiag({"--output", "ndjson", "--threads", "2", log});
  RunResult shorter = RunKdiag({"-o", "ndjson", "-j", "2", log});
  ASSERT_EQ(longer.status, 0) << longer.err;
  EXPECT_EQ(shorter.status, 0) << shorter.err;
  EXPECT_EQ(shorter.out, longer.out);
  // -q: nothing written, the exit status says it all.
  RunResult quiet = RunKdiag({"-q", "--fail-on", "warning", log});
  EXPECT_EQ(quiet.status, 1) << quiet.err;
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(RunKdiag({"-V"}).out, RunKdiag({"--version"}).out);
}

TEST(ReportCli, AnInputNotReadIsStatedInsteadOfNoProblemsFound) {
  std::string dir = TempDir();
  WriteFile(dir + "/quiet.log", "[    1.000000] nothing any rule knows\n");
  std::string missing = dir + "/missing.log";
  RunResult r = RunKdiag({dir + "/quiet.log", missing}, "", "", {"COLUMNS=200"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.find("No problems found"), std::string::npos) << r.out;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "No problems; 1 input not read.") << r.out;
  EXPECT_EQ(lines[1], "Not read, or not whole (a problem there would not show here):");
  EXPECT_EQ(lines[2], "  " + missing + ": No such file or directory");
  EXPECT_NE(r.err.find(missing + ": No such file or directory"), std::string::npos) << r.err;
  // Everything read: the plain answer.
  RunResult fine = RunKdiag({dir + "/quiet.log"});
  EXPECT_EQ(fine.status, 0);
  EXPECT_EQ(Lines(fine.out)[0], "No problems found.") << fine.out;
}

TEST(ReportCli, FilesOfADirectoryThatAreNotLogsAreNamed) {
  std::string dir = TempDir();
  WriteFile(dir + "/kern.log", ReadFile(kFounding + "dmesg.log"));
  WriteFile(dir + "/wtmp", std::string(512, '\0'));
  WriteFile(dir + "/empty", "");
  RunResult r = RunKdiag({"--pci-ids", "none", dir}, "", "", {"COLUMNS=200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(dir + "/wtmp: skipped, not a log: binary, not text"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir + "/empty: skipped, not a log: empty"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Skipped in directories (not logs):\n  " + dir + "/empty: skipped"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2 files skipped as not logs."), std::string::npos) << r.out;
}

// Without CAP_SYSLOG and with kernel.dmesg_restrict = 1, /dev/kmsg refuses (EPERM): the report
// says so and how to get the permission, and exits 2.
TEST(ReportCli, KmsgNotPermittedSaysHowAndIsNoAnswer) {
  if (getuid() != 0 || ReadFile("/proc/sys/kernel/dmesg_restrict") != "1\n" ||
      std::system("command -v setpriv >/dev/null 2>&1") != 0) {
    std::fprintf(stderr, "SKIPPED: needs root, setpriv and kernel.dmesg_restrict = 1\n");
    GTEST_SKIP() << "needs root, setpriv (util-linux) and kernel.dmesg_restrict = 1";
  }
  std::string dir = TempDir();
  chmod(dir.c_str(), 0777);
  std::string cmd =
      "cd / && setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "
      "--bounding-set=-all env KDIAG_CACHE_DIR=" +
      dir + " " KDIAG_BINARY " --kmsg > " + dir + "/out 2> " + dir + "/err";
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  std::string out = ReadFile(dir + "/out"), err = ReadFile(dir + "/err");
  EXPECT_EQ(WEXITSTATUS(rc), 2) << out << err;
  EXPECT_NE(err.find("/dev/kmsg: Operation not permitted (reading the kernel log needs CAP_SYSLOG "
                     "while kernel.dmesg_restrict is 1"),
            std::string::npos)
      << err;
  EXPECT_EQ(out.find("No problems found"), std::string::npos) << out;
  EXPECT_NE(out.find("1 input not read"), std::string::npos) << out;
  EXPECT_NE(out.find("CAP_SYSLOG"), std::string::npos) << out;
}

// A kdiag whose stdin is a terminal, with the terminal's output collected; killed after
// `seconds` (a kdiag waiting on the terminal would otherwise hang the test).
struct TtyRun {
  int status = -1;
  std::string out;  // stdout, a file
};
TtyRun RunWithTerminalStdin(const std::vector<std::string>& args,
                            const std::vector<std::string>& env, int seconds) {
  TtyRun r;
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return r;
  std::string dir = TempDir(), out = dir + "/out";
  pid_t pid = fork();
  if (pid == 0) {
    int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
    int fout = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(tty, 0), dup2(fout, 1);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv = {const_cast<char*>(KDIAG_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(KDIAG_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  close(master);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  return r;
}

TEST(ReportCli, BareKdiagOnATerminalReadsTheRunningKernelsLog) {
  if (access("/dev/kmsg", R_OK) != 0) {
    std::fprintf(stderr, "SKIPPED: /dev/kmsg is not readable here\n");
    GTEST_SKIP() << "/dev/kmsg is not readable here";
  }
  TtyRun r = RunWithTerminalStdin({"-o", "ndjson"}, {}, 60);
  ASSERT_NE(r.status, 128 + SIGKILL) << "kdiag waited on the terminal";
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("{\"type\":\"summary\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"inputs\":1,"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"records\":0,"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kdiag
