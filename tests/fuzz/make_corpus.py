#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the shipped files.

usage: make_corpus.py OUT_DIR [SOURCE_DIR]

Writes OUT_DIR/<target>/ for fuzz_scenario, fuzz_model, fuzz_condition, fuzz_results,
fuzz_experiment and fuzz_sweep_results (an existing OUT_DIR/<target>/ is emptied first), from:
  fuzz_scenario   scenarios/*.toml, tests/data/bad_scenarios/*.toml, tests/data/mini/scenarios/*.toml
  fuzz_model      every file of model/ and tests/data/mini/model/, with the first byte naming the
                  file and the base model as fuzz_model.cpp reads it; plus the mini model's
                  bad-input table of tests/model/test_load.cpp (line replacements) applied
  fuzz_condition  every `when = "..."` of model/, scenarios/ and tests/data/, and the conditions
                  of tests/model/test_expr.cpp
  fuzz_results    the hand-made seeds only (tests/fuzz/seeds/results)
  fuzz_experiment experiments/*.toml
  fuzz_sweep_results  the hand-made seeds only (tests/fuzz/seeds/sweep_results)
and, for every target, tests/fuzz/seeds/<kind>/. Regressions (tests/fuzz/regressions/) are not
seeds: scripts/fuzz.sh replays them separately.
"""
import hashlib
import pathlib
import re
import shutil
import sys

# Must match kFiles in fuzz_model.cpp.
MODEL_FILES = ["actors.toml", "state.toml", "dynamics.toml", "rules.toml", "utility.toml",
               "views.toml", "model.toml", "derived.toml", "claims.csv"]
C_STRING = r'"(?:[^"\\]|\\.)*"'


def c_unescape(literals):
    """The value of adjacent C string literals (only the escapes the tests use)."""
    out = ""
    for lit in re.findall(C_STRING, literals):
        body = lit[1:-1]
        out += re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                      body)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    src = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else \
        pathlib.Path(__file__).resolve().parents[2]
    seeds = src / "tests/fuzz/seeds"
    corpora = {}

    def put(target, data):
        if isinstance(data, str):
            data = data.encode()
        corpora.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data

    # fuzz_scenario
    for pattern in ["scenarios/*.toml", "tests/data/bad_scenarios/*.toml",
                    "tests/data/mini/scenarios/*.toml"]:
        for f in sorted(src.glob(pattern)):
            put("fuzz_scenario", f.read_bytes())

    # fuzz_model: byte = file index + 9 * base (0 mini, 1 shipped)
    bases = [src / "tests/data/mini/model", src / "model"]
    for b, base in enumerate(bases):
        for i, name in enumerate(MODEL_FILES):
            path = base / name
            if path.exists():
                put("fuzz_model", bytes([i + 9 * b]) + path.read_bytes())
    test_load = src / "tests/model/test_load.cpp"
    if test_load.exists():
        case = re.compile(r'\{"(\w+\.(?:toml|csv))",\s*(\d+),\s*((?:' + C_STRING + r'\s*)+),')
        for m in case.finditer(test_load.read_text()):
            name, line, text = m.group(1), int(m.group(2)), c_unescape(m.group(3))
            if name not in MODEL_FILES:
                continue
            lines = (bases[0] / name).read_text().split("\n")
            if 1 <= line <= len(lines):
                lines[line - 1] = text
                put("fuzz_model", bytes([MODEL_FILES.index(name)]) + "\n".join(lines).encode())

    # fuzz_condition
    when = re.compile(r'^\s*when\s*=\s*"((?:[^"\\]|\\.)*)"', re.M)
    for pattern in ["model/*.toml", "scenarios/*.toml", "tests/data/**/*.toml"]:
        for f in sorted(src.glob(pattern)):
            for m in when.finditer(f.read_text(errors="replace")):
                put("fuzz_condition", m.group(1))
    test_expr = src / "tests/model/test_expr.cpp"
    if test_expr.exists():
        text = test_expr.read_text()
        found = re.findall(r'eval\((' + C_STRING + r')', text) + \
            re.findall(r'\{(' + C_STRING + r'),\s*\d+,\s*"', text)
        for lit in found:
            # The test's names x, y and china.dprk become names of the shipped model.
            cond = re.sub(r'\bx\b', "nk_theatre", c_unescape(lit))
            put("fuzz_condition", re.sub(r'\by\b', "cn_support_ru", cond))

    # fuzz_experiment
    for f in sorted(src.glob("experiments/*.toml")):
        put("fuzz_experiment", f.read_bytes())

    # hand-picked seeds of every target
    for kind in ["scenario", "model", "condition", "results", "experiment", "sweep_results"]:
        for f in sorted((seeds / kind).glob("*")):
            if f.is_file():
                put("fuzz_" + kind, f.read_bytes())

    for target in ["fuzz_scenario", "fuzz_model", "fuzz_condition", "fuzz_results",
                   "fuzz_experiment", "fuzz_sweep_results"]:
        d = out / target
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for digest, data in corpora.get(target, {}).items():
            (d / digest).write_bytes(data)
        print(f"{target}: {len(corpora.get(target, {}))} seeds in {d}")


if __name__ == "__main__":
    main()
