// Xen console prefixes: the hypervisor's own lines and the guest output it relays. Like
// console_prefix.h, each parser recognises its shape completely or leaves the record untouched.
//
// Sources of the shapes: Xen xen/drivers/char/console.c (printk_start_of_line, guest_printk),
// xen/arch/x86/hvm/hvm.c (hvm_print_line, before Xen 4.4). See ../shared/docs/log-formats.md.
#ifndef KDIAG_INPUT_PREFIXES_XEN_PREFIX_H_
#define KDIAG_INPUT_PREFIXES_XEN_PREFIX_H_

#include <cstddef>
#include <string_view>

#include "analyzer/input/record.h"

namespace kdiag {

// Xen console lines: "(XEN) " [stamp] text, "(XEN) (dN) " / "(XEN) HVMn: " guest output.
// Sets source (kXen or kGuest), domain, time_us / wall_time. False when not a "(XEN)" line.
bool ParseXenLine(std::string_view line, Record* record, size_t* text_begin);

// Guest console relayed by Xen without "(XEN)": "(dN) " [stamp] text (Xen 4.4+), "HVMn: " text
// (before 4.4). False when the line is neither.
bool ParseGuestLine(std::string_view line, Record* record, size_t* text_begin);

// The start-of-day banner Xen writes without "(XEN) " (figlet art, or " Xen 4.17.5").
bool LooksLikeXenBanner(std::string_view line);

}  // namespace kdiag

#endif  // KDIAG_INPUT_PREFIXES_XEN_PREFIX_H_
