// Memory for large arrays read at random (graph rows, vectors, visit marks):
// past 2 MiB it is aligned to and advised onto transparent huge pages, so that
// random reads miss the TLB far less; smaller blocks are cache-line aligned.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace onyx::core {

/// At least `bytes` (rounded up to 2 MiB past that size); free with std::free.
/// Null when out of memory. The advice is only advice: where the kernel gives
/// no huge pages, the memory is ordinary.
void* AllocateForRandomAccess(std::size_t bytes);

/// A std allocator over AllocateForRandomAccess, for std::vector.
template <typename T>
struct RandomAccessAllocator {
  using value_type = T;
  RandomAccessAllocator() = default;
  template <typename U>
  RandomAccessAllocator(const RandomAccessAllocator<U>&) {}  // NOLINT: rebinding is implicit
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    void* p = AllocateForRandomAccess(n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <typename U>
  bool operator==(const RandomAccessAllocator<U>&) const {
    return true;
  }
};

}  // namespace onyx::core
