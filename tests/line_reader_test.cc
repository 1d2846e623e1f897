#include "analyzer/input/sources/line_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace kdiag {
namespace {

struct GotLine {
  std::string text;
  uint64_t number;
  bool truncated;
};

// Writes `data` to a temporary file and reads it back through a LineReader.
std::vector<GotLine> ReadAll(const std::string& data, size_t max_line = LineReader::kDefaultMaxLine,
                             uint64_t* bytes = nullptr) {
  char path[] = "/tmp/kdiag_line_reader_XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  unlink(path);
  EXPECT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  lseek(fd, 0, SEEK_SET);
  LineReader reader(fd, "tmp", max_line);
  std::vector<GotLine> lines;
  std::optional<Error> error = reader.ForEach([&](const ::kdiag::Line& line) {
    lines.push_back({std::string(line.text), line.number, line.truncated});
  });
  EXPECT_FALSE(error.has_value());
  if (bytes != nullptr) *bytes = reader.bytes();
  close(fd);
  return lines;
}

TEST(LineReader, EmptyInputDeliversNothing) {
  uint64_t bytes = 1;
  EXPECT_TRUE(ReadAll("", LineReader::kDefaultMaxLine, &bytes).empty());
  EXPECT_EQ(bytes, 0u);
}

TEST(LineReader, SplitsAndNumbers) {
  uint64_t bytes = 0;
  std::vector<GotLine> lines = ReadAll("a\n\nbc\n", LineReader::kDefaultMaxLine, &bytes);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text, "");
  EXPECT_EQ(lines[2].text, "bc");
  EXPECT_EQ(lines[2].number, 3u);
  EXPECT_FALSE(lines[2].truncated);
  EXPECT_EQ(bytes, 6u);
}

TEST(LineReader, CrLfKeepsCarriageReturn) {
  // The reader splits on '\n' only; framers strip the '\r'.
  std::vector<GotLine> lines = ReadAll("one\r\ntwo\r\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "one\r");
  EXPECT_EQ(lines[1].text, "two\r");
}

TEST(LineReader, LastLineWithoutNewline) {
  std::vector<GotLine> lines = ReadAll("first\nlast");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].text, "last");
  EXPECT_EQ(lines[1].number, 2u);
}

TEST(LineReader, NulBytesAreOrdinary) {
  std::vector<GotLine> lines = ReadAll(std::string("a\0b\n\0\n", 6));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, std::string("a\0b", 3));
  EXPECT_EQ(lines[1].text, std::string(1, '\0'));
}

TEST(LineReader, HugeLineIsTruncatedAndTheNextLineArrives) {
  std::string data = std::string(5 * 1024 * 1024, 'x') + "\nnormal line\n";
  uint64_t bytes = 0;
  std::vector<GotLine> lines = ReadAll(data, 64 * 1024, &bytes);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text.size(), 64u * 1024u);
  EXPECT_TRUE(lines[0].truncated);
  EXPECT_EQ(lines[1].text, "normal line");
  EXPECT_EQ(lines[1].number, 2u);
  EXPECT_FALSE(lines[1].truncated);
  EXPECT_EQ(bytes, data.size());
}

TEST(LineReader, HugeFinalLineWithoutNewline) {
  std::vector<GotLine> lines = ReadAll("ok\n" + std::string(3 * 1024 * 1024, 'y'), 1000);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].text, std::string(1000, 'y'));
  EXPECT_TRUE(lines[1].truncated);
}

TEST(LineReader, LineOfExactlyMaxLineIsWhole) {
  std::vector<GotLine> lines =
      ReadAll(std::string(10, 'z') + "\n" + std::string(11, 'w') + "\n", 10);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].truncated);
  EXPECT_EQ(lines[0].text.size(), 10u);
  EXPECT_TRUE(lines[1].truncated);
  EXPECT_EQ(lines[1].text, std::string(10, 'w'));
}

TEST(LineReader, LinesAcrossBlockBoundaries) {
  // Lines of varied length over several 1 MiB blocks come back byte for byte.
  std::string data;
  std::vector<std::string> expected;
  for (int i = 0; data.size() < 3 * 1024 * 1024 + 17; ++i) {
    expected.push_back(
        std::string(static_cast<size_t>(i * 7919 % 5000), static_cast<char>('a' + i % 26)));
    data += expected.back() + "\n";
  }
  std::vector<GotLine> lines = ReadAll(data);
  ASSERT_EQ(lines.size(), expected.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i].text, expected[i]) << i;
    ASSERT_FALSE(lines[i].truncated);
  }
}

TEST(LineReader, PipeWithSmallWrites) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([fd = fds[1]] {
    const char* parts[] = {"par", "tial\nsec", "ond\n", "", "third"};
    for (const char* part : parts) {
      std::string s(part);
      if (!s.empty()) {
        EXPECT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
      }
      usleep(1000);
    }
    close(fd);
  });
  LineReader reader(fds[0], "-");
  std::vector<std::string> lines;
  EXPECT_FALSE(
      reader.ForEach([&](const ::kdiag::Line& l) { lines.emplace_back(l.text); }).has_value());
  writer.join();
  close(fds[0]);
  EXPECT_EQ(lines, (std::vector<std::string>{"partial", "second", "third"}));
  EXPECT_EQ(reader.bytes(), 20u);
}

TEST(LineReader, ReadErrorNamesTheInput) {
  LineReader reader(-1, "broken.log");
  std::optional<Error> error = reader.ForEach([](const ::kdiag::Line&) {});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->where.name, "broken.log");
  EXPECT_EQ(error->where.line, 1u);
  EXPECT_NE(error->message.find("read"), std::string::npos);
}

}  // namespace
}  // namespace kdiag
