// LineReader: the one line splitter. Bytes from a file descriptor in, lines out, bounded memory.
//
// Reads in large blocks and splits on '\n' with memchr. A line longer than max_line bytes is cut:
// the first max_line bytes are delivered (flagged truncated) and the rest of that line is skipped,
// so a hostile megabyte line costs a bounded buffer and never hides the next line. A final line
// without '\n' is still delivered. NUL bytes are ordinary bytes.
#ifndef KDIAG_INPUT_LINE_READER_H_
#define KDIAG_INPUT_LINE_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/byte_source.h"
#include "analyzer/input/location.h"

namespace kdiag {

class LineReader {
 public:
  static constexpr size_t kDefaultMaxLine = 64 * 1024;
  LineReader(int fd, std::string name, size_t max_line = kDefaultMaxLine);
  // Reads from `source` (not owned), e.g. a decompressor.
  LineReader(ByteSource* source, std::string name, size_t max_line = kDefaultMaxLine);

  // Calls `line(text, number, truncated)` for every line; returns an error (with the line reached)
  // when reading fails; the lines before it have been delivered. Does not close fd.
  std::optional<Error> ForEach(
      const std::function<void(std::string_view, uint64_t, bool truncated)>& line);

  uint64_t bytes() const { return bytes_; }

 private:
  FdSource fd_source_;
  ByteSource* source_;
  std::string name_;
  size_t max_line_;
  uint64_t bytes_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_LINE_READER_H_
