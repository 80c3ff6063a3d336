#!/usr/bin/python3
"""What drives a fragile check: from the output of `stancesim check --robustness K`.

For every check that holds in fewer than THRESHOLD of the parameter sets, ranks the sampled
parameters by how strongly they separate the sets where it holds from those where it fails: the
rank correlation (Spearman) between the parameter's value and the check's observed value, and the
mean position of the parameter in its range (0 = low end, 1 = high end) where the check holds and
where it fails. Also gives the share held per analyst-view combination. Prints Markdown.

Usage: /usr/bin/python3 scripts/robustness_drivers.py CHECKS_DIR [THRESHOLD=0.8] [TOP=3]
   e.g. /usr/bin/python3 scripts/robustness_drivers.py results/checks
"""
import sys

import pandas as pd


def main(argv):
    if len(argv) < 2 or len(argv) > 4:
        sys.exit(__doc__)
    folder = argv[1]
    threshold = float(argv[2]) if len(argv) > 2 else 0.8
    top = int(argv[3]) if len(argv) > 3 else 3
    try:
        sets = pd.read_csv(f"{folder}/robustness_sets.csv")
        results = pd.read_csv(f"{folder}/robustness_results.csv")
        summary = pd.read_csv(f"{folder}/check_robustness.csv")
    except FileNotFoundError as e:
        sys.exit(f"{e.filename}: not found (run `stancesim check --robustness K --out {folder}`)")
    parameters = [c for c in sets.columns if c not in ("set", "views")]
    # Position of each draw within its sampled range (the range is +-50% around the default).
    position = sets[parameters].rank(pct=True)
    position.insert(0, "set", sets["set"])
    fragile = summary[summary.share_passed < threshold].sort_values("share_passed")
    if fragile.empty:
        print(f"every check holds in at least {threshold:.0%} of the parameter sets")
        return
    print(f"| check | held | drivers (Spearman ρ with the observed value; mean position in range where it holds / fails) | held by views |")
    print("|---|---|---|---|")
    for _, row in fragile.iterrows():
        r = results[results.check == row.check].merge(position, on="set").merge(
            sets[["set", "views"]], on="set")
        rho = r[parameters].corrwith(r.observed, method="spearman").dropna()
        ranked = rho.reindex(rho.abs().sort_values(ascending=False).index)[:top]
        held, failed = r[r.passed], r[~r.passed]
        drivers = "; ".join(
            f"`{p}` ρ {rho[p]:+.2f} ({held[p].mean():.2f} / {failed[p].mean():.2f})" for p in ranked.index)
        by_view = r.groupby("views").passed.mean()
        views = ", ".join(f"{v} {s:.2f}" for v, s in by_view.items())
        print(f"| `{row.check}` | {row.share_passed:.2f} | {drivers} | {views} |")


if __name__ == "__main__":
    main(sys.argv)
