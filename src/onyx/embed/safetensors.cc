// The safetensors reader.
#include "onyx/embed/safetensors.h"

#include <cstring>
#include <nlohmann/json.hpp>

namespace onyx::embed {
namespace {

constexpr std::uint64_t kMaxHeaderBytes = 100u << 20;

float HalfToFloat(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1F;
  std::uint32_t mantissa = h & 0x3FF;
  std::uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      mantissa &= 0x3FF;
      bits = sign | (exponent << 23) | (mantissa << 13);
    }
  } else if (exponent == 0x1F) {
    bits = sign | 0x7F800000 | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float BfloatToFloat(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace

Result<SafeTensors> SafeTensors::Parse(std::string bytes) {
  if (bytes.size() < 8) return Status::Corruption("safetensors: shorter than its header length");
  std::uint64_t header = 0;
  for (int i = 7; i >= 0; --i)
    header = (header << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  if (header > kMaxHeaderBytes || header > bytes.size() - 8) {
    return Status::Corruption("safetensors: header length " + std::to_string(header) +
                              " does not fit the file");
  }
  const nlohmann::json json = nlohmann::json::parse(
      bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(header), nullptr,
      /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Status::Corruption("safetensors: the header is not a JSON object");
  }
  SafeTensors out;
  out.data_start_ = 8 + static_cast<std::size_t>(header);
  const std::size_t data_size = bytes.size() - out.data_start_;
  for (auto item = json.begin(); item != json.end(); ++item) {
    const std::string& name = item.key();
    const nlohmann::json& value = item.value();
    if (name == "__metadata__") continue;
    const auto fail = [&](const std::string& why) {
      return Status::Corruption("safetensors: tensor '" + name + "': " + why);
    };
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") ||
        !value.contains("data_offsets")) {
      return fail("needs dtype, shape and data_offsets");
    }
    Entry e;
    if (!value["dtype"].is_string()) return fail("dtype is not a string");
    e.dtype = value["dtype"].get<std::string>();
    const std::size_t width = e.dtype == "F32"                          ? 4
                              : (e.dtype == "F16" || e.dtype == "BF16") ? 2
                                                                        : 0;
    if (width == 0) return fail("dtype " + e.dtype + " is not F32, F16 or BF16");
    std::uint64_t count = 1;
    if (!value["shape"].is_array()) return fail("shape is not an array");
    for (const auto& dim : value["shape"]) {
      if (!dim.is_number_unsigned()) return fail("a dimension is not a non-negative integer");
      const auto d = dim.get<std::uint64_t>();
      if (d != 0 && count > (std::uint64_t{1} << 40) / d) return fail("too many elements");
      count *= d;
      e.shape.push_back(static_cast<std::int64_t>(d));
    }
    const auto& offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
      return fail("data_offsets is not [begin, end]");
    }
    e.begin = offsets[0].get<std::size_t>();
    e.end = offsets[1].get<std::size_t>();
    if (e.begin > e.end || e.end > data_size) return fail("data_offsets lie outside the data");
    if (e.end - e.begin != count * width) return fail("data size disagrees with the shape");
    out.entries_.emplace(name, std::move(e));
  }
  out.bytes_ = std::move(bytes);
  return out;
}

bool SafeTensors::Has(std::string_view name) const { return entries_.find(name) != entries_.end(); }

Result<Tensor> SafeTensors::Get(std::string_view name) const {
  auto it = entries_.find(name);
  if (it == entries_.end())
    return Status::NotFound("safetensors: no tensor '" + std::string(name) + "'");
  const Entry& e = it->second;
  Tensor t;
  t.shape = e.shape;
  const char* p = bytes_.data() + data_start_ + e.begin;
  const std::size_t bytes = e.end - e.begin;
  if (e.dtype == "F32") {
    t.data.resize(bytes / 4);
    std::memcpy(t.data.data(), p, bytes);
  } else {
    t.data.resize(bytes / 2);
    for (std::size_t i = 0; i < t.data.size(); ++i) {
      std::uint16_t v;
      std::memcpy(&v, p + 2 * i, 2);
      t.data[i] = e.dtype == "F16" ? HalfToFloat(v) : BfloatToFloat(v);
    }
  }
  return t;
}

std::vector<std::string> SafeTensors::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, e] : entries_) names.push_back(name);
  return names;
}

}  // namespace onyx::embed
