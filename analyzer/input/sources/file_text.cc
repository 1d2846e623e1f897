#include "analyzer/input/sources/file_text.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kdiag {

std::optional<std::string> ReadFileText(const std::string& path, std::string* out,
                                        size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::string(std::strerror(errno));
  std::string text;
  char buf[64 * 1024];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
    if (text.size() > max_bytes) {
      std::fclose(f);
      return "larger than " + std::to_string(max_bytes >> 20) + " MiB";
    }
  }
  if (std::ferror(f)) {
    int errnum = errno;
    std::fclose(f);
    return std::string(std::strerror(errnum));
  }
  std::fclose(f);
  *out = std::move(text);
  return std::nullopt;
}

}  // namespace kdiag
