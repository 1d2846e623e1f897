// Compressed inputs: every test builds its data with zlib, liblzma, libzstd, libbz2 and liblz4
// themselves, so there are no binary fixtures to trust.
#include "analyzer/input/sources/decompress.h"

#include <gtest/gtest.h>

#define ZLIB_CONST
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "run_kdiag.h"

namespace kdiag {
namespace {

// Serves `data` at most `chunk` bytes per Read, then 0 (or -1 with `error` if it is set).
class StringSource : public ByteSource {
 public:
  StringSource(std::string data, size_t chunk, std::string error = "")
      : data_(std::move(data)), chunk_(chunk), error_(std::move(error)) {}
  long Read(char* buf, size_t n, std::string* error) override {
    if (pos_ == data_.size()) {
      if (error_.empty()) return 0;
      *error = error_;
      return -1;
    }
    size_t k = std::min({n, chunk_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }

 private:
  std::string data_;
  size_t chunk_;
  std::string error_;
  size_t pos_ = 0;
};

// Deterministic log-like text: compressible, but not trivially.
std::string Text(size_t size) {
  static const char* const kWords[] = {"pci",   "xen",     "irq",  "dma",   "vcpu", "domain",
                                       "write", "config",  "0x1f", "space", "bar",  "reset",
                                       "guest", "pciback", "mmio", "evtchn"};
  std::string out;
  uint32_t x = 12345;
  for (uint64_t line = 0; out.size() < size; ++line) {
    out += "[" + std::to_string(line / 1000) + "." + std::to_string(line % 1000) + "]";
    int words = 3 + static_cast<int>(x % 9);
    for (int i = 0; i < words; ++i) {
      x = x * 1103515245u + 12345u;
      out += " ";
      out += kWords[(x >> 16) % 16];
      if ((x >> 8) % 5 == 0) out += std::to_string(x % 100000);
    }
    out += "\n";
  }
  out.resize(size);
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  // deflateInit2 is a macro with a C cast; call what it expands to. 16 + 15: gzip header.
  EXPECT_EQ(deflateInit2_(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                          static_cast<int>(sizeof(z_stream))),
            Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<const Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Xz(const std::string& data) {
  lzma_stream s{};
  EXPECT_EQ(lzma_easy_encoder(&s, 1, LZMA_CHECK_CRC64), LZMA_OK);
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  s.next_in = reinterpret_cast<const uint8_t*>(data.data());
  s.avail_in = data.size();
  s.next_out = reinterpret_cast<uint8_t*>(&out[0]);
  s.avail_out = out.size();
  EXPECT_EQ(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
  out.resize(s.total_out);
  lzma_end(&s);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);  // as zstd(1) writes it
  size_t n = ZSTD_compress2(c, &out[0], out.size(), data.data(), data.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  ZSTD_freeCCtx(c);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

std::string Bzip2(const std::string& data) {
  // bzip2(1)'s default: 900 kB blocks.
  unsigned int size = static_cast<unsigned int>(data.size() + data.size() / 100 + 600);
  std::string out(size, '\0');
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(&out[0], &size, const_cast<char*>(data.data()),
                                     static_cast<unsigned int>(data.size()), 9, 0, 0),
            BZ_OK);
  out.resize(size);
  return out;
}

std::string Lz4(const std::string& data) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;  // as lz4(1) writes it
  std::string out(LZ4F_compressFrameBound(data.size(), &prefs), '\0');
  size_t n = LZ4F_compressFrame(&out[0], out.size(), data.data(), data.size(), &prefs);
  EXPECT_FALSE(LZ4F_isError(n)) << LZ4F_getErrorName(n);
  out.resize(LZ4F_isError(n) ? 0 : n);
  return out;
}

struct Decoded {
  std::string codec;
  std::string out;
  long last = 0;  // the final Read result: 0 or -1
  std::string error;
};

// Opens `input` and reads it to the end (or the first error) `read_size` bytes at a time; the raw
// source hands out at most `raw_chunk` bytes per read.
Decoded Decode(const std::string& input, size_t read_size, size_t raw_chunk = 1 << 20,
               const std::string& raw_error = "") {
  Decoded d;
  std::string error;
  auto source =
      OpenDecoded(std::make_unique<StringSource>(input, raw_chunk, raw_error), &d.codec, &error);
  if (source == nullptr) {
    d.last = -1;
    d.error = error;
    return d;
  }
  std::vector<char> buf(read_size);
  for (;;) {
    long n = source->Read(buf.data(), buf.size(), &d.error);
    if (n <= 0) {
      d.last = n;
      if (n < 0) {
        // Sticky: asking again gives the error again, not more data.
        std::string again;
        EXPECT_EQ(source->Read(buf.data(), buf.size(), &again), -1);
        EXPECT_EQ(again, d.error);
      }
      return d;
    }
    d.out.append(buf.data(), static_cast<size_t>(n));
  }
}

size_t CommonPrefix(const std::string& a, const std::string& b) {
  auto m = std::mismatch(a.begin(), a.begin() + static_cast<long>(std::min(a.size(), b.size())),
                         b.begin());
  return static_cast<size_t>(m.first - a.begin());
}

struct Codec {
  const char* name;
  std::string (*compress)(const std::string&);
};
const Codec kCodecs[] = {
    {"gzip", Gzip}, {"xz", Xz}, {"zstd", Zstd}, {"bzip2", Bzip2}, {"lz4", Lz4}};

const std::string& BigText() {
  static const std::string text = Text(5 << 20);
  return text;
}

// BigText() compressed, once per codec (xz takes a while).
const std::string& BigPacked(const Codec& c) {
  static std::string packed[std::size(kCodecs)];
  std::string& p = packed[&c - kCodecs];
  if (p.empty()) p = c.compress(BigText());
  return p;
}

TEST(Decompress, RoundTripInSmallAndBigReads) {
  for (const Codec& c : kCodecs) {
    const std::string& packed = BigPacked(c);
    ASSERT_LT(packed.size(), BigText().size() * 3 / 4) << c.name;  // lz4 makes about half
    // (read size, raw chunk size)
    const std::pair<size_t, size_t> sizes[] = {
        {7, 1000}, {4096, 1 << 20}, {1 << 20, 1000}, {1 << 20, 1 << 20}};
    for (auto [read_size, raw_chunk] : sizes) {
      Decoded d = Decode(packed, read_size, raw_chunk);
      EXPECT_EQ(d.codec, c.name);
      EXPECT_EQ(d.last, 0) << c.name << ": " << d.error;
      EXPECT_TRUE(d.out == BigText())
          << c.name << " read " << read_size << " raw " << raw_chunk << ": got " << d.out.size()
          << " bytes, common prefix " << CommonPrefix(d.out, BigText());
    }
  }
}

TEST(Decompress, MultiMemberGzip) {
  std::string a = Text(300000), b = "second member\n";
  Decoded d = Decode(Gzip(a) + Gzip("") + Gzip(b), 65536);
  EXPECT_EQ(d.codec, "gzip");
  EXPECT_EQ(d.last, 0) << d.error;
  EXPECT_TRUE(d.out == a + b);
}

TEST(Decompress, ConcatenatedXzWithStreamPadding) {
  std::string a = Text(300000), b = "second stream\n";
  Decoded d = Decode(Xz(a) + std::string(4, '\0') + Xz(b), 65536);
  EXPECT_EQ(d.codec, "xz");
  EXPECT_EQ(d.last, 0) << d.error;
  EXPECT_TRUE(d.out == a + b);
}

TEST(Decompress, MultiFrameZstd) {
  std::string a = Text(300000), b = "second frame\n";
  Decoded d = Decode(Zstd(a) + Zstd("") + Zstd(b), 65536);
  EXPECT_EQ(d.codec, "zstd");
  EXPECT_EQ(d.last, 0) << d.error;
  EXPECT_TRUE(d.out == a + b);
}

TEST(Decompress, ConcatenatedBzip2AndLz4) {
  std::string a = Text(300000), b = "second stream\n";
  Decoded bz = Decode(Bzip2(a) + Bzip2(b), 65536);
  EXPECT_EQ(bz.codec, "bzip2");
  EXPECT_EQ(bz.last, 0) << bz.error;
  EXPECT_TRUE(bz.out == a + b);
  Decoded lz = Decode(Lz4(a) + Lz4("") + Lz4(b), 65536);
  EXPECT_EQ(lz.codec, "lz4");
  EXPECT_EQ(lz.last, 0) << lz.error;
  EXPECT_TRUE(lz.out == a + b);
}

// Formats known by their magic that kdiag does not decode are refused by name, never read as
// text.
TEST(Decompress, KnownFormatsItDoesNotReadAreRefusedByName) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("LZIP\x01\x0c", 6) + Text(100), "lzip"},
      {std::string("\x1f\x9d\x90", 3) + Text(100), "compress (.Z)"},
      {std::string("\x02\x21\x4c\x18", 4) + Text(100), "lz4 legacy (lz4 -l)"},
      {std::string("\x89LZO\0\r\n\x1a\n", 9) + Text(100), "lzop"},
      {std::string("7z\xbc\xaf\x27\x1c", 6) + Text(100), "7z archive"},
      {std::string("PK\x03\x04", 4) + Text(100), "zip archive"},
  };
  for (const auto& [data, name] : cases) {
    Decoded d = Decode(data, 4096);
    EXPECT_EQ(d.codec, name);
    EXPECT_EQ(d.last, -1) << name;
    EXPECT_EQ(d.error, name + " data, which kdiag does not read (decompress it first)");
  }
}

TEST(Decompress, PlainInputPassesThroughUnchanged) {
  const std::string inputs[] = {
      "[    0.000000] Linux version 6.1\n",
      std::string("\x1f") + "abc: starts like gzip, is not\n",
      "\x1f",
      "\x28\xb5\x2f",  // a zstd magic cut short
      std::string("\xfd") + "7zXZ without the NUL",
      "BZh: text that starts like bzip2, without its block size digit\n",
      std::string("\0\0\0\0binary\n", 11),
      Text(200000),
  };
  for (const std::string& in : inputs) {
    for (size_t read_size : {size_t{1}, size_t{65536}}) {
      Decoded d = Decode(in, read_size, 3);
      EXPECT_EQ(d.codec, "");
      EXPECT_EQ(d.last, 0) << d.error;
      EXPECT_TRUE(d.out == in) << "input of " << in.size() << " bytes";
    }
  }
}

TEST(Decompress, EmptyInput) {
  Decoded d = Decode("", 4096);
  EXPECT_EQ(d.codec, "");
  EXPECT_EQ(d.last, 0);
  EXPECT_EQ(d.out, "");
}

TEST(Decompress, TruncatedInputDeliversThePrefixThenNamesCodecAndOffset) {
  for (const Codec& c : kCodecs) {
    const std::string& packed = BigPacked(c);
    std::string cut = packed.substr(0, packed.size() / 2);
    for (size_t read_size : {size_t{61}, size_t{1} << 20}) {
      Decoded d = Decode(cut, read_size, 4096);
      EXPECT_EQ(d.last, -1) << c.name;
      EXPECT_EQ(d.error, "truncated " + std::string(c.name) + " stream at compressed byte " +
                             std::to_string(cut.size()));
      EXPECT_GT(d.out.size(), BigText().size() / 4) << c.name << ": " << d.error;
      EXPECT_EQ(CommonPrefix(d.out, BigText()), d.out.size()) << c.name;
    }
    // Cut inside the header: nothing to deliver, still an error naming the codec.
    Decoded head = Decode(packed.substr(0, 8), 4096);
    EXPECT_EQ(head.last, -1) << c.name;
    EXPECT_EQ(head.error, "truncated " + std::string(c.name) + " stream at compressed byte 8");
    EXPECT_EQ(head.out, "");
  }
}

TEST(Decompress, CorruptInputDeliversThePrefixThenNamesCodecAndOffset) {
  for (const Codec& c : kCodecs) {
    std::string packed = BigPacked(c);
    size_t at = packed.size() / 2;
    for (size_t i = at; i < at + 64; ++i) packed[i] = static_cast<char>(packed[i] ^ 0x5a);
    for (size_t read_size : {size_t{61}, size_t{1} << 20}) {
      Decoded d = Decode(packed, read_size, 4096);
      EXPECT_EQ(d.last, -1) << c.name;
      std::string prefix = "corrupt " + std::string(c.name) + " data at compressed byte ";
      ASSERT_EQ(d.error.compare(0, prefix.size(), prefix), 0) << d.error;
      uint64_t offset = std::stoull(d.error.substr(prefix.size()));
      // Where the decoder noticed: zstd reads a whole block (up to 128 KiB) before decoding it and
      // names the block's start; the others name a point at or after the damage.
      EXPECT_GE(offset, at - (std::string(c.name) == "zstd" ? 128 << 10 : 0)) << d.error;
      EXPECT_LE(offset, packed.size()) << d.error;
      // The bytes before the damage came out first (and correct).
      EXPECT_GT(CommonPrefix(d.out, BigText()), BigText().size() / 4) << c.name << ": " << d.error;
    }
  }
}

TEST(Decompress, TrailingGarbageAfterAMemberIsCorrupt) {
  Decoded d = Decode(Gzip("complete\n") + "garbage", 4096);
  EXPECT_EQ(d.out, "complete\n");
  EXPECT_EQ(d.last, -1);
  EXPECT_NE(d.error.find("corrupt gzip data at compressed byte"), std::string::npos) << d.error;
}

TEST(Decompress, ReadErrorOfTheRawSourcePassesThroughAfterTheDecodedBytes) {
  std::string text = Text(100000);
  for (const Codec& c : kCodecs) {
    Decoded d = Decode(c.compress(text), 4096, 1000, "Input/output error");
    EXPECT_EQ(d.last, -1) << c.name;
    EXPECT_EQ(d.error, "Input/output error");
    EXPECT_EQ(CommonPrefix(d.out, text), d.out.size()) << c.name;
  }
  // A failing peek: no source at all.
  Decoded none = Decode("", 4096, 1000, "Input/output error");
  EXPECT_EQ(none.last, -1);
  EXPECT_EQ(none.error, "Input/output error");
}

// Through the binary: the name of a file does not matter, its bytes do.
constexpr char kPciback[] =
    "[   43.052271] pciback 0000:13:04.0: Driver tried to write to a read-only configuration space "
    "field at offset 0xe0, size 2. This may be harmless, but if you have problems with your "
    "device:\n";

TEST(DecompressCli, GzipAndZstdLogsAreDecoded) {
  std::string dir = testing::TempDir();
  std::string log = std::string("[   42.000000] Linux version 6.1.0\n") + kPciback;
  testing::WriteFile(dir + "/kern.log.gz", Gzip(log));
  testing::WriteFile(dir + "/kern.log.1", Zstd(log));  // no telling suffix
  for (const char* name : {"/kern.log.gz", "/kern.log.1"}) {
    auto r = testing::RunKdiag({"--output", "ndjson", dir + name});
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find(R"({"type":"event","rule":"xen.pciback.ro_config_write")"),
              std::string::npos)
        << name << ": " << r.out;
  }
}

// Before bzip2 and lz4 were decoded, such a file was read as text and reported "No problems found".
TEST(DecompressCli, Bzip2AndLz4LogsAreDecodedAndOthersRefused) {
  std::string dir = testing::TempDir();
  std::string log = std::string("[   42.000000] Linux version 6.1.0\n") + kPciback;
  testing::WriteFile(dir + "/kern.log.2.bz2", Bzip2(log));
  testing::WriteFile(dir + "/kern.log.3", Lz4(log));  // no telling suffix
  for (const char* name : {"/kern.log.2.bz2", "/kern.log.3"}) {
    auto r = testing::RunKdiag({dir + name});
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find("xen.pciback.ro_config_write"), std::string::npos) << name << r.out;
  }
  testing::WriteFile(dir + "/kern.log.4.lz", std::string("LZIP\x01\x0c", 6) + log);
  auto r = testing::RunKdiag({dir + "/kern.log.4.lz"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + "/kern.log.4.lz: read: lzip data, which kdiag does not read"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("No problems found"), std::string::npos) << r.out;
}

TEST(DecompressCli, TruncatedGzipExitsTwoAndKeepsTheEventsBeforeTheDamage) {
  std::string dir = testing::TempDir();
  // The event first, then enough text that the damage lies past the format detection head.
  std::string log = kPciback + Text(400000);
  std::string packed = Gzip(log);
  std::string path = dir + "/kern.log.gz";
  testing::WriteFile(path, packed.substr(0, packed.size() * 3 / 4));
  auto r = testing::RunKdiag({"--output", "ndjson", path});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated gzip stream"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(R"({"type":"event","rule":"xen.pciback.ro_config_write")"),
            std::string::npos)
      << r.out.substr(0, 2000);
}

TEST(DecompressCli, ShortTruncatedGzipStillYieldsTheLinesBeforeTheDamage) {
  // Damage inside the format-detection head: what decoded before it is still read.
  std::string dir = testing::TempDir();
  std::string log = kPciback + std::string("[   44.000000] more text that the cut removes\n");
  std::string packed = Gzip(log);
  std::string path = dir + "/short.log.gz";
  testing::WriteFile(path, packed.substr(0, packed.size() - 12));
  auto r = testing::RunKdiag({"--output", "ndjson", path});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("truncated gzip stream"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(R"({"type":"event","rule":"xen.pciback.ro_config_write")"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace kdiag
