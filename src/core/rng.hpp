// Counter-based random numbers: a draw is a pure function of (seed, run, stream, step, index).
// Nothing is carried between draws, so results cannot depend on thread count or on how many
// draws another stream made. Streams are named by purpose ("noise/<variable>", "choice/<actor>",
// "rule/<id>") so a shock or a pinned actor in one scenario leaves every other stream untouched:
// run i of two scenarios sees the same draws (common random numbers).
//
// The generator is Philox4x64-10 from Random123 (Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3", SC 2011; Debian librandom123-dev), a vetted counter-based generator that passes
// TestU01's BigCrush: key = (seed, run), counter = (stream, step, index, 0). Any 64-bit values
// are valid, so no input limit bounds the streams.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace stancesim {

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
  using Philox = r123::Philox4x64_R<10>;

  CounterRng(std::uint64_t seed, std::uint64_t run) : key_{{seed, run}} {}

  // The four 64-bit words of the block at (stream, step, index).
  Philox::ctr_type block(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    return Philox()(Philox::ctr_type{{stream, step, index, 0}}, key_);
  }

  std::uint64_t bits(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    return block(stream, step, index)[0];
  }

  // Uniform in [0, 1) with 53 random bits (the block's first word).
  double uniform(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    return to_unit(bits(stream, step, index));
  }

  // Standard normal by Box-Muller on the block's first two words (portable, unlike
  // std::normal_distribution).
  double normal(std::uint64_t stream, std::uint64_t step, std::uint64_t index) const {
    const Philox::ctr_type b = block(stream, step, index);
    const double u1 = 1.0 - to_unit(b[0]);  // (0, 1]
    const double u2 = to_unit(b[1]);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static double to_unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }
  Philox::key_type key_;
};

}  // namespace stancesim
