// DmesgJsonFramer: the document shape and the damage rules are in the header.
//
// The one loop that matters is the character scan in Line(): "},{" closes an entry and opens the
// next on one line, so entries are cut out of the document by bracket depth, not by lines. JSON
// strings never span lines (util-linux writes a newline as "\n"), so the string state restarts
// with every line; a line that leaves a string open only makes its entry fail to parse.
#include "analyzer/input/framers/dmesg_json_framer.h"

#include "analyzer/input/prefixes/console_prefix.h"

#include <cctype>
#include <cmath>
#include <utility>

#include "analyzer/input/framers/journal_fields.h"

namespace kdiag {
namespace {

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Skips JSON whitespace from *p, then takes `token` there.
bool TakeToken(std::string_view s, size_t* p, std::string_view token) {
  while (*p < s.size() && IsJsonSpace(s[*p])) ++*p;
  if (s.substr(*p, token.size()) != token) return false;
  *p += token.size();
  return true;
}

// The text of the number that is the value of top-level key `key` in the (valid JSON) object
// `object`; empty when there is none.
std::string_view RawNumber(std::string_view object, std::string_view key) {
  int depth = 0;
  for (size_t i = 0; i < object.size(); ++i) {
    char c = object[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      size_t begin = i + 1;
      for (++i; i < object.size() && object[i] != '"'; ++i) {
        if (object[i] == '\\') ++i;
      }
      if (depth != 1 || object.substr(begin, i - begin) != key) continue;
      size_t p = i + 1;
      if (!TakeToken(object, &p, ":")) continue;
      while (p < object.size() && IsJsonSpace(object[p])) ++p;
      size_t end = p;
      while (end < object.size() &&
             (std::isdigit(static_cast<unsigned char>(object[end])) || object[end] == '.' ||
              object[end] == '-' || object[end] == '+' || object[end] == 'e' ||
              object[end] == 'E')) {
        ++end;
      }
      return object.substr(p, end - p);
    }
  }
  return {};
}

// "%5ld.%06ld" seconds (leading spaces already gone) to exact microseconds; false for any other
// spelling (an exponent, a sign, more than six decimals).
bool ParseSecondsText(std::string_view s, int64_t* usec) {
  size_t p = 0;
  int64_t seconds = 0;
  while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
    if (p >= 12) return false;
    seconds = seconds * 10 + (s[p] - '0');
    ++p;
  }
  if (p == 0) return false;
  int64_t fraction = 0;
  size_t decimals = 0;
  if (p < s.size() && s[p] == '.') {
    for (++p; p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])); ++p) {
      if (++decimals > 6) return false;
      fraction = fraction * 10 + (s[p] - '0');
    }
    if (decimals == 0) return false;
  }
  if (p != s.size()) return false;
  for (; decimals < 6; ++decimals) fraction *= 10;
  *usec = seconds * 1000000 + fraction;
  return true;
}

}  // namespace

bool LooksLikeDmesgJson(std::string_view head) {
  // "{" then "\"dmesg\"" ':' '[', whatever whitespace (and line breaks) lie between.
  size_t p = 0;
  return TakeToken(head, &p, "{") && TakeToken(head, &p, "\"dmesg\"") && TakeToken(head, &p, ":") &&
         TakeToken(head, &p, "[");
}

DmesgJsonFramer::DmesgJsonFramer(std::string input_name) : input_name_(std::move(input_name)) {}

void DmesgJsonFramer::Line(std::string_view line, uint64_t number, const RecordSink& sink) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (depth_ == 0 && !in_entry_) {
    if (IsBlank(line)) return;
    size_t first = line.find_first_not_of(" \t");
    if (line[first] != '{') {  // outside any document: not dmesg JSON
      sink(UnparsedRecord(line, input_name_, number, 1));
      return;
    }
  }
  auto append = [this](std::string_view part) {
    if (overflow_) return;
    if (entry_.size() + part.size() > kMaxEntryBytes || line_count_ > kMaxEntryLines) {
      overflow_ = true;
      return;
    }
    entry_.append(part);
  };
  if (in_entry_) {
    ++line_count_;
    append("\n");
  }
  bool touched_entry = in_entry_;
  bool junk = false;  // text between entries that util-linux never writes
  size_t begin = 0;   // where this line's part of the entry starts
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      if (!in_entry_ && depth_ == 2 && array_) junk = true;
    } else if (c == '{' || c == '[') {
      if (in_entry_ && depth_ >= 3) {
        // dmesg entries hold no nested values: the open entry lost its closing brace.
        append(line.substr(begin, i - begin));
        CloseEntry(false, sink);
        depth_ = 2;
      }
      ++depth_;
      if (depth_ == 2) array_ = c == '[';
      if (depth_ == 3 && array_ && c == '{') {
        in_entry_ = true;
        touched_entry = true;
        first_line_ = number;
        line_count_ = 1;
        begin = i;
      }
    } else if (c == '}' || c == ']') {
      if (depth_ > 0) --depth_;
      if (in_entry_ && depth_ <= 2) {
        append(line.substr(begin, i + 1 - begin));
        CloseEntry(c == '}', sink);
      }
    } else if (!in_entry_ && depth_ == 2 && array_ && c != ',' && !IsJsonSpace(c)) {
      junk = true;
    }
  }
  if (in_entry_) append(line.substr(begin));
  if (junk && !touched_entry) sink(UnparsedRecord(line, input_name_, number, 1));
}

void DmesgJsonFramer::Finish(const RecordSink& sink) {
  // A -w document without its closing "]}" is complete; an entry without its "}" was cut.
  if (in_entry_) CloseEntry(false, sink);
  depth_ = 0;
  array_ = false;
}

void DmesgJsonFramer::CloseEntry(bool complete, const RecordSink& sink) {
  size_t size = entry_.size();
  Record record;
  bool decoded = false;
  if (complete && !overflow_) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end; give it zeros, not a copy.
    entry_.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::object object;
    if (parser_.parse(entry_.data(), size, false).get_object().get(object) == simdjson::SUCCESS) {
      decoded = Decode(object, &record);
    }
  }
  if (decoded) {
    record.input = input_name_;
    record.line = first_line_;
    record.line_count = line_count_;
    sink(std::move(record));
  } else {
    sink(UnparsedRecord(std::string_view(entry_).substr(0, size), input_name_, first_line_,
                        line_count_));
  }
  entry_.clear();
  in_entry_ = false;
  overflow_ = false;
  line_count_ = 0;
}

bool DmesgJsonFramer::Decode(simdjson::dom::object object, Record* record) const {
  std::string_view msg;
  if (object["msg"].get_string().get(msg) != simdjson::SUCCESS) return false;
  record->text.assign(msg);
  record->source = Source::kKernel;
  record->boot_marker = StartsWith(record->text, "Linux version ");

  simdjson::dom::element pri;
  if (object["pri"].get(pri) == simdjson::SUCCESS) {
    int64_t n = 0;
    std::string_view name;
    if (pri.get_int64().get(n) == simdjson::SUCCESS) {
      if (n >= 0 && n < 24 * 8) {  // facility << 3 | level
        record->level = static_cast<int>(n & 7);
        record->facility = static_cast<int>(n >> 3);
      }
    } else if (pri.get_string().get(name) == simdjson::SUCCESS) {  // -x: "info"
      record->level = LevelByName(name);
    }
  }
  std::string_view fac;
  if (object["fac"].get_string().get(fac) == simdjson::SUCCESS) {  // -x: "kern"
    record->facility = FacilityByName(fac);
  }

  double seconds = 0;
  if (object["time"].get_double().get(seconds) == simdjson::SUCCESS) {
    int64_t usec = 0;
    if (ParseSecondsText(RawNumber(std::string_view(entry_).substr(
                                       0, entry_.size() - simdjson::SIMDJSON_PADDING),
                                   "time"),
                         &usec)) {
      record->time_us = usec;
    } else if (std::isfinite(seconds) && seconds >= 0 && seconds < 9.2e12) {
      record->time_us = std::llround(seconds * 1e6);  // a spelling util-linux does not write
    }
  }
  std::string_view caller;
  if (object["caller"].get_string().get(caller) == simdjson::SUCCESS) record->caller = caller;
  return true;
}

}  // namespace kdiag
