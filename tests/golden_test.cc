// Golden tests over corpus/: each corpus/<case>/runs line is "<expected-file> <kdiag args...>";
// kdiag runs in corpus/<case> and its stdout must equal corpus/<case>/expected/<expected-file>.
// After an intended change, regenerate every expected file with
//   KDIAG_REGENERATE=1 build/kdiag_tests --gtest_filter='Golden.*'
// and review the diff before committing it.
//
// Outputs hold wall times, so each case runs in a copy of its directory whose files all have one
// fixed modification time (syslog stamps take their year from it: input/prefixes/syslog_year.h),
// with TZ=UTC (stamps without a zone are read in local time: input/wall_clock.h). A checkout's
// date and the machine's zone then change nothing.
//
// Nor does a config file on the machine running the tests (/etc/kdiag/config.toml, or
// $XDG_CONFIG_HOME/kdiag/config.toml, which a developer may well have): every run gets
// --no-config unless its runs line names --config or --no-config itself.
// Golden.AUsersConfigChangesNothing checks that with a config that would change every output.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::RunKdiag;
using testing::WriteFile;

std::vector<std::string> Cases() {
  std::vector<std::string> cases;
  if (DIR* d = opendir(KDIAG_CORPUS_DIR)) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name[0] != '.' &&
          !ReadFile(std::string(KDIAG_CORPUS_DIR) + "/" + name + "/runs").empty()) {
        cases.push_back(name);
      }
    }
    closedir(d);
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string Diff(const std::string& expected, const std::string& actual) {
  std::string dir = testing::TempDir();
  WriteFile(dir + "/expected", expected);
  WriteFile(dir + "/actual", actual);
  std::string cmd = "diff -u " + dir + "/expected " + dir + "/actual > " + dir + "/diff";
  if (std::system(cmd.c_str()) == -1) return "(diff failed)";
  return ReadFile(dir + "/diff");
}

// The arguments of one runs line as the runner passes them: isolated from config files.
std::vector<std::string> Isolated(std::vector<std::string> args) {
  for (const std::string& a : args) {
    if (a == "--no-config" || a == "--config" || a.rfind("--config=", 0) == 0) return args;
  }
  args.push_back("--no-config");
  return args;
}

// Runs every corpus/<case>/runs line and compares (or, regenerating, writes) its output.
void CheckCorpus(bool regenerate) {
  int runs = 0;
  for (const std::string& c : Cases()) {
    std::string dir = std::string(KDIAG_CORPUS_DIR) + "/" + c;
    std::string copy = testing::TempDir() + "/" + c;
    std::string cmd = "cp -R '" + dir + "' '" + copy + "' && find '" + copy +
                      "' -exec touch -h -d 2026-06-15T12:00:00Z {} +";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    std::istringstream lines(ReadFile(dir + "/runs"));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string expected_name, word;
      std::vector<std::string> args;
      words >> expected_name;
      while (words >> word) args.push_back(word);
      // The width a pipe gets by default (wrap.h), whatever the shell running the tests says.
      testing::RunResult r = RunKdiag(Isolated(args), copy, "", {"TZ=UTC", "COLUMNS=80"});
      ++runs;
      std::string expected_path = dir + "/expected/" + expected_name;
      if (regenerate) {
        WriteFile(expected_path, r.out);
        continue;
      }
      std::string expected = ReadFile(expected_path);
      EXPECT_EQ(r.status < 2, true) << c << ": " << line << "\n" << r.err;
      if (expected != r.out) {
        ADD_FAILURE() << c << "/expected/" << expected_name << " differs (kdiag " << line << "):\n"
                      << Diff(expected, r.out);
      }
    }
  }
  EXPECT_GT(runs, 0) << "no corpus/*/runs found under " << KDIAG_CORPUS_DIR;
}

TEST(Golden, CorpusOutputsMatchExpectedFiles) {
  CheckCorpus(std::getenv("KDIAG_REGENERATE") != nullptr);
}

// A user's config file that suppresses everything and reports only critical findings leaves
// every golden as it is. (Before the runner passed --no-config, kdiag read it and most goldens
// differed.) /etc/kdiag/config.toml is not written here; --no-config ignores both places.
TEST(Golden, AUsersConfigChangesNothing) {
  if (std::getenv("KDIAG_REGENERATE")) GTEST_SKIP() << "regenerating";
  std::string home = testing::TempDir();
  ASSERT_EQ(mkdir((home + "/.config").c_str(), 0700), 0);
  ASSERT_EQ(mkdir((home + "/.config/kdiag").c_str(), 0700), 0);
  WriteFile(home + "/.config/kdiag/config.toml",
            "min-severity = \"critical\"\n[[suppress]]\nrule = \"*\"\nreason = \"golden test\"\n");
  const char* saved_xdg = std::getenv("XDG_CONFIG_HOME");
  const char* saved_home = std::getenv("HOME");
  std::string xdg = saved_xdg ? saved_xdg : "", old_home = saved_home ? saved_home : "";
  setenv("XDG_CONFIG_HOME", (home + "/.config").c_str(), 1);
  setenv("HOME", home.c_str(), 1);
  // The config is real: kdiag without --no-config reads it.
  testing::RunResult r = RunKdiag(
      {"--output", "ndjson", "-"}, "",
      "[    5.000000] tsc: Marking TSC unstable due to clocksource watchdog\n", {"TZ=UTC"});
  EXPECT_NE(r.out.find("\"suppressed_events\":1,"), std::string::npos) << r.out << r.err;
  CheckCorpus(false);
  saved_xdg ? setenv("XDG_CONFIG_HOME", xdg.c_str(), 1) : unsetenv("XDG_CONFIG_HOME");
  saved_home ? setenv("HOME", old_home.c_str(), 1) : unsetenv("HOME");
}

}  // namespace
}  // namespace kdiag
