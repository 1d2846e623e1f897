// Reported: which findings a run shows, and how its summary counts them.
//
// Three things leave findings out of the outputs, and the summary counts each so that nothing
// disappears silently:
//   - the config file's [[suppress]] (config/suppression.h): suppressed findings leave every
//     output and --fail-on, and are counted as "suppressed";
//   - --min-severity, --rule, --skip-rule (config/selection.h): the findings of other rules are
//     still found (they feed remedies and correlation) but not shown: "not_selected";
//   - the functions of one card with one problem print once (correlate/card_functions.h).
// The counts are taken over every finding, selected or not, so that they do not depend on the
// order in which suppression and selection apply. "findings" is what was found and not
// suppressed (schema 1's meaning); of them, "facts" are the info-level ones and "problems" the
// rest: the report's summary line counts only problems as findings (issue 18).
#ifndef KDIAG_CONFIG_REPORTED_H_
#define KDIAG_CONFIG_REPORTED_H_

#include <set>
#include <vector>

#include "analyzer/config/selection.h"
#include "analyzer/config/suppression.h"
#include "analyzer/correlate/finding.h"
#include "analyzer/correlate/pci_topology.h"
#include "analyzer/correlate/summary.h"

namespace kdiag {

struct Reported {
  std::vector<Finding*> findings;     // to show, in the order given, card functions folded
  std::set<const Finding*> silenced;  // suppressed by the config file (--fail-on skips them too)
};

// `all` are the run's findings (Pipeline::Findings()); `summary` holds the pipeline's counts and
// gains suppressed, not_selected, problems and facts. `suppressed_events` is the observer's count.
Reported SelectReported(const std::vector<Finding*>& all, const Suppressor& suppressor,
                        const Selection& selection, const PciTopology& topology, Summary* summary);

}  // namespace kdiag

#endif  // KDIAG_CONFIG_REPORTED_H_
