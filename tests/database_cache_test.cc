#include "analyzer/match/database_cache.h"
#include "analyzer/match/entry_checksum.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "analyzer/match/matcher.h"
#include "analyzer/match/rule_file.h"
#include "analyzer/match/sha256.h"
#include "tests/run_kdiag.h"

namespace kdiag {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// CRC-32C's check value and RFC 3720 B.4's examples, then the instruction against the tables on
// every length up to a few blocks and at every alignment.
TEST(EntryChecksum, Crc32cTestValues) {
  for (auto* sum : {&EntryChecksum, &EntryChecksumPortable}) {
    EXPECT_EQ(sum(""), 0u);
    EXPECT_EQ(sum("123456789"), 0xE3069283u);
    EXPECT_EQ(sum(std::string(32, '\0')), 0x8A9136AAu);
    EXPECT_EQ(sum(std::string(32, '\xff')), 0x62A8AB43u);
    std::string up, down;
    for (int i = 0; i < 32; ++i) {
      up += static_cast<char>(i);
      down += static_cast<char>(31 - i);
    }
    EXPECT_EQ(sum(up), 0x46DD794Eu);
    EXPECT_EQ(sum(down), 0x113FDB5Cu);
  }
  std::string text;
  uint32_t x = 12345;
  for (int i = 0; i < 300; ++i) text += static_cast<char>((x = x * 1103515245u + 12345u) >> 16);
  for (size_t at = 0; at < 8; ++at) {
    for (size_t n = 0; at + n <= text.size(); ++n) {
      std::string_view part = std::string_view(text).substr(at, n);
      ASSERT_EQ(EntryChecksum(part), EntryChecksumPortable(part)) << at << " " << n;
    }
  }
}

TEST(Sha256, Fips180Examples) {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the digest of the empty string.
  EXPECT_EQ(Sha256::Hex(Sha256::Of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::Hex(Sha256::Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::Hex(Sha256::Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;
  std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.Update(a);
  EXPECT_EQ(Sha256::Hex(million.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesHashLikeTheWhole) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>(i * 7);
  for (size_t cut : {0, 1, 55, 56, 63, 64, 65, 128, 299}) {
    Sha256 h;
    h.Update(std::string_view(text).substr(0, cut));
    h.Update(std::string_view(text).substr(cut));
    EXPECT_EQ(h.Finish(), Sha256::Of(text)) << cut;
  }
}

TEST(DatabaseKey, EveryInputChangesTheKey) {
  std::vector<const char*> e = {"abc", "de"};
  std::vector<unsigned> f = {1, 2}, ids = {0, 1};
  auto base = DatabaseKey(e, f, ids, HS_MODE_BLOCK);
  EXPECT_EQ(base, DatabaseKey(e, f, ids, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey({"abc", "df"}, f, ids, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey({"ab", "cde"}, f, ids, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey({"de", "abc"}, f, ids, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey(e, {1, 3}, ids, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey(e, f, {1, 0}, HS_MODE_BLOCK));
  EXPECT_NE(base, DatabaseKey(e, f, ids, HS_MODE_STREAM));
}

std::vector<Rule> ShippedRules() {
  std::vector<Rule> rules;
  auto err = LoadEmbeddedRules(&rules);
  EXPECT_FALSE(err) << err->ToString();
  return rules;
}

// The shipped rules plus one pattern Vectorscan refuses (an always-candidate).
std::vector<Rule> TestRules() {
  std::vector<Rule> rules = ShippedRules();
  auto err = ParseRuleFile(R"(
[[rule]]
id = "u.wide"
severity = "info"
source = "any"
pattern = '''caf[\x{e9}\x{100}] (?P<n>\d+)'''
summary = "s"
  [[rule.example]]
  line = "café 1"
  fields = { n = "1" }
)",
                           "wide.toml", &rules);
  EXPECT_FALSE(err) << err->ToString();
  return rules;
}

std::unique_ptr<Matcher> BuildWith(const DatabaseCache& cache,
                                   std::vector<Rule> rules = TestRules()) {
  std::unique_ptr<Matcher> m;
  auto err = Matcher::Build(std::move(rules), &cache, &m);
  EXPECT_FALSE(err) << err->ToString();
  return m;
}

// Every example line and some lines no rule matches, as "rule field=value ..." per match.
std::vector<std::string> Matches(Matcher* m) {
  std::vector<std::string> texts = {"café 42", "xenbr0: port 2(vif3.0) entered blocking state", "",
                                    std::string("\0\xff\xfe", 3)};
  for (const Rule& r : m->rules()) {
    for (const RuleExample& e : r.examples) texts.push_back(e.line);
  }
  std::vector<std::string> out;
  for (const std::string& t : texts) {
    for (Source s : {Source::kKernel, Source::kXen}) {
      Record rec;
      rec.text = t;
      rec.source = s;
      std::vector<RuleMatch> matches;
      m->Match(rec, &matches);
      for (const RuleMatch& match : matches) {
        std::string line = match.rule->id;
        for (const auto& [k, v] : match.fields) line += " " + k + "=" + v;
        out.push_back(line);
      }
    }
  }
  return out;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> DirNames(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The entry file a matcher with TestRules() uses in `dir`.
std::string EntryPath(const std::string& dir) {
  std::vector<std::string> names = DirNames(dir);
  EXPECT_EQ(names.size(), 1u);
  return names.empty() ? "" : dir + "/" + names[0];
}

TEST(DatabaseCache, HitAfterMissGivesTheSameMatches) {
  std::string dir = TempDir() + "/cache";  // does not exist yet
  DatabaseCache cache(dir);
  auto compiled = BuildWith(DatabaseCache(""));
  EXPECT_EQ(compiled->database_origin(), "compiled (no cache)");

  auto miss = BuildWith(cache);
  EXPECT_TRUE(StartsWith(miss->database_origin(), "compiled (cache miss: "))
      << miss->database_origin();
  EXPECT_EQ(miss->database_origin().find("not stored"), std::string::npos);
  auto hit = BuildWith(cache);
  EXPECT_TRUE(StartsWith(hit->database_origin(), "cache hit: " + dir + "/"))
      << hit->database_origin();

  EXPECT_EQ(hit->always_candidates(), 1u);
  EXPECT_EQ(hit->always_candidates(), compiled->always_candidates());
  std::vector<std::string> want = Matches(compiled.get());
  EXPECT_GT(want.size(), 20u);
  EXPECT_NE(std::find(want.begin(), want.end(), "u.wide n=42"), want.end());
  EXPECT_EQ(Matches(miss.get()), want);
  EXPECT_EQ(Matches(hit.get()), want);

  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(DatabaseCache, DifferentRulesAreDifferentEntries) {
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  BuildWith(cache);
  auto other = BuildWith(cache, ShippedRules());
  EXPECT_TRUE(StartsWith(other->database_origin(), "compiled (cache miss: "))
      << other->database_origin();
  EXPECT_EQ(DirNames(dir).size(), 2u);
  EXPECT_EQ(other->always_candidates(), 0u);
}

// Damages the entry in `dir` with `damage`, then checks that the matcher compiles, says why, still
// matches like a compiled one, and leaves a good entry behind for the next run.
void ExpectRecovers(const std::string& dir, const std::function<void(std::string*)>& damage,
                    const std::string& why) {
  DatabaseCache cache(dir);
  BuildWith(cache);
  std::string path = EntryPath(dir);
  std::string bytes = ReadFile(path);
  damage(&bytes);
  WriteFile(path, bytes);
  auto m = BuildWith(cache);
  EXPECT_TRUE(StartsWith(m->database_origin(), "compiled (cache miss: " + path + ": " + why))
      << m->database_origin();
  EXPECT_EQ(Matches(m.get()), Matches(BuildWith(DatabaseCache("")).get()));
  EXPECT_TRUE(StartsWith(BuildWith(cache)->database_origin(), "cache hit: "));
}

TEST(DatabaseCache, CorruptFileIsRebuilt) {
  ExpectRecovers(
      TempDir(), [](std::string* b) { (*b)[b->size() / 2] ^= 0x20; }, "checksum mismatch");
}

TEST(DatabaseCache, TruncatedFileIsRebuilt) {
  ExpectRecovers(
      TempDir(), [](std::string* b) { b->resize(b->size() / 2); }, "checksum mismatch");
  ExpectRecovers(
      TempDir(), [](std::string* b) { b->resize(10); }, "truncated");
  ExpectRecovers(
      TempDir(), [](std::string* b) { b->clear(); }, "truncated");
}

TEST(DatabaseCache, GarbageBytesAreRebuilt) {
  ExpectRecovers(
      TempDir(),
      [](std::string* b) {
        for (size_t i = 0; i < b->size(); ++i) (*b)[i] = static_cast<char>(i * 131 + 7);
      },
      "checksum mismatch");
}

// Rewrites the Vectorscan part of an entry and seals it with a correct checksum, so that the
// checks behind the checksum are exercised.
void ResealWithDatabase(std::string* b, const std::function<void(std::string*)>& edit) {
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>((*b)[at + i])} << (8 * i);
    return v;
  };
  // magic (8), key (32), expressions, ids, then the refused ids
  uint32_t n = u32(48);          // refused ids
  uint32_t t = u32(52 + 4 * n);  // the table
  size_t db_at = 52 + 4 * n + 4 + 4 * t + 8;
  std::string db = b->substr(db_at, b->size() - 4 - db_at);
  edit(&db);
  std::string body = b->substr(0, db_at - 8);
  for (int i = 0; i < 8; ++i) body += static_cast<char>(uint64_t{db.size()} >> (8 * i));
  body += db;
  uint32_t crc = EntryChecksum(body);
  for (int i = 0; i < 4; ++i) body += static_cast<char>(crc >> (8 * i));
  *b = body;
}

TEST(DatabaseCache, WrongVersionOrInvalidDatabaseIsRebuilt) {
  // hs_serialize_database output starts with a magic number and then the library's version
  // (Vectorscan src/database.h, struct hs_database: magic, version, length, platform, crc32);
  // 5.4.9 is 00 09 04 05, and flipping a bit of the second byte makes it 5.4.8.
  // Vectorscan does not catch every damaged byte after its header (a flipped byte near the end
  // of the bytecode was accepted when this test was written), which is why the file carries its
  // own checksum: see CorruptFileIsRebuilt.
  ExpectRecovers(
      TempDir(),
      [](std::string* b) { ResealWithDatabase(b, [](std::string* db) { (*db)[5] ^= 1; }); },
      "compiled by another Vectorscan version");
  ExpectRecovers(
      TempDir(),
      [](std::string* b) { ResealWithDatabase(b, [](std::string* db) { db->resize(7); }); },
      "not a Vectorscan database");
}

TEST(DatabaseCache, EveryTruncationAndDamagedByteIsAMiss) {
  std::string dir = TempDir();
  std::vector<const char*> exprs = {"foo\\d+", "caf[\\x{e9}\\x{100}]"};
  std::vector<unsigned> flags = {HS_FLAG_PREFILTER, HS_FLAG_PREFILTER}, ids = {0, 1};
  Sha256::Digest key = DatabaseKey(exprs, flags, ids, HS_MODE_BLOCK);
  DatabaseCache cache(dir);
  PrefilterDatabase entry;
  hs_compile_error_t* err = nullptr;
  ASSERT_EQ(hs_compile_multi(exprs.data(), flags.data(), ids.data(), 1, HS_MODE_BLOCK, nullptr,
                             &entry.db, &err),
            HS_SUCCESS);
  entry.expressions = entry.ids = 2;
  entry.always = {1};
  ASSERT_EQ(cache.Store(key, entry), std::nullopt);
  std::string path = cache.PathFor(key);
  const std::string good = ReadFile(path);
  auto expect_miss = [&](const std::string& bytes, const std::string& what) {
    WriteFile(path, bytes);
    PrefilterDatabase got;
    EXPECT_NE(cache.Load(key, 2, &got), std::nullopt) << what;
    EXPECT_EQ(got.db, nullptr) << what;
  };
  for (size_t n = 0; n < good.size(); n += n < 64 ? 1 : 97) {
    expect_miss(good.substr(0, n), "truncated to " + std::to_string(n));
  }
  for (size_t i = 0; i < good.size(); i += i < 64 ? 1 : 89) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    expect_miss(bad, "byte " + std::to_string(i) + " changed");
  }
  expect_miss(good + "x", "one byte appended");
  WriteFile(path, good);
  PrefilterDatabase got;
  EXPECT_EQ(cache.Load(key, 2, &got), std::nullopt);
  EXPECT_NE(got.db, nullptr);
  EXPECT_EQ(got.always, std::vector<unsigned>{1});
  // The same bytes cannot describe a rule set with fewer expressions than they name.
  EXPECT_NE(cache.Load(key, 1, &got), std::nullopt);
}

TEST(DatabaseCache, EntryOfOtherRulesIsNotUsed) {
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  BuildWith(cache);
  std::string path = EntryPath(dir);
  std::string bytes = ReadFile(path);
  BuildWith(cache, ShippedRules());
  std::vector<std::string> names = DirNames(dir);
  ASSERT_EQ(names.size(), 2u);
  std::string other = dir + "/" + (dir + "/" + names[0] == path ? names[1] : names[0]);
  WriteFile(other, bytes);  // the first rule set's database under the second's key
  auto m = BuildWith(cache, ShippedRules());
  EXPECT_EQ(m->database_origin(), "compiled (cache miss: " + other + ": key mismatch)");
}

// Seals `body` (an entry without its checksum) with a correct CRC-32C.
std::string Sealed(std::string body) {
  uint32_t crc = EntryChecksum(body);
  for (int i = 0; i < 4; ++i) body += static_cast<char>(crc >> (8 * i));
  return body;
}

// The first few shipped rules: fewer patterns than TestRules(), so the larger rule set's database
// reports ids this one has no variant for.
std::vector<Rule> FewRules() {
  std::vector<Rule> rules = ShippedRules();
  rules.resize(3);
  return rules;
}

// The issue-16 forgery: another rule set's database under this rule set's key, with the key
// bytes rewritten and a valid checksum. Loading it made Matcher::Match index variants[id] out of
// bounds (a crash in Release, a heap-buffer-overflow under ASan).
TEST(DatabaseCache, ForgedEntryOfLargerRulesIsAMissAndNeverCrashes) {
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  // The shipped rules: the larger rule set, and none of its patterns is refused by Vectorscan
  // (a refused id beyond the smaller set's patterns was caught before: only the database lies).
  BuildWith(cache, ShippedRules());
  std::string big = ReadFile(EntryPath(dir));
  std::vector<std::string> before = DirNames(dir);
  BuildWith(cache, FewRules());
  std::string small;
  for (const std::string& n : DirNames(dir)) {
    if (std::find(before.begin(), before.end(), n) == before.end() && n.size() == 64 + 5) small = n;
  }
  ASSERT_FALSE(small.empty());
  // The key is the file name's 64 hex digits, stored as 32 bytes after the 8-byte magic.
  std::string key_bytes;
  for (size_t i = 0; i < 64; i += 2) {
    key_bytes.push_back(static_cast<char>(std::stoi(small.substr(i, 2), nullptr, 16)));
  }
  std::string forged = big.substr(0, big.size() - 4);
  forged.replace(8, 32, key_bytes);
  std::string path = dir + "/" + small;
  WriteFile(path, Sealed(forged));

  // In a child: the old code crashed inside Match.
  EXPECT_EXIT(
      {
        auto m = BuildWith(cache, FewRules());
        bool miss = StartsWith(m->database_origin(), "compiled (cache miss: " + path + ": ");
        std::vector<Rule> all = ShippedRules();
        for (const Rule& r : all) {
          for (const RuleExample& e : r.examples) {
            for (Source s : {Source::kKernel, Source::kXen}) {
              Record rec;
              rec.text = e.line;
              rec.source = s;
              std::vector<RuleMatch> matches;
              m->Match(rec, &matches);
            }
          }
        }
        std::exit(miss ? 0 : 3);
      },
      ::testing::ExitedWithCode(0), "");
  WriteFile(path, Sealed(forged));  // the child stored a good entry over it
  auto m = BuildWith(cache, FewRules());
  EXPECT_TRUE(StartsWith(m->database_origin(), "compiled (cache miss: " + path + ": "))
      << m->database_origin();
  EXPECT_EQ(Matches(m.get()), Matches(BuildWith(DatabaseCache(""), FewRules()).get()));
}

TEST(DatabaseCache, UnwritableDirectoryFallsBack) {
  std::string base = TempDir();
  WriteFile(base + "/file", "x");
  auto m = BuildWith(DatabaseCache(base + "/file/cache"));
  EXPECT_NE(m->database_origin().find("(not stored: " + base + "/file/cache: "), std::string::npos)
      << m->database_origin();
  EXPECT_EQ(Matches(m.get()), Matches(BuildWith(DatabaseCache("")).get()));

  if (geteuid() != 0) {  // root writes anywhere
    std::string ro = TempDir();
    ASSERT_EQ(chmod(ro.c_str(), 0500), 0);
    auto r = BuildWith(DatabaseCache(ro));
    EXPECT_NE(r->database_origin().find("(not stored: " + ro + "/"), std::string::npos)
        << r->database_origin();
    EXPECT_TRUE(DirNames(ro).empty());
    chmod(ro.c_str(), 0700);
  }
}

TEST(DatabaseCache, DirectoryOthersCanWriteIsRefused) {
  std::string dir = TempDir();
  BuildWith(DatabaseCache(dir));
  ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
  auto m = BuildWith(DatabaseCache(dir));
  EXPECT_TRUE(StartsWith(m->database_origin(),
                         "compiled (cache miss: " + dir + ": writable by group or others)"))
      << m->database_origin();
}

// Issue 16: the cache directory itself must not be a symbolic link (someone who can replace it
// between the check and the open could point it at their own databases), and neither may an
// entry.
TEST(DatabaseCache, ASymlinkedDirectoryIsRefused) {
  std::string real = TempDir() + "/real", link = TempDir() + "/kdiag";
  BuildWith(DatabaseCache(real));
  ASSERT_TRUE(StartsWith(BuildWith(DatabaseCache(real))->database_origin(), "cache hit: "));
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  auto m = BuildWith(DatabaseCache(link));
  EXPECT_TRUE(StartsWith(m->database_origin(), "compiled (cache miss: " + link + ": "))
      << m->database_origin();
  EXPECT_NE(m->database_origin().find("not stored: " + link + ": "), std::string::npos)
      << m->database_origin();
  EXPECT_EQ(Matches(m.get()), Matches(BuildWith(DatabaseCache("")).get()));
}

TEST(DatabaseCache, ASymlinkedEntryIsRefused) {
  std::string dir = TempDir(), elsewhere = TempDir() + "/entry";
  DatabaseCache cache(dir);
  BuildWith(cache);
  std::string path = EntryPath(dir);
  WriteFile(elsewhere, ReadFile(path));
  ASSERT_EQ(unlink(path.c_str()), 0);
  ASSERT_EQ(symlink(elsewhere.c_str(), path.c_str()), 0);
  auto m = BuildWith(cache);
  EXPECT_TRUE(StartsWith(m->database_origin(), "compiled (cache miss: " + path + ": "))
      << m->database_origin();
}

TEST(DatabaseCache, AnEntryOfAnotherUserIsRefused) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";
  std::string dir = TempDir();
  DatabaseCache cache(dir);
  BuildWith(cache);
  std::string path = EntryPath(dir);
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
  auto m = BuildWith(cache);
  EXPECT_TRUE(StartsWith(m->database_origin(), "compiled (cache miss: " + path + ": "))
      << m->database_origin();
}

TEST(DatabaseCache, ConcurrentWritersLeaveAValidFile) {
  std::string dir = TempDir();
  std::vector<const char*> exprs = {"foo\\d+", "bar[a-z]"};
  std::vector<unsigned> flags = {HS_FLAG_PREFILTER, HS_FLAG_PREFILTER}, ids = {0, 1};
  Sha256::Digest key = DatabaseKey(exprs, flags, ids, HS_MODE_BLOCK);
  DatabaseCache cache(dir);
  // Writers store the same entry over and over while a reader loads it: every load is either
  // "no file yet" or a complete database, never a partial one.
  std::atomic<bool> stop{false};
  std::atomic<int> hits{0}, bad{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&] {
      PrefilterDatabase entry;
      hs_compile_error_t* err = nullptr;
      ASSERT_EQ(hs_compile_multi(exprs.data(), flags.data(), ids.data(), 2, HS_MODE_BLOCK, nullptr,
                                 &entry.db, &err),
                HS_SUCCESS);
      entry.expressions = entry.ids = 2;
      entry.always = {1};
      for (int i = 0; i < 30; ++i) EXPECT_EQ(cache.Store(key, entry), std::nullopt);
    });
  }
  std::thread reader([&] {
    while (!stop) {
      PrefilterDatabase got;
      auto why = cache.Load(key, 2, &got);
      if (!why) {
        ++hits;
        if (!got.db || got.always != std::vector<unsigned>{1}) ++bad;
      } else if (why->find("No such file") == std::string::npos) {
        ++bad;
        ADD_FAILURE() << *why;
      }
    }
  });
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(DirNames(dir).size(), 1u);  // no temporary file left behind
  PrefilterDatabase got;
  EXPECT_EQ(cache.Load(key, 2, &got), std::nullopt);
  EXPECT_NE(got.db, nullptr);
}

TEST(DatabaseCache, TwoProcessesBuildingAtOnce) {
  std::string dir = TempDir();
  std::vector<pid_t> pids;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      std::unique_ptr<Matcher> m;
      DatabaseCache cache(dir);
      _exit(Matcher::Build(TestRules(), &cache, &m) ? 1 : 0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = -1;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(DirNames(dir).size(), 1u);
  EXPECT_TRUE(StartsWith(BuildWith(DatabaseCache(dir))->database_origin(), "cache hit: "));
}

TEST(DatabaseCache, PruneKeepsAFewEntriesAndOnlyItsOwnFiles) {
  std::string dir = TempDir();
  std::string hex(64, 'a');
  for (int i = 0; i < 12; ++i) {
    hex[0] = "0123456789ab"[i];
    WriteFile(dir + "/" + hex + ".hsdb", "old");
  }
  WriteFile(dir + "/" + hex + ".hsdb.99-0.tmp", "stale");
  WriteFile(dir + "/" + hex + ".hsdb.98-0.tmp", "in progress");
  WriteFile(dir + "/notes.txt", "mine");
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  for (const std::string& n : DirNames(dir)) {
    if (n != hex + ".hsdb.98-0.tmp") utimensat(AT_FDCWD, (dir + "/" + n).c_str(), old, 0);
  }
  auto m = BuildWith(DatabaseCache(dir));
  std::vector<std::string> names = DirNames(dir);
  size_t entries = 0;
  for (const std::string& n : names) entries += n.size() == 64 + 5;
  EXPECT_EQ(entries, DatabaseCache::kMaxEntries);
  EXPECT_NE(std::find(names.begin(), names.end(), "notes.txt"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), hex + ".hsdb.99-0.tmp"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), hex + ".hsdb.98-0.tmp"), names.end());
  EXPECT_TRUE(StartsWith(BuildWith(DatabaseCache(dir))->database_origin(), "cache hit: "));
}

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv(std::vector<std::pair<std::string, const char*>> vars) {
    for (auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      if (value) {
        setenv(name.c_str(), value, 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(DatabaseCache, LocationFromEnvironment) {
  {
    ScopedEnv env({{"KDIAG_NO_CACHE", nullptr},
                   {"KDIAG_CACHE_DIR", nullptr},
                   {"XDG_CACHE_HOME", "/x/cache"},
                   {"HOME", "/home/u"}});
    EXPECT_EQ(DatabaseCache::FromEnvironment().dir(), "/x/cache/kdiag");
  }
  {
    ScopedEnv env({{"KDIAG_NO_CACHE", nullptr},
                   {"KDIAG_CACHE_DIR", nullptr},
                   {"XDG_CACHE_HOME", "relative"},
                   {"HOME", "/home/u"}});
    EXPECT_EQ(DatabaseCache::FromEnvironment().dir(), "/home/u/.cache/kdiag");
  }
  {
    ScopedEnv env(
        {{"KDIAG_NO_CACHE", "0"}, {"KDIAG_CACHE_DIR", "/c"}, {"XDG_CACHE_HOME", "/x/cache"}});
    EXPECT_EQ(DatabaseCache::FromEnvironment().dir(), "/c");
  }
  {
    ScopedEnv env({{"KDIAG_NO_CACHE", "1"}, {"KDIAG_CACHE_DIR", "/c"}});
    EXPECT_EQ(DatabaseCache::FromEnvironment().dir(), "");
  }
  {
    ScopedEnv env({{"KDIAG_NO_CACHE", nullptr},
                   {"KDIAG_CACHE_DIR", nullptr},
                   {"XDG_CACHE_HOME", nullptr},
                   {"HOME", nullptr}});
    EXPECT_EQ(DatabaseCache::FromEnvironment().dir(), "");
  }
}

TEST(DatabaseCache, CommandLineUsesTheCacheTheEnvironmentNames) {
  std::string dir = TempDir() + "/c";
  std::string log =
      "[    1.000000] pciback 0000:13:04.0: Driver tried to write to a read-only "
      "configuration space field at offset 0xe0, size 2.\n";
  std::string env = "KDIAG_CACHE_DIR=" + dir;
  auto off = testing::RunKdiag({"--output", "ndjson"}, "", log, {env, "KDIAG_NO_CACHE=1"});
  EXPECT_EQ(off.status, 0) << off.err;
  EXPECT_TRUE(DirNames(dir).empty());
  auto cold = testing::RunKdiag({"--output", "ndjson"}, "", log, {env, "KDIAG_NO_CACHE=0"});
  // The prefilter database, the candidate scanner and the rule set (rule_set_cache.h).
  std::vector<std::string> names = DirNames(dir);
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) {
                            return n.size() > 6 && n.substr(n.size() - 6) == ".rules";
                          }),
            1);
  auto warm = testing::RunKdiag({"--output", "ndjson"}, "", log, {env, "KDIAG_NO_CACHE=0"});
  EXPECT_NE(off.out.find("xen.pciback.ro_config_write"), std::string::npos);
  EXPECT_EQ(cold.out, off.out);
  EXPECT_EQ(warm.out, off.out);
  EXPECT_EQ(warm.status, 0) << warm.err;
}

}  // namespace
}  // namespace kdiag
