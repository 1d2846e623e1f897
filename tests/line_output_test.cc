// LineOutput, the live output file: torn last lines, full disks, deleted files.
#include "analyzer/output/line_output.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST(LineOutput, ATornLastLineIsCutWhenTheFileIsOpened) {
  std::string path = TempDir() + "/events";
  WriteFile(path, "{\"a\":1}\n{\"b\":2}\n{\"c\":");
  LineOutput out(path);
  std::string notice;
  ASSERT_EQ(out.Open(&notice), std::nullopt);
  EXPECT_NE(notice.find(path), std::string::npos) << notice;
  EXPECT_NE(notice.find("5 bytes"), std::string::npos) << notice;
  out.Write("{\"d\":4}\n");
  EXPECT_EQ(ReadFile(path), "{\"a\":1}\n{\"b\":2}\n{\"d\":4}\n");
}

TEST(LineOutput, WholeLinesAndEmptyFilesAreLeftAlone) {
  for (std::string text : {"", "{\"a\":1}\n"}) {
    std::string path = TempDir() + "/events";
    WriteFile(path, text);
    LineOutput out(path);
    std::string notice;
    ASSERT_EQ(out.Open(&notice), std::nullopt);
    EXPECT_EQ(notice, "");
    out.Write("x\n");
    EXPECT_EQ(ReadFile(path), text + "x\n");
  }
}

TEST(LineOutput, ALongTornTailEndsWithANewlineInsteadOfBeingCut) {
  // Not a line kdiag could have torn (longer than any line it writes): nothing is removed, the
  // next line starts on a line of its own.
  std::string path = TempDir() + "/events";
  std::string tail(LineOutput::kMaxTornLine + 1, 'x');
  WriteFile(path, "{}\n" + tail);
  LineOutput out(path);
  std::string notice;
  ASSERT_EQ(out.Open(&notice), std::nullopt);
  EXPECT_NE(notice, "");
  out.Write("y\n");
  EXPECT_EQ(ReadFile(path), "{}\n" + tail + "\ny\n");
}

TEST(LineOutput, AFullDeviceClosesTheOutputWithItsError) {
  LineOutput out("/dev/full");
  ASSERT_EQ(out.Open(), std::nullopt);
  out.Write("{\"a\":1}\n");
  EXPECT_TRUE(out.closed());
  EXPECT_EQ(out.error(), ENOSPC);
}

// A FIFO as the output must still report its reader gone (EPIPE closes the output quietly): the
// output is opened write-only, never for reading as well.
TEST(LineOutput, AFifoWhoseReaderLeftClosesTheOutputQuietly) {
  std::string path = TempDir() + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  int reader = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  LineOutput out(path);
  ASSERT_EQ(out.Open(), std::nullopt);
  close(reader);
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  out.Write("{\"a\":1}\n");
  sigaction(SIGPIPE, &old, nullptr);
  EXPECT_TRUE(out.closed());
  EXPECT_EQ(out.error(), 0);
}

TEST(LineOutput, ADeletedFileIsCreatedAgainForTheNextLine) {
  std::string path = TempDir() + "/events";
  LineOutput out(path);
  ASSERT_EQ(out.Open(), std::nullopt);
  out.Write("1\n");
  ASSERT_EQ(unlink(path.c_str()), 0);
  std::string notice;
  EXPECT_TRUE(out.ReopenIfDeleted(&notice));
  EXPECT_NE(notice.find(path), std::string::npos);
  EXPECT_FALSE(out.ReopenIfDeleted(&notice));
  out.Write("2\n");
  EXPECT_EQ(ReadFile(path), "2\n");
}

}  // namespace
}  // namespace kdiag
