#!/usr/bin/python3
"""Markdown tables of a `stancesim check` folder, as docs/validation.md shows them.

Reads checks.csv (with --null-models: the nulls' verdicts) and, if present, check_robustness.csv.
Prints one row per check (kind, scenario and reference, expectation, estimate with its 95%
interval, the verdict of the all-frozen and all-random nulls, the share of robustness sets where it
holds), then the power table: per null model, how many of the direction and threshold checks it
fails.

Usage: /usr/bin/python3 scripts/checks_report.py CHECKS_DIR
"""
import os
import sys

import pandas as pd


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    folder = argv[1]
    checks = pd.read_csv(f"{folder}/checks.csv", keep_default_na=False)
    robust_file = f"{folder}/check_robustness.csv"
    robust = (pd.read_csv(robust_file).set_index("check").share_passed
              if os.path.exists(robust_file) else None)
    nulls = [c[len("passed_"):] for c in checks.columns if c.startswith("passed_")]

    def verdict(v):
        return "passes" if v in (True, "true") else "fails"

    head = "| check | kind | scenario (reference) | expected | observed | 95% CI |"
    rule = "|---|---|---|---|---|---|"
    if {"frozen", "random"} <= set(nulls):
        head += " frozen | random |"
        rule += "---|---|"
    if robust is not None:
        head += " held in robustness |"
        rule += "---|"
    print(head)
    print(rule)
    for _, c in checks.iterrows():
        where = c.scenario + (f" ({c.reference})" if c.reference else "")
        row = (f"| `{c.check}` | {c.kind} | {where} | `{c.expected}` | {c.observed:.3f} | "
               f"[{c.ci_low:.3f}, {c.ci_high:.3f}] |")
        if {"frozen", "random"} <= set(nulls):
            row += f" {verdict(c.passed_frozen)} | {verdict(c.passed_random)} |"
        if robust is not None:
            row += f" {robust.get(c.check, float('nan')):.2f} |"
        print(row)
    if not nulls:
        return
    tested = checks[checks.kind != "equivalence"]
    print()
    print(f"| null model | fails (of {len(tested)}) | power |")
    print("|---|---|---|")
    for n in nulls:
        fails = int((~tested[f"passed_{n}"].isin([True, "true"])).sum())
        print(f"| `{n}` | {fails} | {fails / len(tested):.3f} |")
    both = tested[tested.passed_frozen.isin([True, "true"]) & tested.passed_random.isin([True, "true"])]
    either = tested[~tested.passed_frozen.isin([True, "true"]) & ~tested.passed_random.isin([True, "true"])]
    print()
    print(f"{len(either)} of {len(tested)} fail under both the frozen and the random null; "
          f"{len(both)} pass under both.")


if __name__ == "__main__":
    main(sys.argv)
