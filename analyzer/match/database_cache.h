// The compiled-database cache: Vectorscan databases saved between runs.
//
// Compiling the rules' prefilter database takes most of kdiag's start-up (tens of milliseconds),
// which is the whole run time of `dmesg | kdiag` on a small log. A compiled database can be
// serialized (hs_serialize_database) and loaded again much faster, so the matcher keeps one file
// per rule set in a cache directory and compiles only on a miss.
//
// The key is a SHA-256 of everything the compiled database depends on: every expression with its
// flags and id, in order, the compile mode, the platform Vectorscan tunes for, the library's
// version and this file's format version. A different rule set, library or CPU is a different
// key, so an entry is never reused for anything it was not compiled from.
//
// The cache is an optimisation and nothing more: every failure (no directory, unwritable,
// truncated file, garbage bytes, another library version, a directory others can write to, a
// symbolic link, an entry compiled from other rules) is a miss with a reason, and the caller
// compiles as if there were no cache. A file is written to a temporary name of its own in the
// same directory, fsync'ed and renamed over the entry, so concurrent runs never see a partial file
// and the last writer wins with an identical file. Each file ends with a CRC-32C of its contents,
// checked before Vectorscan sees a byte (Vectorscan checks its header, not every byte of its
// bytecode). The directory is kept to a few entries: after a store, the oldest beyond kMaxEntries
// go, and temporary files that a killed run left behind go after an hour.
//
// The cache is also a trust boundary (a shared or restored $HOME, a container image). The
// directory and every entry are opened without following symbolic links and checked through
// their descriptors (ours, nobody else can write them), so a directory swapped after the check is
// never read. An entry says how many expressions it was compiled from and below which id its
// matches are; the matcher and the candidate scanner check both against their own rules, and the
// matcher also bounds every id it is handed, since Vectorscan cannot list a loaded database's ids.
//
// The same directory keeps a second kind of entry, with the same envelope (magic, key, body,
// CRC-32C) and the same checks of where it is read from: a rule set as rule_set_cache.h encodes it
// (`KEY.rules`), so that a warm start parses no TOML. Its body is checked by its decoder.
//
// Location: $KDIAG_CACHE_DIR, else $XDG_CACHE_HOME/kdiag, else $HOME/.cache/kdiag (the XDG base
// directory specification). KDIAG_NO_CACHE=1 turns the cache off.
#ifndef KDIAG_MATCH_DATABASE_CACHE_H_
#define KDIAG_MATCH_DATABASE_CACHE_H_

#include <hs/hs.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/match/sha256.h"

namespace kdiag {

// What one compile produced: the database (null when Vectorscan refused every pattern) and the
// ids of the expressions it refused, which the matcher confirms with RE2 on every record.
struct PrefilterDatabase {
  hs_database_t* db = nullptr;
  // How many expressions it was compiled from, and the bound of the match ids it reports (ids are
  // below it; 0 without a database). Stored in the cache entry and checked by the loader and the
  // caller against the rules in hand: a database of other rules must never hand out an id the
  // caller has no pattern for.
  uint32_t expressions = 0;
  uint32_t ids = 0;
  std::vector<unsigned> always;
  // Numbers the compiler of the database keeps with it, opaque here (the candidate scanner's
  // literal-to-pattern table).
  std::vector<uint32_t> table;

  PrefilterDatabase() = default;
  PrefilterDatabase(const PrefilterDatabase&) = delete;
  PrefilterDatabase& operator=(const PrefilterDatabase&) = delete;
  PrefilterDatabase(PrefilterDatabase&& o) noexcept
      : db(o.db),
        expressions(o.expressions),
        ids(o.ids),
        always(std::move(o.always)),
        table(std::move(o.table)) {
    o.db = nullptr;
  }
  PrefilterDatabase& operator=(PrefilterDatabase&& o) noexcept;
  ~PrefilterDatabase();
};

// The cache key of an hs_compile_multi call with these arguments on this machine.
Sha256::Digest DatabaseKey(const std::vector<const char*>& expressions,
                           const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                           unsigned mode);

class DatabaseCache {
 public:
  // Entries of both kinds together: a rule set's own entry, its prefilter database and its
  // candidate scanner's are three.
  static constexpr size_t kMaxEntries = 12;
  static constexpr size_t kMaxFileBytes = size_t{256} << 20;

  // A cache in `dir` (created on the first store). An empty dir is no cache: every load misses.
  explicit DatabaseCache(std::string dir) : dir_(std::move(dir)) {}

  // The cache the environment asks for (see the top of this file); no cache when KDIAG_NO_CACHE=1
  // or when no location can be determined.
  static DatabaseCache FromEnvironment();

  const std::string& dir() const { return dir_; }
  std::string PathFor(const Sha256::Digest& key) const;
  std::string RuleSetPathFor(const Sha256::Digest& key) const;

  // On a hit fills *out and returns nullopt. On a miss returns why ("no entry", "checksum
  // mismatch", ...). The entry must have been compiled from `expressions` expressions; the caller
  // checks out->ids against what it can look up.
  std::optional<std::string> Load(const Sha256::Digest& key, size_t expressions,
                                  PrefilterDatabase* out) const;

  // Saves `entry` under `key` and prunes the directory. Returns why it could not, or nullopt.
  std::optional<std::string> Store(const Sha256::Digest& key, const PrefilterDatabase& entry) const;

  // A rule set's entry (rule_set_cache.h): on a hit fills *body with what StoreRuleSet was given,
  // once the file has passed the checks every entry passes (ours, its size, the CRC-32C, the magic,
  // the key), and returns nullopt; else why not. The caller decodes and checks the body.
  std::optional<std::string> LoadRuleSet(const Sha256::Digest& key, std::string* body) const;
  std::optional<std::string> StoreRuleSet(const Sha256::Digest& key, std::string_view body) const;

 private:
  static std::string EntryName(const Sha256::Digest& key, std::string_view kind);
  // The envelope of both kinds: reads the entry of `kind` (its file name suffix) under `key`,
  // checks it and returns what lies between the key and the CRC (at least min_body bytes).
  std::optional<std::string> ReadEntry(const Sha256::Digest& key, std::string_view kind,
                                       std::string_view magic, size_t min_body,
                                       std::string* body) const;
  // Seals `file` (magic, key, body) with its CRC-32C (entry_checksum.h), writes it atomically and
  // prunes.
  std::optional<std::string> WriteEntry(const Sha256::Digest& key, std::string_view kind,
                                        std::string file) const;
  void Prune(int dir_fd, const std::string& keep) const;

  std::string dir_;
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_DATABASE_CACHE_H_
