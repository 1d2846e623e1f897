#include "analyzer/input/record.h"

#include <cinttypes>
#include <cstdio>

namespace kdiag {

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kKernel:
      return "kernel";
    case Source::kXen:
      return "xen";
    case Source::kGuest:
      return "guest";
    case Source::kUserspace:
      return "userspace";
  }
  return "kernel";
}

bool ParseSource(std::string_view name, Source* out) {
  for (Source s : {Source::kKernel, Source::kXen, Source::kGuest, Source::kUserspace}) {
    if (SourceName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string FormatSeconds(int64_t usec) {
  char buf[40];
  const char* sign = usec < 0 ? "-" : "";
  uint64_t u = usec < 0 ? static_cast<uint64_t>(-(usec + 1)) + 1 : static_cast<uint64_t>(usec);
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%06" PRIu64, sign, u / 1000000, u % 1000000);
  return buf;
}

}  // namespace kdiag
