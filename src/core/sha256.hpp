// SHA-256 of a file's bytes, hex encoded (OpenSSL's EVP interface).
#pragma once

#include <string>
#include <string_view>

namespace stancesim {

std::string sha256_hex(const std::string& bytes);
std::string sha256_file(const std::string& path);  // throws InputError if unreadable

// SHA-256 of bytes given in parts (a file read in blocks, a file as it is written).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  // The digest of everything given, hex encoded; the object starts over afterwards.
  std::string hex();

 private:
  void* context_;  // EVP_MD_CTX
};

}  // namespace stancesim
