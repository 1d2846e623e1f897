// ConfigWrites: the config-space writes guests asked pciback for, as its verbose requests log them.
//
// pciback can log every config-space write of a guest (rules/xen-pciback.toml,
// xen.pciback.config_write_request: verbose_request up to Linux 5.7 and on xenlinux, dynamic debug
// from 5.8). Such a log holds thousands of lines, one per write, but the discovery of the quirks
// a device needs (remedy/quirk_discovery.h) wants only which fields were written: this table keeps
// each distinct (input, device, register, size) once, with where it was first seen and how often.
//
// Values are validated on the way in, since a guest can write into a log: a BDF by Bdf::Parse, a
// register <= 0xfff, a size of 1, 2 or 4, and the alignment pciback itself demands (conf_space.c
// valid_request(): offset % size == 0; an unaligned request is refused, so it never needs a
// quirk). What fails is counted, not kept. The table is bounded (kMaxFields); what does not fit is
// counted as dropped. The input is part of the key so that an input later found to be a guest's
// log (input/provenance.h: evidence may come late) can be left out as a whole (Without).
#ifndef KDIAG_CORRELATE_CONFIG_WRITES_H_
#define KDIAG_CORRELATE_CONFIG_WRITES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "analyzer/correlate/bdf.h"

namespace kdiag {

struct Event;  // correlate/event.h

// The rule whose events are read (contract with rules/xen-pciback.toml).
inline constexpr char kConfigWriteRule[] = "xen.pciback.config_write_request";

// One distinct write: a device's register and the write's size.
struct ConfigWriteKey {
  std::string input;
  Bdf bdf;
  uint16_t reg = 0;
  uint8_t size = 0;
  bool operator<(const ConfigWriteKey& o) const {
    return std::tie(input, bdf, reg, size) < std::tie(o.input, o.bdf, o.reg, o.size);
  }
};

struct ConfigWriteSeen {
  uint64_t first_line = 0;
  uint64_t count = 0;
};

class ConfigWrites {
 public:
  // Far above the fields one device's driver writes (a few dozen); a log of many devices still
  // fits.
  static constexpr size_t kMaxFields = 4096;

  // Notes a write request; ignores other events. `input` and `line` say where it was.
  void Add(const Event& event);
  // The same, from values (tests, and Add).
  void Add(const std::string& input, uint64_t line, std::string_view bdf, std::string_view offset,
           std::string_view size);

  // The table without the writes of the given inputs.
  ConfigWrites Without(const std::set<std::string>& inputs) const;

  const std::map<ConfigWriteKey, ConfigWriteSeen>& fields() const { return fields_; }
  uint64_t invalid() const { return invalid_; }  // failed validation
  uint64_t dropped() const { return dropped_; }  // did not fit

 private:
  std::map<ConfigWriteKey, ConfigWriteSeen> fields_;
  uint64_t invalid_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_CONFIG_WRITES_H_
