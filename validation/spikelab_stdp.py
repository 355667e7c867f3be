"""SpikeLab's half of the STDP pair protocol: the final weights.

The command line prints no weights, so this runs the ignored test `export_stdp_pairs` of
crates/spikelab-core/tests/validation.rs (SpikeLab as a library, `Network::weights`), which writes them to the file
named by SPIKELAB_STDP_EXPORT. It builds the test in release mode with cargo (in the
repository this folder belongs to).

    python spikelab_stdp.py MODEL --out FILE.npz
"""

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

import models


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    model = models.load(a.model)
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "weights.json"
        env = dict(os.environ, SPIKELAB_STDP_EXPORT=str(export))
        subprocess.run(["cargo", "test", "-p", "spikelab-core", "--release", "--quiet", "--test", "engine",
                        "--", "--ignored", "--exact", "validation::export_stdp_pairs"],
                       cwd=models.ROOT, env=env, check=True, capture_output=True)
        data = json.loads(export.read_text())
    out = {"sizes": np.array([p.size for p in model.populations]),
           "weights0": np.array([data["pre"], data["post"], data["weight"]], dtype=float)}
    for k, _ in enumerate(model.populations):
        out[f"steps{k}"] = np.array(data["steps"][k], dtype=np.int64)
        out[f"neurons{k}"] = np.array(data["neurons"][k], dtype=np.int64)
    np.savez_compressed(a.out, **out)


if __name__ == "__main__":
    main()
