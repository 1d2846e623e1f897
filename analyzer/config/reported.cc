#include "analyzer/config/reported.h"

#include "analyzer/correlate/card_functions.h"

namespace kdiag {

Reported SelectReported(const std::vector<Finding*>& all, const Suppressor& suppressor,
                        const Selection& selection, const PciTopology& topology, Summary* summary) {
  Reported r;
  for (const Finding* f : all) {
    if (suppressor.Suppresses(f->rule->id, f->message, f->fields)) r.silenced.insert(f);
  }
  uint64_t unselected_facts = 0;
  for (Finding* f : all) {
    if (r.silenced.count(f)) {
      ++summary->suppressed;
    } else if (!selection.Reports(*f->rule, f->severity())) {
      ++summary->not_selected;
      unselected_facts += f->severity() == Severity::kInfo;
    } else {
      r.findings.push_back(f);
    }
  }
  summary->findings -= summary->suppressed;
  summary->findings -= FoldCardFunctions(&r.findings, topology);
  summary->facts = unselected_facts;
  for (const Finding* f : r.findings) summary->facts += f->severity() == Severity::kInfo;
  summary->problems = summary->findings - summary->facts;
  return r;
}

}  // namespace kdiag
