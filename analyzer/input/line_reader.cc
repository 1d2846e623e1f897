// LineReader: one read() loop, one memchr per line. A line is passed straight out of the block
// when it lies inside one; only a line that spans blocks is copied, into `carry`, which never
// grows past max_line. Memory: the 1 MiB block plus max_line.
#include "analyzer/input/line_reader.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include <unistd.h>

namespace kdiag {
namespace {

constexpr size_t kBlockSize = 1 << 20;

}  // namespace

LineReader::LineReader(int fd, std::string name, size_t max_line)
    : fd_source_(fd), source_(&fd_source_), name_(std::move(name)), max_line_(max_line) {}

LineReader::LineReader(ByteSource* source, std::string name, size_t max_line)
    : fd_source_(-1), source_(source), name_(std::move(name)), max_line_(max_line) {}

std::optional<Error> LineReader::ForEach(
    const std::function<void(std::string_view, uint64_t, bool truncated)>& line) {
  std::unique_ptr<char[]> block(new char[kBlockSize]);
  std::string carry;      // the start of a line that continues in the next block
  bool skipping = false;  // inside an over-long line already delivered truncated
  uint64_t number = 0;
  for (;;) {
    std::string error;
    long n = source_->Read(block.get(), kBlockSize, &error);
    if (n < 0) {
      if (!carry.empty()) line(carry, ++number, false);  // keep every record before the damage
      return Error{Location{name_, number + 1, 0}, "read: " + error};
    }
    if (n == 0) break;
    bytes_ += static_cast<uint64_t>(n);
    const char* p = block.get();
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      size_t len = static_cast<size_t>((nl != nullptr ? nl : end) - p);
      if (skipping) {
        if (nl == nullptr) break;
        skipping = false;
      } else if (carry.empty() && nl != nullptr && len <= max_line_) {
        line(std::string_view(p, len), ++number, false);
      } else if (len > max_line_ - carry.size()) {
        // Too long: deliver the first max_line bytes now, skip the rest up to the next '\n'.
        carry.append(p, max_line_ - carry.size());
        line(carry, ++number, true);
        carry.clear();
        skipping = nl == nullptr;
      } else {
        carry.append(p, len);
        if (nl == nullptr) break;
        line(carry, ++number, false);
        carry.clear();
      }
      if (nl == nullptr) break;
      p = nl + 1;
    }
  }
  if (!carry.empty()) line(carry, ++number, false);  // the last line had no '\n'
  return std::nullopt;
}

}  // namespace kdiag
