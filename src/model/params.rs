//! The one place that declares, for every neuron model, its parameters and state variables with
//! their units, defaults and limits. Validation, the engine and (later) the inspector all read
//! these tables, so a new parameter is added here once.

use super::units::Dimension;
use super::{NeuronModel, SynapseKind};

/// What values a parameter may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    Any,
    Positive,
    NonNegative,
}

/// One parameter of a neuron model or of its synapses.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    pub name: &'static str,
    pub dimension: Dimension,
    /// Default value in the canonical unit of `dimension`.
    pub default: f64,
    pub constraint: Constraint,
    /// A sensible range for a slider, canonical units.
    pub range: (f64, f64),
    pub doc: &'static str,
}

/// One state variable that can be initialised, recorded and plotted.
#[derive(Clone, Copy, Debug)]
pub struct StateVarInfo {
    pub name: &'static str,
    /// Unit symbol for display ("mV", "pA").
    pub unit: &'static str,
    pub dimension: Dimension,
    pub doc: &'static str,
}

const fn p(
    name: &'static str,
    dimension: Dimension,
    default: f64,
    constraint: Constraint,
    range: (f64, f64),
    doc: &'static str,
) -> ParamInfo {
    ParamInfo { name, dimension, default, constraint, range, doc }
}

use Constraint::*;
use Dimension::*;

const LIF: &[ParamInfo] = &[
    p("tau_m", Time, 20.0, Positive, (1.0, 100.0), "membrane time constant"),
    p("c_m", Capacitance, 200.0, Positive, (10.0, 1000.0), "membrane capacitance"),
    p("v_rest", Voltage, -70.0, Any, (-90.0, -30.0), "resting (leak reversal) potential"),
    p("v_reset", Voltage, -70.0, Any, (-90.0, -30.0), "potential after a spike"),
    p("v_thresh", Voltage, -50.0, Any, (-80.0, 0.0), "spike threshold"),
    p(
        "t_ref",
        Time,
        2.0,
        NonNegative,
        (0.0, 20.0),
        "absolute refractory period (V is held at reset for t_ref/dt whole steps after the step of the spike, so the shortest interval is t_ref + dt, as in NEST; Brian2 gives t_ref)",
    ),
];

const IZHIKEVICH: &[ParamInfo] = &[
    p("a", Dimensionless, 0.02, Positive, (0.0, 0.2), "recovery rate of u, 1/ms"),
    p("b", Dimensionless, 0.2, Any, (-0.1, 0.3), "sensitivity of u to v"),
    p("c", Voltage, -65.0, Any, (-80.0, -40.0), "reset potential"),
    p("d", Dimensionless, 8.0, Any, (0.0, 10.0), "jump of u after a spike, mV/ms"),
    p("v_peak", Voltage, 30.0, Any, (0.0, 40.0), "spike cut-off"),
    p(
        "c_m",
        Capacitance,
        1.0,
        Positive,
        (0.1, 10.0),
        "scales input current: dv/dt gets I/c_m (1 pF: I = 10 pA is the paper's I = 10)",
    ),
];

// Brette & Gerstner (2005), J. Neurophysiol. 94:3637, Table 1 (a cortical pyramidal cell).
const ADEX: &[ParamInfo] = &[
    p("c_m", Capacitance, 281.0, Positive, (10.0, 500.0), "membrane capacitance"),
    p("g_l", Conductance, 30.0, Positive, (1.0, 100.0), "leak conductance"),
    p("e_l", Voltage, -70.6, Any, (-90.0, -40.0), "leak reversal potential"),
    p("v_t", Voltage, -50.4, Any, (-70.0, -30.0), "threshold slope factor's midpoint (rheobase potential)"),
    p("delta_t", Voltage, 2.0, Positive, (0.1, 10.0), "slope factor: sharpness of spike initiation"),
    p("tau_w", Time, 144.0, Positive, (1.0, 1000.0), "adaptation time constant"),
    p("a", Conductance, 4.0, Any, (-20.0, 20.0), "subthreshold adaptation"),
    p("b", Current, 80.5, Any, (0.0, 200.0), "spike-triggered adaptation: jump of w"),
    p("v_reset", Voltage, -70.6, Any, (-80.0, -40.0), "potential after a spike"),
    p("v_peak", Voltage, 0.0, Any, (-40.0, 30.0), "spike cut-off"),
    p(
        "t_ref",
        Time,
        0.0,
        NonNegative,
        (0.0, 10.0),
        "absolute refractory period (V is held at reset for t_ref/dt whole steps after the step of the spike, so the shortest interval is t_ref + dt, as in NEST; Brian2 gives t_ref)",
    ),
];

// Hodgkin & Huxley (1952) squid axon, for a 10,000 µm² patch (1 µA/cm² = 100 pA), with
// potentials shifted so that rest is at -65 mV; the same values as NEST's hh_psc_alpha.
const HODGKIN_HUXLEY: &[ParamInfo] = &[
    p("c_m", Capacitance, 100.0, Positive, (10.0, 500.0), "membrane capacitance (1 µF/cm²)"),
    p("g_na", Conductance, 12000.0, NonNegative, (0.0, 30000.0), "sodium conductance (120 mS/cm²)"),
    p("g_k", Conductance, 3600.0, NonNegative, (0.0, 10000.0), "potassium conductance (36 mS/cm²)"),
    p("g_l", Conductance, 30.0, NonNegative, (0.0, 100.0), "leak conductance (0.3 mS/cm²)"),
    p("e_na", Voltage, 50.0, Any, (0.0, 80.0), "sodium reversal potential"),
    p("e_k", Voltage, -77.0, Any, (-100.0, -60.0), "potassium reversal potential"),
    p("e_l", Voltage, -54.387, Any, (-80.0, -40.0), "leak reversal potential"),
    p("v_spike", Voltage, 0.0, Any, (-40.0, 40.0), "a spike is counted when V crosses this upwards"),
];

const POISSON_SOURCE: &[ParamInfo] =
    &[p("rate", Rate, 10.0, NonNegative, (0.0, 100.0), "firing rate of each source")];

const CURRENT_SYNAPSES: &[ParamInfo] = &[
    p("tau_syn_exc", Time, 5.0, Positive, (0.5, 50.0), "decay time of excitatory synaptic current"),
    p("tau_syn_inh", Time, 10.0, Positive, (0.5, 50.0), "decay time of inhibitory synaptic current"),
];

const CONDUCTANCE_SYNAPSES: &[ParamInfo] = &[
    p("tau_syn_exc", Time, 5.0, Positive, (0.5, 50.0), "decay time of excitatory conductance"),
    p("tau_syn_inh", Time, 10.0, Positive, (0.5, 50.0), "decay time of inhibitory conductance"),
    p("e_exc", Voltage, 0.0, Any, (-20.0, 20.0), "excitatory reversal potential"),
    p("e_inh", Voltage, -80.0, Any, (-100.0, -50.0), "inhibitory reversal potential"),
];

const fn s(name: &'static str, unit: &'static str, dimension: Dimension, doc: &'static str) -> StateVarInfo {
    StateVarInfo { name, unit, dimension, doc }
}

const V: StateVarInfo = s("v", "mV", Voltage, "membrane potential");
const U: StateVarInfo = s("u", "mV/ms", Dimensionless, "Izhikevich recovery variable");
const W: StateVarInfo = s("w", "pA", Current, "AdEx adaptation current");
const M: StateVarInfo = s("m", "", Dimensionless, "sodium activation gate");
const H: StateVarInfo = s("h", "", Dimensionless, "sodium inactivation gate");
const N: StateVarInfo = s("n", "", Dimensionless, "potassium activation gate");
const I_EXC: StateVarInfo = s("i_exc", "pA", Current, "excitatory synaptic current");
const I_INH: StateVarInfo = s("i_inh", "pA", Current, "inhibitory synaptic current");
const G_EXC: StateVarInfo = s("g_exc", "nS", Conductance, "excitatory synaptic conductance");
const G_INH: StateVarInfo = s("g_inh", "nS", Conductance, "inhibitory synaptic conductance");

impl NeuronModel {
    /// Parameters of the neuron itself.
    pub fn neuron_params(self) -> &'static [ParamInfo] {
        match self {
            NeuronModel::Lif => LIF,
            NeuronModel::Izhikevich => IZHIKEVICH,
            NeuronModel::Adex => ADEX,
            NeuronModel::HodgkinHuxley => HODGKIN_HUXLEY,
            NeuronModel::PoissonSource => POISSON_SOURCE,
        }
    }

    /// The model's name for people: "LIF", "Hodgkin–Huxley".
    pub fn display_name(self) -> &'static str {
        match self {
            NeuronModel::Lif => "LIF",
            NeuronModel::Izhikevich => "Izhikevich",
            NeuronModel::Adex => "AdEx",
            NeuronModel::HodgkinHuxley => "Hodgkin–Huxley",
            NeuronModel::PoissonSource => "Poisson source",
        }
    }

    /// Whether neurons of this model integrate input (a spike source does not).
    pub fn receives_input(self) -> bool {
        self != NeuronModel::PoissonSource
    }

    /// The model's own state variables after `v`, in the order the engine stores them.
    pub fn own_state_vars(self) -> &'static [StateVarInfo] {
        match self {
            NeuronModel::Lif | NeuronModel::PoissonSource => &[],
            NeuronModel::Izhikevich => &[U],
            NeuronModel::Adex => &[W],
            NeuronModel::HodgkinHuxley => &[M, H, N],
        }
    }

    /// Every parameter a population of this model with this synapse kind accepts.
    pub fn params(self, synapse: SynapseKind) -> impl Iterator<Item = &'static ParamInfo> {
        let synaptic = if self.receives_input() { synapse.params() } else { &[] };
        self.neuron_params().iter().chain(synaptic)
    }

    /// State variables, in the order the engine stores them: v, then the model's own, then synaptic.
    /// A spike source has none.
    pub fn state_vars(self, synapse: SynapseKind) -> Vec<StateVarInfo> {
        if !self.receives_input() {
            return Vec::new();
        }
        let mut vars = vec![V];
        vars.extend_from_slice(self.own_state_vars());
        vars.extend_from_slice(synapse.state_vars());
        vars
    }
}

impl SynapseKind {
    pub fn params(self) -> &'static [ParamInfo] {
        match self {
            SynapseKind::Current => CURRENT_SYNAPSES,
            SynapseKind::Conductance => CONDUCTANCE_SYNAPSES,
            SynapseKind::Delta => &[],
        }
    }

    /// Synaptic state variables (a delta synapse has none: it jumps V directly).
    pub fn state_vars(self) -> &'static [StateVarInfo] {
        match self {
            SynapseKind::Current => &[I_EXC, I_INH],
            SynapseKind::Conductance => &[G_EXC, G_INH],
            SynapseKind::Delta => &[],
        }
    }

    /// What a synaptic weight onto this kind of population measures.
    pub fn weight_dimension(self) -> Dimension {
        match self {
            SynapseKind::Current => Current,
            SynapseKind::Conductance => Conductance,
            SynapseKind::Delta => Voltage,
        }
    }
}
