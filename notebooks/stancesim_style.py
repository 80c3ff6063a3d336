"""The one look of the stancesim notebooks: a stable colour (and line style, marker) per scenario,
per option and per priority, the ladders in model order, the band captions and the save() helper.

Every notebook imports this module, so a scenario, an option or a priority has the same colour in
every figure of every notebook. Names not listed here (a new scenario, option or priority) still get
a colour, chosen from their name alone, so that it does not depend on which other names a results
folder holds.
"""
import os
import zlib

import numpy as np
import matplotlib

matplotlib.use("Agg")  # headless: figures are shown from their saved PNG (save()), never inline
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

RCPARAMS = {"figure.dpi": 110, "savefig.dpi": 110, "axes.spines.top": False, "axes.spines.right": False,
            "font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9, "legend.fontsize": 8,
            "xtick.labelsize": 8, "ytick.labelsize": 8}


def setup():
    plt.rcParams.update(RCPARAMS)


def save(fig, folder, name):
    """Saves the figure as PNG in folder and shows that PNG in the notebook (and so in its HTML)."""
    from IPython.display import Image, display
    path = os.path.join(folder, name)
    fig.savefig(path, bbox_inches="tight")
    display(Image(filename=path))
    plt.close(fig)
    print("saved", path)


def _stable_pick(name, choices):
    """A choice that depends only on the name (not on the other names in a folder)."""
    return choices[zlib.crc32(name.encode()) % len(choices)]


# --- Bands: what a shaded area or a whisker is, written on every figure that draws one ------------------

BAND_CI = "shaded: 95% confidence interval of the mean over runs (± 1.96 s.e.)"
BAND_RUNS = "shaded: 5–95% of runs (line: median)"
ERRORBAR_CI = "bars: 95% confidence interval of the mean over runs"


def band_handle(kind):
    """A legend entry that says what a band is: kind 'ci' or 'runs'."""
    label = {"ci": "band: 95% CI of the mean (± 1.96 s.e.)", "runs": "band: 5–95% of runs"}[kind]
    return Patch(facecolor="#bbbbbb", alpha=0.6, lw=0, label=label)


# --- Options: the ladders in model order (`stancesim list options`), one colour per option ----------------

# (actor, track) -> {option: level}, in the order the model defines them (model/actors.toml), which is
# ladder order. The levels in decisions.csv override these, and options found only in the data are added.
LADDERS = {
    ("china", "dprk"): {"lifeline": -1, "silence": 0, "quiet_pressure": 1, "economic_leverage": 2,
                        "public_opposition": 3, "un_sanctions": 4, "punishment": 5},
    ("china", "russia"): {"open_support": -2, "quiet_support": -1, "neutral": 0, "peace_appeal": 1,
                          "oppose_nuclear_threats": 2, "curb_dual_use": 3},
    ("china", "us_posture"): {"tread_water": 0, "warn": 1},
    ("russia", "deployment"): {"seek_talks": -1, "deny_hold": 0, "expand_nk_role": 1, "use_nk_in_ukraine": 2},
    ("russia", "tech"): {"conventional_only": 0, "nuclear_sensitive": 1},
    ("russia", "signalling"): {"none": 0, "nuclear_signal": 1},
    ("north_korea", "deployment"): {"withdraw": -1, "hold": 0, "reinforce": 1, "cross_into_ukraine": 2},
    ("north_korea", "peninsula"): {"quiet": 0, "provocation": 1, "nuclear_test": 2},
}
ACTORS = ["china", "russia", "north_korea"]  # the deciding actors, in model order
ACTOR_LABEL = {"china": "China", "russia": "Russia", "north_korea": "North Korea", "united_states": "United States",
               "south_korea": "South Korea", "ukraine": "Ukraine", "nato_eu": "NATO/EU", "japan": "Japan"}
# What the negative and positive ends of each actor's ladders mean.
LADDER_MEANING = {"china": "negative: support for the target, positive: pressure on it",
                  "russia": "negative: de-escalation, positive: escalation",
                  "north_korea": "negative: de-escalation, positive: escalation"}


def actor_label(actor):
    return ACTOR_LABEL.get(actor, actor.replace("_", " "))


def ladder(actor, track, frames=()):
    """(options in ladder order, {option: level}) from LADDERS and the decisions in frames."""
    levels = dict(LADDERS.get((actor, track), {}))
    for d in frames:
        seen = d.loc[(d.actor == actor) & (d.track == track), ["option", "level"]].drop_duplicates()
        for option, level in zip(seen.option, seen.level):
            if option in levels and levels[option] != level:
                print(f"note: {actor}.{track}.{option} has level {level} in the data, {levels[option]} here")
            levels[option] = int(level)
    return sorted(levels, key=lambda o: (levels[o] is None, levels[o] or 0)), levels


def tracks_of(decisions_frames):
    """{actor: [tracks]} in model order (then any actor or track found only in the data)."""
    seen = {}
    for d in decisions_frames:
        for actor, track in d[["actor", "track"]].drop_duplicates().itertuples(index=False):
            seen.setdefault(actor, set()).add(track)
    known = list(dict.fromkeys(a for a, _ in LADDERS))
    out = {}
    for actor in [a for a in known if a in seen] + sorted(a for a in seen if a not in known):
        model = [t for a, t in LADDERS if a == actor and t in seen[actor]]
        out[actor] = model + sorted(t for t in seen[actor] if t not in model)
    return out


def option_colors(options, levels):
    """Grey for level 0 (the status quo), purples for negative levels (support for the target, or
    de-escalation), yellow to dark red for positive ones (pressure, escalation), scaled by the track's
    extreme levels: an option has the same colour in every figure."""
    known = [levels[o] for o in options if levels.get(o) is not None]
    lo, hi = min(known + [-1]), max(known + [1])

    def one(level):
        if level is None or level == 0:
            return "#d9d9d9"
        if level < 0:
            return plt.cm.Purples(0.35 + 0.6 * level / lo)
        return plt.cm.YlOrRd(0.15 + 0.85 * level / hi)
    return {o: one(levels.get(o)) for o in options}


def option_label(option, levels):
    level = levels.get(option)
    return (f"{level:+d} " if isinstance(level, (int, np.integer)) else "") + option


# --- Priorities: one colour per priority, the same for every actor that has it -----------------------------

# Kelly's colours of maximum contrast and a few more, assigned in the order of model/utility.toml per
# actor (a panel shows one actor's priorities, so actors may reuse colours); `inertia` and
# `leverage_damping` are grey for every actor.
PRIORITY_COLORS = {
    # China
    "no_nukes": "#0067A5", "no_war": "#BE0032", "no_instability": "#008856", "sanctions": "#F38400",
    "russia_nuclear_escalation": "#875692", "visible_rift": "#F3C300", "entrapment": "#A1CAF1",
    "ties_russia": "#882D17", "leverage": "#8DB600", "neutral_reputation": "#E68FAC", "trade_west": "#604E97",
    "russia_winning": "#C2B280", "bloc_hardening": "#F99379", "self_harm": "#B3446C", "burden_relief": "#17BECF",
    "red_line_credibility": "#654522", "tolerance": "#FF00FF",
    # Russia
    "front_gains": "#BE0032", "acknowledgment": "#F38400", "ties_dprk": "#0067A5", "ties_china": "#008856",
    "tech_cost": "#875692", "china_anger": "#F3C300", "western_counter": "#882D17",
    # North Korea
    "payments": "#008856", "russian_tech": "#875692", "nuclear_capability": "#0067A5",
    "combat_experience": "#F38400", "casualties": "#BE0032", "china_lifeline": "#F3C300",
    "us_rok_action": "#882D17", "show_of_force": "#E68FAC", "test_cost": "#8DB600", "treaty_cover": "#17BECF",
    # every actor
    "inertia": "#848482", "leverage_damping": "#2B3D26",
}
_SPARE_PRIORITY_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                          "#ff7f0e", "#17becf", "#7f7f7f"]


def priority_color(priority):
    return PRIORITY_COLORS.get(priority) or _stable_pick(priority, _SPARE_PRIORITY_COLORS)


# --- Scenarios: baseline black; what-ifs grouped by theme, one hue family per theme -----------------------

# theme -> [(scenario, colour, line style, marker)]; within a theme, shades, line styles and markers all
# differ, so two what-ifs of a theme can be told apart in one panel (and in grey).
THEMES = {
    "North Korea escalates": [
        ("nk_nuclear_test", "#67000d", "-", "o"), ("nk_into_ukraine", "#e31a1c", (0, (5, 2)), "s"),
        ("nk_attack_south", "#fd8d3c", "-.", "^"), ("nk_provocations_below_red_line", "#c51b7d", (0, (1.5, 1.5)), "D")],
    "Russia's moves": [
        ("russia_nuclear_signalling", "#08306b", "-", "o"), ("russia_nuclear_tech_transfer", "#2171b5", (0, (5, 2)), "s"),
        ("russia_displaces_china", "#6baed6", "-.", "^"), ("acknowledged_deployment", "#17becf", (0, (1.5, 1.5)), "D")],
    "Course of the war": [
        ("prolonged_deployment", "#7f3b08", "-", "o"), ("kursk_failure", "#e08214", (0, (5, 2)), "s"),
        ("ceasefire_talks", "#b8a000", "-.", "^")],
    "Washington, Seoul, NATO": [
        ("us_pretext_action", "#00441b", "-", "o"), ("secondary_sanctions_on_china", "#238b45", (0, (5, 2)), "s"),
        ("nato_indo_pacific_formalised", "#66c2a4", "-.", "^"), ("south_korea_offensive_weapons", "#9acd32", (0, (1.5, 1.5)), "D"),
        ("us_china_summit_pressure", "#4d7c0f", (0, (6, 2, 1, 2, 1, 2)), "v")],
    "China's counterfactuals": [
        ("china_lethal_aid", "#54278f", "-", "o"), ("china_punishes_nk", "#9e9ac8", (0, (5, 2)), "s")],
}
OTHER_THEME = "Other scenarios"
REFERENCE_STYLE = {"color": "black", "ls": "-", "marker": None, "theme": "reference", "lw": 2.0}
_OTHER_COLORS = ["#636363", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354"]
_OTHER_LS = ["-", (0, (5, 2)), "-.", (0, (1.5, 1.5))]
_OTHER_MARKERS = ["o", "s", "^", "D", "v", "P"]
_KNOWN = {name: (theme, color, ls, marker) for theme, members in THEMES.items() for name, color, ls, marker in members}


def scenario_style(name, reference="baseline"):
    """{'color', 'ls', 'marker', 'theme', 'lw'} of a scenario: the reference black, a known what-if its
    theme's style; any other name a style picked from its name alone."""
    if name == reference:
        return dict(REFERENCE_STYLE)
    if name in _KNOWN:
        theme, color, ls, marker = _KNOWN[name]
        return {"color": color, "ls": ls, "marker": marker, "theme": theme, "lw": 1.5}
    return {"color": _stable_pick(name, _OTHER_COLORS), "ls": _stable_pick(name + "~", _OTHER_LS),
            "marker": _stable_pick(name + "*", _OTHER_MARKERS), "theme": OTHER_THEME, "lw": 1.5}


def scenario_order(names, reference):
    """The reference first, then the what-ifs theme by theme (in THEMES order), then any other name."""
    rank = {n: i for i, n in enumerate(n for members in THEMES.values() for n, *_ in members)}
    rest = [n for n in names if n != reference]
    return ([reference] if reference in names else []) + sorted(rest, key=lambda n: (rank.get(n, len(rank)), n))


def theme_groups(names, reference):
    """[(theme, [what-ifs])] for the what-ifs among names, themes in THEMES order (empty ones left out)."""
    groups = {}
    for n in scenario_order(names, reference):
        if n != reference:
            groups.setdefault(scenario_style(n, reference)["theme"], []).append(n)
    return [(t, groups[t]) for t in list(THEMES) + [OTHER_THEME] if t in groups]


def scenario_handle(name, reference="baseline", label=None):
    st = scenario_style(name, reference)
    return Line2D([], [], color=st["color"], ls=st["ls"], marker=st["marker"], ms=4, lw=st["lw"],
                  label=label or name)


def scenario_text_color(name, reference="baseline"):
    """The scenario's colour darkened (lightness at most 0.38) so that a name written in it reads on white."""
    import colorsys
    from matplotlib.colors import to_rgb
    h, l, sat = colorsys.rgb_to_hls(*to_rgb(scenario_style(name, reference)["color"]))
    return colorsys.hls_to_rgb(h, min(l, 0.38), sat)


def color_labels(labels, reference="baseline"):
    """Writes each scenario name of a list of tick labels in its (darkened) colour."""
    for label in labels:
        label.set_color(scenario_text_color(label.get_text(), reference))


def line(ax, x, y, name, reference="baseline", label=None, markevery=None):
    """A scenario's line in its style; markers every few points so that styles show in grey too."""
    st = scenario_style(name, reference)
    n = len(x)
    ax.plot(x, y, color=st["color"], ls=st["ls"], lw=st["lw"], marker=st["marker"], ms=3.5,
            markevery=markevery or max(1, n // 6), label=label or name, zorder=3 if name == reference else 2)


# --- Other actors (rules in events.csv): one colour per actor -------------------------------------------

ACTOR_COLORS = {"china": "#c0392b", "russia": "#2c3e99", "north_korea": "#7d3c98", "united_states": "#1a7f37",
                "south_korea": "#17a2b8", "ukraine": "#d4a000", "nato_eu": "#5d6d7e", "japan": "#d35400",
                "scenario": "#000000"}


def actor_color(actor):
    return ACTOR_COLORS.get(actor) or _stable_pick(actor, _OTHER_COLORS)


# --- Experiments: one colour per sensitivity index and for PRIM's cases ----------------------------------

INDEX_COLORS = {"first_order": "#4c72b0", "total": "#dd8452", "mu_star": "#4c72b0", "case": "#c44e52",
                "sigma": "#55a868", "other": "#b0b0b0", "box": "#222222"}


# --- Analyst views (model/views.toml): one colour per view, views of one dispute in one hue family -------

VIEW_STYLE = {
    "model default": {"color": "black", "marker": "o"},
    "lowy": {"color": "#1f78b4", "marker": "s"}, "bennett": {"color": "#ff7f00", "marker": "D"},
    "beijing_first": {"color": "#33a02c", "marker": "^"}, "alliance_first": {"color": "#6a3d9a", "marker": "v"},
}
# One line per view (model/views.toml, `stancesim list views`), for legends.
VIEW_NOTE = {
    "model default": "no view: the model's defaults (between the views)",
    "lowy": "Russia's clout in Pyongyang no worry for Beijing",
    "bennett": "Beijing uneasy about Moscow's role in Pyongyang",
    "beijing_first": "Moscow and Pyongyang put Beijing first",
    "alliance_first": "the Moscow–Pyongyang alliance comes first",
}


def view_style(label):
    if label in VIEW_STYLE:
        return VIEW_STYLE[label]
    return {"color": _stable_pick(label, _OTHER_COLORS), "marker": _stable_pick(label + "*", _OTHER_MARKERS)}
