// BlockReader: an input's bytes in large blocks, each scanned for candidate literals.
//
// The line reader (line_reader.h) takes its bytes from here. Each block comes with the end offsets
// of the literals a BlockScan found in it (match/candidate_scanner.h), so the line reader can tell
// the lines no rule can match from the rest without looking at them twice. A literal may straddle
// two blocks: every block is scanned together with the last `lookback` bytes of the one before,
// and an occurrence counts for the block it ends in.
//
// With threads > 1, that many worker threads read and scan blocks ahead of the consumer: reads
// stay in input order (one reader at a time, each taking the next block number), scans run in
// parallel, and blocks are handed out in input order, so the consumer sees exactly the bytes and
// ends that one thread would produce. Memory is bounded by 2 * threads + 2 blocks in flight. A
// live source (one that blocks for more) should use one thread: a block is handed out as soon as
// its read returns either way, but a worker would sit in read() of its own.
#ifndef KDIAG_INPUT_SOURCES_BLOCK_READER_H_
#define KDIAG_INPUT_SOURCES_BLOCK_READER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "analyzer/input/sources/byte_source.h"

namespace kdiag {

// Scans `data` (whose first `skip` bytes are the previous block's tail) and appends the sorted
// end offsets, relative to data + skip, of the literals that end after the tail. False when
// nothing is known (every line is then a candidate). One per thread: it may keep scratch state.
using BlockScan = std::function<bool(std::string_view data, size_t skip, std::vector<uint32_t>*)>;
// Makes one BlockScan per thread.
using BlockScanFactory = std::function<BlockScan()>;

struct ScannedBlock {
  std::string_view data;
  // Sorted ends of candidate literals in `data`; null when every line is a candidate (no scanner,
  // or the scan failed).
  const std::vector<uint32_t>* ends = nullptr;
};

class BlockReader {
 public:
  static constexpr size_t kDefaultBlockSize = size_t{1} << 20;
  static constexpr int kMaxThreads = 64;

  // `source` is not owned. `scan` may be empty (no scanning); `lookback` is its
  // CandidateScanner::lookback().
  BlockReader(ByteSource* source, BlockScanFactory scan, size_t lookback, int threads,
              size_t block_size = kDefaultBlockSize);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // The next block in input order (valid until the next call). False at the end of the input, or
  // on a read error with *error set (the blocks before it were all handed out); false again on
  // every later call.
  bool Next(ScannedBlock* out, std::string* error);

 private:
  struct Slot {
    std::unique_ptr<char[]> buffer;  // lookback bytes of tail room, then the block
    size_t tail = 0;                 // tail bytes in front of the block
    size_t size = 0;                 // block bytes (0: end of input or error)
    std::vector<uint32_t> ends;
    bool scanned = false;
    bool ready = false;  // filled and scanned: the consumer may take it
    bool busy = false;   // being filled, or handed out
    std::string error;
  };

  // Reads the next block of the input into `slot`, after the tail of the previous one.
  void Fill(Slot* slot);
  void Scan(Slot* slot, const BlockScan& scan);
  void Work();
  bool Hand(Slot* slot, ScannedBlock* out, std::string* error);

  ByteSource* source_;
  BlockScanFactory factory_;
  size_t lookback_;
  size_t block_size_;
  std::string tail_;   // the last lookback bytes read so far
  bool end_ = false;   // the source reported its end or an error (set by the reader)
  bool done_ = false;  // the consumer was told the input ended

  // One thread: a single slot, filled and scanned by the caller.
  BlockScan scan_;
  Slot single_;

  // Several threads: slot i holds blocks i, i + n, i + 2n, ...
  std::vector<Slot> slots_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::mutex read_mutex_;  // one reader at a time, taking blocks in order
  std::condition_variable changed_;
  uint64_t next_read_ = 0;  // the block the next read fills
  uint64_t next_hand_ = 0;  // the block the consumer takes next
  bool stop_ = false;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_BLOCK_READER_H_
