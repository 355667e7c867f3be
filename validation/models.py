"""Reads SpikeLab model files (TOML) into plain Python values, for the reference builders.

The Brian2 and NEST versions of each network are built from the same file that SpikeLab runs
(a preset in assets/presets/ or a file in validation/models/), so that a parameter changed in
the file changes all three simulators. Only what the validated networks use is supported; any
other feature raises an error instead of being silently ignored.

Every value is converted to SpikeLab's canonical units: ms, mV, pA, nS, Hz, pF.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ROOT / "assets" / "presets"
MODELS = Path(__file__).resolve().parent / "models"

_SCALE = {
    "": 1.0,
    "ms": 1.0, "s": 1e3, "us": 1e-3,
    "mV": 1.0, "V": 1e3,
    "pA": 1.0, "nA": 1e3, "uA": 1e6,
    "pS": 1e-3, "nS": 1.0, "uS": 1e3,
    "Hz": 1.0, "kHz": 1e3,
    "pF": 1.0, "nF": 1e3,
}


def value(q):
    """A number, or a string such as "20 ms", in canonical units."""
    if isinstance(q, (int, float)):
        return float(q)
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([A-Za-z]*)\s*", q)
    if not m or m.group(2) not in _SCALE:
        raise ValueError(f"cannot read quantity {q!r}")
    return float(m.group(1)) * _SCALE[m.group(2)]


@dataclass
class Dist:
    """A constant, uniform or normal distribution (canonical units)."""
    kind: str
    a: float
    b: float = 0.0

    @staticmethod
    def parse(x):
        if isinstance(x, dict):
            (kind, (a, b)), = x.items()
            if kind not in ("uniform", "normal"):
                raise ValueError(f"unsupported distribution {kind}")
            return Dist(kind, value(a), value(b))
        return Dist("constant", value(x))

    def draw(self, rng, n, clip_at_zero=False):
        import numpy as np
        if self.kind == "constant":
            x = np.full(n, self.a)
        elif self.kind == "uniform":
            x = rng.uniform(self.a, self.b, n)
        else:
            x = rng.normal(self.a, self.b, n)
        return np.maximum(x, 0.0) if clip_at_zero else x


LIF_DEFAULTS = dict(tau_m=20.0, c_m=200.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-50.0, t_ref=2.0)
IZH_DEFAULTS = dict(a=0.02, b=0.2, c=-65.0, d=8.0, v_peak=30.0, c_m=1.0)
CURRENT_DEFAULTS = dict(tau_syn_exc=5.0, tau_syn_inh=10.0)
CONDUCTANCE_DEFAULTS = dict(tau_syn_exc=5.0, tau_syn_inh=10.0, e_exc=0.0, e_inh=-80.0)


@dataclass
class Population:
    name: str
    size: int
    model: str
    synapse: str
    params: dict
    initial: dict  # state variable -> Dist


@dataclass
class Projection:
    pre: str
    post: str
    receptor: str
    weight: float
    delay: float
    rule: str
    p: float = 0.0
    indegree: int = 0
    autapses: bool = False
    stdp: dict | None = None


@dataclass
class Input:
    name: str
    kind: str
    target: str
    neurons: list
    amplitude: float = 0.0
    rate: float = 0.0
    sources: int = 1
    weight: float = 0.0
    receptor: str = "excitatory"
    times: list = field(default_factory=list)


@dataclass
class Model:
    name: str
    dt: float
    duration: float
    seed: int
    populations: list
    projections: list
    inputs: list

    def population(self, name):
        return next(p for p in self.populations if p.name == name)

    def index(self, name):
        return [p.name for p in self.populations].index(name)


def load(path):
    """A model file, or a preset by name (`cuba` or `cuba.toml`)."""
    path = Path(path)
    if not path.exists():
        path = PRESETS / (path.name if path.suffix == ".toml" else path.name + ".toml")
    doc = tomllib.loads(path.read_text())
    sim = doc.get("simulation", {})
    pops = []
    for p in doc["populations"]:
        model = p.get("model", "lif")
        synapse = p.get("synapse", "current")
        if model == "lif":
            params = dict(LIF_DEFAULTS)
        elif model == "izhikevich":
            params = dict(IZH_DEFAULTS)
        else:
            raise ValueError(f"{path.name}: neuron model {model} is not validated")
        if synapse == "current":
            params.update(CURRENT_DEFAULTS)
        elif synapse == "conductance":
            params.update(CONDUCTANCE_DEFAULTS)
        elif synapse != "delta":
            raise ValueError(f"{path.name}: synapse {synapse}")
        params.update({k: value(v) for k, v in p.get("params", {}).items()})
        initial = {k: Dist.parse(v) for k, v in p.get("initial", {}).items()}
        pops.append(Population(p["name"], int(p["size"]), model, synapse, params, initial))
    projs = []
    for q in doc.get("projections", []):
        for key in ("stp",):
            if key in q:
                raise ValueError(f"{path.name}: {key} is not validated")
        w = Dist.parse(q["weight"])
        d = Dist.parse(q.get("delay", "0 ms"))
        if w.kind != "constant" or d.kind != "constant":
            raise ValueError(f"{path.name}: only constant weights and delays are validated")
        c = q["connect"]
        stdp = None
        if "stdp" in q:
            s = q["stdp"]
            if s.get("rule", "additive") != "additive":
                raise ValueError("only additive STDP is validated")
            stdp = dict(a_plus=float(s["a_plus"]), a_minus=float(s["a_minus"]),
                        tau_plus=value(s["tau_plus"]), tau_minus=value(s["tau_minus"]),
                        w_min=value(s.get("w_min", 0.0)), w_max=value(s["w_max"]))
        projs.append(Projection(q["pre"], q["post"], q.get("receptor", "excitatory"), w.a, d.a,
                                c["rule"], float(c.get("p", 0.0)), int(c.get("indegree", 0)),
                                bool(q.get("autapses", False)), stdp))
    inputs = []
    for i in doc.get("inputs", []):
        kind = i["kind"]
        if kind not in ("dc", "poisson", "spikes"):
            raise ValueError(f"{path.name}: input kind {kind} is not validated")
        if "start" in i or "stop" in i or "schedule" in i:
            raise ValueError(f"{path.name}: timed inputs are not validated")
        inputs.append(Input(i["name"], kind, i["target"], list(i.get("neurons", [])),
                            value(i.get("amplitude", 0.0)), value(i.get("rate", 0.0)),
                            int(i.get("sources", 1)), value(i.get("weight", 0.0)),
                            i.get("receptor", "excitatory"),
                            [value(t) for t in i.get("times", [])]))
    return Model(doc["name"], value(sim.get("dt", "0.1 ms")), value(sim.get("duration", "1000 ms")),
                 int(sim.get("seed", 0)), pops, projs, inputs)


def initial_state(pop, rng):
    """Initial state of a population as SpikeLab sets it: the model's rest (LIF: v_rest;
    Izhikevich: -65 mV with u = b·v) overridden by the file's `initial` table, taken as drawn
    (a normal draw of a conductance can be negative, as in Brette et al.'s COBA script).
    Returns {variable: array}."""
    import numpy as np
    n = pop.size
    rest = pop.params["v_rest"] if pop.model == "lif" else -65.0
    state = {"v": np.full(n, rest)}
    for var, dist in pop.initial.items():
        state[var] = dist.draw(rng, n)
    if pop.model == "izhikevich" and "u" not in state:
        state["u"] = pop.params["b"] * state["v"]
    return state
