"""Runs the reference networks in SpikeLab, Brian2 and NEST and writes REPORT.md and
reference.json (run it through run.sh, which sets up the virtual environment).

    python validate.py                      # every simulator, every network
    python validate.py --only spikelab      # re-run SpikeLab, reuse the references in out/
    python validate.py --networks cuba coba # some networks (the others' results are reused)
    python validate.py --report-only        # rewrite the report from out/

Each run is its own process (a fresh NEST kernel, a fresh Brian2 scope) and leaves its spikes
in out/<simulator>/<network>_seed<S>.npz.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import models
import report
import stats

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SIMULATORS = ["spikelab", "brian2", "nest"]

# Seeds: the single neurons and the STDP protocol have no randomness (one run each); every
# network runs seeds 1-5 in each simulator (Brunel: 12,500 neurons, 12.5 million synapses, 1 s).
NETWORKS = [
    dict(key="lif_dc", title="LIF under DC", model=str(HERE / "models" / "lif_dc.toml"),
         kind="single", seeds=[1], duration=1000.0),
    dict(key="izhikevich", title="Izhikevich (2003) patterns", model="izhikevich_patterns",
         kind="single", seeds=[1], duration=1000.0),
    dict(key="cuba", title="CUBA (Brette et al. 2007, benchmark 2)", model="cuba",
         kind="network", seeds=list(range(1, 6)), duration=2000.0, transient=200.0),
    dict(key="coba", title="COBA (Brette et al. 2007, benchmark 1)", model="coba",
         kind="network", seeds=list(range(1, 6)), duration=2000.0, transient=200.0),
    dict(key="brunel_ai", title="Brunel (2000) asynchronous irregular (g = 5, η = 2)", model="brunel_ai",
         kind="network", seeds=list(range(1, 6)), duration=1000.0, transient=200.0),
    dict(key="brunel_sr", title="Brunel (2000) synchronous regular (g = 3, η = 2)", model="brunel_sr",
         kind="network", seeds=list(range(1, 6)), duration=1000.0, transient=200.0),
    dict(key="stdp_pairs", title="STDP pair protocol", model=str(HERE / "models" / "stdp_pairs.toml"),
         kind="stdp", seeds=[1], duration=5600.0),
]

STDP_DTS = [-50, -30, -20, -10, -5, -2, 2, 5, 10, 20, 30, 50]


def out_file(sim, net, seed):
    return OUT / sim / f"{net['key']}_seed{seed}.npz"


def run_one(sim, net, seed, threads):
    path = out_file(sim, net, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    if sim == "spikelab" and net["kind"] == "stdp":
        cmd = [py, "spikelab_stdp.py", net["model"], "--out", str(path)]
    else:
        script = {"spikelab": "run_spikelab.py", "brian2": "run_brian2.py", "nest": "run_nest.py"}[sim]
        cmd = [py, script, net["model"], "--seed", str(seed), "--duration", str(net["duration"]),
               "--out", str(path)]
        if sim == "nest":
            cmd += ["--threads", str(threads)]
    started = time.perf_counter()
    res = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit(f"{sim} {net['key']} seed {seed} failed")
    return time.perf_counter() - started


def seeds_run(net, sim):
    return [seed for seed in net["seeds"] if out_file(sim, net, seed).exists()]


def compute(net, sim):
    model = models.load(net["model"])
    names = [p.name for p in model.populations]
    values = []
    for seed in seeds_run(net, sim):
        run = dict(np.load(out_file(sim, net, seed)))
        if net["kind"] == "network":
            values.append(stats.network_stats(run, model.dt, net["duration"], net["transient"], names))
        elif net["kind"] == "single":
            values.append(stats.single_neuron_stats(run, model.dt, names))
        else:
            proj = model.projections[0]
            values.append(stats.stdp_stats(run, 0, STDP_DTS, proj.weight, proj.stdp["w_max"]))
    return values


def versions():
    v = {"python": platform.python_version()}
    for mod in ("brian2", "nest", "numpy"):
        try:
            out = subprocess.run([sys.executable, "-c", f"import {mod}; print({mod}.__version__)"],
                                 capture_output=True, text=True, cwd=HERE)
            v[mod] = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "?"
        except OSError:
            v[mod] = "?"
    exe = os.environ.get("SPIKELAB", str(models.ROOT / "target" / "release" / "spikelab"))
    try:
        v["spikelab"] = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        v["spikelab"] = "?"
    try:
        v["spikelab_commit"] = subprocess.run(["git", "-C", str(models.ROOT), "log", "-1", "--format=%h %cd",
                                               "--date=short"], capture_output=True, text=True).stdout.strip()
    except OSError:
        v["spikelab_commit"] = "?"
    if os.path.exists(exe):
        v["spikelab_binary_built"] = datetime.datetime.fromtimestamp(os.path.getmtime(exe)).strftime("%Y-%m-%d %H:%M")
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", default=SIMULATORS, choices=SIMULATORS)
    ap.add_argument("--networks", nargs="*", default=[n["key"] for n in NETWORKS])
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--nest-threads", type=int, default=2)
    ap.add_argument("--max-seeds", type=int, default=None, help="only the first N seeds (for trying)")
    a = ap.parse_args()
    if a.max_seeds:
        for net in NETWORKS:
            net["seeds"] = net["seeds"][:a.max_seeds]
    timing_file = OUT / "timing.json"
    timing = json.loads(timing_file.read_text()) if timing_file.exists() else {}
    started = time.perf_counter()
    if not a.report_only:
        for net in NETWORKS:
            if net["key"] not in a.networks:
                continue
            for sim in a.only:
                t = 0.0
                for seed in net["seeds"]:
                    t += run_one(sim, net, seed, a.nest_threads)
                timing[f"{sim} {net['key']}"] = t
                print(f"{net['key']:12} {sim:9} {len(net['seeds'])} seed(s) {t:7.1f} s", flush=True)
        OUT.mkdir(exist_ok=True)
        timing_file.write_text(json.dumps(timing, indent=1))
    results = {}
    for net in NETWORKS:
        # A network is reported when SpikeLab and a reference have at least one seed; fewer
        # seeds than planned, or a reference that did not finish, are stated in the report.
        if not (seeds_run(net, "spikelab") and (seeds_run(net, "brian2") or seeds_run(net, "nest"))):
            print(f"{net['key']}: left out of the report, a simulator has no results")
            continue
        results[net["key"]] = {sim: compute(net, sim) for sim in SIMULATORS}
        net["seeds_run"] = {sim: seeds_run(net, sim) for sim in SIMULATORS}
    ref = report.reference([n for n in NETWORKS if n["key"] in results], results, versions(), timing)
    ref["nest_threads"] = a.nest_threads
    ref["not_run"] = [n["title"] for n in NETWORKS if n["key"] not in results]
    (HERE / "reference.json").write_text(json.dumps(ref, indent=1, ensure_ascii=False) + "\n")
    (HERE / "REPORT.md").write_text(report.markdown(ref))
    print(f"wrote REPORT.md and reference.json ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
