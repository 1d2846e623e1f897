// FollowSource (tail -F) and StreamSource, driven in-process: a scripted LiveControl runs one step
// of the test (append, rotate, truncate...) every time the source has nothing to read, and stops
// the source when the script is done. Deterministic: no threads, no sleeps.
#include "analyzer/input/sources/follow_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <functional>
#include <string>

#include "analyzer/input/sources/stream_source.h"
#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class Script : public LiveControl {
 public:
  std::deque<std::function<void()>> steps;
  size_t waits = 0;
  size_t delivered = 0;
  bool Continue() override { return true; }
  void Delivered(size_t bytes) override { delivered += bytes; }
  bool Wait(int) override {
    ++waits;
    if (steps.empty()) return false;
    auto step = std::move(steps.front());
    steps.pop_front();
    step();
    return true;
  }
};

void Append(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "ab");
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

std::string ReadAll(ByteSource* source) {
  std::string out, error;
  char buf[7];  // small reads: lines are handed out across several calls
  for (long n; (n = source->Read(buf, sizeof buf, &error)) > 0;) out.append(buf, n);
  EXPECT_EQ(error, "");
  return out;
}

TEST(FollowSource, ReadsTheFileThenFollowsAppends) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "one\ntwo\n");
  Script script;
  script.steps.push_back([&] { Append(path, "three\n"); });
  script.steps.push_back([&] { Append(path, "fou"); });  // a line still being written
  script.steps.push_back([&] { Append(path, "r\n"); });
  FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(source.position().offset, 19u);
  EXPECT_EQ(script.delivered, 19u);
}

TEST(FollowSource, FromEndSkipsWhatIsThere) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "old\n");
  Script script;
  script.steps.push_back([&] { Append(path, "new\n"); });
  FollowSource source(path, FollowStart::kEnd, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "new\n");
}

TEST(FollowSource, RenameRotationFinishesTheOldFileThenTakesTheNew) {
  std::string dir = TempDir(), path = dir + "/log";
  WriteFile(path, "a1\n");
  Script script;
  script.steps.push_back([&] {
    Append(path, "a2\n");
    std::rename(path.c_str(), (path + ".1").c_str());
    Append(path + ".1", "a3 written before the writer reopened\n");
    WriteFile(path, "b1\n");
  });
  script.steps.push_back([&] { Append(path, "b2\n"); });
  FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "a1\na2\na3 written before the writer reopened\nb1\nb2\n");
  EXPECT_EQ(source.rotations(), 1u);
}

TEST(FollowSource, CopytruncateStartsAgainAtOffsetZero) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "before 1\nbefore 2\n");
  Script script;
  script.steps.push_back([&] {
    WriteFile(path + ".1", ReadFile(path));  // logrotate copytruncate: copy, then truncate
    truncate(path.c_str(), 0);
  });
  script.steps.push_back([&] { Append(path, "after\n"); });
  FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "before 1\nbefore 2\nafter\n");
  EXPECT_EQ(source.truncations(), 1u);
}

TEST(FollowSource, TruncationOvertakenByNewLinesIsSeenByTheFirstLine) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "x\n");
  Script script;
  // Truncated and written past the old size before the source looked again.
  script.steps.push_back([&] { WriteFile(path, "a much longer first line\n"); });
  FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "x\na much longer first line\n");
}

TEST(FollowSource, DeletionAndRecreation) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "first\n");
  Script script;
  script.steps.push_back([&] { unlink(path.c_str()); });
  script.steps.push_back([] {});  // no file for a while
  script.steps.push_back([&] { WriteFile(path, "second\n"); });
  FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "first\nsecond\n");
}

TEST(FollowSource, WaitsForAFileThatDoesNotExistYet) {
  std::string path = TempDir() + "/later";
  Script script;
  script.steps.push_back([&] { WriteFile(path, "here\n"); });
  FollowSource source(path, FollowStart::kEnd, nullptr, &script);
  EXPECT_EQ(ReadAll(&source), "here\n");  // a new file is read from its start
}

TEST(FollowSource, ResumesAfterTheSavedPosition) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "one\ntwo\n");
  FilePosition saved;
  {
    Script script;
    FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
    EXPECT_EQ(ReadAll(&source), "one\ntwo\n");
    saved = source.position();
  }
  Append(path, "three\n");
  Script script;
  FollowSource source(path, FollowStart::kBeginning, &saved, &script);
  EXPECT_EQ(ReadAll(&source), "three\n");
}

TEST(FollowSource, ARotationWhileStoppedIsFinishedFromTheRotatedFile) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "one\n");
  FilePosition saved;
  {
    Script script;
    FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
    EXPECT_EQ(ReadAll(&source), "one\n");
    saved = source.position();
  }
  // While stopped: more lines, logrotate (dateext), the new file gets lines of its own.
  Append(path, "two\n");
  ASSERT_EQ(std::rename(path.c_str(), (path + "-20261123").c_str()), 0);
  WriteFile(path + ".unrelated", "no\n");
  WriteFile(path, "three\n");
  Script script;
  FollowSource source(path, FollowStart::kBeginning, &saved, &script);
  EXPECT_EQ(ReadAll(&source), "two\nthree\n");
  EXPECT_EQ(source.rotations(), 1u);
}

TEST(FollowSource, ASavedPositionOfAnotherFileIsNotUsed) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "one\ntwo\n");
  FilePosition saved;
  {
    Script script;
    FollowSource source(path, FollowStart::kBeginning, nullptr, &script);
    ReadAll(&source);
    saved = source.position();
  }
  // Replaced by a file with another first line (same size, maybe even the same inode).
  WriteFile(path, "uno\ndos\n");
  Script script;
  FollowSource source(path, FollowStart::kBeginning, &saved, &script);
  EXPECT_EQ(ReadAll(&source), "uno\ndos\n");
}

TEST(FirstLineHash, OnlyACompleteFirstLineCounts) {
  std::string path = TempDir() + "/log";
  WriteFile(path, "partial");
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_EQ(FirstLineHash(fd), 0u);
  Append(path, " line\nsecond\n");
  uint64_t h = FirstLineHash(fd);
  EXPECT_NE(h, 0u);
  Append(path, "third\n");
  EXPECT_EQ(FirstLineHash(fd), h);
  close(fd);
}

TEST(StreamSource, HandsOutCompleteLinesAndTheLastOneAtTheEnd) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Script script;
  script.steps.push_back([&] { ASSERT_EQ(write(fds[1], "a\nb", 3), 3); });
  script.steps.push_back([&] { close(fds[1]); });
  StreamSource source(fds[0], &script);
  EXPECT_EQ(ReadAll(&source), "a\nb\n");
  close(fds[0]);
}

TEST(StreamSource, MessageModeConfirmsEachLineAfterItWasRead) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "m1\nm2\nm3\n", 9), 9);
  close(fds[1]);
  Script script;
  std::string seen;
  int confirmed = 0;
  StreamSource source(fds[0], &script, [&] { ++confirmed; });
  std::string error;
  char buf[64];
  for (long n; (n = source.Read(buf, sizeof buf, &error)) > 0;) {
    EXPECT_EQ(confirmed, static_cast<int>(seen.size() / 3));  // nothing confirmed ahead
    seen.append(buf, n);
  }
  EXPECT_EQ(seen, "m1\nm2\nm3\n");
  EXPECT_EQ(confirmed, 3);
  close(fds[0]);
}

}  // namespace
}  // namespace kdiag
