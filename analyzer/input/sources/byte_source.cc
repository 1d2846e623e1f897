#include "analyzer/input/sources/byte_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kdiag {

long FdSource::Read(char* buf, size_t n, std::string* error) {
  for (;;) {
    ssize_t got = read(fd_, buf, n);
    if (got >= 0) return static_cast<long>(got);
    if (errno == EINTR) continue;
    *error = std::strerror(errno);
    return -1;
  }
}

long ReplaySource::Read(char* buf, size_t n, std::string* error) {
  if (pos_ < head_.size()) {
    size_t k = std::min(n, head_.size() - pos_);
    std::memcpy(buf, head_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }
  return rest_ ? rest_->Read(buf, n, error) : 0;
}

bool ReadUpTo(ByteSource* source, size_t want, std::string* out, std::string* error) {
  size_t start = out->size();
  out->resize(start + want);
  size_t have = 0;
  while (have < want) {
    long got = source->Read(&(*out)[start + have], want - have, error);
    if (got < 0) {
      out->resize(start + have);
      return false;
    }
    if (got == 0) break;
    have += static_cast<size_t>(got);
  }
  out->resize(start + have);
  return true;
}

bool ReadSome(ByteSource* source, size_t want, std::string* out, std::string* error) {
  size_t start = out->size();
  out->resize(start + want);
  long got = source->Read(&(*out)[start], want, error);
  out->resize(start + (got > 0 ? static_cast<size_t>(got) : 0));
  return got >= 0;
}

}  // namespace kdiag
