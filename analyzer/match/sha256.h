// SHA-256 (FIPS 180-4, "Secure Hash Standard", section 6.2): the key of the compiled-database
// cache (database_cache.h). Written here rather than linked because no library kdiag already
// uses exports one, and a hash is not worth a new dependency.
#ifndef KDIAG_MATCH_SHA256_H_
#define KDIAG_MATCH_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kdiag {

class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();
  void Update(const void* data, size_t size);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Pads and returns the digest; the object must not be updated afterwards.
  Digest Finish();

  static Digest Of(std::string_view s) {
    Sha256 h;
    h.Update(s);
    return h.Finish();
  }
  // Lower-case hex, 64 characters.
  static std::string Hex(const Digest& d);

 private:
  void Block(const uint8_t* p);

  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes
};

}  // namespace kdiag

#endif  // KDIAG_MATCH_SHA256_H_
