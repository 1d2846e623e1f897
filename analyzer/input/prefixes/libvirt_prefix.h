// libvirt's libxl driver logs: /var/log/libvirt/libxl/libxl-driver.log and the per-domain
// /var/log/libvirt/libxl/NAME.log, where libvirt writes what libxl tells it.
//
// Since libvirt 1.3.x (2016, src/libxl/libxl_logger.c libvirt_vmessage()) every message is
//   virTimeStringNowRaw() ": " [ context ": " ] message [ ": " strerror ]
// and the stamp is "%4d-%02d-%02d %02d:%02d:%02d.%03d+0000", always UTC (src/util/virtime.c
// virTimeStringThenRaw()). Unlike xl's logger, libvirt drops the level: a real line is
//   2020-03-25 23:02:05.140+0000: libxl: libxl_pci.c:1199:libxl__device_pci_reset: The kernel ...
// Older libvirt handed libxl a xentoollog stdio logger, whose lines xtl_prefix.h reads.
// libvirtd.log's own lines ("<stamp>: <pid>: <level> : ...") are libvirt's, not libxl's: they get
// program "libvirtd" and their level.
#ifndef KDIAG_INPUT_PREFIXES_LIBVIRT_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_LIBVIRT_PREFIX_H_

#include <cstddef>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Sets source kUserspace, program (the context, "libvirtd", or "libvirt" when the logger had no
// context), wall_time ("YYYY-MM-DD HH:MM:SS.mmm+0000") and, for libvirtd's lines, level.
// *text_begin is the message. False, leaving the record alone, for any other line.
bool ParseLibvirtLine(std::string_view line, Record* record, size_t* text_begin);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_LIBVIRT_PREFIX_H_
