#!/usr/bin/python3
"""How far each priority separates an actor's options on a track, from utilities.csv.

For every explained run, the spread of a priority is the largest minus the smallest expected
utility it gives the track's options (the actor's other tracks held at the options it chose that
week). A priority with spread 0 cannot decide anything on that track that week (utilities.csv
leaves its rows out; they count here as spread 0). Prints the mean
spread over runs, largest first, as a Markdown table.

Usage: /usr/bin/python3 scripts/priority_spread.py RESULT_DIR ACTOR TRACK STEP
   e.g. /usr/bin/python3 scripts/priority_spread.py results/baseline china dprk 8
"""
import sys

import pandas as pd


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    folder, actor, track, step = argv[1], argv[2], argv[3], int(argv[4])
    u = pd.read_csv(f"{folder}/utilities.csv")
    runs = sorted(u.run.unique())
    priorities = sorted(u[u.actor == actor].priority.unique())
    u = u[(u.actor == actor) & (u.track == track) & (u.step == step)]
    if u.empty:
        sys.exit(f"no rows for {actor}/{track} at step {step} in {folder}/utilities.csv "
                 "(run with --explain)")
    per_run = u.groupby(["run", "priority"]).value.agg(lambda v: v.max() - v.min())
    per_run = per_run.reindex(pd.MultiIndex.from_product([runs, priorities],
                                                         names=["run", "priority"]), fill_value=0)
    spread = per_run.groupby("priority").agg(["mean", "min", "max"]).sort_values("mean",
                                                                                  ascending=False)
    print(f"| priority | mean spread | min | max |  ({actor}.{track}, week {step}, {len(runs)} runs)")
    print("|---|---|---|---|")
    for priority, row in spread.iterrows():
        print(f"| `{priority}` | {row['mean']:.3f} | {row['min']:.3f} | {row['max']:.3f} |")


if __name__ == "__main__":
    main(sys.argv)
