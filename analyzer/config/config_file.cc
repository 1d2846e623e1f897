// Reading the configuration file with toml++ (as rule files are read: exceptions stay in this file,
// parse errors become Error values at the position toml++ reports) and checking each entry.
#include "analyzer/config/config_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <re2/re2.h>
#include <toml++/toml.h>

#include "analyzer/input/sources/file_text.h"

namespace kdiag {
namespace {

Location At(std::string_view file, const toml::source_region& src) {
  return Location{std::string(file), src.begin.line, src.begin.column};
}

// Flags that name what one run reads or writes: never from a config file.
bool PerRunFlag(std::string_view flag) {
  static const char* const kPerRun[] = {
      "config", "no-config",   "help",     "version", "kmsg",  "journal",
      "source", "follow",      "from-end", "omprog",  "state", "merge",
      "emit",   "output-file", "paths",    "metrics", "boot",  "list-boots"};
  for (const char* f : kPerRun) {
    if (flag == f) return true;
  }
  return false;
}

// A long option's name: lower-case letters, digits and inner dashes. TOML lets a key be any quoted
// string (even ""), so this is checked before the key reaches the flag setter or a message.
bool FlagName(std::string_view key) {
  if (key.empty() || key.size() > 64 || key.front() == '-' || key.back() == '-') return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// "YYYY-MM-DD" from a TOML date or a string holding one.
bool DateValue(const toml::node& n, std::string* out) {
  int y = 0, m = 0, d = 0;
  if (const auto* date = n.as_date()) {
    y = date->get().year, m = date->get().month, d = date->get().day;
  } else if (const auto* s = n.as_string()) {
    char tail = 0;
    if (std::sscanf(s->get().c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  } else {
    return false;
  }
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  *out = buf;
  return true;
}

class ConfigReader {
 public:
  ConfigReader(std::string_view file, ConfigFile* out) : file_(file), out_(out) {}
  std::optional<Error> error() const { return error_; }

  void Fail(const toml::node& at, std::string message) {
    if (!error_) error_ = Error{At(file_, at.source()), std::move(message)};
  }

  void Read(const toml::table& doc) {
    for (const auto& [k, v] : doc) {
      std::string key(k.str());
      if (key == "suppress") {
        ReadSuppressions(v);
      } else if (key == "rule") {
        ReadOverrides(v);
      } else {
        ReadFlag(key, v);
      }
      if (error_) return;
    }
  }

 private:
  bool String(const toml::table& t, std::string_view key, bool required, std::string_view what,
              std::string* out) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Fail(t, std::string(what) + " needs '" + std::string(key) + "'");
      return !required;
    }
    if (!n->is_string()) {
      Fail(*n, "'" + std::string(key) + "' must be a string");
      return false;
    }
    *out = n->as_string()->get();
    return true;
  }

  void ReadFlag(const std::string& key, const toml::node& v) {
    if (!FlagName(key)) {
      return Fail(v, "'" + key +
                         "' is not a flag name: a top-level key is a long option without its "
                         "dashes (fail-on = \"error\")");
    }
    if (PerRunFlag(key)) {
      return Fail(v, "'" + key +
                         "' says what one run reads or writes: give it on the command line, not "
                         "in a config file");
    }
    FlagDefault d;
    d.flag = key;
    d.where = At(file_, v.source());
    auto scalar = [](const toml::node& n, std::string* s) {
      if (const auto* str = n.as_string()) return *s = str->get(), true;
      if (const auto* i = n.as_integer()) return *s = std::to_string(i->get()), true;
      if (const auto* b = n.as_boolean()) return *s = b->get() ? "true" : "false", true;
      return false;
    };
    std::string s;
    if (const toml::array* a = v.as_array()) {
      for (const toml::node& e : *a) {
        if (!scalar(e, &s)) return Fail(e, "'" + key + "' must hold strings, integers or booleans");
        d.values.push_back(s);
      }
    } else if (scalar(v, &s)) {
      d.values.push_back(s);
    } else {
      return Fail(v, "'" + key + "' must be a string, integer, boolean or an array of them");
    }
    out_->defaults.push_back(std::move(d));
  }

  void ReadSuppressions(const toml::node& v) {
    if (!v.is_array_of_tables())
      return Fail(v, "'suppress' must be an array of tables ([[suppress]])");
    for (const toml::node& n : *v.as_array()) {
      ReadSuppression(*n.as_table());
      if (error_) return;
    }
  }

  void ReadSuppression(const toml::table& t) {
    for (const auto& [k, v] : t) {
      if (k != "rule" && k != "match" && k != "fields" && k != "reason" && k != "expires") {
        return Fail(v, "unknown key '" + std::string(k.str()) +
                           "' in [[suppress]] (rule, match, fields, reason, expires)");
      }
    }
    Suppression s;
    s.where = At(file_, t.source());
    if (!String(t, "rule", true, "[[suppress]]", &s.rule) ||
        !String(t, "match", false, "[[suppress]]", &s.match) ||
        !String(t, "reason", true, "[[suppress]]", &s.reason)) {
      return;
    }
    if (s.rule.empty()) return Fail(*t.get("rule"), "'rule' is empty (\"*\" is every rule)");
    if (s.reason.empty()) return Fail(*t.get("reason"), "'reason' is empty: say why");
    if (!s.match.empty()) {
      RE2::Options opt;
      opt.set_log_errors(false);
      RE2 re(s.match, opt);
      if (!re.ok())
        return Fail(*t.get("match"), "'match' is not a valid RE2 pattern: " + re.error());
    }
    if (const toml::node* f = t.get("fields")) {
      const toml::table* ft = f->as_table();
      if (!ft) return Fail(*f, "'fields' must be a table of strings");
      for (const auto& [k, fv] : *ft) {
        if (!fv.is_string()) return Fail(fv, "'fields' values must be strings");
        s.fields.emplace_back(std::string(k.str()), fv.as_string()->get());
      }
    }
    if (const toml::node* e = t.get("expires")) {
      if (!DateValue(*e, &s.expires)) {
        return Fail(*e, "'expires' must be a date (2027-01-31)");
      }
    }
    out_->suppressions.push_back(std::move(s));
  }

  void ReadOverrides(const toml::node& v) {
    const toml::table* t = v.as_table();
    if (!t) return Fail(v, "'rule' must be a table of rule ids ([rule.\"net.link.down\"])");
    for (const auto& [id, n] : *t) {
      const toml::table* rt = n.as_table();
      if (!rt) return Fail(n, "[rule.\"" + std::string(id.str()) + "\"] must be a table");
      RuleOverride o;
      o.id = std::string(id.str());
      o.where = At(file_, n.source());
      for (const auto& [k, kv] : *rt) {
        if (k == "severity") {
          Severity s;
          if (!kv.is_string() || !ParseSeverity(kv.as_string()->get(), &s)) {
            return Fail(kv, "'severity' must be info, notice, warning, error or critical");
          }
          o.severity = s;
        } else if (k == "enabled") {
          if (!kv.is_boolean()) return Fail(kv, "'enabled' must be true or false");
          o.enabled = kv.as_boolean()->get();
        } else {
          return Fail(kv, "unknown key '" + std::string(k.str()) +
                              "' in a rule's settings (severity, enabled)");
        }
      }
      out_->overrides.push_back(std::move(o));
    }
  }

  std::string_view file_;
  ConfigFile* out_;
  std::optional<Error> error_;
};

}  // namespace

std::optional<Error> ParseConfigFile(std::string_view text, std::string_view name,
                                     ConfigFile* out) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Error{At(name, e.source()), std::string(e.description())};
  }
  ConfigFile parsed;
  ConfigReader reader(name, &parsed);
  reader.Read(doc);
  if (auto err = reader.error()) return err;
  // toml++ hands a table's keys over in name order; keep the file's order.
  auto in_file_order = [](const auto& a, const auto& b) {
    return std::make_pair(a.where.line, a.where.column) <
           std::make_pair(b.where.line, b.where.column);
  };
  std::stable_sort(parsed.defaults.begin(), parsed.defaults.end(), in_file_order);
  std::stable_sort(parsed.overrides.begin(), parsed.overrides.end(), in_file_order);
  for (FlagDefault& d : parsed.defaults) out->defaults.push_back(std::move(d));
  for (Suppression& s : parsed.suppressions) out->suppressions.push_back(std::move(s));
  for (RuleOverride& o : parsed.overrides) out->overrides.push_back(std::move(o));
  return std::nullopt;
}

std::optional<Error> LoadConfigFile(const std::string& path, ConfigFile* out) {
  std::string text;
  if (ReadFileText(path, &text)) return Error{Location{path, 0, 0}, "cannot read config file"};
  return ParseConfigFile(text, path, out);
}

std::optional<Error> LoadConfigFiles(const std::string& explicit_path, bool none, ConfigFile* out) {
  if (!explicit_path.empty()) return LoadConfigFile(explicit_path, out);
  if (none) return std::nullopt;
  for (const std::string& path :
       DefaultConfigPaths(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"))) {
    if (auto err = LoadConfigFile(path, out)) return err;
  }
  return std::nullopt;
}

std::vector<std::string> DefaultConfigPaths(const char* xdg_config_home, const char* home) {
  std::vector<std::string> candidates = {"/etc/kdiag/config.toml"};
  if (xdg_config_home && *xdg_config_home == '/') {
    candidates.push_back(std::string(xdg_config_home) + "/kdiag/config.toml");
  } else if (home && *home == '/') {
    candidates.push_back(std::string(home) + "/.config/kdiag/config.toml");
  }
  std::vector<std::string> found;
  for (const std::string& p : candidates) {
    struct stat st;
    if (stat(p.c_str(), &st) == 0) found.push_back(p);
  }
  return found;
}

std::optional<Error> ApplyFlagDefaults(const ConfigFile& config, const FlagSetter& set) {
  for (const FlagDefault& d : config.defaults) {
    std::string problem = set(d.flag, d.values);
    if (!problem.empty()) return Error{d.where, "'" + d.flag + "': " + problem};
  }
  return std::nullopt;
}

}  // namespace kdiag
