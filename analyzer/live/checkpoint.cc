#include "analyzer/live/checkpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "analyzer/input/hex.h"
#include "analyzer/input/sources/file_text.h"
#include "analyzer/output/atomic_file.h"

namespace kdiag {
namespace {

constexpr size_t kMaxCheckpoint = 64 * 1024;

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string Unescape(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      ++i;
      out.push_back(v[i] == 'n' ? '\n' : v[i]);
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

bool Decimal(std::string_view v, uint64_t* out) {
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && end == v.data() + v.size() && !v.empty();
}

}  // namespace

std::string RenderCheckpoint(const Checkpoint& c) {
  std::string out =
      "# kdiag state: where a restarted kdiag resumes (written atomically)\nversion=2\n";
  for (const FileMark& f : c.files) {
    out += "file.path=" + Escape(f.path) + "\n";
    out += fmt::format(
        "file.device={}\nfile.inode={}\nfile.offset={}\nfile.first_line_hash={:016x}\n",
        f.position.device, f.position.inode, f.position.offset, f.position.first_line_hash);
  }
  if (c.kmsg_seq) {
    out += "kmsg.boot_id=" + Escape(c.kmsg_boot_id) + "\n";
    out += fmt::format("kmsg.seq={}\n", *c.kmsg_seq);
  }
  if (!c.journal_cursor.empty()) out += "journal.cursor=" + Escape(c.journal_cursor) + "\n";
  out += "end=1\n";
  return out;
}

std::optional<Error> SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
  return WriteFileAtomically(path, RenderCheckpoint(checkpoint));
}

std::optional<Error> LoadCheckpoint(const std::string& path, Checkpoint* out) {
  *out = Checkpoint();
  struct stat st;
  if (stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::nullopt;  // the first run
  std::string text;
  if (auto why = ReadFileText(path, &text, kMaxCheckpoint))
    return Error{Location{path, 0, 0}, *why};
  Checkpoint c;
  // Each file.path starts a file's group; a group without any position key is dropped. (A
  // position key before any file.path, never written, makes a group of an unnamed file.)
  std::vector<std::pair<FileMark, bool>> files;
  auto current = [&files]() -> std::pair<FileMark, bool>& {
    if (files.empty()) files.emplace_back();
    return files.back();
  };
  uint64_t number = 0;
  std::string_view version;
  bool end = false;
  std::string_view rest(text);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == rest.npos ? rest.size() : nl + 1);
    ++number;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    auto bad = [&](const std::string& what) { return Error{Location{path, number, 0}, what}; };
    if (eq == line.npos) return bad("expected key=value");
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    uint64_t n = 0;
    if (key == "version") {
      if (value != "1" && value != "2") return bad("unknown version " + std::string(value));
      version = value;
    } else if (key == "end") {
      end = true;
    } else if (key == "file.path") {
      files.emplace_back();
      files.back().first.path = Unescape(value);
    } else if (key == "file.device" || key == "file.inode" || key == "file.offset") {
      if (!Decimal(value, &n)) return bad(std::string(key) + ": not a number");
      FilePosition& file = current().first.position;
      (key == "file.device" ? file.device : key == "file.inode" ? file.inode : file.offset) = n;
      current().second = true;
    } else if (key == "file.first_line_hash") {
      std::optional<uint64_t> h = ParseHex(value, 16);
      if (!h) return bad("file.first_line_hash: not 16 hex digits");
      current().first.position.first_line_hash = *h;
    } else if (key == "kmsg.boot_id") {
      c.kmsg_boot_id = Unescape(value);
    } else if (key == "kmsg.seq") {
      if (!Decimal(value, &n)) return bad("kmsg.seq: not a number");
      c.kmsg_seq = n;
    } else if (key == "journal.cursor") {
      c.journal_cursor = Unescape(value);
    }
  }
  // A file cut short must not read as "no position" (a silent replay of the whole input): the
  // version line comes first and, since version 2, "end=1" last.
  if (version.empty()) {
    return Error{Location{path, number + 1, 0}, "no version line (the file was cut short)"};
  }
  if (version == "2" && !end) {
    return Error{Location{path, number + 1, 0}, "no end=1 line (the file was cut short)"};
  }
  for (auto& [mark, positioned] : files) {
    if (positioned) c.SetFile(mark.path, mark.position);
  }
  *out = std::move(c);
  return std::nullopt;
}

const FilePosition* Checkpoint::FileAt(const std::string& path) const {
  for (const FileMark& f : files) {
    if (f.path == path) return &f.position;
  }
  return nullptr;
}

void Checkpoint::SetFile(const std::string& path, const FilePosition& position) {
  for (FileMark& f : files) {
    if (f.path == path) {
      f.position = position;
      return;
    }
  }
  files.push_back(FileMark{path, position});
}

std::optional<uint64_t> ResumableKmsgSeq(const Checkpoint& saved, const std::string& boot_id) {
  if (boot_id.empty() || saved.kmsg_boot_id != boot_id) return std::nullopt;
  return saved.kmsg_seq;
}

std::string CurrentBootId() {
  std::string id;
  if (ReadFileText("/proc/sys/kernel/random/boot_id", &id, 256)) return "";
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

}  // namespace kdiag
