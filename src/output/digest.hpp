// A written file's rows and SHA-256, as manifests record them (output/manifest.hpp). Computed as
// the bytes are written (output/out_file.hpp) or from a text or a file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/sha256.hpp"

namespace stancesim {

// Rows: the records after the header line (CSV quoting may hold a newline inside a field, which
// does not end a record; a last line without a newline is a record).
struct FileDigest {
  std::uint64_t rows = 0;
  std::string sha256;
};

// Digests bytes given in parts, in order.
class CsvDigest {
 public:
  void update(std::string_view bytes);
  // The digest of everything given; the object starts over afterwards.
  FileDigest finish();

 private:
  Sha256 sha_;
  std::uint64_t records_ = 0;
  bool quoted_ = false, open_record_ = false;
};

FileDigest digest_text(std::string_view text);
// RuntimeFailure when the file cannot be read (it is one the command wrote).
FileDigest digest_file(const std::filesystem::path& path);

}  // namespace stancesim
