// Summary: the counts a run ends with (NDJSON "type":"summary", the report's last line).
#ifndef KDIAG_CORRELATE_SUMMARY_H_
#define KDIAG_CORRELATE_SUMMARY_H_

#include <cstdint>
#include <set>
#include <string>

namespace kdiag {

struct Summary {
  uint64_t inputs = 0;    // inputs read (files, stdin)
  uint64_t records = 0;   // records framed, continuation records included
  uint64_t bytes = 0;     // bytes read
  uint64_t boots = 0;     // boots, summed over inputs
  uint64_t events = 0;    // rule matches (facts included)
  uint64_t findings = 0;  // distinct findings, info-level facts included
  // Of `findings`, those above info (what the summary line counts as findings) and the info-level
  // findings (a device seized by pciback, a path reinstated): those are never counted as findings
  // in the report's summary line. Set by the CLI once suppression and selection are known.
  uint64_t problems = 0;
  uint64_t facts = 0;
  uint64_t findings_dropped = 0;   // new findings past the table's bound
  uint64_t truncated_lines = 0;    // lines cut at the line length limit
  uint64_t errors = 0;             // inputs that could not be read
  uint64_t kmsg_lost = 0;          // /dev/kmsg records overwritten before they could be read
  uint64_t suppressed = 0;         // findings left out by the config file's [[suppress]]
  uint64_t suppressed_events = 0;  // events left out by it
  uint64_t not_selected =
      0;  // findings (not suppressed) --min-severity/--rule/--skip-rule left out
  // The hosts and boot ids the records named (at most kMaxIdentities of each: a log's hostname
  // field is whatever its writer put there).
  static constexpr size_t kMaxIdentities = 64;
  std::set<std::string> hosts;
  std::set<std::string> boot_ids;
  void NoteIdentity(const std::string& host, const std::string& boot_id) {
    if (!host.empty() && hosts.size() < kMaxIdentities) hosts.insert(host);
    if (!boot_id.empty() && boot_ids.size() < kMaxIdentities) boot_ids.insert(boot_id);
  }
};

}  // namespace kdiag

#endif  // KDIAG_CORRELATE_SUMMARY_H_
