"""Turns the per-seed statistics into reference.json and REPORT.md."""

import datetime
import math
import os
import platform

import numpy as np

import stats

SIM_TITLES = {"spikelab": "SpikeLab", "brian2": "Brian2", "nest": "NEST"}
REFERENCES = ["brian2", "nest"]

# Tolerances of the deterministic rows (no seed spread to compare with).
STDP_TOL = 1e-4  # of w_max: float32 weights in SpikeLab, float64 in the references

# Explanations of rows outside the spread (or of a reference that disagrees), by network and
# the start of the statistic's name. Written after reading the results; the report prints the
# note next to the row it explains.
_BRIAN2_REFRACTORY = (
    "Brian2's refractory convention (see Conventions): it integrates again one step earlier after "
    "each spike, so every Brian2 interval is one step shorter (the mean ISI rows: 0.1 ms less "
    "for every neuron) and at the highest rates it fits one or two more spikes into the second. "
    "NEST's iaf_psc_exp, whose convention SpikeLab follows, fires exactly SpikeLab's spikes."
)
NOTES = {
    ("lif_dc", "lif[4] count"): _BRIAN2_REFRACTORY,
    ("lif_dc", "lif[5] count"): _BRIAN2_REFRACTORY,
    ("coba", "exc cv_isi"): (
        "SpikeLab's mean CV of ISI is about 0.05 (3 %) below the means of both references, roughly two "
        "standard errors of five-seed means; its seeds overlap the references' (its own spread is the "
        "widest) and its rates are 3–6 % lower, within the spread. Not explained yet. The three "
        "integrate differently: SpikeLab exponential Euler in float32, Brian2 the same scheme in "
        "float64, NEST adaptive Runge–Kutta–Fehlberg (iaf_cond_exp); COBA's self-sustained, bursty "
        "state (CV > 1.5) amplifies small differences. More seeds would tell whether the gap is real."
    ),
    ("coba", "inh cv_isi"): None,
    ("brunel_ai", "exc fano_1ms"): (
        "The deviation known when this suite was written (population Fano factor at 1 ms about 9 % "
        "above Brian2's) is still there: SpikeLab 109 against Brian2's 98, but NEST, whose "
        "iaf_psc_delta SpikeLab follows (refractoriness, delta-synapse arrival), gives 107, so the "
        "row is within the pooled spread. Brian2's CV of ISI is also lower (0.39 against 0.40 in "
        "both others). Brian2 differs from the other two in its refractory convention (one step "
        "shorter) and in applying the Poisson input after the threshold test of the step."
    ),
    ("brunel_sr", ""): (
        "Only Brian2's seed 1 finished in this session (on a machine loaded 5–6× over its 2 cores); "
        "NEST's runs did not, so this table compares against one Brian2 seed and is not a verdict on "
        "the spread. In the SR state the whole network fires in lock-step volleys whose period is set "
        "by the 1.5 ms delay and by each simulator's step conventions: SpikeLab's volleys come every "
        "15 steps (667 Hz; the delta input lands exactly one delay after the spike, as in NEST's "
        "iaf_psc_delta), Brian2's every 16 (625 Hz: its delayed input is applied after the threshold "
        "test of the step it arrives in, so it acts one step later). Each neuron fires every second "
        "volley, 333.6 against 312.5 Hz, and the rates, CVs (both ~1e-3: clock-like) and Fano factors "
        "follow from that period; synaptic events per spike agree (1250). NEST, whose convention "
        "SpikeLab follows, should decide: run `validation/run.sh` again when the machine is free."
    ),
    ("izhikevich", "FS count"): (
        "Forward Euler on the quadratic v: whether v passes 30 mV in one step or the next depends on "
        "the last bits (SpikeLab computes in float32, Brian2 and NEST in float64, each with its own "
        "expression order), and the reset carries a shifted spike on. Over the second the fast-spiking "
        "trains drift apart by up to 2.1 ms (SpikeLab vs Brian2), 1.0 ms (SpikeLab vs NEST) and "
        "2.8 ms (Brian2 vs NEST: the references differ from each other more than from SpikeLab); "
        "SpikeLab's and Brian2's 131st spike falls just inside the run (1000.0 and 998.5 ms), NEST's "
        "after it. First spikes agree exactly, the mean ISI within 0.02 ms; the other five patterns "
        "fire the same spikes in all three (LTS within 0.5 ms)."
    ),
}

NEST_MODELS = {
    "lif_dc": "iaf_psc_exp (I_e)",
    "izhikevich": "izhikevich (consistent_integration)",
    "cuba": "iaf_psc_exp",
    "coba": "iaf_cond_exp",
    "brunel_ai": "iaf_psc_delta + poisson_generator",
    "brunel_sr": "iaf_psc_delta + poisson_generator",
    "stdp_pairs": "iaf_psc_delta + stdp_synapse (μ± = 0)",
}


def summary(values):
    x = np.array(values, dtype=float).reshape(-1)
    finite = x[np.isfinite(x)]
    if len(finite) == 0:
        return {"mean": None, "min": None, "max": None, "values": [None] * len(x)}
    return {"mean": float(finite.mean()), "min": float(finite.min()), "max": float(finite.max()),
            "values": [float(v) if math.isfinite(v) else None for v in x]}


def note_for(key, stat):
    """The note on a row; an entry of None shares the note of the entry before it."""
    previous = None
    for (k, prefix), text in NOTES.items():
        text = text or previous
        previous = text
        if k == key and stat.startswith(prefix):
            return text
    return None


def verdict_network(row):
    sl = row["spikelab"]["mean"]
    refs = [v for r in REFERENCES for v in row[r]["values"] if v is not None]
    if sl is None or not refs:
        return False, "no value"
    lo, hi = min(refs), max(refs)
    if lo <= sl <= hi:
        return True, "within spread"
    side = "below" if sl < lo else "above"
    rel = (sl - (lo if sl < lo else hi)) / (abs(hi) if hi else 1.0)
    return False, f"outside: {side} by {abs(rel) * 100:.1f} % of the nearest bound"


def verdict_single(row, stat, dt):
    parts, ok = [], True
    sl = row["spikelab"]["mean"]
    for r in REFERENCES:
        ref = row[r]["mean"]
        if sl is None and ref is None:
            parts.append(f"{SIM_TITLES[r]}: both silent")
            continue
        if sl is None or ref is None:
            parts.append(f"{SIM_TITLES[r]}: one is silent")
            ok = False
            continue
        if stat.endswith("count"):
            d = int(round(sl - ref))
            parts.append(f"{SIM_TITLES[r]}: equal" if d == 0 else f"{SIM_TITLES[r]}: {d:+d} spikes")
            ok &= d == 0
        else:
            d = sl - ref
            good = abs(d) <= dt * (1 + 1e-9)
            parts.append(f"{SIM_TITLES[r]}: {'within one dt' if good else f'{d:+.3g} ms'}")
            ok &= good
    return ok, "; ".join(parts)


def verdict_stdp(row):
    parts, ok = [], True
    sl = row["spikelab"]["mean"]
    for r in REFERENCES:
        d = sl - row[r]["mean"]
        good = abs(d) <= STDP_TOL
        parts.append(f"{SIM_TITLES[r]}: {'agrees' if good else f'{d:+.2e}'}")
        ok &= good
    return ok, "; ".join(parts) + f" (|Δ| ≤ {STDP_TOL:g} w_max)"


def reference(networks, results, versions, timing):
    import models
    nets = {}
    for net in networks:
        model = models.load(net["model"])
        per_sim = results[net["key"]]
        keys = list(per_sim["spikelab"][0].keys())
        rows = {}
        for stat in keys:
            row = {sim: summary([v.get(stat, float("nan")) for v in per_sim[sim]]) for sim in per_sim}
            if net["kind"] == "network":
                ok, text = verdict_network(row)
            elif net["kind"] == "single":
                ok, text = verdict_single(row, stat, model.dt)
            else:
                ok, text = verdict_stdp(row)
            note = note_for(net["key"], stat)
            row["within"] = bool(ok)
            row["verdict"] = text
            if note:
                row["note"] = note
            rows[stat] = row
        nets[net["key"]] = {
            "title": net["title"], "model": os.path.relpath(net["model"], models.ROOT)
            if os.path.exists(net["model"]) else f"assets/presets/{net['model']}.toml",
            "kind": net["kind"], "dt_ms": model.dt, "duration_ms": net["duration"],
            "transient_ms": net.get("transient"), "seeds": net["seeds"], "seeds_run": net.get("seeds_run"),
            "nest_model": NEST_MODELS[net["key"]],
            "stats": rows,
        }
    return {
        "generated": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": "validation/run.sh",
        "machine": {"nproc": os.cpu_count(), "system": f"{platform.system()} {platform.machine()}"},
        "versions": versions,
        "brian2_target": "C++ standalone, one thread",
        "timing_s": timing,
        "networks": nets,
    }


def fmt(x):
    if x is None:
        return "–"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1000:
        return f"{x:.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 0.01:
        return f"{x:.3g}"
    return f"{x:.2e}"


def cell(s, n_seeds, integer=False, ms=False):
    if s["mean"] is None:
        return "–"
    if integer:
        return f"{s['mean']:.0f}"
    if ms:
        return f"{s['mean']:.2f}"
    if n_seeds == 1 or s["min"] == s["max"]:
        return fmt(s["mean"])
    return f"{fmt(s['mean'])} [{fmt(s['min'])}–{fmt(s['max'])}]"


STAT_TITLES = {
    "rate_hz": "rate (Hz)",
    "silent": "silent fraction",
    "cv_isi": "CV of ISI",
    "fano_1ms": "Fano factor, 1 ms bins",
    "fano_5ms": "Fano factor, 5 ms bins",
    "first_spike_ms": "first spike (ms)",
    "count": "spikes",
    "mean_isi_ms": "mean ISI (ms)",
    "dw": "Δw / w_max",
}


def stat_title(stat):
    if stat == "events_per_spike":
        return "synaptic events per spike"
    head, _, tail = stat.rpartition(" ")
    for suffix, title in STAT_TITLES.items():
        if stat.endswith(suffix):
            label = stat[: -len(suffix)].strip()
            return f"{label} {title}".strip()
    return f"{head} {tail}"


def markdown(ref):
    v = ref["versions"]
    total = sum(ref["timing_s"].values())
    lines = [
        "# Cross-simulator validation",
        "",
        f"Generated {ref['generated']} by `{ref['command']}` (all simulators; "
        "`validation/run.sh --spikelab-only` re-runs SpikeLab against the stored references). "
        "Do not edit by hand.",
        "",
        f"- SpikeLab: `{v.get('spikelab', '?')}`, commit {v.get('spikelab_commit', '?')}, "
        f"binary built {v.get('spikelab_binary_built', '?')}",
        f"- Brian2 {v.get('brian2', '?')} ({ref['brian2_target']}), "
        f"NEST {v.get('nest', '?')} (PyPI wheel, {ref.get('nest_threads', 1)} threads), numpy {v.get('numpy', '?')}, "
        f"Python {v.get('python', '?')}",
        f"- Machine: {ref['machine']['system']}, `nproc` = {ref['machine']['nproc']}; "
        f"simulation runs took {total / 60:.1f} min in all (per simulator and network below)",
        "",
        "## Conventions",
        "",
        "- **Spike times.** SpikeLab stamps a spike at the end of its step, (t+1)·dt, as NEST does; "
        "Brian2 stamps the start, t·dt. Every statistic works on step indices in SpikeLab's "
        "convention (Brian2's t/dt + 1), so the same dynamics give the same numbers.",
        "- **Refractoriness.** SpikeLab follows NEST's iaf_psc_exp: the neuron is held for t_ref/dt "
        "steps after the step it fired in, so with t_ref = 2 ms at dt = 0.1 ms the shortest ISI is "
        "2.1 ms. Brian2 integrates again in the step at which t − t_spike = t_ref: shortest ISI "
        "2.0 ms. Under DC every Brian2 interval is therefore one step shorter.",
        "- **Delays.** A SpikeLab delay of 0 delivers in the next step; NEST's smallest delay is "
        "one step (dt), which it uses there. Brian2's delay 0 acts in the next step too.",
        "- **Parameters** come from the same model file in all three (validation/models.py reads "
        "the TOML); initial states are drawn from the file's distributions and taken as drawn "
        "(a normal draw of a conductance may be negative), as SpikeLab does. Each simulator has its own random numbers, so only "
        "distributions over seeds can agree for networks.",
        "- **Statistics** are computed by one module, validation/stats.py, from the spikes of all "
        "three. Networks: over the window after the transient (stated per network); rate per "
        "population; silent = fraction of neurons without a spike in the window; CV of ISI = mean "
        "over neurons with at least 3 spikes of std/mean of their intervals; Fano factor = "
        "variance / mean of the population's spike count in consecutive 1 ms (5 ms) bins; "
        "synaptic events per spike over the whole run (SpikeLab's own count; for Brian2 and NEST "
        "the out-degree of each spiking neuron, summed). Single neurons: first spike time and "
        "count over the whole run.",
        "- **Verdict.** Networks: *within spread* when SpikeLab's mean over its seeds lies between "
        "the smallest and largest value of all Brian2 and NEST seeds. Single neurons: first spike "
        "within one dt of each reference, and the same count. STDP: Δw within "
        f"{STDP_TOL:g} · w_max of each reference.",
        "",
    ]
    outside = [(k, s) for k, n in ref["networks"].items() for s, r in n["stats"].items() if not r["within"]]
    lines += ["## Summary", ""]
    if ref.get("not_run"):
        lines += ["Not in this report (no results yet): " + ", ".join(ref["not_run"]) + ".", ""]
    if outside:
        lines.append(f"{len(outside)} of {sum(len(n['stats']) for n in ref['networks'].values())} rows are "
                     "outside the references' spread (or disagree); each is explained below its table:")
        lines.append("")
        for k, s in outside:
            lines.append(f"- {ref['networks'][k]['title']}: {stat_title(s)}")
    else:
        lines.append("Every row is within the references' spread.")
    lines.append("")
    for key, net in ref["networks"].items():
        n = len(net["seeds"])
        lines += [f"## {net['title']}", ""]
        desc = f"`{net['model']}`, dt = {net['dt_ms']:g} ms, {net['duration_ms']:g} ms simulated"
        if net["transient_ms"] is not None:
            desc += f", statistics after a {net['transient_ms']:g} ms transient"
        run = net.get("seeds_run") or {}
        if n > 1 and any(run.get(s) != net["seeds"] for s in SIM_TITLES):
            desc += "; seeds " + ", ".join(
                f"{SIM_TITLES[s]} {', '.join(map(str, run.get(s, []))) or 'none'}" for s in SIM_TITLES
            ) + f" (planned: {net['seeds'][0]}–{net['seeds'][-1]} in each; the others did not finish in this session's time)"
        else:
            desc += (f"; seeds {net['seeds'][0]}–{net['seeds'][-1]} in each simulator" if n > 1
                     else "; deterministic (no random draw), one run")
        desc += f". NEST: {net['nest_model']}."
        times = [f"{SIM_TITLES[s]} {ref['timing_s'][f'{s} {key}']:.0f} s" for s in SIM_TITLES
                 if f"{s} {key}" in ref["timing_s"]]
        if times:
            desc += " Run time (all seeds, whole processes): " + ", ".join(times) + "."
        lines += [desc, "", "| statistic | SpikeLab | Brian2 | NEST | verdict |", "|---|---|---|---|---|"]
        notes = []
        for stat, row in net["stats"].items():
            verdict = row["verdict"]
            if "note" in row:
                if row["note"] not in notes:
                    notes.append(row["note"])
                verdict += f" (note {notes.index(row['note']) + 1})"
            integer, ms = stat.endswith("count"), net["kind"] == "single" and stat.endswith("_ms")
            cells = " | ".join(cell(row[s], n, integer, ms) for s in SIM_TITLES)
            lines.append(f"| {stat_title(stat)} | {cells} | {verdict} |")
        lines.append("")
        for i, text in enumerate(notes):
            lines += [f"{i + 1}. {text}", ""]
    lines += [
        "## How the test suite uses this",
        "",
        "`reference.json` holds every row above (mean, min, max and per-seed values for each "
        "simulator). `crates/spikelab-core/tests/validation.rs` runs SpikeLab as a library on the cheaper networks "
        "(and one short Brunel AI run) under `cargo test --release`, computes the same statistics "
        "with the same definitions, and asserts that they lie within the references' recorded "
        "spread (widened by the tolerance stated there).",
        "",
    ]
    return "\n".join(lines)
