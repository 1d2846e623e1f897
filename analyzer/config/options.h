// Options: everything one run of kdiag is told, in one object, and the combinations that make no
// sense.
//
// The command line fills an Options (cli/main.cc only parses flags into it and wires the stages);
// a configuration file, when kdiag gets one, fills the same object, so a setting has one name and
// one meaning wherever it comes from, and every combination is checked in one place, here, before
// any input is read. Nothing in this file reads a file or the environment.
#ifndef KDIAG_CONFIG_OPTIONS_H_
#define KDIAG_CONFIG_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "analyzer/config/config_file.h"

namespace kdiag {

struct Options {
  // What to read.
  std::vector<std::string> paths;        // files, directories, "-" (stdin); none: stdin
  std::vector<std::string> journals;     // --journal: binary journal files or directories
  std::vector<std::string> guest_paths;  // --source guest PATH: logs a guest wrote (no host fix)
  bool kmsg = false;                     // --kmsg: /dev/kmsg up to its end (with follow: live)
  std::string format = "auto";           // --format

  // Rules.
  std::vector<std::string> rule_dirs;   // --rules DIR...
  bool no_embedded = false;             // --no-embedded-rules
  std::vector<std::string> check_dirs;  // `rules check DIR...`

  // The PCI inventory beyond the log.
  std::vector<std::string> lspci;  // --lspci FILE...
  std::string sysfs;               // --sysfs ROOT
  std::string pci_ids;             // --pci-ids FILE | none; empty: the system's copy

  // What to write.
  std::string output = "text";  // text | ndjson | html
  bool output_given = false;    // --output was given (live modes accept only ndjson)
  std::string output_file;      // --output-file
  std::string html_file;        // --html FILE: the HTML report too, next to --output's
  std::string emit;             // xend-quirks | sysfs-quirks | xl
  std::string merge;            // --merge FILE, with --emit xend-quirks
  bool records = false;         // --records, with ndjson
  std::string fail_on;          // --fail-on SEVERITY
  std::string color = "auto";   // --color auto | always | never (NO_COLOR wins over auto only)
  bool quiet = false;           // -q, --quiet: no report, only the exit status (and errors)

  // Live use.
  bool follow = false;
  bool from_end = false;
  bool omprog = false;
  std::string state_file;  // --state: with --follow/--omprog the sidecar's; else one file or
                           // --kmsg read from where the last run left it (live/batch_state.h)
  std::string metrics_file;

  // What to look at (config/selection.h).
  std::string since;                         // --since TIME
  std::string until;                         // --until TIME
  std::optional<int> boot;                   // --boot N, journalctl numbering
  bool list_boots = false;                   // --list-boots
  std::string min_severity;                  // --min-severity LEVEL
  std::vector<std::string> rule_globs;       // --rule GLOB
  std::vector<std::string> skip_rule_globs;  // --skip-rule GLOB

  int threads = 0;  // 0: all cores

  // The config file (config_file.h): its flag values are applied as if given on the command line
  // (where a flag given wins); its suppressions and rule settings land here.
  std::string config_file;                   // --config FILE (only FILE); empty: the defaults
  bool no_config = false;                    // --no-config
  std::vector<Suppression> suppressions;     // [[suppress]]
  std::vector<RuleOverride> rule_overrides;  // [rule."ID"]

  bool live() const { return follow || omprog; }
};

// What a batch run reads when the command line names no input: stdin, or, when stdin is a
// terminal (nobody pastes a log into kdiag), the running kernel's log from /dev/kmsg, as a bare
// `dmesg` does. Leaves *opt alone when it names an input.
void DefaultInputs(Options* opt, bool stdin_is_terminal);

// The first combination of options that makes no sense, as a one-line message for the user; an
// empty string when they are fine.
std::string CheckOptions(const Options& opt);

}  // namespace kdiag

#endif  // KDIAG_CONFIG_OPTIONS_H_
