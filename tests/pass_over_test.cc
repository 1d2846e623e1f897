// Passing over lines no rule can match (pipeline.h) and reading with worker threads
// (block_reader.h) change how the output is computed, never what it is: every input here gives
// the same events and summary when every line is framed, when lines are passed over, and when
// they are passed over with several threads. The inputs are the project's corpus, the shared
// conformance data (util-linux renderings, 560 syzkaller crash logs; skipped loudly when
// ../shared is missing) and a large log made of them that spans several blocks.
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/file_text.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/output/ndjson.h"
#include "analyzer/pipeline.h"
#include "pipeline_run.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::PipelineRun;
using testing::RunOptions;
using testing::RunShippedRulesOnPath;

// Regular files below `dir`, sorted; empty when it does not exist.
std::vector<std::string> FilesBelow(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The corpus's logs: every input file, not the expected outputs, run lists or quirk files.
std::vector<std::string> CorpusLogs() {
  std::vector<std::string> out;
  for (const std::string& f : FilesBelow(KDIAG_CORPUS_DIR)) {
    if (f.find("/expected/") != std::string::npos) continue;
    std::string base = f.substr(f.rfind('/') + 1);
    if (base == "runs" || base == "README.md" || base.find("lspci") == 0 ||
        base.find(".sxp") != std::string::npos) {
      continue;
    }
    out.push_back(f);
  }
  return out;
}

std::string Fingerprint(const PipelineRun& run) {
  std::string out;
  for (const Event& e : run.events) AppendEventJson(e, &out);
  AppendSummaryJson(run.summary, &out);
  return out;
}

// Runs `path` framed, passed over, and passed over on `threads` threads; returns the lines passed
// over.
uint64_t ExpectSameOutput(const std::string& path, int threads = 3) {
  std::vector<Error> framed_errors, passed_errors, threaded_errors;
  PipelineRun framed = RunShippedRulesOnPath(path, false, &framed_errors, RunOptions{true, false});
  PipelineRun passed = RunShippedRulesOnPath(path, false, &passed_errors, RunOptions{false, true});
  PipelineRun threaded =
      RunShippedRulesOnPath(path, false, &threaded_errors, RunOptions{false, true, threads});
  EXPECT_EQ(framed.passed_over, 0u) << path;
  EXPECT_EQ(Fingerprint(passed), Fingerprint(framed)) << path;
  EXPECT_EQ(Fingerprint(threaded), Fingerprint(framed))
      << path << " with " << threads << " threads";
  EXPECT_EQ(threaded.passed_over, passed.passed_over) << path;
  EXPECT_EQ(passed_errors.size(), framed_errors.size()) << path;
  return passed.passed_over;
}

std::vector<std::string> SharedFiles(const std::string& relative) {
  std::string dir = std::string(KDIAG_SHARED_DIR) + "/conformance/" + relative;
  std::vector<std::string> files = FilesBelow(dir);
  if (files.empty()) {
    std::fprintf(stderr, "\n*** conformance data missing: %s -- SKIPPING ***\n\n", dir.c_str());
  }
  return files;
}

// Each corpus log as it is, and each console log once more behind an RTC anchor: a boot's lines
// are framed until its first anchor (or until kdiag gives up waiting for one,
// input/early_records.h), and most corpus logs are short excerpts without one, so only the
// anchored copies have their plain lines passed over from the start.
TEST(PassOver, CorpusGivesTheSameOutput) {
  std::vector<std::string> logs = CorpusLogs();
  ASSERT_GE(logs.size(), 10u);
  std::string dir = testing::TempDir();
  uint64_t passed = 0;
  for (const std::string& log : logs) {
    ExpectSameOutput(log);
    std::string text;
    if (ReadFileText(log, &text) || text.empty() || text[0] != '[') continue;
    std::string anchored = dir + "/anchored.log";
    {
      std::ofstream out(anchored, std::ios::binary);
      out << "[    0.000000] rtc_cmos 00:02: setting system clock to 2025-11-03T18:54:01 UTC "
             "(1762196041)\n"
          << text;
    }
    passed += ExpectSameOutput(anchored);
    unlink(anchored.c_str());
  }
  rmdir(dir.c_str());
  EXPECT_GT(passed, 0u) << "no line of the anchored corpus logs was passed over";
}

// Inputs the pass-over fuzzer found differences with (fuzz/regressions/README.md).
TEST(PassOver, FuzzRegressionsGiveTheSameOutput) {
  ExpectSameOutput(std::string(KDIAG_SOURCE_DIR) +
                   "/fuzz/regressions/pass_over-boot-end-anchor.log");
  ExpectSameOutput(std::string(KDIAG_SOURCE_DIR) + "/fuzz/regressions/pass_over-early-give-up.log");
}

TEST(PassOver, UtilLinuxRenderingsGiveTheSameOutput) {
  std::vector<std::string> files = SharedFiles("util-linux-dmesg");
  if (files.empty()) GTEST_SKIP() << "../shared/conformance/util-linux-dmesg missing";
  for (const std::string& f : files) ExpectSameOutput(f);
}

TEST(PassOver, SyzkallerLogsGiveTheSameOutput) {
  std::vector<std::string> files = SharedFiles("syzkaller/report");
  if (files.empty()) GTEST_SKIP() << "../shared/conformance/syzkaller/report missing";
  uint64_t passed = 0;
  for (const std::string& f : files) passed += ExpectSameOutput(f, 2);
  EXPECT_GT(passed, 0u);
}

std::string ReadFile(const std::string& path) {
  std::string text;
  EXPECT_FALSE(ReadFileText(path, &text)) << path;
  return text;
}

// Several megabytes of every corpus console log and syzkaller log, so blocks end inside records,
// crash reports and continuation lines, and worker threads read ahead.
TEST(PassOver, LargeLogAcrossBlocksGivesTheSameOutput) {
  std::string parts;
  for (const std::string& log : CorpusLogs()) {
    if (log.size() > 4 && log.compare(log.size() - 4, 4, ".log") == 0) parts += ReadFile(log);
  }
  std::vector<std::string> syz = SharedFiles("syzkaller/report");
  for (size_t i = 0; i < syz.size(); i += 7) parts += ReadFile(syz[i]);
  ASSERT_FALSE(parts.empty());
  // A directory of its own: gtest's TempDir() is /tmp itself, which concurrent runs of the suite
  // (other checkouts, CI) share, and one run overwrote another's file under this same name.
  std::string dir = testing::TempDir(), path = dir + "/large.log";
  {
    std::ofstream out(path, std::ios::binary);
    for (size_t size = 0; size < (size_t{5} << 20); size += parts.size()) out << parts;
  }
  uint64_t passed = 0;
  for (int threads : {2, 4}) passed = ExpectSameOutput(path, threads);
  EXPECT_GT(passed, 1000u);
  unlink(path.c_str());
  rmdir(dir.c_str());
}

// The command line: --threads 1 and --threads 2 write identical NDJSON for every corpus log.
TEST(PassOver, ThreadsGiveIdenticalNdjson) {
  for (const std::string& log : CorpusLogs()) {
    auto one = testing::RunKdiag({"--threads", "1", "--output", "ndjson", log});
    auto two = testing::RunKdiag({"--threads", "2", "--output", "ndjson", log});
    EXPECT_EQ(one.status, two.status) << log;
    EXPECT_EQ(one.out, two.out) << log;
    EXPECT_NE(one.out.find("\"type\":\"summary\""), std::string::npos) << log << one.err;
  }
}

std::unique_ptr<Matcher> RuleMatcher(const std::string& id, const std::string& pattern) {
  std::string text = "[[rule]]\nid = \"" + id +
                     "\"\nseverity = \"warning\"\nsource = \"kernel\"\npattern = \"" + pattern +
                     "\"\nsummary = \"s\"\n  [[rule.example]]\n  line = \"" + pattern + "\"\n";
  std::vector<Rule> rules;
  EXPECT_FALSE(ParseRuleFile(text, "t.toml", &rules));
  std::unique_ptr<Matcher> m;
  EXPECT_FALSE(Matcher::Build(std::move(rules), nullptr, &m));
  return m;
}

class EventIds : public PipelineObserver {
 public:
  bool WantsEveryRecord() const override { return false; }
  void OnEvent(const Event& e) override { ids.push_back(e.rule->id); }
  std::vector<std::string> ids;
};

// Returns `chunks` one per read; the rules are reloaded before the second read, and the old
// ones freed, as the sidecar does.
class ReloadingChunks : public ByteSource {
 public:
  ReloadingChunks(Pipeline* p, std::unique_ptr<Matcher>* current, std::unique_ptr<Matcher> next,
                  std::vector<std::string> chunks)
      : pipeline_(p),
        current_(current),
        next_matcher_(std::move(next)),
        chunks_(std::move(chunks)) {}
  long Read(char* buf, size_t n, std::string*) override {
    if (next_ == 1 && next_matcher_) {
      pipeline_->SetMatcher(next_matcher_.get());
      *current_ = std::move(next_matcher_);
    }
    if (next_ >= chunks_.size()) return 0;
    const std::string& chunk = chunks_[next_++];
    size_t take = std::min(n, chunk.size());
    chunk.copy(buf, take);
    return static_cast<long>(take);
  }

 private:
  Pipeline* pipeline_;
  std::unique_ptr<Matcher>* current_;
  std::unique_ptr<Matcher> next_matcher_;
  std::vector<std::string> chunks_;
  size_t next_ = 0;
};

std::vector<std::string> ReloadedRuleIds(std::vector<std::string> chunks,
                                         uint64_t* passed_over = nullptr) {
  std::unique_ptr<Matcher> current = RuleMatcher("t.before", "before rule fires");
  EventIds observer;
  Pipeline pipeline(current.get(), &observer);
  ReloadingChunks source(&pipeline, &current, RuleMatcher("t.after", "after rule fires"),
                         std::move(chunks));
  std::vector<Error> errors;
  pipeline.Follow(&source, "live", &errors);
  pipeline.Findings();
  if (passed_over) *passed_over = pipeline.passed_over();
  return observer.ids;
}

// A live input's blocks were scanned for the rules it started with. After a reload (SIGHUP:
// Pipeline::SetMatcher), lines holding only the new rules' literals must still be matched.
TEST(PassOver, ReloadedRulesSeeTheRestOfALiveInput) {
  EXPECT_EQ(ReloadedRuleIds({"[    1.000000] before rule fires\n[    1.100000] plain\n",
                             "[    2.000000] plain\n[    2.100000] after rule fires\n"
                             "[    2.200000] plain\n"}),
            (std::vector<std::string>{"t.before", "t.after"}));
}

// The framer still holds the last line read before the reload; it leaves at the end of the input,
// with no line after it, and is matched against the new rules although it held none of the old
// rules' literals.
TEST(PassOver, ARecordHeldAcrossAReloadMeetsTheNewRules) {
  EXPECT_EQ(
      ReloadedRuleIds({"[    1.000000] before rule fires\n[    1.100000] after rule fires\n"}),
      (std::vector<std::string>{"t.before", "t.after"}));
}

// After a reload a live input's next blocks are scanned for the new rules' literals, so its plain
// lines are passed over again rather than all framed; the rules before are already freed (ASan).
TEST(PassOver, ALiveInputIsScannedForTheReloadedRules) {
  std::string plain;
  for (int i = 0; i < 8; ++i) plain += "[    2.00000" + std::to_string(i) + "] plain\n";
  uint64_t passed_over = 0;
  // The last line holds only the old rules' literal: it is no event any more.
  EXPECT_EQ(ReloadedRuleIds({"[    1.000000] before rule fires\n[    1.100000] plain\n",
                             plain + "[    2.100000] after rule fires\n" + plain +
                                 "[    2.200000] before rule fires\n"},
                            &passed_over),
            (std::vector<std::string>{"t.before", "t.after"}));
  // All 16 but the plain lines next to a rule's line, which the framer holds for continuations.
  EXPECT_GE(passed_over, 14u);
}

}  // namespace
}  // namespace kdiag
