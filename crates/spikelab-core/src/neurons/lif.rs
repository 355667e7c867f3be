//! Leaky integrate-and-fire, with each synapse kind's exact or exponential-Euler step.
//!
//! - Current synapses: exact. Between steps the external current is constant and the synaptic
//!   currents decay exponentially, so V(t+dt) is a linear map of (V, I_exc, I_inh, I_ext) whose
//!   coefficients are computed once (Rotter & Diesmann 1999, as NEST's `iaf_psc_exp`).
//! - Conductance synapses: exponential Euler, exact for conductances held constant over the
//!   step (as Brian2 chooses for the COBA benchmark).
//! - Delta synapses: exact relaxation plus the jumps (NEST's `iaf_psc_delta`); input arriving
//!   during the refractory period is lost.

use super::fastmath::exp_neg;
use super::{Kernel, Linear, NeuronKind, NotFinite, State, Syn, Values, refractory_steps};
use crate::model::SynapseKind;
use crate::model::params::{Constraint::*, ParamInfo, p};
use crate::model::units::Dimension::*;

pub struct Lif;

/// The refractory convention, shared by every model with a refractory period.
pub(crate) const T_REF_DOC: &str = "absolute refractory period (V is held at reset for t_ref/dt whole steps after the step of the spike, so the shortest interval is t_ref + dt, as in NEST; Brian2 gives t_ref)";

const PARAMS: &[ParamInfo] = &[
    p("tau_m", Time, 20.0, Positive, (1.0, 100.0), "membrane time constant"),
    p("c_m", Capacitance, 200.0, Positive, (10.0, 1000.0), "membrane capacitance"),
    p("v_rest", Voltage, -70.0, Any, (-90.0, -30.0), "resting (leak reversal) potential"),
    p("v_reset", Voltage, -70.0, Any, (-90.0, -30.0), "potential after a spike"),
    p("v_thresh", Voltage, -50.0, Any, (-80.0, 0.0), "spike threshold"),
    p("t_ref", Time, 2.0, NonNegative, (0.0, 20.0), T_REF_DOC),
];

impl NeuronKind for Lif {
    fn key(&self) -> &'static str {
        "lif"
    }
    fn display_name(&self) -> &'static str {
        "LIF"
    }
    fn about(&self) -> &'static str {
        "Leaky integrate-and-fire: a leaky membrane that spikes and resets at a fixed threshold (Lapicque 1907; Dayan & Abbott 2001, §5.4)"
    }
    fn params(&self) -> &'static [ParamInfo] {
        PARAMS
    }
    fn reset_below(&self) -> Option<(&'static str, &'static str)> {
        Some(("v_reset", "v_thresh"))
    }
    fn subtracts(&self) -> bool {
        true
    }
    fn time_constants(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "tau_m",
            "spikes fall on step boundaries, so every interval between spikes is rounded to whole steps (at a tenth of tau_m a neuron firing at 30 Hz is already 5 % slow)",
        )]
    }
    fn spike_at(&self, p: &Values) -> Option<f64> {
        Some(p.get("v_thresh"))
    }
    fn update_ns(&self) -> f64 {
        0.6
    }
    fn rest(&self, p: &Values) -> f64 {
        p.get("v_rest")
    }
    fn fi_range_pa(&self, p: &Values) -> f64 {
        // Three times the rheobase.
        3.0 * self.rheobase(p).unwrap_or(0.0).max(10.0)
    }
    /// Dayan & Abbott (2001), Theoretical Neuroscience, eq. 5.12 with a refractory period:
    /// under a constant current I the membrane relaxes towards V∞ = v_rest + R·I (R = τm/C);
    /// if V∞ > v_thresh, it takes T = τm·ln((V∞ − v_reset)/(V∞ − v_thresh)) to climb from
    /// reset to threshold, and the rate is 1/(t_ref + T); otherwise 0. The synapse kind does
    /// not matter: without synaptic input every kind has the same membrane.
    fn rate_analytic(&self, p: &Values, i_pa: f64) -> Option<f64> {
        let (tau_m, c_m) = (p.get("tau_m"), p.get("c_m"));
        let (v_reset, v_thresh) = (p.get("v_reset"), p.get("v_thresh"));
        let v_inf = p.get("v_rest") + tau_m / c_m * i_pa;
        if v_inf.is_nan() || v_inf <= v_thresh {
            return Some(0.0);
        }
        let climb = tau_m * ((v_inf - v_reset) / (v_inf - v_thresh)).ln();
        Some(1000.0 / (p.get("t_ref") + climb.max(0.0)))
    }
    fn rate_formula(&self) -> Option<&'static str> {
        Some("1/(t_ref + τ ln((V∞ − V_reset)/(V∞ − θ))) with V∞ = E_L + R·I (Dayan & Abbott 2001)")
    }
    fn rheobase(&self, p: &Values) -> Option<f64> {
        Some((p.get("v_thresh") - p.get("v_rest")) * p.get("c_m") / p.get("tau_m"))
    }
    fn kernel(&self, p: &Values, syn: Syn, _size: usize, dt: f64) -> Box<dyn Kernel> {
        let (tau_m, c_m) = (p.get("tau_m"), p.get("c_m"));
        // Delta synapses have no synaptic time constants, and no propagators.
        let psc = |name: &str| p.optional(name).map_or(0.0, |tau| psc_propagator(dt, tau_m, tau, c_m));
        Box::new(LifKernel {
            v_rest: p.get("v_rest") as f32,
            v_reset: p.get("v_reset") as f32,
            v_thresh: p.get("v_thresh") as f32,
            subtract: p.reset() == crate::model::Reset::Subtract,
            ref_steps: refractory_steps(p.get("t_ref"), dt),
            relax: (-(-dt / tau_m).exp_m1()) as f32,
            r_m: (tau_m / c_m) as f32,
            p_exc: psc("tau_syn_exc") as f32,
            p_inh: psc("tau_syn_inh") as f32,
            g_leak: (c_m / tau_m) as f32,
            dt_over_c: (dt / c_m) as f32,
            syn,
        })
    }
}

#[derive(Clone, Debug)]
struct LifKernel {
    v_rest: f32,
    v_reset: f32,
    v_thresh: f32,
    /// A spike subtracts v_thresh − v_reset instead of setting V to v_reset.
    subtract: bool,
    ref_steps: u64,
    /// 1 - e^(-dt/τm), computed as -expm1 so it keeps full precision when dt ≪ τm.
    relax: f32,
    /// Membrane resistance τm/C, GΩ (mV/pA).
    r_m: f32,
    /// Effect of a synaptic current on V over one step (exact), mV/pA.
    p_exc: f32,
    p_inh: f32,
    g_leak: f32,
    /// dt / C_m, ms/pF.
    dt_over_c: f32,
    syn: Syn,
}

/// Effect on V after one step of a synaptic current I(0) = 1 pA decaying with τs, exactly.
fn psc_propagator(dt: f64, tau_m: f64, tau_s: f64, c_m: f64) -> f64 {
    if (tau_m - tau_s).abs() < 1e-9 * tau_m {
        dt / c_m * (-dt / tau_m).exp()
    } else {
        tau_s * tau_m / (c_m * (tau_m - tau_s)) * ((-dt / tau_m).exp() - (-dt / tau_s).exp())
    }
}

impl Kernel for LifKernel {
    fn step(&self, now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let State { v, exc, inh, ring_exc, ring_inh, i_ext, until, .. } = s;
        match self.syn.kind {
            SynapseKind::Current => self.current(now, v, exc, inh, ring_exc, ring_inh, i_ext, until),
            SynapseKind::Conductance => self.conductance(now, v, exc, inh, ring_exc, ring_inh, i_ext, until),
            SynapseKind::Delta => self.delta(now, v, ring_exc, ring_inh, i_ext, until),
        }
        self.detect_spikes(v, until, now, spikes)
    }

    fn linear(&self) -> Option<Linear> {
        (self.syn.kind == SynapseKind::Delta).then_some(self.membrane())
    }
}

// The loops take every array as its own argument: `&mut` arguments tell the compiler that
// they do not overlap, which lets it vectorise them.
impl LifKernel {
    /// Exact step with current synapses.
    #[allow(clippy::too_many_arguments)]
    fn current(
        &self,
        now: u64,
        v: &mut [f32],
        exc: &mut [f32],
        inh: &mut [f32],
        ring_exc: &mut [f32],
        ring_inh: &mut [f32],
        i_ext: &[f32],
        until: &[u64],
    ) {
        let n = v.len();
        let (exc, inh, ring_exc, ring_inh, i_ext, until) =
            (&mut exc[..n], &mut inh[..n], &mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
        let (v_rest, relax, r_m, p_exc, p_inh) = (self.v_rest, self.relax, self.r_m, self.p_exc, self.p_inh);
        let (decay_exc, decay_inh) = (self.syn.decay_exc, self.syn.decay_inh);
        for i in 0..n {
            let ie = exc[i] + ring_exc[i];
            let ii = inh[i] + ring_inh[i];
            ring_exc[i] = 0.0;
            ring_inh[i] = 0.0;
            // V relaxes towards V∞ = E_L + R·I_ext by the exact fraction; written as an
            // increment so that f32 keeps its precision when the change per step is small.
            let v_inf = v_rest + r_m * i_ext[i];
            let vn = v[i] + (v_inf - v[i]) * relax + (p_exc * ie - p_inh * ii);
            v[i] = if now < until[i] { v[i] } else { vn };
            exc[i] = ie * decay_exc;
            inh[i] = ii * decay_inh;
        }
    }

    /// Exponential-Euler step with conductance synapses.
    #[allow(clippy::too_many_arguments)]
    fn conductance(
        &self,
        now: u64,
        v: &mut [f32],
        exc: &mut [f32],
        inh: &mut [f32],
        ring_exc: &mut [f32],
        ring_inh: &mut [f32],
        i_ext: &[f32],
        until: &[u64],
    ) {
        let n = v.len();
        let (exc, inh, ring_exc, ring_inh, i_ext, until) =
            (&mut exc[..n], &mut inh[..n], &mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
        let (gl, el, ee, ei, dt_over_c) =
            (self.g_leak, self.v_rest, self.syn.e_exc, self.syn.e_inh, self.dt_over_c);
        let (decay_exc, decay_inh) = (self.syn.decay_exc, self.syn.decay_inh);
        for i in 0..n {
            let ge = exc[i] + ring_exc[i];
            let gi = inh[i] + ring_inh[i];
            ring_exc[i] = 0.0;
            ring_inh[i] = 0.0;
            // V relaxes towards V∞ = (Σ g E + I) / Σ g with rate Σ g / C. Written as
            // V + (dt/C)·I(V)·φ(Σ g·dt/C), φ(x) = (1 - e^-x)/x, it stays exact for large x and
            // finite when Σ g is near zero or negative (a negative initial conductance drawn
            // from a normal distribution, as in Brette et al.'s COBA).
            let vi = v[i];
            let current = gl * (el - vi) + ge * (ee - vi) + gi * (ei - vi) + i_ext[i];
            let vn = vi + current * dt_over_c * relax_factor((gl + ge + gi) * dt_over_c);
            v[i] = if now < until[i] { v[i] } else { vn };
            exc[i] = ge * decay_exc;
            inh[i] = gi * decay_inh;
        }
    }

    fn membrane(&self) -> Linear {
        Linear {
            v_rest: self.v_rest,
            relax: self.relax,
            r_m: self.r_m,
            v_thresh: self.v_thresh,
            v_reset: self.v_reset,
            subtract: self.subtract,
        }
    }

    /// Exact step with delta synapses: relaxation, then the jumps ([`Linear::advance`]).
    fn delta(
        &self,
        now: u64,
        v: &mut [f32],
        ring_exc: &mut [f32],
        ring_inh: &mut [f32],
        i_ext: &[f32],
        until: &[u64],
    ) {
        let n = v.len();
        let (ring_exc, ring_inh, i_ext, until) =
            (&mut ring_exc[..n], &mut ring_inh[..n], &i_ext[..n], &until[..n]);
        let membrane = self.membrane();
        for i in 0..n {
            let jump = ring_exc[i] - ring_inh[i];
            ring_exc[i] = 0.0;
            ring_inh[i] = 0.0;
            let vn = membrane.advance(v[i], i_ext[i], jump);
            v[i] = if now < until[i] { v[i] } else { vn };
        }
    }

    /// Finds neurons at or above threshold (resetting them) and NaN potentials. Most neurons
    /// are far below threshold, so blocks of 16 are first tested together, which vectorises.
    fn detect_spikes(
        &self,
        v: &mut [f32],
        until: &mut [u64],
        now: u64,
        spikes: &mut Vec<u32>,
    ) -> Result<(), NotFinite> {
        const BLOCK: usize = 16;
        let thresh = self.v_thresh;
        let membrane = self.membrane();
        for (b, block) in v.chunks_mut(BLOCK).enumerate() {
            // `x < thresh` is false both at threshold and for NaN.
            if block.iter().fold(true, |quiet, &x| quiet & (x < thresh)) {
                continue;
            }
            for (j, x) in block.iter_mut().enumerate() {
                if *x < thresh {
                    continue;
                }
                let i = b * BLOCK + j;
                if x.is_nan() {
                    return Err(NotFinite { neuron: i, variable: "v" });
                }
                spikes.push(i as u32);
                *x = membrane.after_spike(*x);
                until[i] = now + 1 + self.ref_steps;
            }
        }
        Ok(())
    }
}

/// φ(x) = (1 - e^-x) / x, the fraction of the way to equilibrium covered in one step per unit
/// of x. For |x| < 0.5 (negative x: a net negative conductance) its Taylor series to x⁷,
/// exact to 1.2e-8 there; above, from the exponential, where 1 - e^-x > 0.39 keeps f32's
/// precision.
#[inline(always)]
fn relax_factor(x: f32) -> f32 {
    let s = x.clamp(-0.5, 0.5);
    let series = 1.0
        - s * (0.5
            - s * (1.0 / 6.0
                - s * (1.0 / 24.0
                    - s * (1.0 / 120.0 - s * (1.0 / 720.0 - s * (1.0 / 5040.0 - s / 40320.0))))));
    let exact = (1.0 - exp_neg(-x)) / x.max(0.5);
    if x < 0.5 { series } else { exact }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relax_factor_is_one_minus_exp_over_x_also_near_zero_and_below() {
        for i in -50..=1000 {
            let x = i as f64 / 100.0;
            let exact = if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x };
            let got = relax_factor(x as f32) as f64;
            assert!((got - exact).abs() < 3e-7 * exact, "x = {x}: {got} vs {exact}");
        }
    }
}
