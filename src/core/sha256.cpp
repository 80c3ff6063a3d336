#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "core/error.hpp"

namespace stancesim {

namespace {

std::string to_hex(const unsigned char* digest, unsigned int length) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

EVP_MD_CTX* context(void* p) {
  return static_cast<EVP_MD_CTX*>(p);
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw RuntimeFailure("SHA-256 failed");
  return to_hex(digest, length);
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(context(context_), EVP_sha256(), nullptr) != 1)
    throw RuntimeFailure("SHA-256 failed");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context(context_));
}

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(context(context_), bytes.data(), bytes.size()) != 1)
    throw RuntimeFailure("SHA-256 failed");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context(context_), digest, &length) != 1 ||
      EVP_DigestInit_ex(context(context_), EVP_sha256(), nullptr) != 1)
    throw RuntimeFailure("SHA-256 failed");
  return to_hex(digest, length);
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceLoc{path, 0, 0}, "cannot open file");
  Sha256 sha;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw InputError(SourceLoc{path, 0, 0}, "cannot read file");
  return sha.hex();
}

}  // namespace stancesim
