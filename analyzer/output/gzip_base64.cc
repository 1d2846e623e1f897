#include "analyzer/output/gzip_base64.h"

#include <utility>

namespace kdiag {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Encodes whole groups of 3 bytes from `in` (and, when `last`, the 1 or 2 left, padded); returns
// how many bytes it used.
size_t EncodeGroups(const unsigned char* in, size_t size, bool last, std::string* out) {
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out->push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (last && i < size) {
    uint32_t v = uint32_t{in[i]} << 16 | (i + 1 < size ? uint32_t{in[i + 1]} << 8 : 0);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(i + 1 < size ? kAlphabet[(v >> 6) & 63] : '=');
    out->push_back('=');
    i = size;
  }
  return i;
}

}  // namespace

std::string Base64(std::string_view bytes) {
  std::string out;
  EncodeGroups(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), true, &out);
  return out;
}

GzipBase64::GzipBase64(std::function<void(std::string_view)> write) : write_(std::move(write)) {
  // deflateInit2 is a macro with a C cast; call what it expands to. 16 + 15: a gzip wrapper.
  deflateInit2_(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                ZLIB_VERSION, static_cast<int>(sizeof(z_stream)));
}

GzipBase64::~GzipBase64() {
  deflateEnd(&z_);
}

void GzipBase64::Add(std::string_view text) {
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z_.avail_in = static_cast<uInt>(text.size());
  Deflate(Z_NO_FLUSH);
}

void GzipBase64::Finish() {
  z_.next_in = nullptr;
  z_.avail_in = 0;
  Deflate(Z_FINISH);
}

void GzipBase64::Deflate(int flush) {
  unsigned char buffer[1 << 14];
  int rc = Z_OK;
  do {
    z_.next_out = buffer;
    z_.avail_out = sizeof(buffer);
    rc = deflate(&z_, flush);
    Encode(buffer, sizeof(buffer) - z_.avail_out, flush == Z_FINISH && rc == Z_STREAM_END);
  } while (z_.avail_out == 0 || (flush == Z_FINISH && rc == Z_OK));
}

void GzipBase64::Encode(const unsigned char* data, size_t size, bool last) {
  out_.clear();
  pending_.append(reinterpret_cast<const char*>(data), size);
  size_t used = EncodeGroups(reinterpret_cast<const unsigned char*>(pending_.data()),
                             pending_.size(), last, &out_);
  pending_.erase(0, used);
  if (!out_.empty()) write_(out_);
}

}  // namespace kdiag
