// Reads tensors from a .safetensors file: an 8-byte little-endian header
// length, a JSON header (name → dtype, shape, data offsets), then the data.
// F32, F16 and BF16 tensors are returned as f32.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onyx/status.h"

namespace onyx::embed {

struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;  ///< Row-major.
  std::size_t elements() const { return data.size(); }
};

class SafeTensors {
 public:
  /// Parses `bytes` (the whole file). Corruption naming what is wrong: a short
  /// file, a header that is not JSON or over 100 MB, an unknown dtype, offsets
  /// outside the data or disagreeing with the shape.
  static Result<SafeTensors> Parse(std::string bytes);

  bool Has(std::string_view name) const;
  /// The tensor as f32; NotFound when absent.
  Result<Tensor> Get(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  struct Entry {
    std::string dtype;
    std::vector<std::int64_t> shape;
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  std::string bytes_;
  std::size_t data_start_ = 0;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace onyx::embed
