// libFuzzer target: a compiled-rules cache entry (database_cache.h) is input from outside the
// process (a shared or restored $HOME, a container image), so every byte sequence in an entry's
// place must end as a miss or as a database that fits the rules, never as a crash or a match id
// the matcher has no pattern for.
//
// The first byte chooses how the rest is used. Odd: the rest is an entry body, and the target
// writes this rule set's magic and key over its first 40 bytes and appends a correct CRC-32C, so
// that the fuzzer gets past the checksum to the checks behind it (what a deliberate forger
// does). Even: the rest is the file as it is. The file goes where the cache looks for this rule
// set's entry; when it loads, a matcher is built from it and matches every rule's examples and a
// few lines no rule matches, and every match must name one of its rules.
//
// The second bit of the first byte chooses the kind of entry: clear, the prefilter database as
// above; set, the rule set's entry (rule_set_cache.h), sealed the same way with its own magic and
// key when the first bit is set. A rule set that loads must pass the checks of a parsed one
// (CheckRuleValues, CheckUniqueIds), encode back to the very bytes it was decoded from, and, when
// it is small, compile into a matcher whose matches on its own examples name its rules.
//
// Seeds (fuzz/corpus/cache_entry): the entries of a larger rule set and of this one, in both
// forms, so mutations start from real Vectorscan databases; and this target's rule set encoded
// (rules-entry-*), raw and resealed.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/match/database_cache.h"
#include "analyzer/match/entry_checksum.h"
#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/match/rule_set_cache.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

constexpr char kRules[] = R"([[rule]]
id = "f.link"
severity = "info"
source = "any"
pattern = '''(?P<dev>eth\d+): NIC Link is (?P<state>Up|Down)'''
summary = "s"
  [[rule.example]]
  line = "eth0: NIC Link is Down"
  fields = { dev = "eth0", state = "Down" }

[[rule]]
id = "f.wide"
severity = "info"
source = "any"
pattern = '''caf[\x{e9}\x{100}] (?P<n>\d+)'''
summary = "s"
  [[rule.example]]
  line = "café 1"
  fields = { n = "1" }
)";

struct Setup {
  std::vector<kdiag::Rule> rules;
  std::string dir;
  std::string path;       // where the cache looks for these rules' prefilter entry
  std::string key_bytes;  // its key, as stored in the entry
  kdiag::Sha256::Digest key{};
  size_t patterns = 0;  // the matcher's expressions: every rule's patterns
  std::vector<std::string> lines;
};

// The cache directory of this run, removed at exit (libFuzzer ends with exit()).
std::string* cache_dir = nullptr;

void RemoveCacheDir() {
  if (!cache_dir) return;
  if (DIR* d = opendir(cache_dir->c_str())) {
    while (struct dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') unlink((*cache_dir + "/" + e->d_name).c_str());
    }
    closedir(d);
  }
  rmdir(cache_dir->c_str());
}

const Setup& TheSetup() {
  static const Setup setup = [] {
    Setup s;
    Check(!kdiag::ParseRuleFile(kRules, "fuzz.toml", &s.rules));
    char dir[] = "/tmp/kdiag-cache-fuzz.XXXXXX";
    Check(mkdtemp(dir) != nullptr);
    s.dir = dir;
    cache_dir = new std::string(dir);
    std::atexit(RemoveCacheDir);
    // The entry's name is the hex key: the first build stores it, the second names it.
    kdiag::DatabaseCache cache(s.dir);
    for (int i = 0; i < 2; ++i) {
      std::unique_ptr<kdiag::Matcher> m;
      Check(!kdiag::Matcher::Build(s.rules, &cache, &m));
      s.path = m->database_origin();
    }
    Check(s.path.rfind("cache hit: ", 0) == 0);
    s.path = s.path.substr(std::strlen("cache hit: "));
    std::string hex = s.path.substr(s.path.rfind('/') + 1, 64);
    for (size_t i = 0; i < 64; i += 2) {
      s.key_bytes.push_back(static_cast<char>(std::strtoul(hex.substr(i, 2).c_str(), nullptr, 16)));
    }
    for (size_t i = 0; i < s.key.size(); ++i) s.key[i] = static_cast<uint8_t>(s.key_bytes[i]);
    for (const kdiag::Rule& r : s.rules) {
      s.patterns += r.patterns.size();
      for (const kdiag::RuleExample& e : r.examples) s.lines.push_back(e.line);
    }
    s.lines.push_back("eth1: NIC Link is Up and café 2");
    s.lines.push_back("nothing here");
    s.lines.push_back(std::string("\0\xff", 2));
    return s;
  }();
  return setup;
}

}  // namespace

void Seal(std::string_view magic, const std::string& key_bytes, std::string* file) {
  const size_t head = magic.size() + key_bytes.size();
  if (file->size() < head) file->resize(head);
  file->replace(0, magic.size(), magic);
  file->replace(magic.size(), key_bytes.size(), key_bytes);
  uint32_t crc = kdiag::EntryChecksum(*file);
  for (int i = 0; i < 4; ++i) file->push_back(static_cast<char>(crc >> (8 * i)));
}

void WriteEntry(const std::string& path, const std::string& file) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  Check(fd >= 0);
  Check(write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size()));
  close(fd);
}

// The rule set's entry: see the top of this file.
void RuleSetEntry(const Setup& s, bool seal, std::string file) {
  const kdiag::Sha256::Digest key = kdiag::EmbeddedRuleSetKey();
  if (seal) {
    Seal("kdiagrs2", std::string(reinterpret_cast<const char*>(key.data()), key.size()), &file);
  }
  kdiag::DatabaseCache cache(s.dir);
  WriteEntry(cache.RuleSetPathFor(key), file);
  std::string body;
  if (cache.LoadRuleSet(key, &body)) return;
  std::vector<kdiag::Rule> rules;
  if (kdiag::DecodeRules(body, &rules)) {
    Check(rules.empty());
    return;
  }
  Check(kdiag::EncodeRules(rules) == body);
  size_t patterns = 0;
  for (const kdiag::Rule& r : rules) {
    Check(!kdiag::CheckRuleValues(r));
    patterns += r.patterns.size() + r.exclude.size();
  }
  kdiag::CheckUniqueIds(rules);  // compiles the merged rules' patterns: must not crash
  if (rules.size() > 4 || patterns > 8) return;
  std::unique_ptr<kdiag::Matcher> m;
  if (kdiag::Matcher::Build(rules, nullptr, &m)) return;
  const std::vector<kdiag::Rule>& built = m->rules();
  for (const kdiag::Rule& r : built) {
    for (const kdiag::RuleExample& e : r.examples) {
      kdiag::Record record;
      record.text = e.line;
      std::vector<kdiag::RuleMatch> matches;
      m->Match(record, &matches);
      for (const kdiag::RuleMatch& match : matches) {
        Check(match.rule >= built.data() && match.rule < built.data() + built.size());
      }
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Setup& s = TheSetup();
  if (size == 0) return 0;
  std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 2) {
    RuleSetEntry(s, (data[0] & 1) != 0, std::move(file));
    return 0;
  }
  if (data[0] & 1) {
    Seal("kdiaghs5", s.key_bytes, &file);
  }
  WriteEntry(s.path, file);

  // A miss ends here: building a matcher would compile and store the database, a thousand times
  // slower than loading, and nothing of the entry would be exercised any further.
  kdiag::DatabaseCache cache(s.dir);
  kdiag::PrefilterDatabase loaded;
  if (cache.Load(s.key, s.patterns, &loaded)) return 0;
  std::unique_ptr<kdiag::Matcher> m;
  Check(!kdiag::Matcher::Build(s.rules, &cache, &m));
  const std::vector<kdiag::Rule>& rules = m->rules();
  for (const std::string& line : s.lines) {
    kdiag::Record record;
    record.text = line;
    std::vector<kdiag::RuleMatch> matches;
    m->Match(record, &matches);
    for (const kdiag::RuleMatch& match : matches) {
      Check(match.rule >= rules.data() && match.rule < rules.data() + rules.size());
    }
  }
  return 0;
}
