// ByteSource: where an input's bytes come from, before any line splitting.
//
// A plain file or pipe is an FdSource; compressed inputs (.gz, .xz, .zst, detected by their magic
// bytes, not their names) are decoders wrapped around another source (decompress.h). The line
// reader and the format detection see only decoded bytes.
#ifndef KDIAG_INPUT_SOURCES_BYTE_SOURCE_H_
#define KDIAG_INPUT_SOURCES_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "analyzer/input/location.h"

namespace kdiag {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf: the count, 0 at the end, or -1 after setting *error (whose
  // message should say where in the input, e.g. "corrupt gzip data at compressed byte 1234").
  virtual long Read(char* buf, size_t n, std::string* error) = 0;
};

// read(2) on a descriptor it does not own (EINTR retried).
class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  long Read(char* buf, size_t n, std::string* error) override;

 private:
  int fd_;
};

// Serves `head` (bytes already read from `rest`, e.g. to detect a format) and then `rest`.
class ReplaySource : public ByteSource {
 public:
  ReplaySource(std::string head, std::unique_ptr<ByteSource> rest)
      : head_(std::move(head)), rest_(std::move(rest)) {}
  long Read(char* buf, size_t n, std::string* error) override;

 private:
  std::string head_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

// A source that has already failed: every Read returns -1 with the saved error. Put behind the
// bytes read before a failure, so those are still framed and the error comes after them.
class FailedSource : public ByteSource {
 public:
  explicit FailedSource(std::string error) : error_(std::move(error)) {}
  long Read(char*, size_t, std::string* error) override {
    *error = error_;
    return -1;
  }

 private:
  std::string error_;
};

// Reads from `source` until `want` bytes or the end; *error set and false on failure.
bool ReadUpTo(ByteSource* source, size_t want, std::string* out, std::string* error);
// One Read of at most `want` bytes (what a live source has now); *error set and false on failure.
bool ReadSome(ByteSource* source, size_t want, std::string* out, std::string* error);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_BYTE_SOURCE_H_
