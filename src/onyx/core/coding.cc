// Implementation of the shared byte encodings.
#include "onyx/core/coding.h"

#include <cstring>

namespace onyx::core {

void PutBigEndian32(std::string* dst, std::uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  dst->append(buf, 4);
}

void PutBigEndian64(std::string* dst, std::uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutVarint64(std::string* dst, std::uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, static_cast<std::size_t>(n));
}

void PutVarintSigned64(std::string* dst, std::int64_t v) {
  const std::uint64_t zigzag =
      (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  PutVarint64(dst, zigzag);
}

void PutLengthPrefixed(std::string* dst, std::string_view bytes) {
  PutVarint64(dst, bytes.size());
  dst->append(bytes);
}

void PutFloat32(std::string* dst, float v) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  PutBigEndian32(dst, bits);
}

std::uint32_t DecodeBigEndian32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

std::uint64_t DecodeBigEndian64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

std::string HexBytes(std::string_view bytes, std::size_t max_bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  const std::size_t n = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  if (n < bytes.size()) out += "…";
  return out;
}

bool ByteReader::Fail(std::string_view what) {
  if (!failed_) {
    failed_ = true;
    what_ = std::string(what);
    failed_at_ = pos_;
  }
  return false;
}

Status ByteReader::Error(std::string_view context) const {
  std::string msg(context);
  msg += ": ";
  msg += failed_ ? what_ : std::string("unexpected trailing bytes");
  msg += " at offset " + std::to_string(failed_ ? failed_at_ : pos_) + " of " +
         std::to_string(input_.size()) + " bytes";
  return Status::Corruption(std::move(msg));
}

bool ByteReader::ReadByte(std::uint8_t* v) {
  if (failed_) return false;
  if (remaining() < 1) return Fail("truncated byte");
  *v = static_cast<std::uint8_t>(input_[pos_++]);
  return true;
}

bool ByteReader::ReadBigEndian32(std::uint32_t* v) {
  if (failed_) return false;
  if (remaining() < 4) return Fail("truncated 32-bit integer");
  *v = DecodeBigEndian32(input_.data() + pos_);
  pos_ += 4;
  return true;
}

bool ByteReader::ReadBigEndian64(std::uint64_t* v) {
  if (failed_) return false;
  if (remaining() < 8) return Fail("truncated 64-bit integer");
  *v = DecodeBigEndian64(input_.data() + pos_);
  pos_ += 8;
  return true;
}

bool ByteReader::ReadVarint64(std::uint64_t* v) {
  if (failed_) return false;
  std::uint64_t result = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (pos_ >= input_.size()) return Fail("truncated varint");
    const auto byte = static_cast<std::uint8_t>(input_[pos_++]);
    if (shift == 63 && byte > 1) return Fail("varint overflows 64 bits");
    result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return Fail("varint longer than 10 bytes");
}

bool ByteReader::ReadVarint32(std::uint32_t* v) {
  std::uint64_t wide = 0;
  if (!ReadVarint64(&wide)) return false;
  if (wide > 0xFFFFFFFFu) return Fail("varint does not fit in 32 bits");
  *v = static_cast<std::uint32_t>(wide);
  return true;
}

bool ByteReader::ReadVarintSigned64(std::int64_t* v) {
  std::uint64_t zigzag = 0;
  if (!ReadVarint64(&zigzag)) return false;
  *v = static_cast<std::int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
  return true;
}

bool ByteReader::ReadFloat32(float* v) {
  std::uint32_t bits = 0;
  if (!ReadBigEndian32(&bits)) return false;
  std::memcpy(v, &bits, sizeof(bits));
  return true;
}

bool ByteReader::ReadLengthPrefixed(std::string_view* v, std::size_t max_len) {
  std::uint64_t len = 0;
  if (!ReadVarint64(&len)) return false;
  if (len > max_len)
    return Fail("string length " + std::to_string(len) + " exceeds limit " +
                std::to_string(max_len));
  if (len > remaining()) return Fail("string length " + std::to_string(len) + " runs past the end");
  *v = input_.substr(pos_, static_cast<std::size_t>(len));
  pos_ += static_cast<std::size_t>(len);
  return true;
}

bool ByteReader::ReadLengthPrefixed(std::string* v, std::size_t max_len) {
  std::string_view view;
  if (!ReadLengthPrefixed(&view, max_len)) return false;
  v->assign(view);
  return true;
}

bool ByteReader::ReadBytes(std::size_t n, std::string_view* v) {
  if (failed_) return false;
  if (remaining() < n) return Fail("truncated: wanted " + std::to_string(n) + " bytes");
  *v = input_.substr(pos_, n);
  pos_ += n;
  return true;
}

void PutSpan(std::string* dst, const Span& span) {
  PutVarint64(dst, span.start_byte);
  PutVarint64(dst, span.end_byte);
  PutVarint64(dst, span.start_line);
  PutVarint64(dst, span.end_line);
}

bool ByteReader::ReadSpan(Span* span) {
  return ReadVarint32(&span->start_byte) && ReadVarint32(&span->end_byte) &&
         ReadVarint32(&span->start_line) && ReadVarint32(&span->end_line);
}

}  // namespace onyx::core
