// Byte encodings shared by every on-disk format: big-endian fixed-width integers
// (so that byte order is numeric order in keys), LEB128 varints and
// length-prefixed strings in values, and a bounds-checked reader for both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "onyx/status.h"
#include "onyx/types.h"

namespace onyx::core {

void PutBigEndian32(std::string* dst, std::uint32_t v);
void PutBigEndian64(std::string* dst, std::uint64_t v);
void PutVarint64(std::string* dst, std::uint64_t v);
/// Zig-zag encodes so that small negative numbers stay short.
void PutVarintSigned64(std::string* dst, std::int64_t v);
void PutLengthPrefixed(std::string* dst, std::string_view bytes);
void PutFloat32(std::string* dst, float v);
/// A span as four varints (start byte, end byte, start line, end line).
void PutSpan(std::string* dst, const Span& span);

std::uint32_t DecodeBigEndian32(const char* p);
std::uint64_t DecodeBigEndian64(const char* p);

/// Lower-case hex of `bytes`, for error messages ("0x00000001…").
std::string HexBytes(std::string_view bytes, std::size_t max_bytes = 48);

/// Reads what the Put* functions wrote, never past the end of its input. Every
/// Read* returns false when the input is too short or malformed; the reader then
/// stays failed and Error() names what was being read and at which offset.
class ByteReader {
 public:
  explicit ByteReader(std::string_view input) : input_(input) {}

  bool ReadByte(std::uint8_t* v);
  bool ReadBigEndian32(std::uint32_t* v);
  bool ReadBigEndian64(std::uint64_t* v);
  bool ReadVarint64(std::uint64_t* v);
  /// A varint that must fit in 32 bits.
  bool ReadVarint32(std::uint32_t* v);
  bool ReadVarintSigned64(std::int64_t* v);
  bool ReadFloat32(float* v);
  /// What PutSpan wrote.
  bool ReadSpan(Span* span);
  /// A length-prefixed string no longer than `max_len` bytes.
  bool ReadLengthPrefixed(std::string_view* v, std::size_t max_len = kMaxString);
  bool ReadLengthPrefixed(std::string* v, std::size_t max_len = kMaxString);
  /// Exactly `n` raw bytes.
  bool ReadBytes(std::size_t n, std::string_view* v);

  bool failed() const { return failed_; }
  bool AtEnd() const { return pos_ == input_.size(); }
  std::size_t remaining() const { return input_.size() - pos_; }
  std::size_t position() const { return pos_; }
  std::string_view Rest() const { return input_.substr(pos_); }

  /// Marks the reader failed with `what` (e.g. "node kind 99 is not defined").
  bool Fail(std::string_view what);
  /// A Corruption status: "<context>: <what> at offset N of M bytes".
  Status Error(std::string_view context) const;

  /// The largest string a decoder accepts unless it asks for less (16 MiB).
  static constexpr std::size_t kMaxString = 16u << 20;

 private:
  std::string_view input_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  std::string what_;
  std::size_t failed_at_ = 0;
};

}  // namespace onyx::core
