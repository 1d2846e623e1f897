// The configuration file: what an operator tells every run of kdiag on a machine, in TOML.
//
//   fail-on = "error"                 # any top-level key is a long flag's name, without "--",
//   rules = ["/etc/kdiag/rules"]      # and means exactly that flag; a flag given on the command
//                                     # line wins over it
//   [[suppress]]                      # findings and events to leave out of the report, counted
//   rule = "net.link.*"               #   a glob on the rule id (fnmatch: *, ?, [...])
//   match = "eth[0-9]+"               #   optional: RE2, searched in the message
//   fields = { iface = "eth1" }       #   optional: captures that must have these values
//   reason = "lab switch, ticket 42"  #   required: why (shown when the entry expires)
//   expires = 2027-01-31              #   optional: from the day after, it no longer applies
//   [rule."net.link.down"]            # a rule's settings, by id:
//   severity = "info"                 #   its severity
//   enabled = false                   #   or not run at all
//
// Where kdiag looks (DefaultConfigPaths): /etc/kdiag/config.toml, then
// $XDG_CONFIG_HOME/kdiag/config.toml ($HOME/.config when XDG_CONFIG_HOME is unset); both are read
// when both exist, the later's flag values and rule settings winning. `--config FILE` reads only
// FILE; `--no-config` none. Errors name file:line:column, as rule files' do.
//
// Some flags say what one run reads and where it writes (the inputs, --kmsg, --follow, --state,
// --output-file, --emit...): a config file that sets them is an error, since every later run would
// silently read or overwrite the same thing.
#ifndef KDIAG_CONFIG_CONFIG_FILE_H_
#define KDIAG_CONFIG_CONFIG_FILE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/input/location.h"
#include "analyzer/match/rule.h"

namespace kdiag {

// A top-level key: a flag's value(s), as the command line would give them ("true" for a flag).
struct FlagDefault {
  std::string flag;  // the long name, without "--"
  std::vector<std::string> values;
  Location where;
};

// A [[suppress]] entry.
struct Suppression {
  std::string rule;     // glob on the rule id
  std::string match;    // RE2 on the message, or empty
  Fields fields;        // required capture values
  std::string reason;   // required
  std::string expires;  // YYYY-MM-DD (the last day it applies), or empty: never
  Location where;
};

// A [rule."ID"] table.
struct RuleOverride {
  std::string id;
  std::optional<Severity> severity;
  std::optional<bool> enabled;
  Location where;
};

struct ConfigFile {
  std::vector<FlagDefault> defaults;
  std::vector<Suppression> suppressions;
  std::vector<RuleOverride> overrides;
};

// Parses one config file's text and adds what it says to `out` (a later file's values come later
// and win). `name` is used in errors.
std::optional<Error> ParseConfigFile(std::string_view text, std::string_view name, ConfigFile* out);

// Reads `path` (an error when it cannot be read) and parses it.
std::optional<Error> LoadConfigFile(const std::string& path, ConfigFile* out);

// Reads `explicit_path` when not empty, else the default files that exist (unless `none`).
std::optional<Error> LoadConfigFiles(const std::string& explicit_path, bool none, ConfigFile* out);

// The default config files that exist, in the order they are read. `xdg_config_home` and `home`
// are the environment's values (null when unset).
std::vector<std::string> DefaultConfigPaths(const char* xdg_config_home, const char* home);

// Hands every flag default to `set` (in file order; the caller skips flags the command line
// gave). `set` returns an empty string or what is wrong with the value, which becomes an error at
// the key.
using FlagSetter =
    std::function<std::string(const std::string& flag, const std::vector<std::string>& values)>;
std::optional<Error> ApplyFlagDefaults(const ConfigFile& config, const FlagSetter& set);

}  // namespace kdiag

#endif  // KDIAG_CONFIG_CONFIG_FILE_H_
