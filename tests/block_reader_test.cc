#include "analyzer/input/sources/block_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "analyzer/input/sources/line_reader.h"

namespace kdiag {
namespace {

// Hands out a string in reads of at most `chunk` bytes (a pipe's short reads), failing after
// `fail_after` bytes when set.
class StringSource : public ByteSource {
 public:
  StringSource(std::string text, size_t chunk, size_t fail_after = SIZE_MAX)
      : text_(std::move(text)), chunk_(chunk), fail_after_(fail_after) {}
  long Read(char* buf, size_t n, std::string* error) override {
    if (pos_ >= fail_after_) {
      *error = "disk on fire";
      return -1;
    }
    size_t take = std::min({n, chunk_, text_.size() - pos_, fail_after_ - pos_});
    text_.copy(buf, take, pos_);
    pos_ += take;
    return static_cast<long>(take);
  }

 private:
  std::string text_;
  size_t chunk_;
  size_t fail_after_;
  size_t pos_ = 0;
};

// A scan for the literals "abc" and "xyz", the way CandidateScanner reports them.
BlockScanFactory NaiveScan() {
  return [] {
    return [](std::string_view data, size_t skip, std::vector<uint32_t>* ends) {
      for (std::string_view lit : {"abc", "xyz"}) {
        for (size_t at = data.find(lit); at != std::string_view::npos;
             at = data.find(lit, at + 1)) {
          size_t end = at + lit.size();
          if (end > skip) ends->push_back(static_cast<uint32_t>(end - skip));
        }
      }
      std::sort(ends->begin(), ends->end());
      return true;
    };
  };
}

std::string RandomText(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  const char alphabet[] = "abcxyz\n";
  std::string s;
  for (size_t i = 0; i < size; ++i) s += alphabet[rng() % 7];
  return s;
}

// Every literal end in the whole text, as offsets from its start.
std::vector<uint64_t> AllEnds(const std::string& text) {
  std::vector<uint64_t> out;
  for (std::string_view lit : {"abc", "xyz"}) {
    for (size_t at = text.find(lit); at != std::string::npos; at = text.find(lit, at + 1)) {
      out.push_back(at + lit.size());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BlockReader, BlocksAndEndsAreTheWholeInputWhateverTheBlocksAndThreads) {
  std::string text = RandomText(6000, 7);
  std::vector<uint64_t> want = AllEnds(text);
  for (size_t block : {1, 2, 3, 5, 64, 4096, 1 << 20}) {
    for (int threads : {1, 2, 3, 5}) {
      for (size_t chunk : {size_t{7}, SIZE_MAX}) {
        StringSource source(text, chunk);
        BlockReader reader(&source, NaiveScan(), 2, threads, block);
        std::string got;
        std::vector<uint64_t> ends;
        ScannedBlock b;
        std::string error;
        while (reader.Next(&b, &error)) {
          ASSERT_NE(b.ends, nullptr);
          for (uint32_t e : *b.ends) {
            ASSERT_GT(e, 0u);
            ASSERT_LE(e, b.data.size());
            ends.push_back(got.size() + e);
          }
          got.append(b.data);
        }
        EXPECT_TRUE(error.empty()) << error;
        EXPECT_EQ(got, text) << "block " << block << " threads " << threads;
        EXPECT_EQ(ends, want) << "block " << block << " threads " << threads;
      }
    }
  }
}

TEST(BlockReader, WithoutAScanEveryBlockIsUnscanned) {
  StringSource source("one\ntwo\n", SIZE_MAX);
  BlockReader reader(&source, nullptr, 31, 2, 3);
  ScannedBlock b;
  std::string error, got;
  while (reader.Next(&b, &error)) {
    EXPECT_EQ(b.ends, nullptr);
    got.append(b.data);
  }
  EXPECT_EQ(got, "one\ntwo\n");
}

TEST(BlockReader, ReadErrorComesAfterTheBlocksBeforeIt) {
  for (int threads : {1, 3}) {
    StringSource source(std::string(1000, 'a'), SIZE_MAX, 250);
    BlockReader reader(&source, NaiveScan(), 2, threads, 100);
    ScannedBlock b;
    std::string error;
    size_t bytes = 0;
    while (reader.Next(&b, &error)) bytes += b.data.size();
    EXPECT_EQ(bytes, 250u);
    EXPECT_EQ(error, "disk on fire");
  }
}

TEST(BlockReader, AfterTheEndEveryCallSaysSo) {
  for (int threads : {1, 3}) {
    StringSource source("abc\n", SIZE_MAX);
    BlockReader reader(&source, NaiveScan(), 2, threads, 2);
    ScannedBlock b;
    std::string error;
    while (reader.Next(&b, &error)) {
    }
    EXPECT_FALSE(reader.Next(&b, &error));
    EXPECT_FALSE(reader.Next(&b, &error));
    EXPECT_TRUE(error.empty());
  }
}

TEST(BlockReader, StoppingEarlyJoinsTheWorkers) {
  StringSource source(RandomText(100000, 3), SIZE_MAX);
  BlockReader reader(&source, NaiveScan(), 2, 4, 10);
  ScannedBlock b;
  std::string error;
  ASSERT_TRUE(reader.Next(&b, &error));
  // The destructor runs with workers blocked on full slots.
}

// The line reader marks a line a candidate exactly when a literal ends inside it, and says what
// the next line starts with while it is in the same block.
TEST(BlockReader, LineReaderMarksCandidateLines) {
  std::string text = "plain\nhas abc here\nabc\n\nends with xy\nz starts next\nlast xyz";
  {
    for (int threads : {1, 2}) {
      StringSource source(text, SIZE_MAX);
      LineReader reader(&source, "t");
      reader.ScanWith(NaiveScan(), 2, threads);
      std::vector<std::pair<std::string, bool>> lines;
      std::vector<int> next;
      ASSERT_FALSE(reader.ForEach([&](const Line& l) {
        lines.emplace_back(std::string(l.text), l.candidate);
        next.push_back(l.next);
      }));
      ASSERT_EQ(lines.size(), 7u);
      EXPECT_FALSE(lines[0].second);
      EXPECT_TRUE(lines[1].second);
      EXPECT_TRUE(lines[2].second);
      EXPECT_FALSE(lines[3].second);
      EXPECT_FALSE(lines[4].second);
      EXPECT_FALSE(lines[5].second);
      EXPECT_TRUE(lines[6].second);
      EXPECT_EQ(next.back(), -1);
    }
  }
  StringSource source(text, SIZE_MAX);
  LineReader reader(&source, "t");
  reader.ScanWith(NaiveScan(), 2, 1);
  std::vector<int> next;
  ASSERT_FALSE(reader.ForEach([&](const Line& l) { next.push_back(l.next); }));
  EXPECT_EQ(next, (std::vector<int>{'h', 'a', '\n', 'e', 'z', 'l', -1}));
}

}  // namespace
}  // namespace kdiag
