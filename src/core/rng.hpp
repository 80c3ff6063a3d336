// Counter-based random numbers: a draw is a pure function of (seed, run, stream, step, index).
// Nothing is carried between draws, so results cannot depend on thread count or on how many
// draws another stream made. Streams are named by purpose ("noise/<variable>", "choice/<actor>",
// "rule/<id>") so a shock or a pinned actor in one scenario leaves every other stream untouched:
// run i of two scenarios sees the same draws (common random numbers).
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace stancesim {

inline constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a: a stable 64-bit name for a stream.
inline constexpr std::uint64_t stream_id(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

class CounterRng {
 public:
  CounterRng(std::uint64_t seed, std::uint64_t run) : key_(splitmix64(splitmix64(seed) ^ run)) {}

  std::uint64_t bits(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    std::uint64_t h = splitmix64(key_ ^ stream);
    h = splitmix64(h ^ step);
    return splitmix64(h ^ (index * 0x9e3779b97f4a7c15ULL));
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    return static_cast<double>(bits(stream, step, index) >> 11) * 0x1.0p-53;
  }

  // Standard normal by Box-Muller on two counter draws (portable, unlike std::normal_distribution).
  double normal(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    const double u1 = 1.0 - uniform(stream, step, 2 * index);  // (0, 1]
    const double u2 = uniform(stream, step, 2 * index + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t key_;
};

}  // namespace stancesim
