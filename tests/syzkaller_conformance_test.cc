// Conformance with syzkaller's crash report parser over its annotated console logs in
// ../shared/conformance/syzkaller/report (read at run time, never copied into the project; see the
// README there for the file format). Every log goes through the whole pipeline with the shipped
// rules; the first crash event decides detection and title. The test prints both agreement rates
// and fails below floors just under what kdiag reaches: detection 97.9%, title 90.2%.
// KDIAG_SYZKALLER_VERBOSE=1 prints every disagreement.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline_run.h"

namespace kdiag {
namespace {

struct Annotated {
  std::string name;
  std::vector<std::string> titles;  // TITLE first, then every ALT
  bool crash = false;               // TITLE present and not SUPPRESSED
  std::string log;                  // the console log (after the header, before "REPORT:")
};

bool ReadAnnotated(const std::string& path, const std::string& name, Annotated* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  out->name = name;
  size_t pos = 0;
  std::string title;
  bool suppressed = false;
  std::vector<std::string> alts;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line.compare(0, 7, "TITLE: ") == 0) title = line.substr(7);
    if (line.compare(0, 5, "ALT: ") == 0) alts.push_back(line.substr(5));
    if (line == "SUPPRESSED: Y") suppressed = true;
  }
  out->crash = !title.empty() && !suppressed;
  if (!title.empty()) out->titles.push_back(title);
  out->titles.insert(out->titles.end(), alts.begin(), alts.end());
  std::string log = pos < text.size() ? text.substr(pos) : "";
  size_t report = log.find("\nREPORT:\n");
  if (report != std::string::npos) log.resize(report + 1);
  out->log = std::move(log);
  return true;
}

TEST(SyzkallerConformance, DetectionAndTitles) {
  // KDIAG_SYZKALLER_DIR names another directory of annotated logs (other files of syzkaller's
  // testdata, to see how the rules do on logs they were not developed on); the floors apply to the
  // shared ones only.
  const char* other = std::getenv("KDIAG_SYZKALLER_DIR");
  const std::string dir =
      other ? std::string(other) : std::string(KDIAG_SHARED_DIR) + "/conformance/syzkaller/report";
  DIR* d = opendir(dir.c_str());
  if (!d) {
    std::fprintf(stderr, "\n*** conformance data missing: %s -- SKIPPING ***\n\n", dir.c_str());
    GTEST_SKIP() << "missing " << dir;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  const bool verbose = std::getenv("KDIAG_SYZKALLER_VERBOSE") != nullptr;

  int logs = 0, detection_agrees = 0, crashes = 0, titles_agree = 0;
  for (const std::string& name : names) {
    Annotated a;
    if (!ReadAnnotated(dir + "/" + name, name, &a)) continue;
    ++logs;
    testing::PipelineRun run = testing::RunShippedRules(a.log, name);
    const Event* first = nullptr;
    for (const Event& e : run.events) {
      if (e.crash) {
        first = &e;
        break;
      }
    }
    bool detected = first != nullptr;
    if (detected == a.crash) ++detection_agrees;
    if (!a.crash) {
      if (detected && verbose) {
        std::printf("false crash  %-5s %s\n", name.c_str(), first->crash->title.c_str());
      }
      continue;
    }
    ++crashes;
    bool same = detected &&
                std::find(a.titles.begin(), a.titles.end(), first->crash->title) != a.titles.end();
    if (same) ++titles_agree;
    if (!same && verbose) {
      std::printf("title        %-5s got \"%s\" want \"%s\"\n", name.c_str(),
                  detected ? first->crash->title.c_str() : "(none)", a.titles[0].c_str());
    }
  }
  ASSERT_GT(logs, 0);
  ASSERT_GT(crashes, 0);
  double detection = 100.0 * detection_agrees / logs;
  double titles = 100.0 * titles_agree / crashes;
  std::printf(
      "syzkaller conformance: detection %d/%d logs agree (%.1f%%), titles %d/%d crash logs "
      "agree (%.1f%%)\n",
      detection_agrees, logs, detection, titles_agree, crashes, titles);
  if (other) return;
  EXPECT_GE(detection, 97.9);
  EXPECT_GE(titles, 90.2);
}

}  // namespace
}  // namespace kdiag
