// Replacing a file atomically (--state, --metrics): the temporary file is kdiag's own, never a
// file someone else prepared in the directory.
#include "analyzer/output/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

size_t Entries(const std::string& dir) {
  size_t n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

TEST(AtomicFile, ReplacesTheFileAndLeavesNoTemporaryFile) {
  std::string dir = TempDir(), path = dir + "/state";
  WriteFile(path, "old\n");
  ASSERT_EQ(WriteFileAtomically(path, "new\n"), std::nullopt);
  EXPECT_EQ(ReadFile(path), "new\n");
  EXPECT_EQ(Entries(dir), 1u);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicFile, TheModeIsTheUmasksLikeAPlainCreate) {
  std::string path = TempDir() + "/metrics.prom";
  mode_t old = umask(077);
  auto err = WriteFileAtomically(path, "x\n");
  umask(old);
  ASSERT_EQ(err, std::nullopt);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// Issue 16: whoever can write the directory could create PATH.tmp as a symlink to any file, and
// kdiag (often root) truncated and overwrote that file, then renamed the link over PATH.
TEST(AtomicFile, ASymlinkAtTheTemporaryNameIsNeverFollowed) {
  std::string dir = TempDir(), path = dir + "/state", victim = TempDir() + "/passwd";
  WriteFile(victim, "root:x:0:0\n");
  ASSERT_EQ(symlink(victim.c_str(), (path + ".tmp").c_str()), 0);
  auto err = WriteFileAtomically(path, "version=2\n");
  EXPECT_EQ(ReadFile(victim), "root:x:0:0\n");
  if (!err) {
    struct stat st;
    ASSERT_EQ(lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(ReadFile(path), "version=2\n");
  }
}

TEST(AtomicFile, AnErrorNamesThePath) {
  std::string path = TempDir() + "/missing/state";
  auto err = WriteFileAtomically(path, "x");
  ASSERT_TRUE(err);
  EXPECT_NE(err->ToString().find(path), std::string::npos) << err->ToString();
}

}  // namespace
}  // namespace kdiag
