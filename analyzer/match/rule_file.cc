// Reading rules/*.toml with toml++ (exceptions stay inside this file: parse errors become Error
// values with the position toml++ reports) and checking every rule with RE2.
#include "analyzer/match/rule_file.h"

#include <dirent.h>

#include <algorithm>
#include <map>
#include <set>

#include <re2/re2.h>
#include <toml++/toml.h>

#include "analyzer/input/sources/file_text.h"
#include "analyzer/match/embedded_rules.h"

namespace kdiag {
namespace {

Location At(std::string_view file, const toml::source_region& src) {
  return Location{std::string(file), src.begin.line, src.begin.column};
}

// Collects the first problem; later checks do nothing once one is recorded.
class RuleReader {
 public:
  RuleReader(std::string_view file, PatternChecks checks)
      : file_(file), compile_(checks == PatternChecks::kCompile) {}

  bool failed() const { return error_.has_value(); }
  std::optional<Error> error() const { return error_; }

  void Fail(const toml::node& at, std::string message) {
    if (!error_) error_ = Error{At(file_, at.source()), std::move(message)};
  }

  // Required or optional string.
  bool String(const toml::table& t, std::string_view key, bool required, std::string* out) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Fail(t, "rule is missing required key '" + std::string(key) + "'");
      return !required;
    }
    if (!n->is_string()) {
      Fail(*n, "'" + std::string(key) + "' must be a string");
      return false;
    }
    *out = n->as_string()->get();
    return true;
  }

  bool StringList(const toml::node& n, std::string_view key, std::vector<std::string>* out) {
    const toml::array* a = n.as_array();
    if (!a) {
      Fail(n, "'" + std::string(key) + "' must be an array of strings");
      return false;
    }
    for (const toml::node& e : *a) {
      if (!e.is_string()) {
        Fail(e, "'" + std::string(key) + "' must hold only strings");
        return false;
      }
      out->push_back(e.as_string()->get());
    }
    return true;
  }

  void CompileCheck(const toml::node& at, const std::string& pattern, std::string_view what,
                    std::set<std::string>* groups) {
    if (!compile_) return;
    RE2::Options opt;
    opt.set_log_errors(false);
    RE2 re(pattern, opt);
    if (!re.ok()) {
      Fail(at, std::string(what) + " is not a valid RE2 pattern: " + re.error());
      return;
    }
    if (groups) {
      for (const auto& [name, index] : re.NamedCapturingGroups()) groups->insert(name);
    }
  }

  // Whether `name` is a named capture among `groups`; unknowable, so granted, when patterns are
  // trusted rather than compiled.
  bool Captures(const std::set<std::string>& groups, const std::string& name) const {
    return !compile_ || groups.count(name) != 0;
  }

  // Every {name} in a template must be a capture (or one of `extra`); "{{" and "}}" are literal.
  void CheckPlaceholders(const toml::node& at, std::string_view what, std::string_view text,
                         const std::set<std::string>& groups, std::string_view extra = "") {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '{') {
        ++i;
        continue;
      }
      if (text[i] != '{') continue;
      size_t end = text.find('}', i);
      if (end == std::string_view::npos) return;
      std::string name(text.substr(i + 1, end - i - 1));
      size_t colon = name.find(':');
      if (colon != std::string::npos) {
        if (name.substr(colon + 1) != "errno") {
          return Fail(at, std::string(what) + " names {" + name +
                              "}: the only format after ':' is 'errno'");
        }
        name.resize(colon);
      }
      if (!Captures(groups, name) && name != extra) {
        return Fail(at, std::string(what) + " names {" + name +
                            "}, which is not a named capture (write {{ for a literal brace)");
      }
      i = end;
    }
  }

  void ReadExample(const toml::node& n, const std::set<std::string>& groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[[rule.example]] must be a table");
    RuleExample ex;
    ex.where = At(file_, n.source());
    for (const auto& [k, v] : *t) {
      if (k != "line" && k != "fields" && k != "continuation" && k != "title") {
        return Fail(v, "unknown key '" + std::string(k.str()) + "' in example");
      }
    }
    if (!String(*t, "line", true, &ex.line)) return;
    if (const toml::node* f = t->get("fields")) {
      const toml::table* ft = f->as_table();
      if (!ft) return Fail(*f, "example 'fields' must be a table of strings");
      for (const auto& [k, v] : *ft) {
        if (!v.is_string()) return Fail(v, "example field values must be strings");
        std::string name(k.str());
        if (!Captures(groups, name)) {
          return Fail(v, "example field '" + name + "' is not a named capture of the pattern");
        }
        ex.fields.emplace_back(name, v.as_string()->get());
      }
    }
    if (const toml::node* c = t->get("continuation")) {
      if (!StringList(*c, "continuation", &ex.continuation)) return;
      if (rule->continuation.empty() && !rule->crash) {
        return Fail(*c, "example has continuation lines but the rule has no 'continuation'");
      }
    }
    if (!String(*t, "title", false, &ex.title)) return;
    if (!ex.title.empty() && !rule->crash) {
      return Fail(*t->get("title"), "example has a title but the rule has no [rule.crash]");
    }
    rule->examples.push_back(std::move(ex));
  }

  void ReadCrash(const toml::node& n, std::set<std::string>* groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[rule.crash] must be a table");
    for (const auto& [k, v] : *t) {
      if (k != "type" && k != "title" && k != "frames" && k != "skip" && k != "capture" &&
          k != "absorbs" && k != "yields" && k != "end" && k != "secondary" && k != "start" &&
          k != "interleaves" && k != "incomplete") {
        return Fail(v, "unknown key '" + std::string(k.str()) + "' in [rule.crash]");
      }
    }
    CrashSpec c;
    if (!String(*t, "type", true, &c.type) || !String(*t, "title", true, &c.title)) return;
    if (c.type.empty() || c.title.empty()) return Fail(n, "crash 'type' and 'title' must be set");
    if (const toml::node* f = t->get("frames")) {
      if (!StringList(*f, "frames", &c.frames)) return;
      for (const std::string& src : c.frames) {
        if (src == "rip" || src == "stack" || src == "stall") continue;
        if (src.compare(0, 6, "field:") == 0) continue;
        if (src.compare(0, 5, "line:") == 0) {
          std::set<std::string> line_groups;
          CompileCheck(*f, src.substr(5), "frames line pattern", &line_groups);
          if (failed()) return;
          if (!Captures(line_groups, "frame")) {
            return Fail(*f, "frames line pattern needs a (?P<frame>...) group");
          }
          continue;
        }
        if (src.compare(0, 6, "after:") == 0) {
          CompileCheck(*f, src.substr(6), "frames after pattern", nullptr);
          if (failed()) return;
          continue;
        }
        if (src.compare(0, 7, "anchor:") == 0) {
          CompileCheck(*f, src.substr(7), "frames anchor pattern", nullptr);
          if (failed()) return;
          continue;
        }
        return Fail(*f,
                    "frames entries are rip, stack, stall, field:NAME, line:REGEX, after:REGEX or "
                    "anchor:REGEX, not '" +
                        src + "'");
      }
    }
    if (c.frames.empty()) c.frames = {"rip", "stack"};
    if (!String(*t, "start", false, &c.start)) return;
    if (!c.start.empty()) CompileCheck(*t->get("start"), c.start, "start", nullptr);
    if (!String(*t, "skip", false, &c.skip)) return;
    if (!c.skip.empty()) CompileCheck(*t->get("skip"), c.skip, "skip", nullptr);
    if (const toml::node* cap = t->get("capture")) {
      if (!StringList(*cap, "capture", &c.capture)) return;
      for (const std::string& p : c.capture) CompileCheck(*cap, p, "capture", groups);
    }
    if (const toml::node* a = t->get("absorbs")) {
      if (!StringList(*a, "absorbs", &c.absorbs)) return;
    }
    if (const toml::node* y = t->get("yields")) {
      if (!StringList(*y, "yields", &c.yields)) return;
    }
    if (!String(*t, "incomplete", false, &c.incomplete)) return;
    if (!String(*t, "end", false, &c.end)) return;
    if (!c.end.empty()) CompileCheck(*t->get("end"), c.end, "end", nullptr);
    if (const toml::node* s = t->get("secondary")) {
      if (!s->is_boolean()) return Fail(*s, "'secondary' must be true or false");
      c.secondary = s->as_boolean()->get();
    }
    if (const toml::node* s = t->get("interleaves")) {
      if (!s->is_boolean()) return Fail(*s, "'interleaves' must be true or false");
      c.interleaves = s->as_boolean()->get();
    }
    for (const std::string& src : c.frames) {
      if (src.compare(0, 6, "field:") == 0 && !Captures(*groups, src.substr(6))) {
        return Fail(*t->get("frames"), "frames '" + src + "' names no capture");
      }
    }
    if (!failed()) rule->crash = std::move(c);
  }

  // [[rule.merge]]: after|before (the other rule's id), fields, lines, seconds (rule.h MergeSpec).
  // What needs the other rule (its existence, its captures) is checked by CheckUniqueIds.
  void ReadMerge(const toml::node& n, const std::set<std::string>& groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[[rule.merge]] must be a table");
    if (!TableKeys(*t, {"after", "before", "fields", "other_fields", "lines", "seconds"},
                   "[[rule.merge]]")) {
      return;
    }
    MergeSpec m;
    m.where = At(file_, n.source());
    std::string after, before;
    if (!String(*t, "after", false, &after) || !String(*t, "before", false, &before)) return;
    if (after.empty() == before.empty()) {
      return Fail(n,
                  "[[rule.merge]] needs exactly one of 'after' or 'before' (the other rule's id)");
    }
    m.other_first = !after.empty();
    m.other = m.other_first ? after : before;
    if (m.other == rule->id) return Fail(n, "a rule cannot merge with itself");
    if (const toml::node* f = t->get("fields")) {
      if (!StringList(*f, "fields", &m.fields)) return;
      for (const std::string& name : m.fields) {
        if (!Captures(groups, name)) {
          return Fail(*f, "merge field '" + name + "' is not a named capture of the pattern");
        }
      }
    }
    if (const toml::node* o = t->get("other_fields")) {
      const toml::table* ot = o->as_table();
      if (!ot) return Fail(*o, "merge 'other_fields' must be a table of strings");
      for (const auto& [k, v] : *ot) {
        if (!v.is_string()) return Fail(v, "merge 'other_fields' values must be strings");
        m.other_values.emplace_back(std::string(k.str()), v.as_string()->get());
      }
    }
    // `fields = []`, written out, ties the two events by the window alone (the old OOM killer's
    // choice and kill, whose pids differ when it kills a child instead).
    if (!t->get("fields") && m.other_values.empty()) {
      return Fail(n, "[[rule.merge]] needs 'fields' or 'other_fields' (what ties the two events)");
    }
    if (!Window(n, *t, "[[rule.merge]]", "merge", &m.lines, &m.max_us)) return;
    rule->merges.push_back(std::move(m));
  }

  // A window of a correlation table: `lines` (required, 1..100000) and `seconds` (optional, kernel
  // time). A number without its unit (`window = 10`) is refused by the tables' key checks.
  bool Window(const toml::node& n, const toml::table& t, const std::string& table,
              const std::string& what, uint64_t* lines_out, int64_t* max_us) {
    const toml::node* l = t.get("lines");
    if (!l) {
      Fail(n, table + " is missing required key 'lines'");
      return false;
    }
    const auto* lines = l->as_integer();
    if (!lines || lines->get() < 1 || lines->get() > 100000) {
      Fail(*l, what + " 'lines' must be an integer 1..100000");
      return false;
    }
    *lines_out = static_cast<uint64_t>(lines->get());
    if (const toml::node* sec = t.get("seconds")) {
      double v = 0;
      if (const auto* i = sec->as_integer())
        v = static_cast<double>(i->get());
      else if (const auto* d = sec->as_floating_point())
        v = d->get();
      if (!(v > 0 && v <= 86400)) {
        Fail(*sec, what + " 'seconds' must be a number in (0, 86400]");
        return false;
      }
      *max_us = static_cast<int64_t>(v * 1e6);
    }
    return true;
  }

  // Keys of a correlation table; a window key without its unit gets a message that says so.
  bool TableKeys(const toml::table& t, const std::set<std::string, std::less<>>& keys,
                 const std::string& table) {
    for (const auto& [k, v] : t) {
      if (keys.count(k.str())) continue;
      if (k.str() == "window" || k.str() == "within" || k.str() == "time") {
        Fail(v, "'" + std::string(k.str()) + "' in " + table +
                    " has no unit: give the window as 'lines = N' and/or 'seconds = S'");
      } else {
        Fail(v, "unknown key '" + std::string(k.str()) + "' in " + table);
      }
      return false;
    }
    return true;
  }

  // [[rule.settle]]: by (the resolving rule's id), fields, lines, seconds (rule.h SettleSpec).
  void ReadSettle(const toml::node& n, const std::set<std::string>& groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[[rule.settle]] must be a table");
    if (!TableKeys(*t, {"by", "fields", "lines", "seconds"}, "[[rule.settle]]")) return;
    SettleSpec s;
    s.where = At(file_, n.source());
    if (!String(*t, "by", true, &s.by)) return;
    if (s.by == rule->id) return Fail(n, "a rule cannot settle its own events");
    if (const toml::node* f = t->get("fields")) {
      if (!StringList(*f, "fields", &s.fields)) return;
      for (const std::string& name : s.fields) {
        if (!Captures(groups, name)) {
          return Fail(*f, "settle field '" + name + "' is not a named capture of the pattern");
        }
      }
    }
    if (!Window(n, *t, "[[rule.settle]]", "settle", &s.lines, &s.max_us)) return;
    rule->settles.push_back(std::move(s));
  }

  // [rule.threshold]: count, lines, seconds (rule.h ThresholdSpec).
  void ReadThreshold(const toml::node& n, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "'threshold' must be a table ([rule.threshold])");
    if (!TableKeys(*t, {"count", "lines", "seconds"}, "[rule.threshold]")) return;
    ThresholdSpec th;
    th.where = At(file_, n.source());
    const toml::node* c = t->get("count");
    if (!c) return Fail(n, "[rule.threshold] is missing required key 'count'");
    const auto* count = c->as_integer();
    if (!count || count->get() < 2 || count->get() > 1000) {
      return Fail(*c, "threshold 'count' must be an integer 2..1000");
    }
    th.count = static_cast<uint64_t>(count->get());
    if (!Window(n, *t, "[rule.threshold]", "threshold", &th.lines, &th.max_us)) return;
    rule->threshold = th;
  }

  // [[rule.explain]]: effect (the consequence's rule id), fields, device, lines, seconds (rule.h
  // ExplainSpec). What needs the effect's rule is checked by CheckUniqueIds.
  void ReadExplain(const toml::node& n, const std::set<std::string>& groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[[rule.explain]] must be a table");
    if (!TableKeys(*t, {"effect", "fields", "device", "lines", "seconds"}, "[[rule.explain]]")) {
      return;
    }
    ExplainSpec e;
    e.where = At(file_, n.source());
    if (!String(*t, "effect", true, &e.effect)) return;
    if (e.effect == rule->id) return Fail(n, "a rule cannot explain its own events");
    if (const toml::node* f = t->get("fields")) {
      if (!StringList(*f, "fields", &e.fields)) return;
      for (const std::string& name : e.fields) {
        if (!Captures(groups, name)) {
          return Fail(*f, "explain field '" + name + "' is not a named capture of the pattern");
        }
      }
    }
    if (const toml::node* d = t->get("device")) {
      const toml::table* dt = d->as_table();
      if (!dt) return Fail(*d, "explain 'device' must be a table { cause = NAME, effect = NAME }");
      if (!TableKeys(*dt, {"cause", "effect"}, "explain 'device'")) return;
      if (!String(*dt, "cause", true, &e.device_cause) ||
          !String(*dt, "effect", true, &e.device_effect)) {
        return;
      }
      if (!Captures(groups, e.device_cause)) {
        return Fail(
            *d, "explain device '" + e.device_cause + "' is not a named capture of the pattern");
      }
    }
    // `fields = []`, written out, ties the two by the window alone (an OOM kill and the hung tasks
    // that follow it share no value).
    if (!t->get("fields") && e.device_cause.empty()) {
      return Fail(n, "[[rule.explain]] needs 'fields' or 'device' (what ties cause and effect)");
    }
    if (!Window(n, *t, "[[rule.explain]]", "explain", &e.lines, &e.max_us)) return;
    rule->explains.push_back(std::move(e));
  }

  // [rule.part_of]: part, whole (rule.h PartOfSpec).
  void ReadPartOf(const toml::node& n, const std::set<std::string>& groups, Rule* rule) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "'part_of' must be a table ([rule.part_of])");
    if (!TableKeys(*t, {"part", "whole"}, "[rule.part_of]")) return;
    PartOfSpec p;
    p.where = At(file_, n.source());
    if (!String(*t, "part", true, &p.part) || !String(*t, "whole", true, &p.whole)) return;
    for (const std::string* name : {&p.part, &p.whole}) {
      if (!Captures(groups, *name)) {
        return Fail(n, "part_of field '" + *name + "' is not a named capture of the pattern");
      }
    }
    if (p.part == p.whole) return Fail(n, "[rule.part_of] 'part' and 'whole' must differ");
    rule->part_of = std::move(p);
  }

  void ReadRule(const toml::node& n, std::vector<Rule>* rules) {
    const toml::table* t = n.as_table();
    if (!t) return Fail(n, "[[rule]] must be a table");
    static const std::set<std::string, std::less<>> kKeys = {
        "id",      "severity", "source",         "pattern",   "summary",      "advice",
        "remedy",  "fact",     "guest_evidence", "key",       "continuation", "continuation_lines",
        "not",     "exclude",  "crash",          "merge",     "settle",       "threshold",
        "explain", "part_of",  "finding_alone",  "ends_boot", "synthetic",    "severity_reason",
        "example"};
    for (const auto& [k, v] : *t) {
      if (!kKeys.count(k.str())) return Fail(v, "unknown key '" + std::string(k.str()) + "'");
    }
    Rule r;
    r.where = At(file_, n.source());
    std::string severity, source;
    if (!String(*t, "id", true, &r.id)) return;
    if (r.id.empty() ||
        r.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
      return Fail(*t->get("id"), "rule id '" + r.id + "' must be [a-z0-9_.-]+");
    }
    if (!String(*t, "severity", true, &severity)) return;
    if (!ParseSeverity(severity, &r.severity)) {
      return Fail(*t->get("severity"), "severity must be info, notice, warning, error or critical");
    }
    if (!String(*t, "severity_reason", false, &r.severity_reason)) return;
    if (const toml::node* why = t->get("severity_reason")) {
      // Why the rule has its severity (what an operator loses): one line, read with the rule.
      if (r.severity_reason.empty() || r.severity_reason.size() > 400 ||
          r.severity_reason.find('\n') != std::string::npos) {
        return Fail(*why, "'severity_reason' must be one line of 1..400 characters");
      }
    }
    if (!String(*t, "source", true, &source)) return;
    if (source != "any") {
      Source s;
      if (!ParseSource(source, &s)) {
        return Fail(*t->get("source"), "source must be kernel, xen, guest, userspace or any");
      }
      r.source = s;
    }
    const toml::node* pat = t->get("pattern");
    if (!pat) return Fail(*t, "rule is missing required key 'pattern'");
    if (pat->is_string()) {
      r.patterns.push_back(pat->as_string()->get());
    } else if (!StringList(*pat, "pattern", &r.patterns)) {
      return;
    }
    if (r.patterns.empty()) return Fail(*pat, "'pattern' must not be empty");
    std::set<std::string> groups;
    for (const std::string& p : r.patterns) {
      CompileCheck(*pat, p, "pattern", &groups);
      if (failed()) return;
    }
    if (!String(*t, "summary", true, &r.summary)) return;
    if (!String(*t, "advice", false, &r.advice)) return;
    if (!String(*t, "remedy", false, &r.remedy)) return;
    if (!r.remedy.empty() && r.remedy != "pci-quirk" && r.remedy != "pte-decode") {
      return Fail(*t->get("remedy"), "remedy must be pci-quirk or pte-decode");
    }
    if (const toml::node* f = t->get("fact")) {
      if (!f->is_boolean()) return Fail(*f, "'fact' must be true or false");
      r.fact = f->as_boolean()->get();
    }
    if (const toml::node* e = t->get("ends_boot")) {
      if (!e->is_boolean()) return Fail(*e, "'ends_boot' must be true or false");
      r.ends_boot = e->as_boolean()->get();
    }
    if (const toml::node* s = t->get("synthetic")) {
      if (!s->is_boolean()) return Fail(*s, "'synthetic' must be true or false");
      r.synthetic = s->as_boolean()->get();
    }
    if (const toml::node* g = t->get("guest_evidence")) {
      if (!g->is_boolean()) return Fail(*g, "'guest_evidence' must be true or false");
      r.guest_evidence = g->as_boolean()->get();
    }
    if (const toml::node* c = t->get("crash")) {
      ReadCrash(*c, &groups, &r);
      if (failed()) return;
    }
    if (const toml::node* k = t->get("key")) {
      if (!StringList(*k, "key", &r.key)) return;
      for (const std::string& name : r.key) {
        if (!Captures(groups, name)) {
          return Fail(*k, "key field '" + name + "' is not a named capture of the pattern");
        }
      }
    }
    if (const toml::node* m = t->get("merge")) {
      if (!m->is_array_of_tables())
        return Fail(*m, "'merge' must be an array of tables ([[rule.merge]])");
      for (const toml::node& e : *m->as_array()) {
        ReadMerge(e, groups, &r);
        if (failed()) return;
      }
    }
    if (const toml::node* m = t->get("settle")) {
      if (!m->is_array_of_tables())
        return Fail(*m, "'settle' must be an array of tables ([[rule.settle]])");
      for (const toml::node& e : *m->as_array()) {
        ReadSettle(e, groups, &r);
        if (failed()) return;
      }
    }
    if (const toml::node* th = t->get("threshold")) {
      ReadThreshold(*th, &r);
      if (failed()) return;
    }
    if (const toml::node* m = t->get("explain")) {
      if (!m->is_array_of_tables())
        return Fail(*m, "'explain' must be an array of tables ([[rule.explain]])");
      for (const toml::node& e : *m->as_array()) {
        ReadExplain(e, groups, &r);
        if (failed()) return;
      }
    }
    if (const toml::node* p = t->get("part_of")) {
      ReadPartOf(*p, groups, &r);
      if (failed()) return;
    }
    if (const toml::node* a = t->get("finding_alone")) {
      if (!a->is_boolean()) return Fail(*a, "'finding_alone' must be true or false");
      r.finding_alone = a->as_boolean()->get();
      if (!r.finding_alone && r.explains.empty()) {
        return Fail(*a,
                    "'finding_alone = false' needs a [[rule.explain]] (what makes it a finding)");
      }
      if (!r.finding_alone && r.fact) {
        return Fail(*a, "a fact makes no finding: 'finding_alone' does not apply");
      }
    }
    CheckPlaceholders(*t->get("summary"), "summary", r.summary, groups);
    if (const toml::node* a = t->get("advice")) CheckPlaceholders(*a, "advice", r.advice, groups);
    if (r.crash) {
      CheckPlaceholders(*t->get("crash"), "crash title", r.crash->title, groups, "frame");
      CheckPlaceholders(*t->get("crash"), "crash incomplete title", r.crash->incomplete, groups,
                        "frame");
    }
    if (failed()) return;
    if (!String(*t, "continuation", false, &r.continuation)) return;
    if (!r.continuation.empty()) {
      CompileCheck(*t->get("continuation"), r.continuation, "continuation", nullptr);
      r.continuation_lines = 4;
    }
    if (const toml::node* c = t->get("continuation_lines")) {
      const auto* v = c->as_integer();
      if (!v || v->get() < 1 || v->get() > 64 || r.continuation.empty()) {
        return Fail(*c, "'continuation_lines' must be 1..64 and needs 'continuation'");
      }
      r.continuation_lines = static_cast<int>(v->get());
    }
    if (const toml::node* no = t->get("not")) {
      if (!StringList(*no, "not", &r.counter_examples)) return;
    }
    if (const toml::node* x = t->get("exclude")) {
      if (!StringList(*x, "exclude", &r.exclude)) return;
      for (const std::string& p : r.exclude) {
        CompileCheck(*x, p, "exclude", nullptr);
        if (failed()) return;
      }
    }
    const toml::node* ex = t->get("example");
    if (!ex || !ex->is_array_of_tables() || ex->as_array()->empty()) {
      return Fail(*t, "rule '" + r.id + "' needs at least one [[rule.example]]");
    }
    for (const toml::node& e : *ex->as_array()) {
      ReadExample(e, groups, &r);
      if (failed()) return;
    }
    rules->push_back(std::move(r));
  }

 private:
  std::string file_;
  bool compile_;
  std::optional<Error> error_;
};

// The named captures of a rule: its pattern variants' and its crash captures'.
std::set<std::string> CaptureNames(const Rule& rule) {
  std::set<std::string> names;
  std::vector<std::string> patterns = rule.patterns;
  if (rule.crash)
    patterns.insert(patterns.end(), rule.crash->capture.begin(), rule.crash->capture.end());
  RE2::Options opt;
  opt.set_log_errors(false);
  for (const std::string& p : patterns) {
    RE2 re(p, opt);
    for (const auto& [name, index] : re.NamedCapturingGroups()) names.insert(name);
  }
  return names;
}

}  // namespace

std::optional<Error> ParseRuleFile(std::string_view text, std::string_view name,
                                   std::vector<Rule>* rules, PatternChecks checks) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Error{At(name, e.source()), std::string(e.description())};
  }
  RuleReader reader(name, checks);
  for (const auto& [k, v] : doc) {
    if (k != "rule") {
      reader.Fail(v, "unknown top-level key '" + std::string(k.str()) + "' (expected [[rule]])");
      return reader.error();
    }
  }
  const toml::node* list = doc.get("rule");
  if (!list) return Error{Location{std::string(name), 0, 0}, "no [[rule]] tables"};
  if (!list->is_array_of_tables()) {
    reader.Fail(*list, "'rule' must be an array of tables ([[rule]])");
    return reader.error();
  }
  for (const toml::node& n : *list->as_array()) {
    reader.ReadRule(n, rules);
    if (reader.failed()) return reader.error();
  }
  return std::nullopt;
}

std::optional<Error> LoadRuleDir(const std::string& dir, std::vector<Rule>* rules) {
  DIR* d = opendir(dir.c_str());
  if (!d) return Error{Location{dir, 0, 0}, "cannot read rule directory"};
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".toml") == 0) names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  if (names.empty()) return Error{Location{dir, 0, 0}, "no *.toml rule files"};
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    std::string text;
    if (ReadFileText(path, &text)) return Error{Location{path, 0, 0}, "cannot read rule file"};
    if (auto err = ParseRuleFile(text, path, rules)) return err;
  }
  return std::nullopt;
}

std::optional<Error> LoadEmbeddedRules(std::vector<Rule>* rules, PatternChecks checks) {
  for (const EmbeddedRuleFile& f : EmbeddedRuleFiles()) {
    if (auto err = ParseRuleFile(f.text, f.name, rules, checks)) return err;
  }
  return std::nullopt;
}

std::optional<Error> CheckUniqueIds(const std::vector<Rule>& rules, CaptureChecks captures) {
  const bool check_captures = captures == CaptureChecks::kCompile;
  std::map<std::string_view, const Rule*> ids;
  for (const Rule& r : rules) ids.emplace(r.id, &r);
  for (const Rule& r : rules) {
    if (!r.crash) continue;
    for (const std::string& id : r.crash->absorbs) {
      if (!ids.count(id)) return Error{r.where, "crash 'absorbs' names unknown rule '" + id + "'"};
    }
    for (const std::string& id : r.crash->yields) {
      if (!ids.count(id)) return Error{r.where, "crash 'yields' names unknown rule '" + id + "'"};
    }
  }
  for (const Rule& r : rules) {
    for (const MergeSpec& m : r.merges) {
      auto other = ids.find(m.other);
      if (other == ids.end()) return Error{m.where, "merge names unknown rule '" + m.other + "'"};
      if (r.fact || other->second->fact) {
        return Error{m.where, "merge between '" + r.id + "' and '" + m.other +
                                  "': fact rules make no findings to merge"};
      }
      if (!check_captures) continue;
      std::set<std::string> groups = CaptureNames(*other->second);
      std::vector<std::string> names = m.fields;
      for (const auto& [name, value] : m.other_values) names.push_back(name);
      for (const std::string& name : names) {
        if (!groups.count(name)) {
          return Error{m.where, "merge field '" + name + "' is not a named capture of rule '" +
                                    m.other + "'"};
        }
      }
    }
  }
  for (const Rule& r : rules) {
    for (const SettleSpec& s : r.settles) {
      auto other = ids.find(s.by);
      if (other == ids.end()) return Error{s.where, "settle names unknown rule '" + s.by + "'"};
      if (!check_captures) continue;
      std::set<std::string> groups = CaptureNames(*other->second);
      for (const std::string& name : s.fields) {
        if (!groups.count(name)) {
          return Error{s.where,
                       "settle field '" + name + "' is not a named capture of rule '" + s.by + "'"};
        }
      }
    }
  }
  for (const Rule& r : rules) {
    for (const ExplainSpec& e : r.explains) {
      auto other = ids.find(e.effect);
      if (other == ids.end())
        return Error{e.where, "explain names unknown rule '" + e.effect + "'"};
      if (r.fact || other->second->fact) {
        return Error{e.where, "explain between '" + r.id + "' and '" + e.effect +
                                  "': fact rules make no findings to explain"};
      }
      if (!check_captures) continue;
      std::set<std::string> groups = CaptureNames(*other->second);
      std::vector<std::string> names = e.fields;
      if (!e.device_effect.empty()) names.push_back(e.device_effect);
      for (const std::string& name : names) {
        if (!groups.count(name)) {
          return Error{e.where, "explain field '" + name + "' is not a named capture of rule '" +
                                    e.effect + "'"};
        }
      }
    }
  }
  return CheckDuplicateIds(rules);
}

std::optional<Error> CheckDuplicateIds(const std::vector<Rule>& rules) {
  std::map<std::string_view, const Rule*> seen;
  for (const Rule& r : rules) {
    auto [it, added] = seen.emplace(r.id, &r);
    if (!added) {
      return Error{r.where, "duplicate rule id '" + r.id + "' (first defined at " +
                                it->second->where.ToString() + ")"};
    }
  }
  return std::nullopt;
}

std::optional<Error> OverlayRules(std::vector<Rule> layer, std::vector<Rule>* rules,
                                  std::vector<std::string>* notices) {
  if (auto err = CheckDuplicateIds(layer)) return err;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < rules->size(); ++i) index.emplace((*rules)[i].id, i);
  for (Rule& r : layer) {
    auto it = index.find(r.id);
    if (it == index.end()) {
      rules->push_back(std::move(r));
      continue;
    }
    Rule& old = (*rules)[it->second];
    notices->push_back(r.where.ToString() + ": rule '" + r.id + "' replaces the one at " +
                       old.where.ToString());
    old = std::move(r);
  }
  return std::nullopt;
}

}  // namespace kdiag
