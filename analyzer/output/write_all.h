// WriteAll: the one write() loop. Short writes go on where they stopped, EINTR is retried.
#ifndef KDIAG_OUTPUT_WRITE_ALL_H_
#define KDIAG_OUTPUT_WRITE_ALL_H_

#include <string_view>

namespace kdiag {

// Writes every byte of `data` to `fd`. Returns 0, or the errno of the write() that failed (EPIPE
// when the reader went away; EIO for a write() that wrote nothing).
int WriteAll(int fd, std::string_view data);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_WRITE_ALL_H_
