// Directory walks and bundle layouts: the rules are in the header.
#include "analyzer/input/bundle.h"

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

#include "analyzer/input/byte_source.h"
#include "analyzer/input/decompress.h"
#include "analyzer/input/format.h"
#include "analyzer/input/journal_file.h"

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

struct FileEntry {
  std::string relative;
  bool link;
  dev_t dev;
  ino_t ino;
};

// Regular files (and symbolic links to them) below `dir`, sorted, as paths relative to `root`.
void Walk(const std::string& root, const std::string& relative, int depth,
          std::vector<FileEntry>* files, std::vector<Error>* errors) {
  std::string dir = relative.empty() ? root : root + "/" + relative;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    errors->push_back(Error{Location{dir, 0, 0}, std::strerror(errno)});
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
      if (depth < kMaxDepth) Walk(root, child, depth + 1, files, errors);
    } else if (S_ISREG(st.st_mode)) {
      files->push_back({child, false, st.st_dev, st.st_ino});
    } else if (S_ISLNK(st.st_mode) && stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      files->push_back({child, true, st.st_dev, st.st_ino});
    }
  }
}

}  // namespace

DirectoryPlan PlanDirectory(const std::string& dir) {
  DirectoryPlan plan;
  std::string root = dir;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (IsDirectory(root + "/sos_commands")) {
    plan.layout = "sosreport";
  } else if (IsDirectory(root + "/var/log")) {
    plan.layout = "filesystem";
  }
  std::vector<FileEntry> entries;
  Walk(root, "", 0, &entries, &plan.errors);
  // A file reached twice (sosreport's top-level "dmesg" link to sos_commands/kernel/dmesg) is
  // read once, under its own name rather than a link's.
  std::set<std::pair<dev_t, ino_t>> seen;
  for (const FileEntry& e : entries) {
    if (!e.link) seen.insert({e.dev, e.ino});
  }
  std::vector<std::string> files;
  for (const FileEntry& e : entries) {
    if (!e.link || seen.insert({e.dev, e.ino}).second) files.push_back(e.relative);
  }
  auto path = [&](const std::string& relative) {
    return root == "/" ? "/" + relative : root + "/" + relative;
  };
  if (plan.layout.empty()) {
    for (const std::string& f : files) plan.logs.push_back(path(f));
    return plan;
  }
  for (const std::string& f : files) {
    bool top_level_dmesg = f.find('/') == std::string::npos && f.find("dmesg") != f.npos;
    bool log = top_level_dmesg || std::any_of(std::begin(kBundleLogs), std::end(kBundleLogs),
                                              [&](const char* p) { return Matches(p, f); });
    if (log) plan.logs.push_back(path(f));
  }
  for (const char* name : kBundleLspci) {
    if (std::find(files.begin(), files.end(), name) != files.end()) {
      plan.lspci.push_back(path(name));
      break;
    }
  }
  return plan;
}

bool LooksLikeLog(const std::string& path) {
  if (IsJournalFile(path)) return true;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return true;  // let the reader report why it cannot be read
  std::string head, error;
  std::unique_ptr<ByteSource> source = OpenDecoded(std::make_unique<FdSource>(fd), nullptr, &error);
  bool read = source && ReadUpTo(source.get(), 4096, &head, &error);
  close(fd);
  if (!read) return true;  // damaged compression: reading it reports the error
  if (head.empty()) return false;
  if (std::string_view(DetectFormat(head).name) != "console") return true;
  size_t control = 0;
  for (char ch : head) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f) {
      ++control;
    }
  }
  return control * 32 <= head.size();
}

}  // namespace kdiag
