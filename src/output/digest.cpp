#include "output/digest.hpp"

#include <fstream>
#include <vector>

#include "core/error.hpp"

namespace stancesim {

namespace {

// Newlines in [p, p + n): bytes compared in blocks of 16 counters that cannot overflow, which
// compilers vectorise (about 3x std::count on CSV text).
std::uint64_t newlines(const char* p, std::size_t n) {
  constexpr std::size_t kLanes = 16, kBlock = 255 * kLanes;
  std::uint64_t total = 0;
  while (n >= kBlock) {
    unsigned char lanes[kLanes] = {};
    for (std::size_t i = 0; i < kBlock; i += kLanes)
      for (std::size_t k = 0; k < kLanes; ++k)
        lanes[k] = static_cast<unsigned char>(lanes[k] + (p[i + k] == '\n'));
    for (const unsigned char c : lanes) total += c;
    p += kBlock;
    n -= kBlock;
  }
  for (std::size_t i = 0; i < n; ++i) total += p[i] == '\n';
  return total;
}

}  // namespace

void CsvDigest::update(std::string_view bytes) {
  if (bytes.empty()) return;
  sha_.update(bytes);
  // Newlines end records outside quotes; a doubled quote inside a field toggles twice.
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t quote = bytes.find('"', at);
    const std::size_t end = quote == std::string_view::npos ? bytes.size() : quote;
    if (!quoted_) records_ += newlines(bytes.data() + at, end - at);
    if (quote == std::string_view::npos) break;
    quoted_ = !quoted_;
    at = quote + 1;
  }
  open_record_ = bytes.back() != '\n';
}

FileDigest CsvDigest::finish() {
  const std::uint64_t records = records_ + (open_record_ ? 1 : 0);
  FileDigest d{records > 0 ? records - 1 : 0, sha_.hex()};
  records_ = 0;
  quoted_ = open_record_ = false;
  return d;
}

FileDigest digest_text(std::string_view text) {
  CsvDigest d;
  d.update(text);
  return d.finish();
}

FileDigest digest_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuntimeFailure("cannot read " + path.string() + " to record its SHA-256");
  CsvDigest d;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    d.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw RuntimeFailure("error while reading " + path.string());
  return d.finish();
}

}  // namespace stancesim
