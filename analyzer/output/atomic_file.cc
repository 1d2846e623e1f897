#include "analyzer/output/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "analyzer/output/write_all.h"

namespace kdiag {
namespace {

// The process's umask, read without changing it (umask(2) can only set it, and setting it to
// read it would race with other threads creating files): /proc/self/status has it since Linux
// 4.7. Without it, the common 022.
mode_t CurrentUmask() {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (!f) return 022;
  char line[256];
  unsigned mask = 022;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "Umask: %o", &mask) == 1) break;
  }
  std::fclose(f);
  return static_cast<mode_t>(mask & 0777);
}

}  // namespace

std::optional<Error> WriteFileAtomically(const std::string& path, std::string_view text) {
  // A fresh name of our own next to `path` (mkostemps opens with O_CREAT|O_EXCL, which never
  // follows a symbolic link and never opens a file that already exists). A fixed name such as
  // "path.tmp" let anyone who can write the directory plant a link there to a file of their
  // choice, which kdiag (often root) then truncated and overwrote.
  static constexpr char kSuffix[] = ".tmp";
  std::string pattern = path + ".XXXXXX" + kSuffix;
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  auto fail = [&](const std::string& what) {
    return Error{Location{path, 0, 0}, what + ": " + std::strerror(errno)};
  };
  int fd = mkostemps(name.data(), static_cast<int>(sizeof kSuffix - 1), O_CLOEXEC);
  if (fd < 0) return fail("create " + pattern);
  std::string temp(name.data());
  // mkostemps creates 0600; the state and metrics files have always been created 0644 less the
  // umask, like open(2) does (node_exporter reads the metrics as another user).
  if (fchmod(fd, 0644 & ~CurrentUmask()) != 0) {
    Error e = fail("chmod " + temp);
    close(fd);
    unlink(temp.c_str());
    return e;
  }
  if (int err = WriteAll(fd, text)) {
    errno = err;
    Error e = fail("write " + temp);
    close(fd);
    unlink(temp.c_str());
    return e;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    Error e = fail("sync " + temp);
    unlink(temp.c_str());
    return e;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    Error e = fail("rename " + temp);
    unlink(temp.c_str());
    return e;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);  // the rename itself survives a crash
    close(dfd);
  }
  return std::nullopt;
}

}  // namespace kdiag
