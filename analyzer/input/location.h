// Where something happened, and errors as values that say where.
//
// Every error kdiag reports names its place: an input and line for log data, a rule file, line
// and column for rules. Library code returns these; only the CLI decides to print and exit.
#ifndef KDIAG_INPUT_LOCATION_H_
#define KDIAG_INPUT_LOCATION_H_

#include <cstdint>
#include <string>

namespace kdiag {

struct Location {
  std::string name;     // input name ("-" for stdin) or file path
  uint64_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown

  // "name:line:column", "name:line" or "name", whichever parts are known.
  std::string ToString() const;
};

struct Error {
  Location where;
  std::string message;

  // "name:line:column: message".
  std::string ToString() const;
};

}  // namespace kdiag

#endif  // KDIAG_INPUT_LOCATION_H_
