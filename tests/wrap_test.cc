// Fitting the report to the terminal (output/wrap.h): the width asked of the output, and wrapping
// that never breaks a word or a command.
#include "analyzer/output/wrap.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace kdiag {
namespace {

TEST(Wrap, WrapsAtSpacesWithTheLinesIndentationPlusTwo) {
  std::string out;
  WrapLine(" one two three four five six", 16, "| ", &out);
  EXPECT_EQ(out, "|  one two three\n|    four five\n|    six\n");
}

TEST(Wrap, WordsOnOneLineKeepTheirSpacingALineBreakReplacesIt) {
  std::string out;
  WrapLine("WARNING  some.rule  x2  dmesg.log", 24, "", &out);
  EXPECT_EQ(out, "WARNING  some.rule  x2\n  dmesg.log\n");
}

TEST(Wrap, AWordLongerThanTheLineIsKeptWhole) {
  std::string out;
  WrapLine("see /sys/bus/pci/drivers/pciback/quirks now", 12, "", &out);
  EXPECT_EQ(out, "see\n  /sys/bus/pci/drivers/pciback/quirks\n  now\n");
}

TEST(Wrap, ABackquotedCommandIsNeverBroken) {
  std::string out;
  WrapLine("run `echo 1 > /sys/module/xen_pciback/parameters/verbose_request` then look", 30, "",
           &out);
  EXPECT_EQ(out,
            "run\n  `echo 1 > /sys/module/xen_pciback/parameters/verbose_request`\n  then look\n");
  // An unmatched backquote is an ordinary character.
  out.clear();
  WrapLine("a ` b c d", 5, "", &out);
  EXPECT_EQ(out, "a ` b\n  c d\n");
}

TEST(Wrap, ALineIndentedForCopyingIsPrintedWhole) {
  std::string out;
  WrapLine("      echo 0000:13:04.0 > /sys/bus/pci/drivers/pciback/permissive", 20, "| ", &out);
  EXPECT_EQ(out, "|       echo 0000:13:04.0 > /sys/bus/pci/drivers/pciback/permissive\n");
}

TEST(Wrap, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth("naïve café"), 10u);
  std::string out;
  WrapLine("ééé ééé ééé", 7, "", &out);  // 7 columns hold two words of 3 code points
  EXPECT_EQ(out, "ééé ééé\n  ééé\n");
}

TEST(Wrap, TextOfSeveralLinesWrapsEachLine) {
  std::string out;
  WrapText("a b c\n\nd e", 3, "> ", &out);
  EXPECT_EQ(out, "> a\n>   b\n>   c\n> \n> d\n>   e\n");
}

TEST(Wrap, ColumnsComeFromTheTerminalThenColumnsThen80) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  int tty = open(ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  struct winsize ws {};
  ws.ws_row = 24;
  ws.ws_col = 60;
  ASSERT_EQ(ioctl(tty, TIOCSWINSZ, &ws), 0);
  EXPECT_EQ(ReportColumns(tty, "200"), 60u);  // the terminal's own size wins
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  EXPECT_EQ(ReportColumns(pipefd[1], "200"), 200u);
  EXPECT_EQ(ReportColumns(pipefd[1], nullptr), 80u);
  EXPECT_EQ(ReportColumns(pipefd[1], ""), 80u);
  EXPECT_EQ(ReportColumns(pipefd[1], "wide"), 80u);
  EXPECT_EQ(ReportColumns(pipefd[1], "-5"), 80u);
  EXPECT_EQ(ReportColumns(pipefd[1], "10"), kMinColumns);
  close(pipefd[0]), close(pipefd[1]), close(tty), close(master);
}

}  // namespace
}  // namespace kdiag
