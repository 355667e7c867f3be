"""Writes stdp_pairs.toml, the STDP pair protocol (run it again if the protocol changes)."""

from pathlib import Path

DTS = [-50, -30, -20, -10, -5, -2, 2, 5, 10, 20, 30, 50]  # post - pre, ms
PAIRINGS, PERIOD, FIRST, READOUT = 10, 500.0, 100.0, 5500.0


def fmt(ts):
    return "[" + ", ".join(f'"{t:g} ms"' for t in ts) + "]"


def main():
    pre_times = [FIRST + k * PERIOD for k in range(PAIRINGS)]
    gap = READOUT - (pre_times[-1] + max(DTS))
    out = f'''name = "STDP pair protocol"
description = """
Validation model (written by make_stdp_pairs.py): twelve independent pre/post pairs of LIF
neurons joined one to one by a plastic synapse (additive pair STDP, a_plus 1 %, a_minus 1.05 %
of w_max, both windows 20 ms, as in stdp_song2000.toml). Explicit spikes make each pair fire
{PAIRINGS} times, {PERIOD:g} ms apart, with post - pre = dt, one dt per pair:
{", ".join(f"{d:+d}" for d in DTS)} ms. The weight starts at w_max / 2 and moves by at most
{PAIRINGS} % of w_max, far from the bounds. A last pre spike at {READOUT:g} ms, {gap:g} ms after
the last pairing, is part of the protocol so that simulators which apply potentiation only at
the next pre spike (NEST) have done so; it depresses by a negligible e^(-{gap:g}/20)."""

[simulation]
dt = "0.1 ms"
duration = "{READOUT + 100:g} ms"
seed = 1

[[populations]]
name = "pre"
size = {len(DTS)}
model = "lif"
synapse = "delta"

[[populations]]
name = "post"
size = {len(DTS)}
model = "lif"
synapse = "delta"

[[projections]]
name = "plastic"
pre = "pre"
post = "post"
receptor = "excitatory"
weight = "0.5 mV"
connect = {{ rule = "one_to_one" }}

[projections.stdp]
rule = "additive"
a_plus = 0.01
a_minus = 0.0105
tau_plus = "20 ms"
tau_minus = "20 ms"
w_min = "0 mV"
w_max = "1 mV"

# A 100 mV kick makes its target fire in the step it arrives.
[[inputs]]
name = "pre_spikes"
kind = "spikes"
target = "pre"
weight = "100 mV"
times = {fmt(pre_times + [READOUT])}
'''
    for i, d in enumerate(DTS):
        out += f'''
[[inputs]]
name = "post_spikes_{i}"
kind = "spikes"
target = "post"
neurons = [{i}]
weight = "100 mV"
times = {fmt([t + d for t in pre_times])}
'''
    Path(__file__).with_name("stdp_pairs.toml").write_text(out)


if __name__ == "__main__":
    main()
