# Sourced by scripts that check two result folders are the same work: `same_results A B` is true
# when every file is byte-identical and the manifests differ at most in command_line and threads
# (the keys that name how the work was run). It prints the differences it finds.
manifest_for_comparison() {
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for key in ("command_line", "threads"):
    m.pop(key, None)
print(json.dumps(m, indent=2))' "$1"
}
same_results() {
  diff -r -x manifest.json "$1" "$2" &&
    diff <(manifest_for_comparison "$1/manifest.json") <(manifest_for_comparison "$2/manifest.json")
}
