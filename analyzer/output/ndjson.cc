#include "analyzer/output/ndjson.h"

#include "analyzer/input/wall_clock.h"
#include "analyzer/output/device_report.h"
#include "analyzer/output/json_writer.h"

namespace kdiag {
namespace {

void Time(JsonWriter* w, const char* key, const std::optional<int64_t>& us) {
  w->Key(key);
  if (us) {
    w->Raw(FormatSeconds(*us));
  } else {
    w->Null();
  }
}

void Input(JsonWriter* w, const std::string& name, uint64_t line) {
  w->Key("input");
  w->BeginObject();
  w->Key("name");
  w->String(name);
  w->Key("line");
  w->Int(static_cast<int64_t>(line));
  w->EndObject();
}

void FieldsObject(JsonWriter* w, const Fields& fields) {
  w->Key("fields");
  w->BeginObject();
  for (const auto& [k, v] : fields) {
    w->Key(k);
    w->String(v);
  }
  w->EndObject();
}

void OptionalString(JsonWriter* w, const char* key, std::string_view value) {
  if (value.empty()) return;
  w->Key(key);
  w->String(std::string(value));
}

// RFC 3339 UTC with microseconds (input/wall_clock.h), or null.
void Timestamp(JsonWriter* w, const char* key, const std::optional<int64_t>& unix_us) {
  std::string text = unix_us ? FormatRfc3339Utc(*unix_us) : "";
  w->Key(key);
  text.empty() ? w->Null() : w->String(text);
}

// "timestamp" and, when known, "timestamp_source"; "boot_id" when known.
void WhenAndWhich(JsonWriter* w, const std::optional<int64_t>& unix_us, std::string_view source,
                  const std::string& boot_id) {
  Timestamp(w, "timestamp", unix_us);
  if (unix_us) OptionalString(w, "timestamp_source", source);
  OptionalString(w, "boot_id", boot_id);
}

void StringArray(JsonWriter* w, const char* key, const std::set<std::string>& values) {
  w->Key(key);
  w->BeginArray();
  for (const std::string& v : values) w->String(v);
  w->EndArray();
}

}  // namespace

void AppendRecordJson(const Record& r, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("type");
  w.String("record");
  Time(&w, "time", r.time_us);
  w.Key("wall_time");
  r.wall_time.empty() ? w.Null() : w.String(r.wall_time);
  if (r.wall_year > 0) {
    w.Key("wall_year");
    w.Int(r.wall_year);
  }
  w.Key("level");
  r.level < 0 ? w.Null() : w.Int(r.level);
  w.Key("facility");
  r.facility < 0 ? w.Null() : w.Int(r.facility);
  w.Key("source");
  w.String(SourceName(r.source));
  w.Key("provenance");
  w.String(ProvenanceName(ProvenanceOf(r)));
  if (r.source == Source::kGuest && r.domain >= 0) {
    w.Key("domain");
    w.Int(r.domain);
  }
  w.Key("host");
  r.host.empty() ? w.Null() : w.String(r.host);
  OptionalString(&w, "program", r.program);
  OptionalString(&w, "caller", r.caller);
  OptionalString(&w, "subsystem", r.subsystem);
  OptionalString(&w, "device", r.device);
  w.Key("boot");
  w.Int(r.boot);
  w.Key("message");
  w.String(r.text);
  Input(&w, r.input, r.line);
  WhenAndWhich(&w, r.timestamp_us, r.timestamp_source, r.boot_id);
  w.EndObject();
  out->push_back('\n');
}

namespace {

// design.md: crash events carry top-level "title", "crash_type", "corrupted" and "frames".
void CrashMembers(JsonWriter* w, const CrashReport& c) {
  w->Key("title");
  w->String(c.title);
  w->Key("crash_type");
  w->String(c.type);
  w->Key("corrupted");
  w->Bool(c.corrupted);
  if (!c.frame.empty()) {
    w->Key("frame");
    w->String(c.frame);
  }
  w->Key("frames");
  w->BeginArray();
  for (const std::string& f : c.frames) w->String(f);
  w->EndArray();
}

}  // namespace

void AppendEventJson(const Event& e, std::string* out) {
  const Record& r = e.record;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("type");
  w.String("event");
  w.Key("rule");
  w.String(e.rule->id);
  w.Key("severity");
  w.String(SeverityName(e.rule->severity));
  w.Key("source");
  w.String(SourceName(r.source));
  w.Key("provenance");
  w.String(ProvenanceName(ProvenanceOf(r)));
  Time(&w, "time", r.time_us);
  w.Key("boot");
  w.Int(r.boot);
  FieldsObject(&w, e.fields);
  w.Key("message");
  w.String(r.text);
  Input(&w, r.input, r.line);
  w.Key("summary");
  w.String(ExpandTemplate(e.rule->summary, e.fields));
  OptionalString(&w, "wall_time", r.wall_time);
  OptionalString(&w, "host", r.host);
  if (r.level >= 0) {
    w.Key("level");
    w.Int(r.level);
  }
  if (r.source == Source::kGuest && r.domain >= 0) {
    w.Key("domain");
    w.Int(r.domain);
  }
  if (e.continuation > 0) {
    w.Key("lines");
    w.Int(r.line_count);
  }
  if (e.crash) CrashMembers(&w, *e.crash);
  WhenAndWhich(&w, r.timestamp_us, r.timestamp_source, r.boot_id);
  w.EndObject();
  out->push_back('\n');
}

void AppendFindingJson(const Finding& f, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("type");
  w.String("finding");
  w.Key("rule");
  w.String(f.rule->id);
  w.Key("severity");
  w.String(SeverityName(f.severity()));
  if (f.severity() != f.rule->severity) {  // raised by a consequence (correlate/finding.h)
    w.Key("rule_severity");
    w.String(SeverityName(f.rule->severity));
    w.Key("severity_from");
    w.String(f.severity_from);
  }
  w.Key("source");
  w.String(f.rule->source ? SourceName(*f.rule->source) : "any");
  w.Key("provenance");
  w.String(ProvenanceName(f.provenance));
  w.Key("boot");
  w.Int(f.boot);
  w.Key("count");
  w.Int(static_cast<int64_t>(f.count));
  Time(&w, "first", f.first_us);
  Time(&w, "last", f.last_us);
  FieldsObject(&w, f.fields);
  w.Key("summary");
  w.String(f.summary);
  w.Key("advice");
  w.String(f.advice);
  w.Key("message");
  w.String(f.message);
  Input(&w, f.input, f.line);
  if (f.crash) CrashMembers(&w, *f.crash);
  AppendCardMembers(f, &w);
  if (!f.merged.empty()) {
    // Events of other rules that are part of this finding ([[rule.merge]]); they were also
    // emitted as events of their own rules.
    w.Key("merged");
    w.BeginArray();
    for (const MergedEvents& m : f.merged) {
      w.BeginObject();
      w.Key("rule");
      w.String(m.rule);
      w.Key("count");
      w.Int(static_cast<int64_t>(m.count));
      w.Key("message");
      w.String(m.message);
      Input(&w, f.input, m.line);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!f.explained.empty()) {
    // Events of other rules that are consequences of this finding ([[rule.explain]]): no finding
    // of their own; they were also emitted as events of their own rules.
    w.Key("explained");
    w.BeginArray();
    for (const ExplainedEvents& e : f.explained) {
      w.BeginObject();
      w.Key("rule");
      w.String(e.rule);
      w.Key("count");
      w.Int(static_cast<int64_t>(e.count));
      w.Key("line");
      w.Int(static_cast<int64_t>(e.line));
      w.Key("last_line");
      w.Int(static_cast<int64_t>(e.last_line));
      w.Key("summary");
      w.String(e.summary);
      w.Key("message");
      w.String(e.message);
      Input(&w, f.input, e.line);
      w.EndObject();
    }
    w.EndArray();
  }
  WhenAndWhich(&w, f.first_timestamp_us, f.timestamp_source, f.boot_id);
  Timestamp(&w, "first_timestamp", f.first_timestamp_us);
  Timestamp(&w, "last_timestamp", f.last_timestamp_us);
  OptionalString(&w, "host", f.host);
  w.EndObject();
  out->push_back('\n');
}

void AppendSummaryJson(const Summary& s, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("type");
  w.String("summary");
  auto num = [&](const char* k, uint64_t v) {
    w.Key(k);
    w.Int(static_cast<int64_t>(v));
  };
  num("records", s.records);
  num("bytes", s.bytes);
  num("boots", s.boots);
  num("events", s.events);
  num("findings", s.findings);
  num("inputs", s.inputs);
  num("errors", s.errors);
  num("truncated_lines", s.truncated_lines);
  num("findings_dropped", s.findings_dropped);
  num("problems", s.problems);
  num("facts", s.facts);
  if (s.kmsg_lost > 0) num("kmsg_lost", s.kmsg_lost);
  StringArray(&w, "hosts", s.hosts);
  StringArray(&w, "boot_ids", s.boot_ids);
  if (s.suppressed > 0 || s.suppressed_events > 0) {
    num("suppressed", s.suppressed);
    num("suppressed_events", s.suppressed_events);
  }
  if (s.not_selected > 0) num("not_selected", s.not_selected);
  // Last, so that readers matching the summary's first keys as text keep working.
  w.Key("schema");  // schema/kdiag-event.schema.json's version
  w.Int(kNdjsonSchemaVersion);
  w.EndObject();
  out->push_back('\n');
}

}  // namespace kdiag
