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

}  // namespace
}  // namespace kdiag
