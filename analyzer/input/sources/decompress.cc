// Decompression: one streaming loop (DecoderSource::Read) shared by three thin codec adapters.
//
// The loop owns the 256 KiB input buffer, counts the compressed bytes the codec has consumed (the
// offset every error names) and makes errors wait: a call that decodes some bytes and then hits
// damage returns the bytes, and the error comes with the next call. A codec step that makes no
// progress at the end of the input means the data stopped mid-member/stream/frame: truncated.
#include "analyzer/input/sources/decompress.h"

#define ZLIB_CONST
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace kdiag {
namespace {

constexpr size_t kInBufferSize = 256 * 1024;
constexpr uint64_t kXzMemLimit = uint64_t{256} << 20;
// zlib counts in uInt; no single codec step is handed more than this.
constexpr size_t kMaxStep = size_t{1} << 30;

class DecoderSource : public ByteSource {
 public:
  long Read(char* buf, size_t n, std::string* error) final;

 protected:
  DecoderSource(const char* codec, std::unique_ptr<ByteSource> raw)
      : codec_(codec), raw_(std::move(raw)), in_(new uint8_t[kInBufferSize]) {}

  // One codec step: consumes from *in and writes to *out, advancing pointers and lengths.
  // `finish`: no input follows *in. Returns false with *message set on bad data.
  virtual bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len,
                      bool finish, std::string* message) = 0;
  // True when the input consumed so far is whole members / streams / frames.
  virtual bool Complete() const = 0;

  // For a codec whose setup failed: every Read reports it.
  void Fail(const std::string& message) { error_ = std::string(codec_) + ": " + message; }

 private:
  std::string At() const { return " at compressed byte " + std::to_string(consumed_); }

  const char* codec_;
  std::unique_ptr<ByteSource> raw_;
  std::unique_ptr<uint8_t[]> in_;
  size_t in_pos_ = 0;
  size_t in_len_ = 0;
  bool eof_ = false;       // raw_ has returned 0
  bool done_ = false;      // everything decoded
  uint64_t consumed_ = 0;  // compressed bytes the codec has taken
  std::string error_;      // sticky, returned once the bytes before it are out
};

long DecoderSource::Read(char* buf, size_t n, std::string* error) {
  uint8_t* out = reinterpret_cast<uint8_t*>(buf);
  size_t produced = 0;
  while (produced < n && !done_ && error_.empty()) {
    if (in_pos_ == in_len_ && !eof_) {
      if (produced > 0) break;  // hand out what is decoded before waiting for more input
      std::string raw_error;
      long got = raw_->Read(reinterpret_cast<char*>(in_.get()), kInBufferSize, &raw_error);
      if (got < 0) {
        error_ = raw_error;
        break;
      }
      in_pos_ = 0;
      in_len_ = static_cast<size_t>(got);
      eof_ = got == 0;
    }
    const uint8_t* in = in_.get() + in_pos_;
    uint8_t* at = out + produced;
    const size_t in_before = std::min(in_len_ - in_pos_, kMaxStep);
    const size_t out_before = std::min(n - produced, kMaxStep);
    size_t in_left = in_before;
    size_t out_left = out_before;
    std::string message;
    bool ok = Decode(&in, &in_left, &at, &out_left, eof_, &message);
    size_t used = in_before - in_left;
    size_t made = out_before - out_left;
    in_pos_ += used;
    consumed_ += used;
    produced += made;
    if (!ok) {
      error_ = "corrupt " + std::string(codec_) + " data" + At() + ": " + message;
    } else if (used == 0 && made == 0) {
      if (in_pos_ < in_len_) {
        error_ = "corrupt " + std::string(codec_) + " data" + At() + ": decoder made no progress";
      } else if (eof_) {
        if (Complete()) {
          done_ = true;
        } else {
          error_ = "truncated " + std::string(codec_) + " stream" + At();
        }
      }
    }
  }
  if (produced > 0) return static_cast<long>(produced);
  if (!error_.empty()) {
    *error = error_;
    return -1;
  }
  return 0;
}

// RFC 1952; one member after another (gzip itself decodes `cat a.gz b.gz` to both contents).
class GzipSource : public DecoderSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> raw) : DecoderSource("gzip", std::move(raw)) {
    // inflateInit2 is a macro with a C cast; call what it expands to. 16 + 15: gzip only.
    if (inflateInit2_(&z_, 16 + MAX_WBITS, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) !=
        Z_OK) {
      Fail("cannot initialise zlib");
    } else {
      initialised_ = true;
    }
  }
  ~GzipSource() override {
    if (initialised_) inflateEnd(&z_);
  }

 private:
  bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len, bool /*finish*/,
              std::string* message) override {
    if (member_end_) {
      if (*in_len == 0) return true;
      inflateReset(&z_);  // another member follows
      member_end_ = false;
    }
    z_.next_in = *in;
    z_.avail_in = static_cast<uInt>(*in_len);
    z_.next_out = *out;
    z_.avail_out = static_cast<uInt>(*out_len);
    int rc = inflate(&z_, Z_NO_FLUSH);
    *in = z_.next_in;
    *in_len = z_.avail_in;
    *out = z_.next_out;
    *out_len = z_.avail_out;
    if (rc == Z_STREAM_END) member_end_ = true;
    if (rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR) return true;
    *message = z_.msg != nullptr ? z_.msg : "zlib error " + std::to_string(rc);
    return false;
  }
  bool Complete() const override { return member_end_; }

  z_stream z_{};
  bool initialised_ = false;
  bool member_end_ = false;
};

// .xz; LZMA_CONCATENATED decodes streams back to back (and stream padding) as xz(1) does.
class XzSource : public DecoderSource {
 public:
  explicit XzSource(std::unique_ptr<ByteSource> raw) : DecoderSource("xz", std::move(raw)) {
    if (lzma_stream_decoder(&strm_, kXzMemLimit, LZMA_CONCATENATED) != LZMA_OK) {
      Fail("cannot initialise liblzma");
    }
  }
  ~XzSource() override { lzma_end(&strm_); }

 private:
  bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len, bool finish,
              std::string* message) override {
    if (ended_) return true;
    strm_.next_in = *in;
    strm_.avail_in = *in_len;
    strm_.next_out = *out;
    strm_.avail_out = *out_len;
    lzma_ret rc = lzma_code(&strm_, finish ? LZMA_FINISH : LZMA_RUN);
    *in = strm_.next_in;
    *in_len = strm_.avail_in;
    *out = strm_.next_out;
    *out_len = strm_.avail_out;
    switch (rc) {
      case LZMA_OK:
      case LZMA_BUF_ERROR:  // no progress possible; the loop decides whether that is truncation
        return true;
      case LZMA_STREAM_END:
        ended_ = true;
        return true;
      case LZMA_MEM_ERROR:
        *message = "out of memory";
        return false;
      case LZMA_MEMLIMIT_ERROR:
        *message = "needs more than the 256 MiB memory limit";
        return false;
      case LZMA_FORMAT_ERROR:
        *message = "not an xz stream";
        return false;
      case LZMA_OPTIONS_ERROR:
        *message = "unsupported options";
        return false;
      case LZMA_DATA_ERROR:
        *message = "data is corrupt";
        return false;
      default:
        *message = "liblzma error " + std::to_string(static_cast<int>(rc));
        return false;
    }
  }
  bool Complete() const override { return ended_; }

  lzma_stream strm_{};  // all zero is LZMA_STREAM_INIT
  bool ended_ = false;
};

// RFC 8878; ZSTD_decompressStream starts the next frame by itself (skippable frames included).
// Its default window limit (128 MiB) bounds memory.
class ZstdSource : public DecoderSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> raw)
      : DecoderSource("zstd", std::move(raw)), dctx_(ZSTD_createDCtx()) {
    if (dctx_ == nullptr) Fail("cannot initialise libzstd");
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }

 private:
  bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len, bool /*finish*/,
              std::string* message) override {
    ZSTD_inBuffer ib{*in, *in_len, 0};
    ZSTD_outBuffer ob{*out, *out_len, 0};
    size_t rc = ZSTD_decompressStream(dctx_, &ob, &ib);
    *in += ib.pos;
    *in_len -= ib.pos;
    *out += ob.pos;
    *out_len -= ob.pos;
    if (ZSTD_isError(rc)) {
      *message = ZSTD_getErrorName(rc);
      return false;
    }
    // 0: a frame is fully decoded and flushed. A call without progress says nothing new.
    if (ib.pos > 0 || ob.pos > 0) frame_end_ = rc == 0;
    return true;
  }
  bool Complete() const override { return frame_end_; }

  ZSTD_DCtx* dctx_;
  bool frame_end_ = false;
};

// bzip2 (Debian libbz2, bzlib.h of bzip2 1.0.8); streams back to back are decoded one after the
// other, as `bzip2 -d` does. The decoder's memory is bounded by the block size (at most 900 kB
// blocks: about 3.7 MB of state, "Memory management" in the bzip2 manual).
class Bzip2Source : public DecoderSource {
 public:
  explicit Bzip2Source(std::unique_ptr<ByteSource> raw) : DecoderSource("bzip2", std::move(raw)) {
    Start();
  }
  ~Bzip2Source() override {
    if (initialised_) BZ2_bzDecompressEnd(&bz_);
  }

 private:
  void Start() {
    bz_ = bz_stream{};
    initialised_ = BZ2_bzDecompressInit(&bz_, 0, 0) == BZ_OK;
    if (!initialised_) Fail("cannot initialise libbz2");
  }
  bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len, bool /*finish*/,
              std::string* message) override {
    if (stream_end_) {
      if (*in_len == 0) return true;
      BZ2_bzDecompressEnd(&bz_);  // another stream follows
      Start();
      if (!initialised_) return *message = "cannot initialise libbz2", false;
      stream_end_ = false;
    }
    bz_.next_in = const_cast<char*>(reinterpret_cast<const char*>(*in));
    bz_.avail_in = static_cast<unsigned int>(*in_len);
    bz_.next_out = reinterpret_cast<char*>(*out);
    bz_.avail_out = static_cast<unsigned int>(*out_len);
    int rc = BZ2_bzDecompress(&bz_);
    *in = reinterpret_cast<const uint8_t*>(bz_.next_in);
    *in_len = bz_.avail_in;
    *out = reinterpret_cast<uint8_t*>(bz_.next_out);
    *out_len = bz_.avail_out;
    switch (rc) {
      case BZ_OK:
        return true;
      case BZ_STREAM_END:
        stream_end_ = true;
        return true;
      case BZ_DATA_ERROR_MAGIC:
        *message = "not a bzip2 stream";
        return false;
      case BZ_DATA_ERROR:
        *message = "data is corrupt";
        return false;
      case BZ_MEM_ERROR:
        *message = "out of memory";
        return false;
      default:
        *message = "libbz2 error " + std::to_string(rc);
        return false;
    }
  }
  bool Complete() const override { return stream_end_; }

  bz_stream bz_{};
  bool initialised_ = false;
  bool stream_end_ = false;
};

// The LZ4 frame format (lz4 1.9.4, doc/lz4_Frame_format.md; Debian liblz4, lz4frame.h), the
// format of the lz4 command. LZ4F_decompress starts the next frame by itself after one ends
// (skippable frames included). Memory: one block, at most 4 MiB (the format's largest).
class Lz4Source : public DecoderSource {
 public:
  explicit Lz4Source(std::unique_ptr<ByteSource> raw) : DecoderSource("lz4", std::move(raw)) {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx_, LZ4F_VERSION))) {
      dctx_ = nullptr;
      Fail("cannot initialise liblz4");
    }
  }
  ~Lz4Source() override { LZ4F_freeDecompressionContext(dctx_); }

 private:
  bool Decode(const uint8_t** in, size_t* in_len, uint8_t** out, size_t* out_len, bool /*finish*/,
              std::string* message) override {
    size_t src = *in_len, dst = *out_len;
    size_t rc = LZ4F_decompress(dctx_, *out, &dst, *in, &src, nullptr);
    *in += src;
    *in_len -= src;
    *out += dst;
    *out_len -= dst;
    if (LZ4F_isError(rc)) {
      *message = LZ4F_getErrorName(rc);
      return false;
    }
    // 0: a frame is fully decoded and flushed. A call without progress says nothing new.
    if (src > 0 || dst > 0) frame_end_ = rc == 0;
    return true;
  }
  bool Complete() const override { return frame_end_; }

  LZ4F_dctx* dctx_ = nullptr;
  bool frame_end_ = false;
};

// Formats known by their magic bytes. `decoded`: kdiag reads them; the others are refused with
// their name, so that a compressed log is never read as text (and found to hold no problem).
struct Magic {
  std::string_view bytes;
  const char* name;
  bool decoded;
};
constexpr Magic kMagics[] = {
    {std::string_view("\x1f\x8b", 2), "gzip", true},  // RFC 1952 2.3.1
    {std::string_view("\xfd"
                      "7zXZ\0",
                      6),
     "xz", true},                                             // xz-file-format 2.1.1.1
    {std::string_view("\x28\xb5\x2f\xfd", 4), "zstd", true},  // RFC 8878 3.1.1
    {std::string_view("BZh", 3), "bzip2", true},              // bzlib_private.h BZ_HDR_B/Z/h
    {std::string_view("\x04\x22\x4d\x18", 4), "lz4", true},   // lz4_Frame_format.md 0x184D2204
    {std::string_view("\x02\x21\x4c\x18", 4), "lz4 legacy (lz4 -l)",
     false},                                                    // the same, legacy frame 0x184C2102
    {std::string_view("\x1f\x9d", 2), "compress (.Z)", false},  // compress(1) / gzip
    {std::string_view("LZIP", 4), "lzip", false},               // lzip manual, "File format"
    {std::string_view("\x89LZO\0\r\n\x1a\n", 9), "lzop", false},       // lzop's header
    {std::string_view("7z\xbc\xaf\x27\x1c", 6), "7z archive", false},  // 7zFormat.txt
    {std::string_view("PK\x03\x04", 4), "zip archive", false},         // APPNOTE.TXT 4.3.7
};
constexpr size_t kMagicPeek = 9;

bool StartsWith(const std::string& head, std::string_view magic) {
  return head.size() >= magic.size() && std::memcmp(head.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

std::unique_ptr<ByteSource> OpenDecoded(std::unique_ptr<ByteSource> raw, std::string* codec,
                                        std::string* error) {
  std::string head;
  if (!ReadUpTo(raw.get(), kMagicPeek, &head, error)) return nullptr;
  const Magic* magic = nullptr;
  for (const Magic& m : kMagics) {
    if (StartsWith(head, m.bytes)) {
      magic = &m;
      break;
    }
  }
  // "BZh" is text too: bzip2 only when a block size digit follows.
  if (magic && std::string_view(magic->name) == "bzip2" &&
      (head.size() < 4 || head[3] < '1' || head[3] > '9')) {
    magic = nullptr;
  }
  std::string name = magic ? magic->name : "";
  if (codec != nullptr) *codec = name;
  if (magic && !magic->decoded) {
    *error = name + " data, which kdiag does not read (decompress it first)";
    return nullptr;
  }
  auto replay = std::make_unique<ReplaySource>(std::move(head), std::move(raw));
  if (name == "gzip") return std::make_unique<GzipSource>(std::move(replay));
  if (name == "xz") return std::make_unique<XzSource>(std::move(replay));
  if (name == "zstd") return std::make_unique<ZstdSource>(std::move(replay));
  if (name == "bzip2") return std::make_unique<Bzip2Source>(std::move(replay));
  if (name == "lz4") return std::make_unique<Lz4Source>(std::move(replay));
  return replay;
}

}  // namespace kdiag
