// Directory walks and bundle layouts: the rules are in the header.
#include "analyzer/input/sources/bundle.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "analyzer/input/framers/format.h"
#include "analyzer/input/sources/byte_source.h"
#include "analyzer/input/sources/decompress.h"
#include "analyzer/input/sources/journal_file.h"

namespace kdiag {
namespace {

// Paths relative to the bundle root; '*' also matches '/' (fnmatch without FNM_PATHNAME).
constexpr const char* kBundleLogs[] = {
    "sos_commands/kernel/dmesg*",
    "sos_commands/xen/*dmesg*",
    "sos_commands/logs/journalctl_--no-pager*",
    "var/log/messages*",
    "var/log/kern.log*",
    "var/log/syslog*",
    "var/log/daemon.log*",
    "var/log/dmesg*",
    "var/log/xen/*",
    "var/log/journal/*",
};
constexpr const char* kBundleLspci[] = {
    "sos_commands/pci/lspci_-nnvv",
    "sos_commands/pci/lspci_-nvv",
};

bool IsDirectory(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Matches(const char* pattern, const std::string& relative) {
  return fnmatch(pattern, relative.c_str(), 0) == 0;
}

// "sosreport", "filesystem" or "" for the directory at `path`.
std::string Layout(const std::string& path) {
  if (IsDirectory(path + "/sos_commands")) return "sosreport";
  if (IsDirectory(path + "/var/log")) return "filesystem";
  return "";
}

struct FileEntry {
  std::string relative;  // to the walk's root
  int bundle;            // index into Walker::bundles, -1 outside bundles
  bool link;
  dev_t dev;
  ino_t ino;
};

struct Walker {
  std::string root;
  std::vector<std::string> bundles;  // bundle roots, relative to `root` ("" for root itself)
  std::vector<FileEntry> files;
  std::vector<Error> errors;

  // Regular files (and symbolic links to them) below root/relative, in name order. A directory
  // with a bundle layout makes everything below it part of that bundle.
  void Walk(const std::string& relative, int depth, int bundle) {
    std::string dir = relative.empty() ? root : root + "/" + relative;
    if (bundle < 0 && !Layout(dir).empty()) {
      bundle = static_cast<int>(bundles.size());
      bundles.push_back(relative);
    }
    DIR* d = opendir(dir.c_str());
    if (!d) {
      errors.push_back(Error{Location{dir, 0, 0}, std::strerror(errno)});
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) {
      std::string child = relative.empty() ? n : relative + "/" + n;
      std::string path = root + "/" + child;
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        // Symbolic links to directories are not followed (loops); depth is bounded.
        if (depth < kMaxDepth) Walk(child, depth + 1, bundle);
      } else if (S_ISREG(st.st_mode)) {
        files.push_back({child, bundle, false, st.st_dev, st.st_ino});
      } else if (S_ISLNK(st.st_mode) && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        files.push_back({child, bundle, true, st.st_dev, st.st_ino});
      }
    }
  }
};

// `file` relative to the bundle root `bundle` (both relative to the walk's root).
std::string InBundle(const std::string& file, const std::string& bundle) {
  return bundle.empty() ? file : file.substr(bundle.size() + 1);
}

bool IsBundleLog(const std::string& f) {
  bool top_level_dmesg = f.find('/') == std::string::npos && f.find("dmesg") != f.npos;
  return top_level_dmesg || std::any_of(std::begin(kBundleLogs), std::end(kBundleLogs),
                                        [&](const char* p) { return Matches(p, f); });
}

}  // namespace

DirectoryPlan PlanDirectory(const std::string& dir) {
  DirectoryPlan plan;
  Walker walker;
  walker.root = dir;
  while (walker.root.size() > 1 && walker.root.back() == '/') walker.root.pop_back();
  plan.layout = Layout(walker.root);
  walker.Walk("", 0, -1);
  plan.errors = std::move(walker.errors);
  auto path = [&](const std::string& relative) {
    return walker.root == "/" ? "/" + relative : walker.root + "/" + relative;
  };
  // A file reached twice (sosreport's top-level "dmesg" link to sos_commands/kernel/dmesg) is
  // read once, under its own name rather than a link's.
  std::set<std::pair<dev_t, ino_t>> seen;
  for (const FileEntry& e : walker.files) {
    if (!e.link) seen.insert({e.dev, e.ino});
  }
  std::vector<bool> has_lspci(walker.bundles.size(), false);
  for (const char* name : kBundleLspci) {
    for (const FileEntry& e : walker.files) {
      if (e.bundle < 0 || has_lspci[e.bundle]) continue;
      if (InBundle(e.relative, walker.bundles[e.bundle]) == name) {
        has_lspci[e.bundle] = true;
        plan.lspci.push_back(path(e.relative));
      }
    }
  }
  for (const FileEntry& e : walker.files) {
    if (e.link && !seen.insert({e.dev, e.ino}).second) continue;
    if (e.bundle >= 0 && !IsBundleLog(InBundle(e.relative, walker.bundles[e.bundle]))) continue;
    plan.logs.push_back(path(e.relative));
  }
  return plan;
}

bool LooksLikeLog(const std::string& path, std::string* why) {
  if (IsJournalFile(path)) return true;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return true;  // let the reader report why it cannot be read
  std::string head, error;
  std::unique_ptr<ByteSource> source = OpenDecoded(std::make_unique<FdSource>(fd), nullptr, &error);
  bool read = source && ReadUpTo(source.get(), 4096, &head, &error);
  close(fd);
  if (!read) return true;  // damaged compression: reading it reports the error
  if (head.empty()) {
    if (why) *why = "empty";
    return false;
  }
  if (std::string_view(DetectFormat(head).name) != "console") return true;
  size_t control = 0;
  for (char ch : head) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f) {
      ++control;
    }
  }
  if (control * 32 <= head.size()) return true;
  if (why) *why = "binary, not text";
  return false;
}

}  // namespace kdiag
