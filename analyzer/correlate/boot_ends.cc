#include "analyzer/correlate/boot_ends.h"

#include "analyzer/input/wall_clock.h"
#include "analyzer/match/rule.h"

namespace kdiag {
namespace {

// The text of kdiag's record about a boot's end. rules/platform.toml's platform.boot.unclean_end
// matches it; change both together.
std::string Describe(const std::string& evidence, uint64_t last_line, const std::string& wall) {
  std::string text = "kdiag: the previous boot ended without a clean shutdown: " + evidence +
                     "; its last line is line " + std::to_string(last_line);
  if (!wall.empty()) text += " (" + wall + ")";
  return text;
}

Record Synthetic(const Record& at, std::string text) {
  Record r;
  r.text = std::move(text);
  r.time_us = at.time_us;
  r.wall_time = at.wall_time;
  // Only a wall time the log itself wrote: one kdiag derived from an anchor depends on whether the
  // record was framed or passed over before it (fuzz/pass_over_fuzzer.cc found the difference on a
  // record no rule matches), and this record's event must be the same either way.
  if (!IsDerivedTimestamp(at.timestamp_source)) {
    r.timestamp_us = at.timestamp_us;
    r.timestamp_source = at.timestamp_source;
  }
  r.host = at.host;
  r.boot_id = at.boot_id;
  r.source = Source::kKernel;  // a statement about the kernel's boot
  r.boot = at.boot;
  r.input = at.input;
  r.line = at.line;
  r.guest_input = at.guest_input;
  r.synthetic = true;
  return r;
}

}  // namespace

void BootEnds::OnNulRun(uint64_t bytes, uint64_t line) {
  if (nul_bytes_ == 0) nul_line_ = line;
  nul_bytes_ += bytes;
}

std::optional<Record> BootEnds::OnRecord(const Record& record, bool in_window) {
  std::optional<Record> out;
  const bool new_boot = seen_record_ && record.boot != boot_.index;
  // The framer may still hand on records from before the run (it holds one while waiting for
  // continuation lines): the run is behind the records of its line and later ones.
  const bool after_run = nul_bytes_ && record.line >= nul_line_;
  // Evidence about the boot so far (a NUL run after it, or its lack of an orderly end) is
  // reported only when that boot was read whole, from one machine, and the record it is placed at
  // is selected.
  const bool judged = seen_record_ && !boot_.partial && !boot_.hosts_differ && in_window;
  // Lines a logger stamped with the wall clock (syslog, journal text) on either side of the run:
  // not a serial console's line noise.
  if (after_run && judged && !(record.wall_time.empty() && boot_.last_wall.empty())) {
    out = Synthetic(record, Describe(std::to_string(nul_bytes_) + " NUL bytes before line " +
                                         std::to_string(nul_line_) + " (its last writes were lost)",
                                     boot_.last_line, boot_.last_wall));
  } else if (new_boot && judged && boot_.userspace &&
             !(boot_.ended && boot_.records_after_end <= kMaxRecordsAfterEnd)) {
    out = Synthetic(record,
                    Describe("no shutdown or reboot was logged", boot_.last_line, boot_.last_wall));
  }
  // A NUL run reported without a boot change still starts a new boot: the machine went down.
  if (new_boot || !seen_record_ || (after_run && out)) {
    boot_ = Boot();
    boot_.index = record.boot;
    boot_.ended = ends_boot_seen_ == record.boot;
  }
  if (after_run) nul_bytes_ = 0;
  seen_record_ = true;
  boot_.records_after_end += boot_.ended;
  boot_.userspace |= record.source == Source::kUserspace;
  boot_.partial |= !in_window;
  if (!record.host.empty()) {
    if (boot_.host.empty()) boot_.host = record.host;
    boot_.hosts_differ |= boot_.host != record.host;
  }
  boot_.last_line = record.line + (record.line_count ? record.line_count - 1 : 0);
  boot_.last_wall = record.wall_time;
  return out;
}

void BootEnds::OnEvent(const Event& event) {
  if (!event.rule->ends_boot || event.record.synthetic) return;
  if (event.record.boot == boot_.index) {
    boot_.ended = true;
    boot_.records_after_end = 0;
  }
  // An event of a boot whose first record BootEnds has not seen yet (the assembler let it go
  // first): remembered for that boot.
  if (event.record.boot > boot_.index) ends_boot_seen_ = event.record.boot;
}

}  // namespace kdiag
