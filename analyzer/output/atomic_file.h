// Replacing a small file atomically: readers (node_exporter's textfile collector, a restarted
// kdiag) see the old content or the new, never a half-written file, even across a crash.
#ifndef KDIAG_OUTPUT_ATOMIC_FILE_H_
#define KDIAG_OUTPUT_ATOMIC_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/location.h"

namespace kdiag {

// Writes `text` to "path.tmp", fsyncs it, renames it over `path` and fsyncs the directory.
// The error names the path.
std::optional<Error> WriteFileAtomically(const std::string& path, std::string_view text);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_ATOMIC_FILE_H_
