// JournalJsonFramer: the shapes and the damage rules are in the header.
//
// The one loop that matters is the depth scan in Append(): it is what lets a json-pretty object
// span lines while a one-line object closes on its own line. JSON strings never span lines (a
// newline inside one is written "\n"), so the string state restarts with every line; a line that
// leaves a string open only makes its object fail to parse.
#include "analyzer/input/framers/journal_json_framer.h"

#include <utility>

namespace kdiag {
namespace {

constexpr char kRecordSeparator = '\x1e';  // RFC 7464

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r") == std::string_view::npos;
}

// `line` without the json-seq RS byte or the json-sse "data: " in front.
std::string_view StripObjectPrefix(std::string_view line) {
  if (!line.empty() && line[0] == kRecordSeparator) return line.substr(1);
  if (StartsWith(line, "data:")) {
    line.remove_prefix(5);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  }
  return line;
}

// `s` holds one of the keys every journal entry has, as a key ("KEY" then ':').
bool HasJournalKey(std::string_view s) {
  for (std::string_view key : {"\"__CURSOR\"", "\"__REALTIME_TIMESTAMP\"", "\"MESSAGE\""}) {
    for (size_t at = s.find(key); at != std::string_view::npos; at = s.find(key, at + 1)) {
      size_t p = s.find_first_not_of(" \t", at + key.size());
      if (p != std::string_view::npos && s[p] == ':') return true;
    }
  }
  return false;
}

// A string or a byte array ("not printable UTF-8"); numbers are taken as their decimal text.
// False for null (a field over 4096 bytes) and anything journalctl does not write.
bool ScalarValue(simdjson::dom::element v, std::string* out) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::STRING: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      out->assign(s);
      return true;
    }
    case element_type::ARRAY: {
      simdjson::dom::array bytes;
      if (v.get_array().get(bytes)) return false;
      out->clear();
      for (simdjson::dom::element b : bytes) {
        int64_t byte = 0;
        if (b.get_int64().get(byte) || byte < 0 || byte > 255) return false;
        out->push_back(static_cast<char>(byte));
      }
      return true;
    }
    case element_type::INT64: {
      int64_t n = 0;
      if (v.get_int64().get(n)) return false;
      *out = std::to_string(n);
      return true;
    }
    case element_type::UINT64: {
      uint64_t n = 0;
      if (v.get_uint64().get(n)) return false;
      *out = std::to_string(n);
      return true;
    }
    default:
      return false;
  }
}

// A field's value. An array of numbers is one byte-array value; any other array is a repeated
// field, whose first usable value is taken.
bool FieldValue(simdjson::dom::element v, std::string* out) {
  simdjson::dom::array values;
  if (v.get_array().get(values) == simdjson::SUCCESS) {
    bool bytes = true;
    for (simdjson::dom::element e : values) {
      if (!e.is_int64() && !e.is_uint64()) {
        bytes = false;
        break;
      }
    }
    if (!bytes) {
      for (simdjson::dom::element e : values) {
        if (ScalarValue(e, out)) return true;
      }
      return false;
    }
  }
  return ScalarValue(v, out);
}

}  // namespace

bool LooksLikeJournalJson(std::string_view head) {
  // The first non-blank line.
  std::string_view line;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (!IsBlank(line)) break;
    line = {};
  }
  std::string_view body = StripObjectPrefix(line);
  if (body.empty() || body[0] != '{') return false;
  if (HasJournalKey(body)) return true;  // json, json-seq, json-sse
  // json-pretty: "{" alone, then "\t\"FIELD\" : value," lines up to the closing "}".
  if (!IsBlank(body.substr(1))) return false;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    size_t p = line.find_first_not_of(" \t");
    if (p == std::string_view::npos || line[p] != '"') return false;
    if (HasJournalKey(line)) return true;
  }
  return false;
}

JournalJsonFramer::JournalJsonFramer(std::string input_name) : input_name_(std::move(input_name)) {}

void JournalJsonFramer::Line(std::string_view line, uint64_t number, const RecordSink& sink) {
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view body = StripObjectPrefix(line);
  bool starts_object = !body.empty() && body[0] == '{';
  if (open_ && !starts_object) {
    Append(line);
    if (depth_ <= 0) Close(sink);
    return;
  }
  if (open_) Close(sink);  // a new object while one is open: the open one was cut
  if (starts_object) {
    open_ = true;
    first_line_ = number;
    Append(body);
    if (depth_ <= 0) Close(sink);
    return;
  }
  if (IsBlank(line)) return;  // json-sse separates events with blank lines
  sink(UnparsedRecord(line, input_name_, number, 1));
}

void JournalJsonFramer::Finish(const RecordSink& sink) {
  if (open_) Close(sink);
}

void JournalJsonFramer::Append(std::string_view line) {
  ++line_count_;
  if (!overflow_) {
    size_t need = text_.size() + (line_count_ > 1 ? 1 : 0) + line.size();
    if (need > kMaxObjectBytes || line_count_ > kMaxObjectLines) {
      overflow_ = true;
    } else {
      if (line_count_ > 1) text_.push_back('\n');
      text_.append(line);
    }
  }
  bool in_string = false;
  bool escaped = false;
  for (char c : line) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      --depth_;
    }
  }
}

void JournalJsonFramer::Close(const RecordSink& sink) {
  size_t size = text_.size();
  bool decoded = false;
  if (!overflow_ && depth_ == 0) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end; give it zeros, not a copy.
    text_.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::object object;
    if (parser_.parse(text_.data(), size, false).get_object().get(object) == simdjson::SUCCESS) {
      Decode(object);
      decoded = true;
    }
  }
  if (decoded) {
    sink(entry_.ToRecord(input_name_, first_line_, line_count_));
  } else {
    sink(UnparsedRecord(std::string_view(text_).substr(0, size), input_name_, first_line_,
                        line_count_));
  }
  entry_.Clear();
  text_.clear();
  open_ = false;
  overflow_ = false;
  line_count_ = 0;
  depth_ = 0;
}

void JournalJsonFramer::Decode(simdjson::dom::object object) {
  for (simdjson::dom::key_value_pair field : object) {
    if (entry_.Wants(field.key) && FieldValue(field.value, &value_)) {
      entry_.Set(field.key, value_);
    }
  }
}

}  // namespace kdiag
