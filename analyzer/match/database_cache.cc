#include "analyzer/match/database_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <utility>

#include "analyzer/match/entry_checksum.h"
#include "analyzer/output/write_all.h"

namespace kdiag {
namespace {

// File layout (integers little-endian):
//   "kdiaghs5"                      magic and format version
//   32 bytes                        the key
//   u32 e                           how many expressions the database was compiled from
//   u32 r                           every match id the database reports is below r
//   u32 n, n x u32                  ids of the expressions Vectorscan refused
//   u32 t, t x u32                  the compiler's table (PrefilterDatabase::table)
//   u64 m, m bytes                  hs_serialize_database output (m = 0: no database)
//   u32                             CRC-32C (entry_checksum.h) of everything above
// The CRC catches damage, not malice: at several hundred kilobytes a file, SHA-256 here cost more
// than the rest of loading it, and a hash anyone can recompute proves nothing anyway. What keeps
// others' databases out is where they are read from (OpenOwnDirectory, ReadOwnEntry). What keeps
// a database that is not this rule set's (a file copied under another key, a restored $HOME)
// from doing harm is e and r, which the caller checks against its rules, and the matcher's bound
// check of every id it is handed (Vectorscan cannot list the ids of a deserialized database).
constexpr std::string_view kMagic = "kdiaghs5";  // 4: sealed with zlib's CRC-32
constexpr std::string_view kSuffix = ".hsdb";
// A rule set's entry (rule_set_cache.h) has the same envelope: its own magic, the key, the
// encoded rules, the CRC-32C.
constexpr std::string_view kRuleSetMagic = "kdiagrs2";  // 1: sealed with zlib's CRC-32
constexpr std::string_view kRuleSetSuffix = ".rules";
constexpr std::string_view kTempSuffix = ".tmp";
constexpr time_t kStaleTempSeconds = 3600;

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

void PutU64(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// Reads little-endian integers from a byte string, failing (not crashing) at its end.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool U32(uint32_t* v) { return Take(4, v); }
  bool U64(uint64_t* v) { return Take(8, v); }
  bool Bytes(size_t n, std::string_view* v) {
    if (s_.size() - pos_ < n) return false;
    *v = s_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t left() const { return s_.size() - pos_; }

 private:
  template <typename T>
  bool Take(size_t n, T* v) {
    if (s_.size() - pos_ < n) return false;
    *v = 0;
    for (size_t i = 0; i < n; ++i) {
      *v |= static_cast<T>(static_cast<unsigned char>(s_[pos_ + i])) << (8 * i);
    }
    pos_ += n;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::string KeyBytes(const Sha256::Digest& key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The cache directory, opened without following a symbolic link as its last component, and
// checked through the descriptor: it must be ours and not writable by anyone else, since its files
// are loaded into Vectorscan. Entries are then opened relative to the descriptor, so a directory
// swapped for another after the check is never read. Returns the descriptor or -1 with *why.
int OpenOwnDirectory(const std::string& dir, std::string* why) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int open_error = errno;
    struct stat st;
    bool link = lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
    *why = dir + ": " + (link ? "a symbolic link (refused)" : std::strerror(open_error));
    return -1;
  }
  struct stat st;
  const char* bad = nullptr;
  if (fstat(fd, &st) != 0) {
    bad = std::strerror(errno);
  } else if (st.st_uid != geteuid()) {
    bad = "owned by another user";
  } else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    bad = "writable by group or others";
  }
  if (bad) {
    *why = dir + ": " + bad;
    close(fd);
    return -1;
  }
  return fd;
}

// Reads the entry `name` of the directory `dir_fd` whole: a regular file of ours that nobody else
// can write, no symbolic link, at most max_bytes. The descriptor stays open for *fd (closed by the
// caller) so that the entry touched is the entry read.
std::optional<std::string> ReadOwnEntry(int dir_fd, const std::string& name, size_t max_bytes,
                                        std::string* out, int* fd) {
  // O_NONBLOCK: a FIFO put in an entry's place must not block the open.
  *fd = openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (*fd < 0)
    return std::string(errno == ELOOP ? "a symbolic link (refused)" : std::strerror(errno));
  struct stat st;
  if (fstat(*fd, &st) != 0) return std::string(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return std::string("not a regular file");
  if (st.st_uid != geteuid()) return std::string("owned by another user");
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return std::string("writable by group or others");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return std::string("too large");
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pread(*fd, &text[done], text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::string(std::strerror(errno));
    if (n == 0) break;  // shrank while read: the checks below see a truncated file
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  *out = std::move(text);
  return std::nullopt;
}

// Closes a descriptor at the end of a scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int* out() { return &fd_; }
  int get() const { return fd_; }

 private:
  int fd_;
};

// mkdir -p with mode 0700 for what it creates (the XDG base directory specification asks for
// 0700 on directories it creates).
std::optional<std::string> MakeDirectories(const std::string& dir) {
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return prefix + ": " + std::strerror(errno);
    }
    if (slash == std::string::npos) return std::nullopt;
  }
}

}  // namespace

PrefilterDatabase& PrefilterDatabase::operator=(PrefilterDatabase&& o) noexcept {
  if (this != &o) {
    if (db) hs_free_database(db);
    db = std::exchange(o.db, nullptr);
    expressions = o.expressions;
    ids = o.ids;
    always = std::move(o.always);
    table = std::move(o.table);
  }
  return *this;
}

PrefilterDatabase::~PrefilterDatabase() {
  if (db) hs_free_database(db);
}

Sha256::Digest DatabaseKey(const std::vector<const char*>& expressions,
                           const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                           unsigned mode) {
  // Every part is length-prefixed so that no two different inputs hash the same bytes.
  std::string bytes(kMagic);
  auto put_string = [&](std::string_view s) {
    PutU64(s.size(), &bytes);
    bytes.append(s);
  };
  put_string(hs_version());
  hs_platform_info_t platform{};
  int populated = hs_populate_platform(&platform);
  PutU32(static_cast<uint32_t>(populated), &bytes);
  PutU32(platform.tune, &bytes);
  PutU64(platform.cpu_features, &bytes);
  PutU32(mode, &bytes);
  PutU64(expressions.size(), &bytes);
  for (size_t i = 0; i < expressions.size(); ++i) {
    PutU32(i < ids.size() ? ids[i] : 0, &bytes);
    PutU32(i < flags.size() ? flags[i] : 0, &bytes);
    put_string(expressions[i]);
  }
  return Sha256::Of(bytes);
}

DatabaseCache DatabaseCache::FromEnvironment() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  std::string off = env("KDIAG_NO_CACHE");
  if (!off.empty() && off != "0") return DatabaseCache("");
  if (std::string dir = env("KDIAG_CACHE_DIR"); !dir.empty()) return DatabaseCache(dir);
  // The specification says relative XDG_CACHE_HOME values are invalid and should be ignored.
  if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty() && xdg[0] == '/') {
    return DatabaseCache(xdg + "/kdiag");
  }
  if (std::string home = env("HOME"); !home.empty() && home[0] == '/') {
    return DatabaseCache(home + "/.cache/kdiag");
  }
  return DatabaseCache("");
}

std::string DatabaseCache::EntryName(const Sha256::Digest& key, std::string_view kind) {
  return Sha256::Hex(key) + std::string(kind);
}

std::string DatabaseCache::PathFor(const Sha256::Digest& key) const {
  return dir_ + "/" + EntryName(key, kSuffix);
}

std::string DatabaseCache::RuleSetPathFor(const Sha256::Digest& key) const {
  return dir_ + "/" + EntryName(key, kRuleSetSuffix);
}

std::optional<std::string> DatabaseCache::ReadEntry(const Sha256::Digest& key,
                                                    std::string_view kind, std::string_view magic,
                                                    size_t min_body, std::string* body) const {
  if (dir_.empty()) return "cache off";
  std::string why;
  ScopedFd dir_fd(OpenOwnDirectory(dir_, &why));
  if (dir_fd.get() < 0) return why;
  std::string name = EntryName(key, kind), path = dir_ + "/" + name;
  std::string file;
  ScopedFd entry_fd;
  if (auto err = ReadOwnEntry(dir_fd.get(), name, kMaxFileBytes, &file, entry_fd.out())) {
    return path + ": " + *err;
  }
  constexpr size_t kDigest = sizeof(Sha256::Digest);
  if (file.size() < magic.size() + kDigest + min_body + 4) return path + ": truncated";
  std::string_view sealed(file.data(), file.size() - 4);
  uint32_t stored_crc = 0;
  Reader(std::string_view(file).substr(sealed.size())).U32(&stored_crc);
  if (stored_crc != EntryChecksum(sealed)) return path + ": checksum mismatch";
  Reader in(sealed);
  std::string_view stored_magic, stored_key;
  if (!in.Bytes(magic.size(), &stored_magic) || stored_magic != magic) {
    return path + ": not a kdiag " + std::string(kind == kSuffix ? "database" : "rule set");
  }
  if (!in.Bytes(kDigest, &stored_key) || stored_key != KeyBytes(key)) {
    return path + ": key mismatch";
  }
  // Touch the entry so that pruning removes the least recently used ones; a read-only cache
  // still works. (A body the caller then refuses is touched too: it is rewritten at once.)
  futimens(entry_fd.get(), nullptr);
  body->assign(sealed.substr(magic.size() + kDigest));
  return std::nullopt;
}

std::optional<std::string> DatabaseCache::LoadRuleSet(const Sha256::Digest& key,
                                                      std::string* body) const {
  return ReadEntry(key, kRuleSetSuffix, kRuleSetMagic, 0, body);
}

std::optional<std::string> DatabaseCache::StoreRuleSet(const Sha256::Digest& key,
                                                       std::string_view body) const {
  std::string file(kRuleSetMagic);
  file += KeyBytes(key);
  file += body;
  return WriteEntry(key, kRuleSetSuffix, std::move(file));
}

std::optional<std::string> DatabaseCache::Load(const Sha256::Digest& key, size_t expressions,
                                               PrefilterDatabase* out) const {
  std::string body_bytes;
  if (auto err = ReadEntry(key, kSuffix, kMagic, 4 + 4 + 4 + 4 + 8, &body_bytes)) return err;
  std::string path = PathFor(key);
  std::string_view body(body_bytes);
  Reader in(body);
  std::string_view bytes;
  uint32_t n = 0;
  uint64_t m = 0;
  PrefilterDatabase entry;
  // The entry must say it was compiled from as many expressions as the caller has; a database
  // of another rule set (copied here, or forged with this key and a valid CRC) usually does not.
  if (!in.U32(&entry.expressions) || entry.expressions != expressions) {
    return path + ": compiled from " + std::to_string(entry.expressions) + " expressions, not " +
           std::to_string(expressions);
  }
  if (!in.U32(&entry.ids)) return path + ": truncated";
  if (!in.U32(&n) || n > expressions || n > in.left() / 4) return path + ": bad refused count";
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t id = 0;
    in.U32(&id);
    if (id >= expressions) return path + ": refused id out of range";
    entry.always.push_back(id);
  }
  uint32_t t = 0;
  if (!in.U32(&t) || t > in.left() / 4) return path + ": bad table size";
  entry.table.resize(t);
  for (uint32_t& v : entry.table) in.U32(&v);
  if (!in.U64(&m) || m != in.left() || !in.Bytes(m, &bytes)) return path + ": bad database size";
  // No database is stored only when Vectorscan refused every expression.
  if (m == 0 && n != expressions) return path + ": no database but not every expression refused";
  if ((m == 0) != (entry.ids == 0)) return path + ": match id range does not fit the database";
  if (m > 0) {
    char* info = nullptr;
    int got = hs_serialized_database_info(bytes.data(), bytes.size(), &info);
    if (got == HS_DB_VERSION_ERROR) return path + ": compiled by another Vectorscan version";
    if (got == HS_DB_PLATFORM_ERROR) return path + ": compiled for another CPU";
    if (got != HS_SUCCESS) return path + ": not a Vectorscan database";
    std::string have(info);
    std::free(info);
    // hs_version() is "5.4.9 " and a build date; the info "Version: 5.4.9 Features: AVX2 Mode:
    // BLOCK".
    std::string version(hs_version());
    version = version.substr(0, version.find(' '));
    if (have.rfind("Version: " + version + " ", 0) != 0) {
      return path + ": compiled by another Vectorscan version (" + have + ")";
    }
    size_t size = 0;
    if (hs_serialized_database_size(bytes.data(), bytes.size(), &size) != HS_SUCCESS ||
        size > kMaxFileBytes * 4) {
      return path + ": implausible database size";
    }
    if (hs_deserialize_database(bytes.data(), bytes.size(), &entry.db) != HS_SUCCESS) {
      entry.db = nullptr;
      return path + ": Vectorscan refused the database";
    }
  }
  *out = std::move(entry);
  return std::nullopt;
}

std::optional<std::string> DatabaseCache::Store(const Sha256::Digest& key,
                                                const PrefilterDatabase& entry) const {
  if (dir_.empty()) return "cache off";
  std::string file(kMagic);
  file += KeyBytes(key);
  PutU32(entry.expressions, &file);
  PutU32(entry.ids, &file);
  PutU32(static_cast<uint32_t>(entry.always.size()), &file);
  for (unsigned id : entry.always) PutU32(id, &file);
  PutU32(static_cast<uint32_t>(entry.table.size()), &file);
  for (uint32_t v : entry.table) PutU32(v, &file);
  if (entry.db) {
    char* bytes = nullptr;
    size_t length = 0;
    if (hs_serialize_database(entry.db, &bytes, &length) != HS_SUCCESS) {
      return "cannot serialize the database";
    }
    PutU64(length, &file);
    file.append(bytes, length);
    std::free(bytes);
  } else {
    PutU64(0, &file);
  }
  return WriteEntry(key, kSuffix, std::move(file));
}

std::optional<std::string> DatabaseCache::WriteEntry(const Sha256::Digest& key,
                                                     std::string_view kind,
                                                     std::string file) const {
  if (dir_.empty()) return "cache off";
  if (auto err = MakeDirectories(dir_)) return err;
  std::string why;
  ScopedFd dir_fd(OpenOwnDirectory(dir_, &why));
  if (dir_fd.get() < 0) return why;
  PutU32(EntryChecksum(file), &file);

  // A name no other run uses: the pid, and a counter for several stores in one process.
  static std::atomic<unsigned> counter{0};
  std::string name = EntryName(key, kind);
  std::string temp_name = name + "." + std::to_string(getpid()) + "-" + std::to_string(counter++) +
                          std::string(kTempSuffix);
  std::string path = dir_ + "/" + name, temp = dir_ + "/" + temp_name;
  int fd = openat(dir_fd.get(), temp_name.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return temp + ": " + std::strerror(errno);
  int write_error = WriteAll(fd, file);
  if (write_error) errno = write_error;
  bool ok = write_error == 0 && fsync(fd) == 0;
  why = ok ? "" : temp + ": " + std::strerror(errno);
  if (close(fd) != 0 && ok) {
    ok = false;
    why = temp + ": " + std::strerror(errno);
  }
  if (ok && renameat(dir_fd.get(), temp_name.c_str(), dir_fd.get(), name.c_str()) != 0) {
    ok = false;
    why = path + ": " + std::strerror(errno);
  }
  if (!ok) {
    unlinkat(dir_fd.get(), temp_name.c_str(), 0);
    return why;
  }
  Prune(dir_fd.get(), name);
  return std::nullopt;
}

void DatabaseCache::Prune(int dir_fd, const std::string& keep) const {
  int list_fd = dup(dir_fd);  // closedir closes the descriptor it reads
  DIR* d = list_fd >= 0 ? fdopendir(list_fd) : nullptr;
  if (!d) {
    if (list_fd >= 0) close(list_fd);
    return;
  }
  rewinddir(d);
  std::vector<std::pair<time_t, std::string>> entries;  // (mtime, name), other than `keep`
  time_t now = time(nullptr);
  while (struct dirent* e = readdir(d)) {
    std::string_view name(e->d_name);
    // Only names this file writes: never anything else someone keeps in the directory.
    if (name.size() < 64 || !IsHex64(name.substr(0, 64))) continue;
    std::string_view rest = name.substr(64);
    bool entry = rest == kSuffix || rest == kRuleSetSuffix;
    bool temp = (rest.substr(0, kSuffix.size()) == kSuffix ||
                 rest.substr(0, kRuleSetSuffix.size()) == kRuleSetSuffix) &&
                EndsWith(rest, kTempSuffix);
    if (!entry && !temp) continue;
    struct stat st;
    if (fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    if (temp) {
      if (now - st.st_mtime > kStaleTempSeconds) unlinkat(dir_fd, e->d_name, 0);
    } else if (name != keep) {
      entries.emplace_back(st.st_mtime, std::string(name));
    }
  }
  closedir(d);
  if (entries.size() + 1 <= kMaxEntries) return;
  std::sort(entries.begin(), entries.end());
  for (size_t i = 0; i + kMaxEntries < entries.size() + 1; ++i) {
    unlinkat(dir_fd, entries[i].second.c_str(), 0);
  }
}

}  // namespace kdiag
