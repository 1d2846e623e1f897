// xentoollog lines: how libxl, libxc and xl report, on xl's stderr, in /var/log/xen/xl-NAME.log,
// in the domain builder's log and (before libvirt 1.3) in libvirt's libxl-driver.log.
//
// tools/libs/toollog/xtl_logger_stdio.c stdiostream_vmessage() (tools/libxc/xtl_logger_stdio.c
// from Xen 4.1, commit 7f9a888af4, to 4.11; the format never changed) writes, per message:
//   [ "%04d-%02d-%02d %02d:%02d:%02d %s " ]  local time and tzname[] (XTL_STDIOSTREAM_SHOW_DATE)
//   [ "[%lu] " ]                              getpid() (XTL_STDIOSTREAM_SHOW_PID)
//   [ "%s: " ]                                the context: "libxl", "xc", "xl", "domainbuilder"
//   "%s: "                                    xtl_level_to_string(): debug, verbose, detail,
//                                             progress, info, notice, warning, error, critical
//   message [ ": " strerror ]
// xl shows the date and pid with `xl -T` (tools/xl/xl.c), the domain builder always
// (tools/libs/guest/xg_dom_core.c, /var/log/xen/domain-builder-ng.log); plain `xl` writes
// "libxl: error: libxl_pci.c:1209:libxl__device_pci_add: ...". libxl's message keeps its own
// "FILE:LINE:FUNC: " and "Domain N:" (libxl_internal.c libxl__logv()), which the rules match.
//
// A dated line is unmistakable. An undated one ("xc: error: ...") is taken only with a context
// from the list above and a level from xtl's list, so kernel text ("ata1: error: ...") stays
// kernel text.
#ifndef KDIAG_INPUT_PREFIXES_XTL_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_XTL_PREFIX_H_

#include <cstddef>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Sets source kUserspace, program (the context, or "xentoollog" without one), level (the xtl level
// as a syslog level) and wall_time ("YYYY-MM-DD HH:MM:SS TZ"). *text_begin is the message.
// False, leaving the record alone, when the line is not a xentoollog line.
bool ParseXtlLine(std::string_view line, Record* record, size_t* text_begin);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_XTL_PREFIX_H_
