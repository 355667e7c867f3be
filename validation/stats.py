"""The statistics of the validation report, one definition for all three simulators.

Every simulator's spikes arrive here as integer step indices in SpikeLab's convention: a
spike in the step from (s-1)·dt to s·dt has index s (time s·dt). The runners convert: NEST
already stamps the end of the step, Brian2 stamps its start (so its index is t/dt + 1).

Network statistics are taken over the window after a transient, spikes with
transient < time <= duration; per population:
- rate: spikes / neurons / window length (Hz);
- silent: fraction of neurons without a spike in the window;
- cv_isi: mean over neurons with at least 3 spikes in the window of the CV (population
  standard deviation / mean) of their inter-spike intervals;
- fano_1ms, fano_5ms: the population's spike count in consecutive bins of 1 ms (5 ms),
  starting at the transient: variance / mean over bins (population variance);
and for the network, events_per_spike: synaptic events (one spike reaching one synapse)
divided by spikes, over the whole run. SpikeLab counts its events; for the references it is
the out-degree of the spiking neuron summed over all spikes.

Single-neuron statistics (whole run): the first spike's time (ms), the spike count and the mean
inter-spike interval (ms).
"""

import numpy as np


def network_stats(run, dt, duration_ms, transient_ms, names):
    """Statistics of one run: {"<pop> <stat>": value, "events_per_spike": value}."""
    s0, s1 = round(transient_ms / dt), round(duration_ms / dt)
    window_s = (s1 - s0) * dt * 1e-3
    out = {}
    total_spikes, total_events = 0, 0
    for k, name in enumerate(names):
        steps, neurons, size = run[f"steps{k}"], run[f"neurons{k}"], int(run["sizes"][k])
        total_spikes += len(steps)
        if f"outdeg{k}" in run:
            total_events += int(run[f"outdeg{k}"][neurons].sum()) if len(neurons) else 0
        keep = (steps > s0) & (steps <= s1)
        st, nr = steps[keep], neurons[keep]
        counts = np.bincount(nr, minlength=size)
        out[f"{name} rate_hz"] = len(st) / size / window_s
        out[f"{name} silent"] = float(np.mean(counts == 0))
        out[f"{name} cv_isi"] = mean_cv_isi(st, nr, size)
        for bin_ms in (1, 5):
            out[f"{name} fano_{bin_ms}ms"] = fano(st, s0, s1, round(bin_ms / dt))
    if "synaptic_events" in run:
        total_events = int(run["synaptic_events"])
    out["events_per_spike"] = total_events / total_spikes if total_spikes else float("nan")
    return out


def mean_cv_isi(steps, neurons, size):
    order = np.lexsort((steps, neurons))
    st, nr = steps[order], neurons[order]
    bounds = np.searchsorted(nr, np.arange(size + 1))
    cvs = []
    for n in range(size):
        t = st[bounds[n]:bounds[n + 1]]
        if len(t) >= 3:
            isi = np.diff(t).astype(float)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def fano(steps, s0, s1, bin_steps):
    bins = (s1 - s0) // bin_steps
    idx = (steps - s0 - 1) // bin_steps
    counts = np.bincount(idx[idx < bins], minlength=bins).astype(float)
    m = counts.mean()
    return float(counts.var() / m) if m > 0 else float("nan")


def single_neuron_stats(run, dt, names):
    """{"<pop>[<neuron>] first_spike_ms": t, "<pop>[<neuron>] count": n} for every neuron."""
    out = {}
    for k, name in enumerate(names):
        steps, neurons, size = run[f"steps{k}"], run[f"neurons{k}"], int(run["sizes"][k])
        for n in range(size):
            t = np.sort(steps[neurons == n])
            label = name if size == 1 else f"{name}[{n}]"
            out[f"{label} first_spike_ms"] = float(t[0] * dt) if len(t) else float("nan")
            out[f"{label} count"] = float(len(t))
            out[f"{label} mean_isi_ms"] = float(np.diff(t).mean() * dt) if len(t) >= 2 else float("nan")
    return out


def stdp_stats(run, projection, dts, w0, w_max):
    """Weight change of pair i (post - pre = dts[i]) over the protocol, as a fraction of w_max:
    {"dt <dt> ms dw": value}."""
    pre, post, w = run[f"weights{projection}"]
    out = {}
    for i, d in enumerate(dts):
        k = np.flatnonzero((pre == i) & (post == i))
        out[f"dt {d:+g} ms dw"] = (float(w[k[0]]) - w0) / w_max
    return out
