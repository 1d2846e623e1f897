#include "analyzer/output/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyzer/output/write_all.h"

namespace kdiag {

std::optional<Error> WriteFileAtomically(const std::string& path, std::string_view text) {
  std::string temp = path + ".tmp";
  auto fail = [&](const std::string& what) {
    return Error{Location{path, 0, 0}, what + ": " + std::strerror(errno)};
  };
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("create " + temp);
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
