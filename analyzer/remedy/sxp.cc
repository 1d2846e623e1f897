// The sxp tokenizer, one byte at a time, as in xend's sxp.py Parser (state_start, state_list,
// state_string, state_escape, state_atom, state_comment).
//
// Where sxp.py is buggy kdiag refuses rather than imitates: `\x` must be followed by two hex
// digits (sxp.py's state_hex refers to an undefined `buf` otherwise and raises NameError; it also
// decodes A-F as 0-5, kdiag decodes them as 10-15), and a ctrl-D (EOT) outside a string, which
// sxp.py takes as end of input so the rest of the file would be silently ignored, is an error.
// An unknown escape such as `\q` keeps the backslash and drops the letter, exactly as sxp.py does.
#include "analyzer/remedy/sxp.h"

#include <cstring>
#include <utility>

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

bool IsSpace(char c) {
  return c != '\0' && std::strchr(" \t\n\v\f\r", c) != nullptr;
}
// sxp.py is_separator: these end a bare symbol (and are themselves the start of the next token).
bool IsSeparator(char c) {
  return c != '\0' && std::strchr("{}()<>[]!;", c) != nullptr;
}
bool IsOctal(char c) {
  return c >= '0' && c <= '7';
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  std::optional<Error> Run(std::vector<SxpNode>* out) {
    out->clear();
    std::vector<SxpNode> open;  // lists not closed yet, outermost first
    auto attach = [&](SxpNode node) {
      if (open.empty()) {
        out->push_back(std::move(node));
      } else {
        open.back().children.push_back(std::move(node));
      }
    };
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (IsSpace(c)) {
        Next();
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') Next();
      } else if (c == '(') {
        if (open.size() >= static_cast<size_t>(kSxpMaxDepth)) {
          return ErrorHere("lists nested more than " + std::to_string(kSxpMaxDepth) + " deep");
        }
        open.push_back(Start(SxpNode::Kind::kList));
        Next();
      } else if (c == ')') {
        if (open.empty()) return ErrorHere("syntax error: ')' without a matching '('");
        SxpNode list = std::move(open.back());
        open.pop_back();
        Next();
        list.end = pos_;
        attach(std::move(list));
      } else if (c == '\'' || c == '"') {
        SxpNode str = Start(SxpNode::Kind::kString);
        if (auto err = String(&str)) return err;
        attach(std::move(str));
      } else if (c > ' ' && c < 0x7f) {
        SxpNode sym = Start(SxpNode::Kind::kSymbol);
        // begin_atom takes the first byte whatever it is (a separator such as ';' included);
        // state_atom then takes anything up to whitespace, '#' or a separator.
        sym.value += c;
        Next();
        while (pos_ < text_.size() && !IsSpace(text_[pos_]) && text_[pos_] != '#' &&
               !IsSeparator(text_[pos_])) {
          sym.value += text_[pos_];
          Next();
        }
        sym.end = pos_;
        attach(std::move(sym));
      } else if (c == '\x04') {
        return ErrorHere("ctrl-D (EOT) character: xend would stop reading the file here");
      } else {
        return ErrorHere("invalid character: code " +
                         std::to_string(static_cast<unsigned char>(c)));
      }
    }
    if (!open.empty()) {
      const SxpNode& l = open.back();
      return ErrorAt(l.line, l.column, "'(' is never closed (end of file reached)");
    }
    return std::nullopt;
  }

 private:
  void Next() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  uint32_t Column() const { return static_cast<uint32_t>(pos_ - line_start_ + 1); }

  SxpNode Start(SxpNode::Kind kind) const {
    SxpNode n;
    n.kind = kind;
    n.begin = pos_;
    n.line = line_;
    n.column = Column();
    return n;
  }

  Error ErrorAt(uint64_t line, uint32_t column, std::string message) const {
    return Error{Location{std::string(name_), line, column}, std::move(message)};
  }
  Error ErrorHere(std::string message) const { return ErrorAt(line_, Column(), message); }

  // At the opening quote. Reads to the matching closing quote, decoding escapes.
  std::optional<Error> String(SxpNode* str) {
    const char delim = text_[pos_];
    Next();
    auto unterminated = [&] {
      return ErrorAt(str->line, str->column, "string is never closed (end of file reached)");
    };
    while (true) {
      if (pos_ >= text_.size()) return unterminated();
      char c = text_[pos_];
      if (c == delim) {
        Next();
        str->end = pos_;
        return std::nullopt;
      }
      if (c != '\\') {
        str->value += c;
        Next();
        continue;
      }
      Next();
      if (pos_ >= text_.size()) return unterminated();
      char e = text_[pos_];
      // sxp.py `escapes`.
      static const char kFrom[] = "abtnvfr\\'\"";
      static const char kTo[] = "\a\b\t\n\v\f\r\\'\"";
      if (const char* p = std::strchr(kFrom, e); p != nullptr && e != '\0') {
        str->value += kTo[p - kFrom];
        Next();
      } else if (e == 'x') {
        Next();
        int hi = pos_ < text_.size() ? HexDigitValue(text_[pos_]) : -1;
        int lo = pos_ + 1 < text_.size() ? HexDigitValue(text_[pos_ + 1]) : -1;
        if (hi < 0 || lo < 0) return ErrorHere("\\x escape needs two hex digits");
        str->value += static_cast<char>(hi * 16 + lo);
        Next();
        Next();
      } else if (IsOctal(e)) {
        int value = 0;
        for (int n = 0; n < 3 && pos_ < text_.size() && IsOctal(text_[pos_]); ++n) {
          value = value * 8 + (text_[pos_] - '0');
          Next();
        }
        if (value > 0xff) return ErrorHere("invalid octal escape: out of range");
        str->value += static_cast<char>(value);
      } else {
        str->value += '\\';  // sxp.py keeps the backslash and drops the unknown letter
        Next();
      }
    }
  }

  std::string_view text_;
  std::string_view name_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

bool SxpNode::IsElement(std::string_view name) const {
  return is_list() && !children.empty() && children[0].is_atom() && children[0].value == name;
}

std::optional<Error> ParseSxp(std::string_view text, std::string_view name,
                              std::vector<SxpNode>* out) {
  return Parser(text, name).Run(out);
}

std::vector<const SxpNode*> SxpChildren(const SxpNode& node) {
  std::vector<const SxpNode*> kids;
  if (!node.is_list() || node.children.size() < 2) return kids;
  size_t i = node.children[1].IsElement("@") ? 2 : 1;
  for (; i < node.children.size(); ++i) kids.push_back(&node.children[i]);
  return kids;
}

const SxpNode* SxpChild(const SxpNode& node, std::string_view name) {
  for (const SxpNode* kid : SxpChildren(node)) {
    if (kid->IsElement(name)) return kid;
  }
  return nullptr;
}

const SxpNode* SxpChildAt(const SxpNode& node, size_t index) {
  std::vector<const SxpNode*> kids = SxpChildren(node);
  return index < kids.size() ? kids[index] : nullptr;
}

}  // namespace kdiag
