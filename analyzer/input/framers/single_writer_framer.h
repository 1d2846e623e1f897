// SingleWriterFramer: files that one writer fills, so every line's source is known from the file,
// whatever the line says.
//
// Two such files on Xen hosts, both written on behalf of a guest, so both hold text the guest
// chose:
//   - xen-guest-console: xenconsoled's log of one guest's console (/var/log/xen/console/
//     guest-NAME.log; QubesOS also guest-NAME-dm.log, the console of the guest's stub domain).
//     Every line is the guest kernel's text (Source::kKernel), whatever prefix it shows: a guest
//     that prints "(XEN) ..." or "mm.c:907:d0 ..." must not pass for the hypervisor, and a guest's
//     oops is still recognised by the kernel rules. The input is the guest's (its format is
//     guest_written, input/provenance.h), so no fix for the host comes of any of it.
//     xenconsoled's "[YYYY-MM-DD HH:MM:SS] " stamp (xenconsoled_prefix.h, --timestamp=guest|all)
//     becomes wall_time, the guest kernel's own "[  1.234567] " its time, and xenconsoled's
//     "Logfile Opened" lines are program "xenconsoled".
//   - qemu-dm: the device model's stdout and stderr, which libxl sends to
//     /var/log/xen/qemu-dm-NAME.log (tools/libs/light/libxl_dm.c libxl__create_qemu_logfile()).
//     qemu-xen-traditional opens it with "domid: N"; the rest is unprefixed qemu output, about
//     devices the guest drives. Every line is Source::kUserspace, program "qemu-dm", text as
//     written.
// Blank lines make no records; CR and ANSI escapes are removed as on a console.
#ifndef KDIAG_INPUT_FRAMERS_SINGLE_WRITER_FRAMER_H_
#define KDIAG_INPUT_FRAMERS_SINGLE_WRITER_FRAMER_H_

#include <string>
#include <string_view>

#include "analyzer/input/framers/framer.h"

namespace kdiag {

class SingleWriterFramer : public Framer {
 public:
  // `program` is set on kUserspace records; `xenconsoled_stamps` reads xenconsoled's stamps.
  SingleWriterFramer(std::string input_name, Source source, std::string program,
                     bool xenconsoled_stamps);
  void Line(std::string_view line, uint64_t number, const RecordSink& sink) override;
  void Finish(const RecordSink& /*sink*/) override {}

 private:
  std::string input_name_;
  Source source_;
  std::string program_;
  bool xenconsoled_stamps_;
  std::string scratch_;
};

// The head of a xenconsoled guest console log written with time stamps: every complete line is
// stamped, and no stamped line is Xen's ("(XEN) ", "(dN) ", the banner: hypervisor.log).
bool LooksLikeXenGuestConsole(std::string_view head);
// The head of a qemu-xen-traditional device model log: "domid: N" on the first line.
bool LooksLikeQemuDmLog(std::string_view head);

}  // namespace kdiag

#endif  // KDIAG_INPUT_FRAMERS_SINGLE_WRITER_FRAMER_H_
