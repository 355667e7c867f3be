"""Runs a SpikeLab model file in Brian2 and saves its spikes.

    python run_brian2.py MODEL --seed S --duration MS --out FILE.npz

Brian2's C++ standalone mode, one thread, one build folder per network (out/brian2_build/...):
the first seed compiles the whole project, later seeds only what changed (the seed). Equations, integration
methods and event order are chosen to be Brian2's closest match to SpikeLab's engine:
- LIF, current synapses: linear equations integrated exactly (method "exact").
- LIF, conductance synapses: exponential Euler, as SpikeLab (and Brian2's COBA example).
- LIF, delta synapses: exact relaxation; a spike or Poisson input adds to v only outside the
  refractory period (NEST's iaf_psc_delta and SpikeLab discard input while refractory).
- Izhikevich: forward Euler on (v, u) from the old values, threshold v >= v_peak.
Spike times are saved as step indices in SpikeLab's convention (a spike in the step from t to
t + dt is stamped t + dt), i.e. Brian2's t/dt plus one.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import connectivity
import models


def build_and_run(model, seed, duration_ms, build_dir):
    import brian2 as b2
    from brian2 import ms, mV, pA, nS, pF, Hz

    b2.prefs.logging.console_log_level = "WARNING"
    b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.defaultclock.dt = model.dt * ms
    b2.seed(seed)
    rng = np.random.default_rng(seed)

    groups, monitors = {}, {}
    for pop in model.populations:
        p = pop.params
        ns = {k: v for k, v in dict(
            tau_m=p.get("tau_m", 0) * ms, c_m=p["c_m"] * pF, v_rest=p.get("v_rest", 0) * mV,
            v_reset=p.get("v_reset", 0) * mV, v_thresh=p.get("v_thresh", 0) * mV,
            tau_e=p.get("tau_syn_exc", 1) * ms, tau_i=p.get("tau_syn_inh", 1) * ms,
            e_exc=p.get("e_exc", 0) * mV, e_inh=p.get("e_inh", 0) * mV,
            g_l=(p["c_m"] / p["tau_m"] if "tau_m" in p else 0) * nS,
        ).items()}
        refractory = False
        if pop.model == "lif":
            if pop.synapse == "current":
                eqs = """dv/dt = (v_rest - v)/tau_m + (ie - ii + I_ext)/c_m : volt (unless refractory)
                         die/dt = -ie/tau_e : amp
                         dii/dt = -ii/tau_i : amp
                         I_ext : amp"""
                method = "exact"
            elif pop.synapse == "conductance":
                eqs = """dv/dt = (g_l*(v_rest - v) + ge*(e_exc - v) + gi*(e_inh - v) + I_ext)/c_m : volt (unless refractory)
                         dge/dt = -ge/tau_e : siemens
                         dgi/dt = -gi/tau_i : siemens
                         I_ext : amp"""
                method = "exponential_euler"
            else:
                eqs = """dv/dt = (v_rest - v)/tau_m + I_ext/c_m : volt (unless refractory)
                         I_ext : amp"""
                method = "exact"
            threshold, reset = "v >= v_thresh", "v = v_reset"
            refractory = p["t_ref"] * ms if p["t_ref"] > 0 else False
        else:
            ns.update(a=p["a"], b=p["b"], c=p["c"] * mV, d=p["d"] * mV, v_peak=p["v_peak"] * mV)
            eqs = """dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + I_ext/c_m*ms)/ms : volt
                     du/dt = a*(b*v - u)/ms : volt
                     I_ext : amp"""
            if pop.synapse != "current":
                raise ValueError("Izhikevich neurons are validated with current synapses only")
            eqs = eqs.replace("I_ext/c_m", "(I_ext + ie - ii)/c_m") + """
                     die/dt = -ie/tau_e : amp
                     dii/dt = -ii/tau_i : amp"""
            method = "euler"
            threshold, reset = "v >= v_peak", "v = c; u += d"
        g = b2.NeuronGroup(pop.size, eqs, threshold=threshold, reset=reset,
                           refractory=refractory, method=method, namespace=ns, name=pop.name)
        state = models.initial_state(pop, rng)
        unit = {"v": mV, "u": mV, "g_exc": nS, "g_inh": nS, "i_exc": pA, "i_inh": pA}
        name = {"v": "v", "u": "u", "g_exc": "ge", "g_inh": "gi", "i_exc": "ie", "i_inh": "ii"}
        for var, x in state.items():
            setattr(g, name[var], x * unit[var])
        groups[pop.name] = g
        monitors[pop.name] = b2.SpikeMonitor(g)

    def target_var(pop, receptor):
        """(variable, unit of the weight, sign) of a spike onto `pop` through `receptor`."""
        if pop.synapse == "delta":
            return "v", "mV", (1 if receptor == "excitatory" else -1)
        if pop.synapse == "conductance":
            return ("ge" if receptor == "excitatory" else "gi"), "nS", 1
        return ("ie" if receptor == "excitatory" else "ii"), "pA", 1

    def gate(pop):
        # Delta input is lost while the target is refractory.
        return " * int(not_refractory_post)" if pop.synapse == "delta" and pop.params["t_ref"] > 0 else ""

    synapses = []
    for k, proj in enumerate(model.projections):
        pre, post = model.population(proj.pre), model.population(proj.post)
        var, unit, sign = target_var(post, proj.receptor)
        op = "+=" if sign > 0 else "-="
        if proj.stdp:
            s = proj.stdp
            q = getattr(b2, unit)
            ns = dict(a_plus=s["a_plus"], a_minus=s["a_minus"], tau_plus=s["tau_plus"] * ms,
                      tau_minus=s["tau_minus"] * ms, w_min=s["w_min"] * q, w_max=s["w_max"] * q)
            # SpikeLab's order in a step: the spike is delivered with the old weight, a pre
            # spike depresses by the post trace, a post spike potentiates by the pre trace.
            syn = b2.Synapses(groups[proj.pre], groups[proj.post], model=f"""
                w : {dict(mV="volt", pA="amp", nS="siemens")[unit]}
                dapre/dt = -apre/tau_plus : 1 (event-driven)
                dapost/dt = -apost/tau_minus : 1 (event-driven)""",
                on_pre=f"""{var}_post {op} w{gate(post)}
                           w = clip(w - a_minus*w_max*apost, w_min, w_max)
                           apre += 1""",
                on_post="""w = clip(w + a_plus*w_max*apre, w_min, w_max)
                           apost += 1""",
                namespace=ns, name=f"proj{k}")
        else:
            syn = b2.Synapses(groups[proj.pre], groups[proj.post],
                              on_pre=f"{var}_post {op} {proj.weight!r}*{unit}{gate(post)}",
                              namespace={}, name=f"proj{k}")
        same = proj.pre == proj.post
        if proj.rule == "fixed_probability":
            if same and not proj.autapses:
                syn.connect(condition="i != j", p=proj.p)
            else:
                syn.connect(p=proj.p)
        elif proj.rule == "fixed_indegree":
            i, j = connectivity.fixed_indegree(rng, pre.size, post.size, proj.indegree, same and not proj.autapses)
            syn.connect(i=i, j=j)
        elif proj.rule == "one_to_one":
            syn.connect(j="i")
        elif proj.rule == "all_to_all":
            syn.connect(condition=None if not same or proj.autapses else "i != j")
        else:
            raise ValueError(f"connection rule {proj.rule}")
        if proj.stdp:
            syn.w = proj.weight * getattr(b2, target_var(post, proj.receptor)[1])
        if proj.delay > 0:
            syn.delay = proj.delay * ms
        synapses.append((proj, syn))

    extra, spike_inputs, dc = [], {}, {}
    for inp in model.inputs:
        pop = model.population(inp.target)
        g = groups[inp.target]
        if inp.kind == "dc":
            dc.setdefault(inp.target, np.zeros(pop.size))[inp.neurons or slice(None)] += inp.amplitude
        elif inp.kind == "poisson":
            if inp.neurons:
                raise ValueError("Poisson input onto chosen neurons is not validated")
            var, unit, sign = target_var(pop, inp.receptor)
            weight = f"{sign * inp.weight!r}*{unit}" + gate(pop).replace("_post", "")
            extra.append(b2.PoissonInput(g, var, N=inp.sources, rate=inp.rate * Hz, weight=weight))
        else:
            spike_inputs.setdefault((inp.target, inp.receptor, inp.weight), []).append(inp)
    for target, amps in dc.items():
        groups[target].I_ext = amps * pA
    # Spike inputs onto one population with one receptor and weight share one generator with a
    # channel per target neuron (few code objects to compile).
    for (target, receptor, weight), inps in spike_inputs.items():
        pop = model.population(target)
        idx, times = [], []
        for inp in inps:
            for n in (inp.neurons or range(pop.size)):
                idx += [n] * len(inp.times)
                times += inp.times
        gen = b2.SpikeGeneratorGroup(pop.size, np.array(idx), np.array(times) * ms)
        var, unit, sign = target_var(pop, receptor)
        op = "+=" if sign > 0 else "-="
        syn = b2.Synapses(gen, groups[target], on_pre=f"{var}_post {op} {weight!r}*{unit}{gate(pop)}")
        syn.connect(j="i")
        extra += [gen, syn]

    net = b2.Network(list(groups.values()), list(monitors.values()), [s for _, s in synapses], extra)
    net.run(duration_ms * ms)
    started = time.perf_counter()
    b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
    wall = time.perf_counter() - started  # compilation (incremental after the first seed) and run

    out = {"sizes": np.array([p.size for p in model.populations]), "wall_s": wall}
    for k, pop in enumerate(model.populations):
        m = monitors[pop.name]
        out[f"steps{k}"] = np.round(np.asarray(m.t / ms) / model.dt).astype(np.int64) + 1
        out[f"neurons{k}"] = np.asarray(m.i[:], dtype=np.int64)
    # Out-degree of each neuron over all projections, for synaptic events per spike.
    for k, pop in enumerate(model.populations):
        deg = np.zeros(pop.size, dtype=np.int64)
        for proj, syn in synapses:
            if proj.pre == pop.name:
                deg += np.bincount(np.asarray(syn.i[:]), minlength=pop.size)
        out[f"outdeg{k}"] = deg
    weights = {}
    for k, (proj, syn) in enumerate(synapses):
        if proj.stdp:
            unit = getattr(b2, target_var(model.population(proj.post), proj.receptor)[1])
            weights[f"weights{k}"] = np.stack([np.asarray(syn.i[:]), np.asarray(syn.j[:]),
                                               np.asarray(syn.w[:] / unit)])
    out.update(weights)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True, help="ms")
    ap.add_argument("--out", required=True)
    ap.add_argument("--build-dir", default=None, help="C++ project folder (default: next to --out)")
    a = ap.parse_args()
    model = models.load(a.model)
    build_dir = a.build_dir or str(Path(a.out).parent / "build" / Path(a.model).stem)
    out = build_and_run(model, a.seed, a.duration, build_dir)
    np.savez_compressed(a.out, **out)
    print(json.dumps({"wall_s": out["wall_s"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
