// The checkpoint file: round trip, atomic replacement, malformed files named with their line.
#include "analyzer/live/checkpoint.h"

#include <gtest/gtest.h>

#include "run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// A kmsg position is resumed only within the boot that wrote it, and never when either boot id is
// unknown: two unreadable boot ids used to compare equal across a reboot.
TEST(Checkpoint, KmsgPositionHoldsOnlyForAKnownSameBoot) {
  Checkpoint saved;
  saved.kmsg_boot_id = "5f0c9b3e-1d2a-4c7b-9e8f-0a1b2c3d4e5f";
  saved.kmsg_seq = 812;
  EXPECT_EQ(ResumableKmsgSeq(saved, "5f0c9b3e-1d2a-4c7b-9e8f-0a1b2c3d4e5f"), 812u);
  EXPECT_EQ(ResumableKmsgSeq(saved, "00000000-1d2a-4c7b-9e8f-0a1b2c3d4e5f"), std::nullopt);
  saved.kmsg_boot_id.clear();
  EXPECT_EQ(ResumableKmsgSeq(saved, ""), std::nullopt);
  EXPECT_EQ(ResumableKmsgSeq(saved, "5f0c9b3e-1d2a-4c7b-9e8f-0a1b2c3d4e5f"), std::nullopt);
  saved.kmsg_seq.reset();
  saved.kmsg_boot_id = "5f0c9b3e-1d2a-4c7b-9e8f-0a1b2c3d4e5f";
  EXPECT_EQ(ResumableKmsgSeq(saved, saved.kmsg_boot_id), std::nullopt);
}

TEST(Checkpoint, RoundTripsEveryField) {
  std::string path = TempDir() + "/state";
  Checkpoint c;
  c.SetFile("/var/log/odd\nname\\x", FilePosition{2049, 393231, 81234, 0x9c1185a5c5e9fc54ull});
  c.SetFile("/var/log/xen/hypervisor.log", FilePosition{2050, 7, 12, 0x1ull});
  c.kmsg_boot_id = "5d2f0c4e-0000-4000-8000-000000000001";
  c.kmsg_seq = 4711;
  c.journal_cursor = "s=abc;i=12";
  ASSERT_EQ(SaveCheckpoint(path, c), std::nullopt);
  Checkpoint back;
  ASSERT_EQ(LoadCheckpoint(path, &back), std::nullopt);
  ASSERT_EQ(back.files.size(), 2u);
  const FilePosition* file = back.FileAt("/var/log/odd\nname\\x");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->device, 2049u);
  EXPECT_EQ(file->inode, 393231u);
  EXPECT_EQ(file->offset, 81234u);
  EXPECT_EQ(file->first_line_hash, 0x9c1185a5c5e9fc54ull);
  file = back.FileAt("/var/log/xen/hypervisor.log");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->device, 2050u);
  EXPECT_EQ(file->inode, 7u);
  EXPECT_EQ(file->offset, 12u);
  EXPECT_EQ(file->first_line_hash, 0x1ull);
  EXPECT_EQ(back.FileAt("/var/log/kern.log"), nullptr);
  EXPECT_EQ(back.kmsg_boot_id, c.kmsg_boot_id);
  EXPECT_EQ(back.kmsg_seq, std::optional<uint64_t>(4711));
  EXPECT_EQ(back.journal_cursor, c.journal_cursor);
  EXPECT_EQ(ReadFile(path + ".tmp"), "");  // renamed away
}

TEST(Checkpoint, AMissingFileIsAFirstRun) {
  Checkpoint c;
  c.kmsg_seq = 3;
  EXPECT_EQ(LoadCheckpoint(TempDir() + "/none", &c), std::nullopt);
  EXPECT_FALSE(c.kmsg_seq);
  EXPECT_TRUE(c.files.empty());
}

TEST(Checkpoint, MalformedLinesAreNamed) {
  std::string path = TempDir() + "/state";
  Checkpoint c;
  WriteFile(path, "version=1\nkmsg.seq=12x\n");
  auto err = LoadCheckpoint(path, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString(), path + ":2: kmsg.seq: not a number");
  WriteFile(path, "version=1\ngarbage\n");
  ASSERT_TRUE(LoadCheckpoint(path, &c));
  WriteFile(path, "version=3\n");
  ASSERT_TRUE(LoadCheckpoint(path, &c));
  WriteFile(path, "version=1\nfile.first_line_hash=xyz\n");
  ASSERT_TRUE(LoadCheckpoint(path, &c));
}

// Issue 16: a state file cut short is an error naming the file and the line where the cut is,
// never an empty checkpoint (which replays the whole input without a word).
TEST(Checkpoint, ATruncatedFileIsAnErrorNamingTheLine) {
  std::string path = TempDir() + "/state";
  Checkpoint full;
  full.SetFile("/var/log/kern.log", FilePosition{1, 2, 3, 4});
  ASSERT_EQ(SaveCheckpoint(path, full), std::nullopt);
  const std::string good = ReadFile(path);
  Checkpoint c;
  WriteFile(path, good.substr(0, good.find('\n') + 1));  // the comment line only
  auto err = LoadCheckpoint(path, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString().rfind(path + ":2: ", 0), 0u) << err->ToString();
  EXPECT_TRUE(c.files.empty());
  // Cut after any whole line but the last: the end marker is missing.
  for (size_t nl = good.find('\n'); nl + 1 < good.size(); nl = good.find('\n', nl + 1)) {
    WriteFile(path, good.substr(0, nl + 1));
    EXPECT_TRUE(LoadCheckpoint(path, &c)) << good.substr(0, nl + 1);
  }
  WriteFile(path, "");
  err = LoadCheckpoint(path, &c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->ToString().rfind(path + ":1: ", 0), 0u) << err->ToString();
  // A state kdiag wrote before the end marker existed (version=1) still loads.
  WriteFile(path, "version=1\nkmsg.boot_id=b\nkmsg.seq=9\n");
  ASSERT_EQ(LoadCheckpoint(path, &c), std::nullopt);
  EXPECT_EQ(c.kmsg_seq, std::optional<uint64_t>(9));
}

TEST(Checkpoint, UnknownKeysAreIgnored) {
  std::string path = TempDir() + "/state";
  WriteFile(path, "# comment\nversion=1\nfuture.key=1\nkmsg.boot_id=b\nkmsg.seq=9\n");
  Checkpoint c;
  ASSERT_EQ(LoadCheckpoint(path, &c), std::nullopt);
  EXPECT_EQ(c.kmsg_seq, std::optional<uint64_t>(9));
  EXPECT_EQ(c.kmsg_boot_id, "b");
}

TEST(Checkpoint, BootIdIsThisBoots) {
  std::string id = CurrentBootId();
  EXPECT_EQ(id.size(), 36u) << id;  // a UUID, e.g. 5d2f0c4e-...
  EXPECT_EQ(CurrentBootId(), id);
}

}  // namespace
}  // namespace kdiag
