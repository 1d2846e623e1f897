// Rule: one declarative recognizer, as written in a rules/*.toml file (see rules/README.md).
#ifndef KDIAG_MATCH_RULE_H_
#define KDIAG_MATCH_RULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/input/record.h"

namespace kdiag {

enum class Severity { kInfo, kNotice, kWarning, kError, kCritical };

// "info", "notice", "warning", "error", "critical".
std::string_view SeverityName(Severity s);
bool ParseSeverity(std::string_view name, Severity* out);

// Named captures in the order the pattern declares them; empty captures are left out.
using Fields = std::vector<std::pair<std::string, std::string>>;

// Value of `name` in fields, or empty.
std::string_view FieldValue(const Fields& fields, std::string_view name);

struct RuleExample {
  std::string line;                       // a log line in any console shape
  Fields fields;                          // every expected non-empty capture
  std::vector<std::string> continuation;  // lines that must be consumed into the event
  std::string title;                      // crash rules: the expected title, or empty
  Location where;
};

// A crash report rule (`[rule.crash]`, see rules/README.md): its header line opens a report that
// takes the following lines of the same task (registers, call trace, modules) up to an end marker,
// the next report or a bounded line count; a title in syzkaller's conventions is then derived.
struct CrashSpec {
  std::string type;                  // crash_type: "KASAN", "WARNING", "BUG", "HANG", ...
  std::string title;                 // template: {field} placeholders and {frame}
  std::string incomplete;            // the title when a {field} of `title` has no value (the
                                     // report lacks the line that gives it): the report is
                                     // corrupted; empty: `title` as it expands
  std::vector<std::string> frames;   // where the guilty frame comes from, tried in order:
                                     // "field:NAME", "rip", "stack", "stall",
                                     // "line:REGEX" (with a (?P<frame>...) group),
                                     // "after:REGEX" (first frame after a matching line),
                                     // "anchor:REGEX" (first non-generic frame it matches)
  std::string start;                 // RE2: stack and RIP are read from the first line it matches
  std::string skip;                  // extra frames to skip (RE2 on the function name), or empty
  std::vector<std::string> capture;  // RE2 run on report lines: named groups become fields
  std::vector<std::string> absorbs;  // rule ids whose lines belong to this report when open
  std::vector<std::string> yields;   // rule ids whose header takes this open report over
  std::string end;                   // RE2: a report line it matches ends the report (kept)
  bool secondary = false;            // inside an open report, this line belongs to it
  bool interleaves = false;          // inside an open report, this line neither joins nor ends
                                     // it: it is a one-line report of its own
};

// A declarative correlation between two rules (`[[rule.merge]]`, see rules/README.md; applied by
// correlate/finding_links.h): an event of this rule and an event of rule `other` that has the same
// values in `fields` (and the values `other_values` names), in the same input and boot and within
// the window, are one finding of this rule. Both stay events of their own rules.
struct MergeSpec {
  std::string other;        // the other rule's id
  bool other_first = true;  // `after = ID`: the other event comes first; `before = ID`: last
  std::vector<std::string> fields;  // captures both rules have, which must be equal
  Fields other_values;              // captures the other rule's event must have, with these values
  uint64_t lines = 0;               // at most this many input lines from the first event's line
  int64_t max_us = -1;              // and, when both events have a kernel time, at most this far
                                    // apart (microseconds); -1: no limit
  Location where;                   // the [[rule.merge]] table
};

// [[rule.settle]] (finding_links.h): a later event of rule `by` (a fact or not) within the window,
// with these fields equal, resolves this rule's event: it is no finding (a link down followed by
// its link up, a link down followed by the suspend it was part of). The window is counted like a
// merge's: at most `lines` input lines later and, when both events have a kernel time, at most
// `max_us` later.
struct SettleSpec {
  std::string by;                   // the resolving rule's id
  std::vector<std::string> fields;  // captures both rules have, which must be equal (may be none)
  uint64_t lines = 0;
  int64_t max_us = -1;
  Location where;  // the [[rule.settle]] table
};

// [rule.threshold] (finding_links.h): this rule's events make a finding only once `count` of them
// with the same finding key fall within one window (`lines` input lines and, when the events have
// kernel times, `max_us`): a link that flaps, a storm of corrected errors. Events a settle resolved
// still count towards it.
struct ThresholdSpec {
  uint64_t count = 0;
  uint64_t lines = 0;
  int64_t max_us = -1;
  Location where;
};

// [[rule.explain]] (finding_links.h): a later event of rule `effect` within the window, with the
// `fields` equal and, with a device named, on this event's device or a part of it, is a consequence
// of this rule's event: it makes no finding of its own, and this event's finding lists it (a USB
// stick pulled out, then I/O errors on its disk; a link down, then "server not responding").
struct ExplainSpec {
  std::string effect;               // the consequence's rule id
  std::vector<std::string> fields;  // captures both rules have, which must be equal (may be none)
  // `device = { cause = A, effect = B }`: the effect's capture B names the device this rule's
  // capture A names, or a part of it, through the [rule.part_of] facts seen so far in the boot
  // (disk sdb -> SCSI host 6 -> USB device 2-1). Empty: no device condition.
  std::string device_cause;
  std::string device_effect;
  uint64_t lines = 0;
  int64_t max_us = -1;
  Location where;  // the [[rule.explain]] table
};

// [rule.part_of] (finding_links.h): an event of this rule says that the device its capture `part`
// names is part of the device its capture `whole` names (the SCSI host a USB storage interface
// registered, the disk that host attached). The latest such event for a part wins.
struct PartOfSpec {
  std::string part;
  std::string whole;
  Location where;
};

struct Rule {
  std::string id;
  Severity severity = Severity::kInfo;
  std::string severity_reason;        // why this severity: what an operator loses (rules/README.md)
  std::optional<Source> source;       // nullopt: any source
  std::vector<std::string> patterns;  // variants, first match wins
  std::string summary;                // with {field} placeholders
  std::string advice;                 // with {field} placeholders; may be empty
  std::string remedy;                 // "", "pci-quirk", "pte-decode"
  bool fact = false;                  // feeds correlation, not a finding
  bool guest_evidence = false;        // a match shows its input is a guest's log (provenance.h)
  std::vector<std::string> key;       // fields identifying a finding; empty: all fields
  std::string continuation;           // pattern for following lines that belong to the event
  int continuation_lines = 0;
  std::vector<std::string> exclude;  // RE2; a record matching any is not an event of this rule
  std::optional<CrashSpec> crash;
  std::vector<MergeSpec> merges;
  std::vector<SettleSpec> settles;
  std::optional<ThresholdSpec> threshold;
  std::vector<ExplainSpec> explains;
  std::optional<PartOfSpec> part_of;
  // false: an event of this rule is a finding only once it explains a later event (a USB device
  // unplugged is no problem; unplugged while its disk was in use is).
  bool finding_alone = true;
  // An event of this rule says how its boot ended (an orderly shutdown or reboot, a panic): the
  // boot needs no "ended without a clean shutdown" (correlate/boot_ends.h).
  bool ends_boot = false;
  // The rule matches only the records kdiag writes about a boot's end (Record::synthetic), never a
  // log's text: a log cannot forge them.
  bool synthetic = false;
  std::vector<RuleExample> examples;
  std::vector<std::string> counter_examples;
  Location where;  // the [[rule]] table in its file
};

// Replaces {name} in `text` by the field's value ("" when absent), and {name:errno} by the value
// decoded as a kernel errno ("-110 (ETIMEDOUT: connection timed out)", errno_names.h). "{{" and
// "}}" are literal braces.
std::string ExpandTemplate(std::string_view text, const Fields& fields);

// A rule pattern as ripgrep should run it on whole log lines (`kdiag rules patterns`): a leading
// ^ (which anchors at the message start once kdiag has removed the prefix) is dropped, and named
// groups become plain groups, because rg joins all -f patterns into one regex and rejects the same
// group name twice. The lines it matches are a superset of what the rule matches.
std::string RipgrepPattern(std::string_view pattern);

}  // namespace kdiag

#endif  // KDIAG_MATCH_RULE_H_
