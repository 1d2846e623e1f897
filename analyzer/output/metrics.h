// Metrics: a live run's counters in the Prometheus text exposition format (version 0.0.4), for
// node_exporter's textfile collector (--collector.textfile.directory): the file is replaced
// atomically every few seconds and at exit (atomic_file.h), so a scrape never sees half of it.
//
//   kdiag_records_total, kdiag_bytes_total, kdiag_events_total{rule,severity},
//   kdiag_parse_errors_total{kind="read"|"truncated_line"|"unparsed_record"},
//   kdiag_kmsg_lost_total,
//   kdiag_last_event_timestamp_seconds (Unix time the last event was written; 0: none yet)
#ifndef KDIAG_OUTPUT_METRICS_H_
#define KDIAG_OUTPUT_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/correlate/event.h"
#include "analyzer/correlate/summary.h"

namespace kdiag {

// Events counted by rule and severity (bounded by the rule set), and when the last one came;
// records a framer could not parse (journal entries kept as program "kdiag-unparsed").
//
// Every rule's kdiag_events_total series exists from the start, at 0 (DeclareRules): a counter
// that appears only with its first event makes `increase(kdiag_events_total[10m]) > 0` miss that
// event, since increase() needs two samples of a series (Prometheus, "Querying basics":
// counters; a series' first sample has nothing to increase from).
class EventCounts {
 public:
  // Gives every rule of `rules` a series at 0 unless it has one; called at start and after a
  // rule reload (a series once there stays, so a rule removed by a reload keeps its count).
  void DeclareRules(const std::vector<Rule>& rules);
  void AddRecord(const Record& record);
  uint64_t unparsed() const { return unparsed_; }
  // `unix_seconds`: the wall-clock time of the event's emission.
  void Add(const Event& event, double unix_seconds);
  const std::map<std::pair<std::string, std::string>, uint64_t>& by_rule() const {
    return by_rule_;
  }
  double last_event() const { return last_event_; }

 private:
  std::map<std::pair<std::string, std::string>, uint64_t> by_rule_;
  double last_event_ = 0;
  uint64_t unparsed_ = 0;
};

// The whole exposition, '\n'-terminated.
std::string RenderMetrics(const Summary& summary, const EventCounts& events);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_METRICS_H_
