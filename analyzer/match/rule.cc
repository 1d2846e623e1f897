#include "analyzer/match/rule.h"

#include "analyzer/match/errno_names.h"

namespace kdiag {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kNotice:
      return "notice";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

bool ParseSeverity(std::string_view name, Severity* out) {
  for (Severity s : {Severity::kInfo, Severity::kNotice, Severity::kWarning, Severity::kError,
                     Severity::kCritical}) {
    if (SeverityName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string_view FieldValue(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return {};
}

std::string ExpandTemplate(std::string_view text, const Fields& fields) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '{') {
      size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        std::string_view name = text.substr(i + 1, close - i - 1);
        size_t colon = name.find(':');
        std::string_view format = colon == std::string_view::npos ? "" : name.substr(colon + 1);
        std::string_view value = FieldValue(fields, name.substr(0, colon));
        if (format == "errno" && !value.empty()) {
          out += DescribeErrno(value);
        } else {
          out += value;
        }
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string RipgrepPattern(std::string_view p) {
  if (!p.empty() && p[0] == '^') p.remove_prefix(1);
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += c;
      out += p[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // a literal ] first in a class
      continue;
    }
    if (c == '(' && p.compare(i, 4, "(?P<") == 0) {
      size_t close = p.find('>', i + 4);
      if (close != std::string_view::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

}  // namespace kdiag
