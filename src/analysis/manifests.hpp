// The manifest.json of a comparison, written beside compare.csv by `compare` and by `merge` of
// compare shards (docs/outputs.md). The scenario folders' own manifests are those of `run`
// (run/results.hpp).
#pragma once

#include <string>
#include <vector>

#include "output/manifest.hpp"

namespace stancesim {

// compare's manifest for the result folders `folders` (the first is the reference) compared into
// `out_dir`, whose compare.csv is `compare_csv_text`: seed, runs, steps (per scenario) and
// threads as the folders' manifests record them; the scenarios with their folders (relative to
// `out_dir` when inside it, as compare writes them, else as input paths: manifest_path()); every
// input file with its sha256 (the union of the folders' "files", as recorded; when the folders were
// not written by this command, `compare --results`, also each folder's outcomes.csv and
// manifest.json, which it read); "outputs": compare.csv and, when `wrote_folders`, every file of
// each scenario folder that its manifest lists (with the rows and sha256 it records), paths
// relative to `out_dir`. The folders' manifests are not listed: they hold the command line, which
// differs between one process and merged shards, whose files are otherwise the same bytes.
// InputError when a folder's manifest lacks a key.
Json compare_manifest(const std::vector<std::string>& folders, const std::string& out_dir,
                      const std::string& compare_csv_text, bool paired, bool wrote_folders,
                      const std::vector<std::string>& command_line);

// Before a comparison writes `out_dir`/manifest.json: refused (InputError) when that file exists
// and is not a comparison's (the folder holds other results), or is one and `force` is not set.
void check_compare_destination(const std::string& out_dir, bool force);

}  // namespace stancesim
