// Options: the combinations of settings CheckOptions refuses, and those it lets through.
#include "analyzer/config/options.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

TEST(Options, DefaultsAreFine) {
  EXPECT_EQ(CheckOptions(Options{}), "");
}

TEST(Options, NoInputNamedMeansStdinOrOnATerminalTheKernelsLog) {
  Options piped;
  DefaultInputs(&piped, false);
  EXPECT_EQ(piped.paths, std::vector<std::string>{"-"});
  EXPECT_FALSE(piped.kmsg);
  Options terminal;
  DefaultInputs(&terminal, true);
  EXPECT_TRUE(terminal.paths.empty());
  EXPECT_TRUE(terminal.kmsg);
  Options named;
  named.journals = {"/var/log/journal"};
  DefaultInputs(&named, true);
  EXPECT_TRUE(named.paths.empty());
  EXPECT_FALSE(named.kmsg);
}

TEST(Options, QuietWritesNothingSoNotWithWhatWrites) {
  Options opt;
  opt.quiet = true;
  EXPECT_EQ(CheckOptions(opt), "");
  opt.emit = "xl";
  EXPECT_NE(CheckOptions(opt), "");
}

TEST(Options, MergeNeedsEmitXendQuirks) {
  Options opt;
  opt.merge = "xend-pci-quirks.sxp";
  EXPECT_EQ(CheckOptions(opt), "--merge needs --emit xend-quirks");
  opt.emit = "xend-quirks";
  EXPECT_EQ(CheckOptions(opt), "");
}

TEST(Options, RecordsNeedNdjson) {
  Options opt;
  opt.records = true;
  EXPECT_EQ(CheckOptions(opt), "--records needs --output ndjson");
  opt.output = "ndjson";
  EXPECT_EQ(CheckOptions(opt), "");
}

TEST(Options, LiveSettingsNeedALiveMode) {
  Options opt;
  opt.state_file = "state";
  EXPECT_NE(CheckOptions(opt), "");
  opt.follow = true;
  EXPECT_EQ(CheckOptions(opt), "");
}

TEST(Options, LiveModesWriteNdjson) {
  Options opt;
  opt.follow = true;
  opt.output_given = true;  // --output text
  EXPECT_EQ(CheckOptions(opt), "live modes write NDJSON (--output ndjson)");
  opt.output = "ndjson";
  EXPECT_EQ(CheckOptions(opt), "");
}

TEST(Options, OmprogNeedsAnOutputFileAndOnlyStdin) {
  Options opt;
  opt.omprog = true;
  EXPECT_NE(CheckOptions(opt), "");
  opt.output_file = "events.ndjson";
  EXPECT_EQ(CheckOptions(opt), "");
  opt.paths = {"kern.log"};
  EXPECT_EQ(CheckOptions(opt), "--omprog reads only stdin");
}

TEST(Options, FollowTakesOneFile) {
  Options opt;
  opt.follow = true;
  opt.paths = {"a.log", "b.log"};
  EXPECT_EQ(CheckOptions(opt), "--follow follows one file (run one kdiag per file)");
}

TEST(Options, SelectionTimesAndSeverityAreChecked) {
  Options opt;
  opt.paths = {"kern.log"};
  opt.since = "-1h";
  opt.until = "2025-11-03 18:54";
  opt.min_severity = "warning";
  opt.rule_globs = {"hw.*"};
  opt.skip_rule_globs = {"hw.tsc.*"};
  EXPECT_EQ(CheckOptions(opt), "");
  opt.since = "soon";
  EXPECT_NE(CheckOptions(opt).find("--since"), std::string::npos);
  opt.since.clear();
  opt.until = "later";
  EXPECT_NE(CheckOptions(opt).find("--until"), std::string::npos);
  opt.until.clear();
  opt.min_severity = "loud";
  EXPECT_NE(CheckOptions(opt).find("--min-severity"), std::string::npos);
}

TEST(Options, BootsFromTheEndNeedFiles) {
  Options opt;
  opt.boot = -1;
  EXPECT_NE(CheckOptions(opt), "");  // stdin
  opt.paths = {"kern.log"};
  EXPECT_EQ(CheckOptions(opt), "");
  opt.paths = {"kern.log", "-"};
  EXPECT_NE(CheckOptions(opt), "");
  opt.paths.clear();
  opt.boot = 2;
  EXPECT_EQ(CheckOptions(opt), "");  // counted from the start: one pass
}

TEST(Options, WindowsAndBootListsAreNotLive) {
  Options opt;
  opt.follow = true;
  opt.paths = {"kern.log"};
  opt.since = "-1h";
  EXPECT_NE(CheckOptions(opt), "");
  opt.since.clear();
  opt.min_severity = "error";  // what is reported: fine live
  opt.rule_globs = {"hw.*"};
  EXPECT_EQ(CheckOptions(opt), "");
  Options list;
  list.list_boots = true;
  list.output = "ndjson";  // one object per boot
  EXPECT_EQ(CheckOptions(list), "");
  list.output = "html";
  EXPECT_NE(CheckOptions(list), "");
  list.output = "text";
  list.html_file = "report.html";  // was accepted, and no page written
  EXPECT_NE(CheckOptions(list), "");
  list.html_file.clear();
  list.emit = "xl";
  EXPECT_NE(CheckOptions(list), "");
}

}  // namespace
}  // namespace kdiag
