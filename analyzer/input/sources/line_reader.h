// LineReader: the one line splitter. Bytes from a file descriptor in, lines out, bounded memory.
//
// Reads in large blocks (block_reader.h, which may scan them for candidate literals on worker
// threads) and splits on '\n' with memchr. Each line says whether a candidate literal ends in it
// and what the next line starts with, so a caller can pass over lines no rule can match. A line
// longer than max_line bytes is cut: the first max_line bytes are delivered (flagged truncated) and
// the rest of that line is skipped, so a hostile megabyte line costs a bounded buffer and never
// hides the next line. A final line without '\n' is still delivered. NUL bytes are ordinary bytes.
#ifndef KDIAG_INPUT_SOURCES_LINE_READER_H_
#define KDIAG_INPUT_SOURCES_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/input/sources/block_reader.h"
#include "analyzer/input/sources/byte_source.h"

namespace kdiag {

// One physical line, without its '\n'.
struct Line {
  std::string_view text;
  uint64_t number = 0;  // 1-based
  bool truncated = false;
  // A candidate literal ends in the line. Always true without a scan, for a line that spans two
  // blocks and for a truncated line.
  bool candidate = true;
  // The first byte of the next line when it is in the same block (a '\n' for an empty line);
  // -1 when unknown or when there is no next line.
  int next = -1;
};

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLine = 64 * 1024;
  LineReader(int fd, std::string name, size_t max_line = kDefaultMaxLine);
  // Reads from `source` (not owned), e.g. a decompressor.
  LineReader(ByteSource* source, std::string name, size_t max_line = kDefaultMaxLine);

  // Scan every block with `scan` (CandidateScanner::NewBlockScan), on `threads` worker threads
  // when above 1. Call before ForEach.
  void ScanWith(BlockScanFactory scan, size_t lookback, int threads);

  // Calls `line` for every line; returns an error (with the line reached) when reading fails;
  // the lines before it have been delivered. Does not close fd.
  std::optional<Error> ForEach(const std::function<void(const Line&)>& line);

  uint64_t bytes() const { return bytes_; }

 private:
  FdSource fd_source_;
  ByteSource* source_;
  std::string name_;
  size_t max_line_;
  uint64_t bytes_ = 0;
  BlockScanFactory scan_;
  size_t lookback_ = 0;
  int threads_ = 1;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_LINE_READER_H_
