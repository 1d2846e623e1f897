// Quirks: the narrow fix for a pciback read-only config write (domain.md section 3).
//
// A quirk allows a guest to write exactly one config-space register of one device. kdiag emits
// it in three shapes: an xend-pci-quirks.sxp stanza (xend, Xen 3.0.3 to 4.4), sysfs `quirks`
// commands (any toolstack, live dom0), and the xl `permissive=1` alternative. Every value is
// validated before it is printed: a BDF by Bdf::Parse, a register <= 0xfff, a size of 1, 2 or 4.
#ifndef KDIAG_REMEDY_QUIRK_H_
#define KDIAG_REMEDY_QUIRK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/correlate/bdf.h"
#include "analyzer/correlate/pci_inventory.h"
#include "analyzer/input/location.h"
#include "analyzer/remedy/toolstack_era.h"

namespace kdiag {

// One config-space field, "RRRRRRRR:S:MMMMMMMM" in xend's notation.
struct QuirkField {
  uint16_t reg = 0;   // <= 0xfff
  uint8_t size = 0;   // 1, 2 or 4
  uint32_t mask = 0;  // xend: unused, all zeros

  // Validates: "0xe0" / "e0" register, "2" size. nullopt when out of range or malformed.
  static std::optional<QuirkField> Parse(std::string_view offset, std::string_view size);
  // "000000e0:2:00000000".
  std::string ToString() const;
  bool operator==(const QuirkField& o) const {
    return reg == o.reg && size == o.size && mask == o.mask;
  }
  bool operator<(const QuirkField& o) const;
  // Defence in depth for the renderers: register <= 0xfff, size 1/2/4, no mask bits beyond the
  // size (the checks Linux's pci_stub.c applies to a `quirks` write).
  bool Valid() const;
};

// A field one device needs, and why.
struct QuirkNeed {
  Bdf bdf;
  std::optional<PciId> id;  // unknown when no enumeration line, lspci or sysfs named it
  QuirkField field;
  std::string device_name;  // pci.ids name, or empty
  std::string reported_by;  // "input:line" of the warning
  // The field is in the capability area and kdiag could not check it is outside the device's
  // MSI/MSI-X capabilities (guarded_registers.h): the emitted files say so.
  bool msi_layout_unknown = false;
};

// A comment block for emitted files: which fields kdiag could not check against the device's
// MSI/MSI-X capabilities; empty when there are none.
std::string MsiCaveat(const std::vector<QuirkNeed>& needs);

// True when every value of the need may be printed: a BDF with device <= 0x1f and function <= 7
// and a Valid() field. Renderers skip needs that are not printable.
bool PrintableNeed(const QuirkNeed& need);

// `text` made safe to copy into a `#` comment of an sxp file or shell script: control
// characters (a newline would end the comment and turn the rest into syntax), DEL, C1 controls
// and invalid UTF-8 are removed; the result is at most `max_bytes` long.
std::string CommentText(std::string_view text, size_t max_bytes = 160);

// `text` (at most 1000 bytes of it) made safe by CommentText and wrapped into `# ` lines of at
// most about 92 columns, each ending in a newline.
std::string CommentLines(std::string_view text);

// A new xend-pci-quirks.sxp (domain.md 3a) for the needs whose ID is known: one stanza per
// vendor:device[:subvendor:subdevice], fields de-duplicated and sorted, comments with the pci.ids
// name and where each field was reported. Needs without an ID are listed as comments saying how
// to find the ID (never a placeholder ID).
// Its comments follow `era`: on an xl host the file is still printed, with a note that nothing
// there reads it.
std::string RenderXendQuirks(const std::vector<QuirkNeed>& needs, const ToolstackEra& era = {});

// Merges the needs into an existing xend-pci-quirks.sxp the way xend reads it: the first stanza
// whose pci_ids match the device (2-part vendor:device, or 4-part with ffff wildcards) gets the
// missing fields; a device no stanza matches gets a new stanza appended. Comments and layout of
// the file are kept; a field already present is never added again, so merging the output again
// changes nothing. Error (with line and column in `name`) when the file does not parse.
//
// A need whose subsystem IDs are unknown matches a 4-part entry only when that entry's subvendor
// and subdevice are both ffff wildcards: kdiag cannot tell whether a specific subsystem entry
// covers the device, so it does not guess (the new stanza's comment names such an entry). Needs
// without an ID cannot be merged: they are counted in needs_without_id and described in a
// comment block at the end of the file (added once: the block is not repeated when the file
// already holds it).
struct MergeResult {
  std::string text;
  int fields_added = 0;
  int stanzas_added = 0;
  int needs_without_id = 0;
};
std::optional<Error> MergeXendQuirks(std::string_view existing, std::string_view name,
                                     const std::vector<QuirkNeed>& needs, MergeResult* out);

// What xend's pciquirk.py (__getQuirksByID) would do for a device with `id`, given the text of
// an xend-pci-quirks.sxp: the strings of the first matching stanza's pci_config_space_fields
// list, or nullopt when no stanza matches (or the file does not parse: then *error is set when
// non-null). An `id` without subsystem IDs matches as in MergeXendQuirks.
std::optional<std::vector<std::string>> XendQuirksFor(std::string_view sxp_text, const PciId& id,
                                                      std::optional<Error>* error = nullptr);

// `echo DDDD:BB:DD.F-RRRRRRRR:S:00000000 > /sys/bus/pci/drivers/pciback/quirks` lines with a note
// on how long they last (until the domain releases the device: every guest shutdown, reboot,
// destroy or pci-detach) and what re-applies them before every start of the domain.
// The re-apply advice follows `era` (xend does it itself; xl needs a wrapper).
std::string RenderSysfsQuirks(const std::vector<QuirkNeed>& needs, const ToolstackEra& era = {});

// The xl alternative: one pci = [ 'BDF,permissive=1', ... ] list holding every device (xl keeps
// only the last `pci =` line of a config), the sysfs permissive commands, and the security warning.
std::string RenderXlPermissive(const std::vector<QuirkNeed>& needs, const ToolstackEra& era = {});

// xend's broad alternative: an /etc/xen/xend-pci-permissive.sxp `(unconstrained_dev_ids (...))`
// element with every known vendor:device, the security warning, and where it goes.
std::string RenderXendPermissive(const std::vector<QuirkNeed>& needs, const ToolstackEra& era = {});

}  // namespace kdiag

#endif  // KDIAG_REMEDY_QUIRK_H_
