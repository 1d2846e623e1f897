#include "analyzer/match/errno_names.h"

#include <cstdint>

namespace kdiag {
namespace {

struct ErrnoName {
  int value;
  const char* name;
  const char* meaning;
};

// include/uapi/asm-generic/errno-base.h, include/uapi/asm-generic/errno.h, include/linux/errno.h.
constexpr ErrnoName kErrnos[] = {
    {1, "EPERM", "operation not permitted"},
    {2, "ENOENT", "no such file or directory"},
    {3, "ESRCH", "no such process"},
    {4, "EINTR", "interrupted system call"},
    {5, "EIO", "I/O error"},
    {6, "ENXIO", "no such device or address"},
    {7, "E2BIG", "argument list too long"},
    {8, "ENOEXEC", "exec format error"},
    {9, "EBADF", "bad file number"},
    {10, "ECHILD", "no child processes"},
    {11, "EAGAIN", "try again"},
    {12, "ENOMEM", "out of memory"},
    {13, "EACCES", "permission denied"},
    {14, "EFAULT", "bad address"},
    {15, "ENOTBLK", "block device required"},
    {16, "EBUSY", "device or resource busy"},
    {17, "EEXIST", "file exists"},
    {18, "EXDEV", "cross-device link"},
    {19, "ENODEV", "no such device"},
    {20, "ENOTDIR", "not a directory"},
    {21, "EISDIR", "is a directory"},
    {22, "EINVAL", "invalid argument"},
    {23, "ENFILE", "file table overflow"},
    {24, "EMFILE", "too many open files"},
    {25, "ENOTTY", "not a typewriter"},
    {26, "ETXTBSY", "text file busy"},
    {27, "EFBIG", "file too large"},
    {28, "ENOSPC", "no space left on device"},
    {29, "ESPIPE", "illegal seek"},
    {30, "EROFS", "read-only file system"},
    {31, "EMLINK", "too many links"},
    {32, "EPIPE", "broken pipe"},
    {33, "EDOM", "math argument out of domain of func"},
    {34, "ERANGE", "math result not representable"},
    {35, "EDEADLK", "resource deadlock would occur"},
    {36, "ENAMETOOLONG", "file name too long"},
    {37, "ENOLCK", "no record locks available"},
    {38, "ENOSYS", "invalid system call number"},
    {39, "ENOTEMPTY", "directory not empty"},
    {40, "ELOOP", "too many symbolic links encountered"},
    {42, "ENOMSG", "no message of desired type"},
    {43, "EIDRM", "identifier removed"},
    {61, "ENODATA", "no data available"},
    {62, "ETIME", "timer expired"},
    {67, "ENOLINK", "link has been severed"},
    {71, "EPROTO", "protocol error"},
    {74, "EBADMSG", "not a data message"},
    {75, "EOVERFLOW", "value too large for defined data type"},
    {84, "EILSEQ", "illegal byte sequence"},
    {95, "EOPNOTSUPP", "operation not supported"},
    {98, "EADDRINUSE", "address already in use"},
    {99, "EADDRNOTAVAIL", "cannot assign requested address"},
    {100, "ENETDOWN", "network is down"},
    {101, "ENETUNREACH", "network is unreachable"},
    {103, "ECONNABORTED", "software caused connection abort"},
    {104, "ECONNRESET", "connection reset by peer"},
    {105, "ENOBUFS", "no buffer space available"},
    {107, "ENOTCONN", "transport endpoint is not connected"},
    {110, "ETIMEDOUT", "connection timed out"},
    {111, "ECONNREFUSED", "connection refused"},
    {112, "EHOSTDOWN", "host is down"},
    {113, "EHOSTUNREACH", "no route to host"},
    {114, "EALREADY", "operation already in progress"},
    {115, "EINPROGRESS", "operation now in progress"},
    {116, "ESTALE", "stale file handle"},
    {117, "EUCLEAN", "structure needs cleaning"},
    {121, "EREMOTEIO", "remote I/O error"},
    {122, "EDQUOT", "quota exceeded"},
    {123, "ENOMEDIUM", "no medium found"},
    {124, "EMEDIUMTYPE", "wrong medium type"},
    {125, "ECANCELED", "operation canceled"},
    {126, "ENOKEY", "required key not available"},
    {512, "ERESTARTSYS", "interrupted, to be restarted"},
    {513, "ERESTARTNOINTR", "interrupted, to be restarted"},
    {514, "ERESTARTNOHAND", "interrupted, restart if no handler"},
    {515, "ENOIOCTLCMD", "no ioctl command"},
    {516, "ERESTART_RESTARTBLOCK", "interrupted, restart by calling sys_restart_syscall"},
    {517, "EPROBE_DEFER", "driver requests probe retry"},
    {518, "EOPENSTALE", "open found a stale dentry"},
    {519, "ENOPARAM", "parameter not supported"},
    {521, "EBADHANDLE", "illegal NFS file handle"},
    {522, "ENOTSYNC", "update synchronization mismatch"},
    {523, "EBADCOOKIE", "cookie is stale"},
    {524, "ENOTSUPP", "operation is not supported"},
    {525, "ETOOSMALL", "buffer or request is too small"},
    {526, "ESERVERFAULT", "an untranslatable error occurred"},
    {527, "EBADTYPE", "type not supported by server"},
    {528, "EJUKEBOX", "request initiated, but will not complete before timeout"},
    {529, "EIOCBQUEUED", "iocb queued, will get completion event"},
    {530, "ERECALLCONFLICT", "conflict with recalled state"},
    {531, "ENOGRACE", "NFS file lock reclaim refused"},
};

}  // namespace

std::string DescribeErrno(std::string_view value) {
  std::string_view digits = value;
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 4) return std::string(value);
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::string(value);
    n = n * 10 + (c - '0');
  }
  for (const ErrnoName& e : kErrnos) {
    if (e.value == n) {
      return std::string(value) + " (" + e.name + ": " + e.meaning + ")";
    }
  }
  return std::string(value);
}

}  // namespace kdiag
