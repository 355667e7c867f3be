//! How parameters and state variables are declared (units, defaults, limits), and the synapse
//! kinds' tables. Each neuron model declares its own in its file under `src/neurons/`;
//! validation, the engine and the inspector read those tables.

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
    /// A probability (a gate): initial values are kept in [0, 1].
    pub probability: bool,
    /// Negative values are meaningful (a potential, a recovery variable); otherwise an initial
    /// distribution that reaches below zero is refused (a normal one is allowed: its tail is
    /// what the file asks for).
    pub signed: bool,
}

pub(crate) const fn p(
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

pub(crate) const fn s(
    name: &'static str,
    unit: &'static str,
    dimension: Dimension,
    doc: &'static str,
) -> StateVarInfo {
    StateVarInfo { name, unit, dimension, doc, probability: false, signed: false }
}

impl StateVarInfo {
    /// The variable is a probability (a gate): initial values are kept in [0, 1].
    pub(crate) const fn probability(self) -> StateVarInfo {
        StateVarInfo { probability: true, ..self }
    }

    /// The variable may be negative.
    pub(crate) const fn signed(self) -> StateVarInfo {
        StateVarInfo { signed: true, ..self }
    }
}

const V: StateVarInfo = s("v", "mV", Voltage, "membrane potential").signed();
const I_EXC: StateVarInfo = s("i_exc", "pA", Current, "excitatory synaptic current");
const I_INH: StateVarInfo = s("i_inh", "pA", Current, "inhibitory synaptic current");
const G_EXC: StateVarInfo = s("g_exc", "nS", Conductance, "excitatory synaptic conductance");
const G_INH: StateVarInfo = s("g_inh", "nS", Conductance, "inhibitory synaptic conductance");

impl NeuronModel {
    /// Every parameter a population of this model with this synapse kind accepts.
    pub fn params_with(self, synapse: SynapseKind) -> impl Iterator<Item = &'static ParamInfo> {
        let synaptic = if self.receives_input() { synapse.params() } else { &[] };
        self.params().iter().chain(synaptic)
    }

    /// State variables, in the order the engine stores them: v, then the model's own, then synaptic.
    /// A spike source has none.
    pub fn state_vars(self, synapse: SynapseKind) -> Vec<StateVarInfo> {
        if !self.receives_input() {
            return Vec::new();
        }
        let mut vars = vec![V];
        vars.extend_from_slice(self.state());
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
