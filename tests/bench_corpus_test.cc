// bench/gen_corpus.py writes the e2e benchmark's corpus: a healthy dom0's steady chatter with
// --rate of rule example lines mixed in. Its promise, checked here: the chatter matches no shipped
// rule, so the benchmark measures the mix it says it does (0.2% interesting lines by default).
// A rule that starts matching the chatter (as net.link.down did with the generator's "NIC Link is
// Down" lines) fails this test instead of silently turning the benchmark into a different one.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>

#include "tests/run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::RunKdiag;
using testing::TempDir;

TEST(BenchCorpus, SteadyChatterMatchesNoRule) {
  std::string dir = TempDir();
  std::string corpus = dir + "/corpus.log";
  std::string command = std::string("python3 ") + KDIAG_SOURCE_DIR + "/bench/gen_corpus.py" +
                        " --size-mb 3 --rate 0 -o " + corpus + " 2> " + dir + "/gen.err";
  ASSERT_EQ(std::system(command.c_str()), 0)
      << command << " failed (python3 3.11+ is a test package of scripts/setup):\n"
      << ReadFile(dir + "/gen.err");
  // "gen_corpus: 3000076 bytes, 26519 lines, 13 interesting (0.049%), 1 boots, seed 20261123"
  std::smatch m;
  std::string summary = ReadFile(dir + "/gen.err");
  ASSERT_TRUE(std::regex_search(summary, m, std::regex(R"(lines, (\d+) interesting)"))) << summary;
  int interesting = std::stoi(m[1]);

  testing::RunResult r = RunKdiag({"--output", "ndjson", corpus});
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, int> by_rule;
  int events = 0;
  for (const testing::NdjsonLine& l : testing::ParseNdjson(r.out)) {
    if (l.type != "event") continue;
    ++events;
    ++by_rule[l.rule];
  }
  std::string found;
  for (const auto& [id, n] : by_rule) found += " " + id + "=" + std::to_string(n);
  EXPECT_EQ(events, interesting) << "events by rule:" << found;
  EXPECT_GT(interesting, 0);
}

}  // namespace
}  // namespace kdiag
