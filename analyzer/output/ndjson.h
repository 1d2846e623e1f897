// NDJSON: the machine-readable contract of design.md, one object per line.
//
//   {"type":"record", ...}   with --records, every record
//   {"type":"event", "rule", "severity", "source", "time", "boot", "fields", "message", "input"}
//   {"type":"finding", "rule", "count", "first", "last", "fields", "advice", ...}
//   {"type":"device", "card", "functions", "events", ...}  output/device_report.h
//   {"type":"summary", "schema", "records", "bytes", "boots", "events", ...}
// Keys may be added; none of these may be renamed or removed. schema/kdiag-event.schema.json
// describes every key (tests/validate_ndjson.py checks the suite's output against it); the
// summary's "schema" is its version, raised only if a key ever had to change meaning.
#ifndef KDIAG_OUTPUT_NDJSON_H_
#define KDIAG_OUTPUT_NDJSON_H_

#include <string>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/summary.h"

namespace kdiag {

constexpr int kNdjsonSchemaVersion = 1;

// Each appends one line, '\n' included.
void AppendRecordJson(const Record& record, std::string* out);
void AppendEventJson(const Event& event, std::string* out);
void AppendFindingJson(const Finding& finding, std::string* out);
void AppendSummaryJson(const Summary& summary, std::string* out);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_NDJSON_H_
