//! Counting the work of a spiking network, event by event, against what a dense, clocked
//! network with the same connection matrices would do, and converting both to energy with
//! per-operation figures from the literature.
//!
//! Event-driven: each spike costs one synaptic event per outgoing synapse, and every neuron
//! is updated each step. Dense and clocked: every step multiplies each projection's full
//! n_pre × n_post weight matrix by the vector of inputs, one multiply-accumulate (MAC) per
//! matrix entry, spikes or not. The ratio of the two is about p · rate · dt (connection
//! probability, firing rate, step): the saving is large for sparse, quiet networks and
//! disappears as they become dense and busy.

use crate::model::Model;

/// What an energy figure is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// One spike arriving at one synapse.
    SynapticEvent,
    /// One multiply-accumulate of a dense network.
    Mac,
}

/// An energy per operation, with its source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnergyFigure {
    pub name: &'static str,
    pub per: Operation,
    /// Joules per operation.
    pub joules: f64,
    pub source: &'static str,
}

/// Figures from the literature; the window lets the user change them.
pub const FIGURES: [EnergyFigure; 4] = [
    EnergyFigure {
        name: "cortex",
        per: Operation::SynapticEvent,
        joules: 13e-15,
        source: "Attwell & Laughlin 2001, J. Cereb. Blood Flow Metab. 21:1133: about 1.6·10⁵ ATP per \
                 vesicle release (with transmitter recycling and postsynaptic ion pumping), at \
                 about 8·10⁻²⁰ J per ATP hydrolysed: 13 fJ per synaptic event",
    },
    EnergyFigure {
        name: "Intel Loihi",
        per: Operation::SynapticEvent,
        joules: 23.6e-12,
        source: "Davies et al. 2018, IEEE Micro 38(1):82: 23.6 pJ per synaptic spike operation",
    },
    EnergyFigure {
        name: "IBM TrueNorth",
        per: Operation::SynapticEvent,
        joules: 26e-12,
        source: "Merolla et al. 2014, Science 345:668: 26 pJ per synaptic event",
    },
    EnergyFigure {
        name: "GPU-class MAC",
        per: Operation::Mac,
        joules: 4.6e-12,
        source: "Horowitz 2014, ISSCC, 45 nm: 3.7 pJ for a 32-bit float multiply + 0.9 pJ for an add; \
                 reading the weight from DRAM (640 pJ per 32 bits) is not included, so this flatters \
                 the dense network",
    },
];

/// Operations performed so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OperationCounts {
    pub steps: u64,
    /// Spikes delivered to synapses of the network's projections (external inputs not included).
    pub synaptic_events: u64,
    /// Neuron state updates: every neuron (not spike sources) once a step.
    pub neuron_updates: u64,
    /// MACs a dense, clocked network with the same projections would have done.
    pub dense_macs: u64,
}

/// Σ over projections of n_pre · n_post: the MACs of one dense step.
pub fn dense_macs_per_step(model: &Model) -> u64 {
    let size = |name: &str| model.population(name).map_or(0, |(_, p)| p.size);
    model.projections.iter().map(|p| size(&p.pre) * size(&p.post)).sum()
}

/// The counts after `steps` steps in which the engine delivered `synaptic_events`.
pub fn operation_counts(model: &Model, steps: u64, synaptic_events: u64) -> OperationCounts {
    let neurons: u64 = model.populations.iter().filter(|p| p.model.receives_input()).map(|p| p.size).sum();
    OperationCounts {
        steps,
        synaptic_events,
        neuron_updates: neurons * steps,
        dense_macs: dense_macs_per_step(model) * steps,
    }
}

impl OperationCounts {
    /// Energy (J) of the operations a figure is paid for.
    pub fn energy(&self, figure: &EnergyFigure) -> f64 {
        let n = match figure.per {
            Operation::SynapticEvent => self.synaptic_events,
            Operation::Mac => self.dense_macs,
        };
        n as f64 * figure.joules
    }

    /// Synaptic events per dense MAC: the fraction of the dense work an event-driven network does.
    pub fn sparsity(&self) -> Option<f64> {
        (self.dense_macs > 0).then(|| self.synaptic_events as f64 / self.dense_macs as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::preset;

    #[test]
    fn cuba_dense_work_is_the_square_of_its_size_per_step() {
        // CUBA: all four projections between 3200 exc and 800 inh neurons: (3200 + 800)².
        let m = Model::from_toml(preset("cuba").unwrap(), "cuba").unwrap();
        assert_eq!(dense_macs_per_step(&m), 4000 * 4000);
        let c = operation_counts(&m, 10, 1234);
        assert_eq!(c.dense_macs, 16_000_000 * 10);
        assert_eq!(c.neuron_updates, 40_000);
        assert_eq!(c.energy(&FIGURES[3]), 1.6e8 * 4.6e-12);
    }
}
