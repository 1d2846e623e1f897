// xend's log, /var/log/xen/xend.log: the Python toolstack of Xen 3.x and 4.0-4.4 (removed in 4.5).
//
// tools/python/xen/xend/XendLogging.py (RELEASE-4.4.0; unchanged since Xen 3.0.3) sets the file
// handler's format to
//   LOGFILE_FORMAT = "[%(asctime)s %(process)d] %(levelname)s (%(module)s:%(lineno)d) %(message)s"
//   DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
// so a line reads "[2009-06-30 13:46:14 5499] ERROR (XendDomainInfo:1942) XendDomainInfo.destroy:
// xc.domain_destroy failed." Level names are Python logging's: DEBUG, INFO, WARNING, ERROR,
// CRITICAL. An exception's traceback follows on lines of its own, without the prefix
// (logging.Formatter.formatException); xend_framer.h joins them to the message.
#ifndef KDIAG_INPUT_PREFIXES_XEND_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_XEND_PREFIX_H_

#include <cstddef>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Sets source kUserspace, program "xend", level (as a syslog level) and wall_time
// ("YYYY-MM-DD HH:MM:SS"). *text_begin is the message, after "(module:line) ". False, leaving the
// record alone, when the line is not a xend.log line.
bool ParseXendLine(std::string_view line, Record* record, size_t* text_begin);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_XEND_PREFIX_H_
