//! Independent Poisson spike trains: an input population that receives nothing.
//!
//! The number of spikes in the population per step is Poisson distributed and spread
//! uniformly over its neurons, which gives independent Poisson trains.

use super::{Kernel, NeuronKind, NotFinite, State, Syn, Values};
use crate::model::params::{Constraint::*, ParamInfo, p};
use crate::model::units::Dimension::*;
use rand::RngExt;
use rand_distr::{Distribution, Poisson};

pub struct PoissonSource;

const PARAMS: &[ParamInfo] =
    &[p("rate", Rate, 10.0, NonNegative, (0.0, 100.0), "firing rate of each source")];

impl NeuronKind for PoissonSource {
    fn key(&self) -> &'static str {
        "poisson_source"
    }
    fn display_name(&self) -> &'static str {
        "Poisson source"
    }
    fn about(&self) -> &'static str {
        "Independent Poisson spike trains at a set rate: an input population that receives nothing"
    }
    fn params(&self) -> &'static [ParamInfo] {
        PARAMS
    }
    fn receives_input(&self) -> bool {
        false
    }
    fn rate_param(&self) -> Option<&'static str> {
        Some("rate")
    }
    fn spike_at(&self, _p: &Values) -> Option<f64> {
        None
    }
    fn update_ns(&self) -> f64 {
        0.0
    }
    fn fi_range_pa(&self, _p: &Values) -> f64 {
        1.0
    }
    fn kernel(&self, p: &Values, _syn: Syn, size: usize, dt: f64) -> Box<dyn Kernel> {
        let mean = p.get("rate") * 1e-3 * dt * size as f64;
        Box::new(SourceKernel { count: if mean > 0.0 { Poisson::new(mean).ok() } else { None } })
    }
}

#[derive(Clone, Debug)]
struct SourceKernel {
    /// Spikes per step over the whole population; `None` when the rate is zero.
    count: Option<Poisson<f64>>,
}

impl Kernel for SourceKernel {
    fn step(&self, _now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let (Some(count), Some(rng)) = (&self.count, s.rng) else { return Ok(()) };
        let draws = count.sample(&mut *rng) as usize;
        let first = spikes.len();
        for _ in 0..draws {
            spikes.push(rng.random_range(0..s.size) as u32);
        }
        // Two draws of one neuron in one step are one spike.
        spikes[first..].sort_unstable();
        let mut kept = first;
        for j in first..spikes.len() {
            if j == first || spikes[j] != spikes[kept - 1] {
                spikes[kept] = spikes[j];
                kept += 1;
            }
        }
        spikes.truncate(kept);
        Ok(())
    }
}
