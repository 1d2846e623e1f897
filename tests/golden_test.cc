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
#include <dirent.h>

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

TEST(Golden, CorpusOutputsMatchExpectedFiles) {
  bool regenerate = std::getenv("KDIAG_REGENERATE") != nullptr;
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
      testing::RunResult r = RunKdiag(args, copy, "", {"TZ=UTC", "COLUMNS=80"});
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

}  // namespace
}  // namespace kdiag
