#include "analyzer/input/sources/kmsg_device.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "analyzer/input/framers/kmsg_framer.h"

namespace kdiag {
namespace {

constexpr size_t kRecordBuffer = 16 * 1024;  // twice CONSOLE_EXT_LOG_MAX

}  // namespace

std::optional<Error> ReadKmsgDevice(const std::string& path,
                                    const std::function<void(std::string_view line)>& line,
                                    uint64_t* lost, const KmsgReadOptions& options) {
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    std::string why = std::strerror(errno);
    // devkmsg_open() refuses with EPERM when check_syslog_permissions() does: with
    // kernel.dmesg_restrict = 1 only a process with CAP_SYSLOG may read (kernel/printk/printk.c,
    // syslog_action_restricted(); CAP_SYS_ADMIN is accepted too, with a deprecation warning).
    if (errno == EPERM) {
      why +=
          " (reading the kernel log needs CAP_SYSLOG while kernel.dmesg_restrict is 1: run as "
          "root, e.g. `sudo kdiag`, or give kdiag that capability; or let every user read it "
          "with `sysctl kernel.dmesg_restrict=0`)";
    }
    return Error{Location{path, 0, 0}, why};
  }
  if (options.opened) options.opened();
  if (options.from_end) lseek(fd, 0, SEEK_END);
  std::vector<char> buffer(kRecordBuffer);
  std::optional<uint64_t> last_seq = options.after_seq;
  bool first = true;
  bool overwritten = false;
  std::optional<Error> error;
  LiveControl* live = options.control;
  for (;;) {
    if (live && !live->Continue()) break;
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (live && live->Wait(fd)) continue;
        break;
      }
      if (errno == EPIPE) {
        overwritten = true;
        continue;
      }
      error = Error{Location{path, 0, 0}, errno == EINVAL
                                              ? "read: record larger than the 16 KiB buffer"
                                              : std::string("read: ") + std::strerror(errno)};
      break;
    }
    if (n == 0) break;  // not the device (a regular file): its end
    std::string_view record(buffer.data(), static_cast<size_t>(n));
    KmsgHeader header;
    bool parsed = ParseKmsgHeader(record.substr(0, record.find('\n')), &header);
    if (parsed && options.after_seq && header.seq <= *options.after_seq) continue;  // had it
    if (parsed) {
      // A resumed reader's first record shows the records overwritten while it was away.
      bool gap_after_resume = first && options.after_seq && header.seq > *last_seq + 1;
      if ((overwritten || gap_after_resume) && lost) {
        // EPIPE right after open leaves the gap unknown; at least one record was lost.
        uint64_t gap = last_seq && header.seq > *last_seq + 1 ? header.seq - *last_seq - 1 : 1;
        *lost += gap;
        if (options.gap) options.gap(gap);
      }
      overwritten = false;
      first = false;
      last_seq = header.seq;
    }
    if (live) live->Delivered(static_cast<size_t>(n));
    if (record.back() == '\n') record.remove_suffix(1);
    for (size_t nl = record.find('\n');; nl = record.find('\n')) {
      line(record.substr(0, nl));
      if (nl == record.npos) break;
      record.remove_prefix(nl + 1);
    }
    if (parsed && options.record_done) options.record_done(header.seq);
  }
  close(fd);
  return error;
}

}  // namespace kdiag
