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
    p("t_ref", Time, 2.0, NonNegative, (0.0, 20.0), "absolute refractory period"),
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
        }
    }

    /// Every parameter a population of this model with this synapse kind accepts.
    pub fn params(self, synapse: SynapseKind) -> impl Iterator<Item = &'static ParamInfo> {
        self.neuron_params().iter().chain(synapse.params())
    }

    /// State variables, in the order the engine stores them: v, then the model's own, then synaptic.
    pub fn state_vars(self, synapse: SynapseKind) -> Vec<StateVarInfo> {
        let mut vars = vec![V];
        if self == NeuronModel::Izhikevich {
            vars.push(U);
        }
        vars.extend_from_slice(match synapse {
            SynapseKind::Current => &[I_EXC, I_INH],
            SynapseKind::Conductance => &[G_EXC, G_INH],
        });
        vars
    }
}

impl SynapseKind {
    pub fn params(self) -> &'static [ParamInfo] {
        match self {
            SynapseKind::Current => CURRENT_SYNAPSES,
            SynapseKind::Conductance => CONDUCTANCE_SYNAPSES,
        }
    }

    /// What a synaptic weight onto this kind of population measures.
    pub fn weight_dimension(self) -> Dimension {
        match self {
            SynapseKind::Current => Current,
            SynapseKind::Conductance => Conductance,
        }
    }
}
