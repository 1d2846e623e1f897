// Whole small files read into memory: rule files, lspci output, an xend-pci-quirks.sxp to merge,
// pci.ids. Logs never come through here (they are streamed by the line reader); these files are
// bounded so a wrong path (a device, a huge file) cannot make kdiag grow without bound.
#ifndef KDIAG_INPUT_SOURCES_FILE_TEXT_H_
#define KDIAG_INPUT_SOURCES_FILE_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>

namespace kdiag {

inline constexpr size_t kMaxFileText = size_t{64} << 20;

// Reads the file at `path` into *out. On failure returns why ("No such file or directory",
// "larger than 64 MiB") and leaves *out unchanged.
std::optional<std::string> ReadFileText(const std::string& path, std::string* out,
                                        size_t max_bytes = kMaxFileText);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_FILE_TEXT_H_
