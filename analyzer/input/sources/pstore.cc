#include "analyzer/input/sources/pstore.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace kdiag {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// A parsed record: "dmesg-<backend>-<id>" with its "<reason>#<count> Part<part>" header.
struct Part {
  size_t file;  // index into the files
  std::string dir, backend, reason;
  std::string id;  // decimal, compared by length then bytes
  unsigned long count = 0, part = 0;
  size_t body = 0;  // offset of the first log line
};

bool ParseHeader(const std::string& text, Part* p) {
  size_t nl = text.find('\n');
  std::string_view line(text.data(), nl == std::string::npos ? text.size() : nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t hash = line.find('#');
  size_t space = line.find(" Part");
  if (hash == std::string_view::npos || hash == 0 || space == std::string_view::npos ||
      space < hash) {
    return false;
  }
  std::string_view reason = line.substr(0, hash);
  std::string_view count = line.substr(hash + 1, space - hash - 1);
  std::string_view part = line.substr(space + 5);
  if (reason.size() > 16 ||
      !std::all_of(reason.begin(), reason.end(),
                   [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }) ||
      !IsDigits(count) || count.size() > 9 || !IsDigits(part) || part.size() > 9) {
    return false;
  }
  p->reason.assign(reason);
  p->count = std::stoul(std::string(count));
  p->part = std::stoul(std::string(part));
  p->body = nl == std::string::npos ? text.size() : nl + 1;
  return true;
}

bool IdLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

}  // namespace

bool IsPstoreDmesgPath(std::string_view path) {
  std::string_view base = BaseName(path);
  if (base.substr(0, 6) != "dmesg-") return false;
  size_t dash = base.rfind('-');
  return dash > 6 && IsDigits(base.substr(dash + 1));
}

std::vector<PstoreDump> AssemblePstoreDumps(std::vector<PstoreFile> files,
                                            std::vector<std::string>* rest) {
  std::vector<Part> parts;
  for (size_t i = 0; i < files.size(); ++i) {
    Part p;
    p.file = i;
    std::string_view base = BaseName(files[i].path);
    size_t dash = base.rfind('-');
    if (!IsPstoreDmesgPath(files[i].path) || !ParseHeader(files[i].text, &p)) {
      rest->push_back(files[i].path);
      continue;
    }
    p.dir.assign(DirName(files[i].path));
    p.backend.assign(base.substr(6, dash - 6));
    p.id.assign(base.substr(dash + 1));
    parts.push_back(std::move(p));
  }
  std::stable_sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    if (a.dir != b.dir) return a.dir < b.dir;
    if (a.backend != b.backend) return a.backend < b.backend;
    return IdLess(a.id, b.id);
  });

  // Walk in id order; a dump takes the parts of its directory, backend, reason and counter until
  // one of its part numbers comes again (another dump with the same counter, from another boot).
  std::vector<std::vector<const Part*>> dumps;
  std::map<std::tuple<std::string, std::string, std::string, unsigned long>, size_t> open;
  for (const Part& p : parts) {
    auto key = std::make_tuple(p.dir, p.backend, p.reason, p.count);
    auto it = open.find(key);
    bool repeats =
        it != open.end() && std::any_of(dumps[it->second].begin(), dumps[it->second].end(),
                                        [&](const Part* q) { return q->part == p.part; });
    if (it == open.end() || repeats) {
      open[key] = dumps.size();
      dumps.emplace_back();
    }
    dumps[open[key]].push_back(&p);
  }

  std::vector<PstoreDump> out;
  for (std::vector<const Part*>& d : dumps) {
    std::stable_sort(d.begin(), d.end(),
                     [](const Part* a, const Part* b) { return a->part > b->part; });
    PstoreDump dump;
    for (const Part* p : d) {
      const std::string& text = files[p->file].text;
      dump.text.append(text, p->body, std::string::npos);
      if (!dump.text.empty() && dump.text.back() != '\n') dump.text += '\n';
      dump.paths.push_back(files[p->file].path);
    }
    const Part& newest = *d.back();
    dump.name = files[newest.file].path + " (" + newest.reason + "#" +
                std::to_string(newest.count) + ", part" +
                (d.size() == 1
                     ? " " + std::to_string(newest.part)
                     : "s " + std::to_string(d.front()->part) + "-" + std::to_string(newest.part)) +
                ")";
    out.push_back(std::move(dump));
  }
  return out;
}

}  // namespace kdiag
