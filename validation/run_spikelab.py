"""Runs a model in SpikeLab's command line and saves its spikes like the other runners.

    python run_spikelab.py MODEL --seed S --duration MS --out FILE.npz [--bin PATH]

Calls `spikelab run MODEL --seed S --duration MS --spikes FILE.csv --json`; the spikes CSV is
read by its header (time_ms, population, neuron; '#' lines are comments), the JSON gives the
synaptic events.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import models


def binary():
    return os.environ.get("SPIKELAB", str(models.ROOT / "target" / "release" / "spikelab"))


def run(model_path, seed, duration_ms, exe=None):
    model = models.load(model_path)
    path = Path(model_path)
    arg = str(path) if path.exists() else path.stem
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "spikes.csv"
        started = time.perf_counter()
        res = subprocess.run([exe or binary(), "run", arg, "--seed", str(seed),
                              "--duration", f"{duration_ms}ms", "--spikes", str(csv_path), "--json"],
                             capture_output=True, text=True, check=False)
        if res.returncode != 0:
            raise RuntimeError(f"spikelab failed: {res.stderr}")
        wall = time.perf_counter() - started
        summary = json.loads(res.stdout.strip().splitlines()[-1])
        names = [p.name for p in model.populations]
        steps = {n: [] for n in names}
        neurons = {n: [] for n in names}
        with open(csv_path, newline="") as f:
            # Lines starting with '#' are comments (the time convention), then a header row.
            reader = csv.DictReader(line for line in f if not line.startswith("#"))
            for row in reader:
                pop = row["population"]
                steps[pop].append(round(float(row["time_ms"]) / model.dt))
                neurons[pop].append(int(row["neuron"]))
    out = {"sizes": np.array([p.size for p in model.populations]), "wall_s": wall,
           "engine_wall_s": float(summary["wall_s"]),
           "synaptic_events": int(summary["synaptic_events"])}
    for k, n in enumerate(names):
        out[f"steps{k}"] = np.array(steps[n], dtype=np.int64)
        out[f"neurons{k}"] = np.array(neurons[n], dtype=np.int64)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True, help="ms")
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", default=None, help="spikelab binary (default: $SPIKELAB or target/release)")
    a = ap.parse_args()
    out = run(a.model, a.seed, a.duration, a.bin)
    np.savez_compressed(a.out, **out)
    print(json.dumps({"wall_s": out["wall_s"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
