// JsonWriter: the one JSON writer. Appends compact JSON to a string.
//
// Strings are written as valid UTF-8 whatever the input bytes: control characters are \u-escaped
// and bytes that are not valid UTF-8 become U+FFFD, so a log line full of garbage still yields a
// line any JSON parser accepts.
#ifndef KDIAG_OUTPUT_JSON_WRITER_H_
#define KDIAG_OUTPUT_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Bool(bool v);
  void Null();
  // A value already in JSON form (a number such as "12.345678").
  void Raw(std::string_view json);

 private:
  void Open(char c);
  void Close(char c);
  void Separate();

  std::string* out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends s as a JSON string literal (with quotes).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace kdiag

#endif  // KDIAG_OUTPUT_JSON_WRITER_H_
