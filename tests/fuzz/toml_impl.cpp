// toml++'s implementation, compiled once into the fuzz targets (instead of Debian's
// libtomlplusplus.so) so that the parser is instrumented for coverage and the sanitizers, and
// built with its assertions off: see README.md ("toml++ findings") and CMakeLists.txt.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
