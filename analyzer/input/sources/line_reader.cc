// LineReader: one memchr per line over the blocks of a BlockReader. A line is passed straight out
// of the block when it lies inside one; only a line that spans blocks is copied, into `carry`,
// which never grows past max_line. Memory: the BlockReader's blocks plus max_line. Candidate
// literal ends are sorted, so one cursor walks them along with the lines.
#include "analyzer/input/sources/line_reader.h"

#include <cstring>
#include <utility>

namespace kdiag {

LineReader::LineReader(int fd, std::string name, size_t max_line)
    : fd_source_(fd), source_(&fd_source_), name_(std::move(name)), max_line_(max_line) {}

LineReader::LineReader(ByteSource* source, std::string name, size_t max_line)
    : fd_source_(-1), source_(source), name_(std::move(name)), max_line_(max_line) {}

void LineReader::ScanWith(BlockScanFactory scan, size_t lookback, int threads) {
  scan_ = std::move(scan);
  lookback_ = lookback;
  threads_ = threads;
}

std::optional<Error> LineReader::ForEach(const std::function<void(const Line&)>& line) {
  BlockReader blocks(source_, scan_, lookback_, threads_);
  std::string carry;      // the start of a line that continues in the next block
  bool skipping = false;  // inside an over-long line already delivered truncated
  Line out;
  auto deliver = [&](std::string_view text, bool truncated, bool candidate, int next) {
    out.text = text;
    ++out.number;
    out.truncated = truncated;
    out.candidate = candidate;
    out.next = next;
    line(out);
  };
  for (;;) {
    std::string error;
    ScannedBlock block;
    if (!blocks.Next(&block, &error)) {
      if (error.empty()) break;
      if (!carry.empty()) deliver(carry, false, true, -1);  // keep every record before the damage
      return Error{Location{name_, out.number + 1, 0}, "read: " + error};
    }
    bytes_ += block.data.size();
    const char* base = block.data.data();
    const char* p = base;
    const char* end = p + block.data.size();
    const uint32_t* hit = block.ends ? block.ends->data() : nullptr;
    const uint32_t* hits_end = block.ends ? hit + block.ends->size() : nullptr;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      size_t len = static_cast<size_t>((nl != nullptr ? nl : end) - p);
      if (skipping) {
        if (nl == nullptr) break;
        skipping = false;
      } else if (carry.empty() && nl != nullptr && len <= max_line_) {
        // A candidate literal ends inside the line: its last byte is one of the line's.
        bool candidate = true;
        if (block.ends) {
          auto start = static_cast<uint32_t>(p - base);
          auto stop = static_cast<uint32_t>(nl - base);
          while (hit < hits_end && *hit <= start) ++hit;
          candidate = hit < hits_end && *hit <= stop;
        }
        int next = nl + 1 < end ? static_cast<unsigned char>(nl[1]) : -1;
        deliver(std::string_view(p, len), false, candidate, next);
      } else if (len > max_line_ - carry.size()) {
        // Too long: deliver the first max_line bytes now, skip the rest up to the next '\n'.
        carry.append(p, max_line_ - carry.size());
        deliver(carry, true, true, -1);
        carry.clear();
        skipping = nl == nullptr;
      } else {
        carry.append(p, len);
        if (nl == nullptr) break;
        deliver(carry, false, true, -1);
        carry.clear();
      }
      if (nl == nullptr) break;
      p = nl + 1;
    }
  }
  if (!carry.empty()) deliver(carry, false, true, -1);  // the last line had no '\n'
  return std::nullopt;
}

}  // namespace kdiag
