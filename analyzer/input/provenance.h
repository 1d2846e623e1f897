// Provenance: who wrote a record's text, and so whether kdiag may turn it into a fix for the host.
//
// kdiag prints commands that dom0's administrator runs as root (pciback quirks, permissive mode,
// xend files). Guests can write text into the logs kdiag reads, so every record carries who wrote
// it, and a remedy that changes the host is made only from text the host wrote:
//   kernel      the host's own kernel (dom0, or a bare-metal machine): dmesg, kern.log, the journal
//   hypervisor  Xen's own lines ("(XEN) ")
//   userspace   a program's syslog line (xl, libxl, xend, ...)
//   guest       text a guest wrote: a guest's console output relayed by Xen ("(d5) ", "HVM5: "),
//               or any record of an input that is a guest's own log.
// An input is a guest's own log when
//   - its file name follows the convention of the daemons that write guest consoles to dom0's
//     disk: xenconsoled's "guest-NAME.log" (tools/console/daemon/io.c, "%s/guest-%s%s.log" under
//     /var/log/xen/console; QubesOS keeps that name) and libxl's device-model log
//     "qemu-dm-NAME.log" (tools/libs/light/libxl_dm.c), rotated and compressed copies included;
//   - the operator says so (--source guest PATH), for everything below PATH;
//   - a rule marked `guest_evidence` matches in it: text only a guest's kernel prints, such as
//     pcifront's (drivers/pci/xen-pcifront.c runs in the domain a device is passed to, never in
//     the dom0 that owns it). Evidence can only make an input a guest's, never the host's: a
//     guest can forge any text, so content never earns trust, it only withdraws it.
// A directory of a support bundle (sosreport, xen-bugtool) holds both kinds; each file is judged
// by itself.
#ifndef KDIAG_INPUT_PROVENANCE_H_
#define KDIAG_INPUT_PROVENANCE_H_

#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

enum class Provenance { kKernel, kHypervisor, kUserspace, kGuest };

// "kernel", "hypervisor", "userspace", "guest": the names NDJSON uses.
std::string_view ProvenanceName(Provenance p);

// Who wrote the record's text (its source, and whether its input is a guest's log).
Provenance ProvenanceOf(const Record& record);

// Which of a guest's logs a path names by the daemons' conventions, if any.
enum class GuestLog { kNone, kConsole, kDeviceModel };
GuestLog GuestLogByName(std::string_view path);
inline bool IsGuestLogPath(std::string_view path) {
  return GuestLogByName(path) != GuestLog::kNone;
}

}  // namespace kdiag

#endif  // KDIAG_INPUT_PROVENANCE_H_
