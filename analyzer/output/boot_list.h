// BootList: --list-boots, one line per boot of the run, like `journalctl --list-boots`.
//
//   IDX  FIRST  BOOT ID                           FIRST ENTRY                  LAST ENTRY  ...
//    -1      1  8e1f0b1c3c5f4a6e9d2b7a0c4e6f8a1b  2025-11-03T18:54:01.000000Z  ...
//
// IDX counts from the end (0 the last boot) and FIRST from the start (1 the first): `--boot`
// takes either (config/selection.h). Then the boot id when the log names it ("-" otherwise), the
// wall times of its first and last placed records ("-" when none could be placed,
// input/wall_clock.h), its records (lines passed over included), its findings (before
// --min-severity, --rule and --skip-rule), and the input and the boot's number within it.
//
// With --output ndjson, one object per boot with the same columns (schema/kdiag-event.schema.json,
// "boot"), and nothing else:
//
//   {"type":"boot","index":-1,"index_from_start":1,"boot_id":"8e1f...","first_timestamp":
//    "2025-11-03T18:54:01.000000Z","last_timestamp":"...","records":2,"findings":1,
//    "input":{"name":"kern.log"},"boot":0}
//
// boot_id, first_timestamp and last_timestamp are null when unknown; "boot" is the events' and
// findings' "boot" (the number within the input), so a consumer can join them.
#ifndef KDIAG_OUTPUT_BOOT_LIST_H_
#define KDIAG_OUTPUT_BOOT_LIST_H_

#include <string>
#include <vector>

#include "analyzer/correlate/finding.h"
#include "analyzer/pipeline.h"

namespace kdiag {

std::string FormatBootList(const std::vector<BootSpan>& boots,
                           const std::vector<Finding*>& findings);
std::string FormatBootListNdjson(const std::vector<BootSpan>& boots,
                                 const std::vector<Finding*>& findings);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_BOOT_LIST_H_
