// Replacing a small file atomically: readers (node_exporter's textfile collector, a restarted
// kdiag) see the old content or the new, never a half-written file, even across a crash.
#ifndef KDIAG_OUTPUT_ATOMIC_FILE_H_
#define KDIAG_OUTPUT_ATOMIC_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "analyzer/input/location.h"

namespace kdiag {

// Writes `text` to a new file of a name no one else can have prepared ("path.XXXXXX.tmp",
// created with O_EXCL, so never through a symbolic link), fsyncs it, renames it over `path` (which
// replaces a symbolic link at `path` rather than following it) and fsyncs the directory. The file
// is mode 0644 less the umask. Only a crash between the create and the rename leaves the temporary
// file behind. The error names the path.
std::optional<Error> WriteFileAtomically(const std::string& path, std::string_view text);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_ATOMIC_FILE_H_
