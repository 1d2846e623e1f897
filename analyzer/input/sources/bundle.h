// Directories and support bundles: which files below a directory are logs, in a stable order.
//
// A directory is walked recursively, entries sorted by name (byte order), symbolic links to
// directories not followed, at most kMaxDepth levels. Two bundle layouts are recognised at any
// directory of the walk (so a directory of several unpacked bundles works too):
//   - sosreport (sos report / sosreport, sos-*/): a "sos_commands" directory. Command outputs live
//     in sos_commands/<plugin>/<command line with '_' for spaces>, copied files at their system
//     paths (sos/report/plugins/__init__.py, Plugin.add_cmd_output() and add_copy_spec());
//   - a copied file system, as xen-bugtool and sosreport both keep it: a "var/log" directory.
// In a bundle only the kernel and Xen logs are read:
//   sos_commands/kernel/dmesg*, sos_commands/xen/*dmesg*, sos_commands/logs/journalctl_--no-pager*,
//   var/log/{messages,kern.log,syslog,daemon.log,dmesg}* (rotated and compressed ones too),
//   var/log/xen/** and var/log/journal/** (binary journals), and top-level *dmesg* files;
// and sos_commands/pci/lspci_-nnvv (else lspci_-nvv) is the lspci source of the PCI inventory.
// A file reached both directly and through symbolic links is read once, under its own name.
// Everything else in a bundle (configuration, command outputs, databases) is not a log. Outside
// bundles every regular file is a candidate. Either way a candidate is read only when its
// content is a log (LooksLikeLog): binary files (wtmp, core dumps, images) and empty files are
// skipped, and the caller names each one it skips (a file of a format kdiag cannot read must not
// vanish without a word). A compressed file is judged by its decoded bytes; one compressed in a
// format kdiag does not decode counts as a log, so that reading it reports the format by name.
#ifndef KDIAG_INPUT_SOURCES_BUNDLE_H_
#define KDIAG_INPUT_SOURCES_BUNDLE_H_

#include <string>
#include <vector>

#include "analyzer/input/location.h"

namespace kdiag {

struct DirectoryPlan {
  std::string layout;              // the directory's own: "sosreport", "filesystem" or ""
  std::vector<std::string> logs;   // candidate log files, in walk order
  std::vector<std::string> lspci;  // lspci outputs for the PCI inventory
  std::vector<Error> errors;       // directories that could not be read
};

inline constexpr int kMaxDepth = 32;

DirectoryPlan PlanDirectory(const std::string& dir);

// True when the file's first bytes (after decompression) are a binary journal, a format other
// than console text, or text: at most 1 in 32 bytes a control character other than tab, CR, LF,
// FF and ESC. An empty file is not a log. When it is not, *why (if not null) says why, in a few
// words ("empty", "binary, not text").
bool LooksLikeLog(const std::string& path, std::string* why = nullptr);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_BUNDLE_H_
