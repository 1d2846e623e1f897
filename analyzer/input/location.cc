#include "analyzer/input/location.h"

namespace kdiag {

std::string Location::ToString() const {
  std::string s = name;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

std::string Error::ToString() const {
  std::string s = where.ToString();
  if (!s.empty()) s += ": ";
  return s + message;
}

}  // namespace kdiag
