#include "analyzer/input/prefixes/xenconsoled_prefix.h"

#include <cstdint>

#include "analyzer/input/prefixes/prefix_scan.h"

namespace kdiag {
namespace {

using namespace scan;  // the scanners of prefix_scan.h

constexpr std::string_view kLogfileOpened = "Logfile Opened";

}  // namespace

bool TakeXenconsoledStamp(std::string_view line, std::string_view* stamp, size_t* text_begin) {
  size_t p = 0;
  if (!TakeChar(line, &p, '[') || !TakeDateTime(line, &p, ' ')) return false;
  size_t end = p;
  if (!TakeChar(line, &p, ']') || !TakeSeparator(line, &p)) return false;
  size_t q = p;
  // Before Xen 4.5 "Logfile Opened" had no newline: the next copied line follows it directly.
  if (Take(line, &q, kLogfileOpened) && q < line.size()) p = q;
  *stamp = line.substr(1, end - 1);
  *text_begin = p;
  return true;
}

bool IsXenconsoledNote(std::string_view text) {
  return text == kLogfileOpened;
}

}  // namespace kdiag
