"""Runs a SpikeLab model file in NEST and saves its spikes.

    python run_nest.py MODEL --seed S --duration MS --out FILE.npz [--threads N]

Neuron models: LIF with current synapses -> iaf_psc_exp (exact integration, as SpikeLab),
with conductance synapses -> iaf_cond_exp (adaptive Runge-Kutta-Fehlberg from GSL), with
delta synapses -> iaf_psc_delta; Izhikevich -> izhikevich (consistent_integration: forward
Euler from the old v and u, as SpikeLab). Additive pair STDP -> stdp_synapse with
mu_plus = mu_minus = 0, lambda = a_plus, alpha = a_minus / a_plus, Wmax = w_max.

Connections of the random rules are drawn in numpy (connectivity.py) and passed to NEST as
arrays, which also gives each neuron's out-degree for the synaptic events per spike.

NEST's delays are at least one step: a SpikeLab delay of 0 (delivery in the next step)
becomes dt. NEST stamps a spike at the end of its step, as SpikeLab does.
"""

import argparse
import json
import sys
import time

import numpy as np

import connectivity
import models


def build_and_run(model, seed, duration_ms, threads=1):
    import nest

    try:
        nest.verbosity = nest.VerbosityLevel.ERROR
    except AttributeError:
        nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": model.dt, "rng_seed": seed, "local_num_threads": threads,
                          "print_time": False})
    rng = np.random.default_rng(seed)
    dt = model.dt

    nodes, recorders = {}, {}
    for pop in model.populations:
        p = pop.params
        current = sum(i.amplitude for i in model.inputs
                      if i.kind == "dc" and i.target == pop.name and not i.neurons)
        if pop.model == "lif":
            common = dict(C_m=p["c_m"], E_L=p["v_rest"], V_reset=p["v_reset"], V_th=p["v_thresh"],
                          t_ref=p["t_ref"], I_e=current)
            if pop.synapse == "current":
                kind = "iaf_psc_exp"
                common.update(tau_m=p["tau_m"], tau_syn_ex=p["tau_syn_exc"], tau_syn_in=p["tau_syn_inh"])
            elif pop.synapse == "conductance":
                kind = "iaf_cond_exp"
                common.update(g_L=p["c_m"] / p["tau_m"], tau_syn_ex=p["tau_syn_exc"],
                              tau_syn_in=p["tau_syn_inh"], E_ex=p["e_exc"], E_in=p["e_inh"])
            else:
                kind = "iaf_psc_delta"
                common.update(tau_m=p["tau_m"])
        else:
            if pop.synapse != "current" or any(q.post == pop.name for q in model.projections):
                raise ValueError("Izhikevich neurons are validated without synaptic input")
            kind = "izhikevich"
            # NEST's izhikevich takes the input in the paper's units: I / c_m.
            common = dict(a=p["a"], b=p["b"], c=p["c"], d=p["d"], V_th=p["v_peak"],
                          I_e=current / p["c_m"], consistent_integration=True)
        if any(q.stdp and q.post == pop.name for q in model.projections):
            common["tau_minus"] = next(q.stdp["tau_minus"] for q in model.projections
                                       if q.stdp and q.post == pop.name)
        g = nest.Create(kind, pop.size, params=common)
        state = models.initial_state(pop, rng)
        name = {"v": "V_m", "u": "U_m", "g_exc": "g_ex", "g_inh": "g_in"}
        g.set({name[var]: list(map(float, x)) for var, x in state.items()})
        for inp in model.inputs:
            if inp.kind == "dc" and inp.target == pop.name and inp.neurons:
                for n in inp.neurons:
                    scale = 1.0 / p["c_m"] if pop.model == "izhikevich" else 1.0
                    g[n].set(I_e=g[n].get("I_e") + inp.amplitude * scale)
        nodes[pop.name] = g
        rec = nest.Create("spike_recorder")
        nest.Connect(g, rec)
        recorders[pop.name] = rec

    def signed(proj_or_input, post):
        w = proj_or_input.weight
        return -w if proj_or_input.receptor == "inhibitory" else w

    stdp_conns = []
    outdeg = {pop.name: np.zeros(pop.size, dtype=np.int64) for pop in model.populations}
    for k, proj in enumerate(model.projections):
        pre, post = nodes[proj.pre], nodes[proj.post]
        n_pre, n_post = model.population(proj.pre).size, model.population(proj.post).size
        no_autapses = proj.pre == proj.post and not proj.autapses
        syn = {"synapse_model": "static_synapse", "weight": signed(proj, proj.post),
               "delay": max(proj.delay, dt)}
        if proj.stdp:
            s = proj.stdp
            name = f"stdp_additive_{k}"
            nest.CopyModel("stdp_synapse", name, {
                "tau_plus": s["tau_plus"], "lambda": s["a_plus"], "alpha": s["a_minus"] / s["a_plus"],
                "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": s["w_max"]})
            if s["w_min"] != 0.0:
                raise ValueError("NEST's stdp_synapse bounds weights at 0")
            syn["synapse_model"] = name
            stdp_conns.append((k, proj))
        if proj.rule == "fixed_probability":
            i, j = connectivity.fixed_probability(rng, n_pre, n_post, proj.p, no_autapses)
        elif proj.rule == "fixed_indegree":
            i, j = connectivity.fixed_indegree(rng, n_pre, n_post, proj.indegree, no_autapses)
        elif proj.rule == "one_to_one":
            i = j = np.arange(n_pre)
        elif proj.rule == "all_to_all":
            i, j = np.divmod(np.arange(n_pre * n_post), n_post)
            if no_autapses:
                i, j = i[i != j], j[i != j]
        else:
            raise ValueError(f"connection rule {proj.rule}")
        first_pre, first_post = pre[0].global_id, post[0].global_id
        syn["weight"] = np.full(len(i), float(syn["weight"]))
        syn["delay"] = np.full(len(i), float(syn["delay"]))
        nest.Connect(np.asarray(i + first_pre, dtype=np.int64), np.asarray(j + first_post, dtype=np.int64),
                     "one_to_one", syn)
        outdeg[proj.pre] += np.bincount(i, minlength=n_pre)

    for inp in model.inputs:
        pop = model.population(inp.target)
        targets = nodes[inp.target]
        if inp.neurons:
            targets = nest.NodeCollection([targets[n].global_id for n in inp.neurons])
        if inp.kind == "poisson":
            # One poisson_generator sends each target its own independent train.
            gen = nest.Create("poisson_generator", params={"rate": inp.rate * inp.sources})
            nest.Connect(gen, targets, syn_spec={"weight": signed(inp, pop), "delay": dt})
        elif inp.kind == "spikes":
            # NEST's stdp_synapse times a pair at the synapse, where the post spike arrives
            # back through the dendritic delay (its whole delay, at least dt):
            # Δt = t_post + delay - t_pre. SpikeLab and Brian2 time it from the spikes
            # themselves (delay 0 here). So that all three see the same Δt, inputs that make
            # an STDP projection's pre neurons fire are sent that delay late in NEST.
            shift = max((max(q.delay, dt) for q in model.projections if q.stdp and q.pre == pop.name),
                        default=0.0)
            times = [round(t + shift, 6) for t in inp.times]
            gen = nest.Create("spike_generator", params={"spike_times": times})
            nest.Connect(gen, targets, syn_spec={"weight": signed(inp, pop), "delay": dt})

    started = time.perf_counter()
    nest.Simulate(duration_ms)
    wall = time.perf_counter() - started

    out = {"sizes": np.array([p.size for p in model.populations]), "wall_s": wall}
    for k, pop in enumerate(model.populations):
        ev = recorders[pop.name].get("events")
        first = nodes[pop.name][0].global_id
        out[f"steps{k}"] = np.round(np.asarray(ev["times"]) / dt).astype(np.int64)
        out[f"neurons{k}"] = np.asarray(ev["senders"], dtype=np.int64) - first
    for k, pop in enumerate(model.populations):
        out[f"outdeg{k}"] = outdeg[pop.name]
    for k, proj in stdp_conns:
        c = nest.GetConnections(source=nodes[proj.pre], target=nodes[proj.post])
        first_pre, first_post = nodes[proj.pre][0].global_id, nodes[proj.post][0].global_id
        d = c.get(["source", "target", "weight"])
        out[f"weights{k}"] = np.stack([np.atleast_1d(np.asarray(d["source"])) - first_pre,
                                       np.atleast_1d(np.asarray(d["target"])) - first_post,
                                       np.atleast_1d(np.asarray(d["weight"], dtype=float))])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True, help="ms")
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    model = models.load(a.model)
    out = build_and_run(model, a.seed, a.duration, a.threads)
    np.savez_compressed(a.out, **out)
    print(json.dumps({"wall_s": out["wall_s"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
