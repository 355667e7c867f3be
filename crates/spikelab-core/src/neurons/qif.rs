//! Quadratic integrate-and-fire: the canonical type-I neuron (Ermentrout & Kopell 1986's theta
//! neuron, written for the membrane potential; Latham et al. 2000; Izhikevich 2007, §8.1.2):
//!
//! C dV/dt = k (V − V_rest)(V − V_thresh) + I,  a spike when V reaches V_peak, then V ← V_reset.
//!
//! Below the rheobase I_rh = k (V_thresh − V_rest)²/4 the phase line has two fixed points, the
//! stable rest and the unstable threshold; at I_rh they merge (a saddle-node bifurcation), and
//! above it the neuron fires at a rate that starts from zero as √(I − I_rh).
//!
//! The step is exact for input held constant over the step: with x = V − (V_rest + V_thresh)/2,
//! the equation is the Riccati equation x' = a x² + b (a = k/C, b = I/C − a δ², δ = (V_thresh −
//! V_rest)/2), whose flow over dt is x ↦ (x + b τ)/(1 − a x τ) with τ = tan(ω dt)/ω for b > 0,
//! tanh(ω dt)/ω for b < 0 (ω = √(a|b|)) and dt for b = 0. When the denominator reaches zero the
//! solution has gone to infinity within the step, past any V_peak.

use super::lif::T_REF_DOC;
use super::{Kernel, NeuronKind, NotFinite, Phase, State, Syn, Values, refractory_steps};
use crate::model::params::{Constraint::*, ParamInfo, p};
use crate::model::units::Dimension::*;

pub struct Qif;

// Izhikevich (2007), Dynamical Systems in Neuroscience, §8.1.2: the regular-spiking cell's
// quadratic part (C = 100 pF, k = 0.7 nS/mV, V_r = −60 mV, V_t = −40 mV), so I_rh = 70 pA.
const PARAMS: &[ParamInfo] = &[
    p("c_m", Capacitance, 100.0, Positive, (10.0, 500.0), "membrane capacitance"),
    p("k", Dimensionless, 0.7, Positive, (0.05, 3.0), "curvature of the quadratic current, nS/mV"),
    p(
        "v_rest",
        Voltage,
        -60.0,
        Any,
        (-90.0, -30.0),
        "resting potential: the stable fixed point without input",
    ),
    p("v_thresh", Voltage, -40.0, Any, (-80.0, 0.0), "threshold: the unstable fixed point without input"),
    p("v_peak", Voltage, 35.0, Any, (-20.0, 60.0), "spike cut-off"),
    p("v_reset", Voltage, -50.0, Any, (-90.0, -20.0), "potential after a spike"),
    p("t_ref", Time, 0.0, NonNegative, (0.0, 20.0), T_REF_DOC),
];

/// The quadratic's constants: a = k/C (1/(mV·ms)), the midpoint m (mV), δ² (mV²).
struct Shape {
    a: f64,
    mid: f64,
    delta2: f64,
    c_m: f64,
}

impl Shape {
    fn of(p: &Values) -> Shape {
        let (v_rest, v_thresh, c_m) = (p.get("v_rest"), p.get("v_thresh"), p.get("c_m"));
        let half = (v_thresh - v_rest) / 2.0;
        Shape { a: p.get("k") / c_m, mid: (v_rest + v_thresh) / 2.0, delta2: half * half, c_m }
    }

    /// b = I/C − a δ², mV/ms: positive above the rheobase.
    fn b(&self, i_pa: f64) -> f64 {
        i_pa / self.c_m - self.a * self.delta2
    }
}

impl NeuronKind for Qif {
    fn key(&self) -> &'static str {
        "qif"
    }
    fn display_name(&self) -> &'static str {
        "QIF"
    }
    fn about(&self) -> &'static str {
        "Quadratic integrate-and-fire: the canonical type-I neuron (the theta neuron in voltage form), firing from zero rate at a saddle-node bifurcation"
    }
    fn params(&self) -> &'static [ParamInfo] {
        PARAMS
    }
    fn reset_below(&self) -> Option<(&'static str, &'static str)> {
        Some(("v_reset", "v_peak"))
    }
    fn spike_at(&self, p: &Values) -> Option<f64> {
        Some(p.get("v_peak"))
    }
    fn update_ns(&self) -> f64 {
        10.0
    }
    fn rest(&self, p: &Values) -> f64 {
        p.get("v_rest")
    }
    fn fi_range_pa(&self, p: &Values) -> f64 {
        4.0 * self.rheobase(p).unwrap_or(0.0).max(10.0)
    }
    /// The time from reset to peak is ∫ dx/(a x² + b): for b > 0,
    /// (atan(x_peak·√(a/b)) − atan(x_reset·√(a/b)))/√(ab), which tends to π/√(ab) at the
    /// rheobase, so the rate grows as √(I − I_rh). A neuron starting at rest stays there below
    /// the rheobase.
    fn rate_analytic(&self, p: &Values, i_pa: f64) -> Option<f64> {
        let shape = Shape::of(p);
        let b = shape.b(i_pa);
        if b.is_nan() || b <= 0.0 {
            return Some(0.0);
        }
        let omega = (shape.a * b).sqrt();
        let scale = shape.a / omega;
        let (x_peak, x_reset) = (p.get("v_peak") - shape.mid, p.get("v_reset") - shape.mid);
        let climb = ((x_peak * scale).atan() - (x_reset * scale).atan()) / omega;
        Some(1000.0 / (p.get("t_ref") + climb))
    }
    fn rate_formula(&self) -> Option<&'static str> {
        Some(
            "1/(t_ref + (atan(x_peak·√(a/b)) − atan(x_reset·√(a/b)))/√(ab)), with x = V − (V_rest + V_thresh)/2, a = k/C, b = I/C − a·((V_thresh − V_rest)/2)² (Izhikevich 2007, §8.1.2)",
        )
    }
    fn rheobase(&self, p: &Values) -> Option<f64> {
        let shape = Shape::of(p);
        Some(shape.a * shape.delta2 * shape.c_m)
    }
    fn phase(&self, p: &Values) -> Option<Phase> {
        Some(Phase { recovery: None, v_peak: p.get("v_peak"), v_reset: p.get("v_reset") })
    }
    fn kernel(&self, p: &Values, syn: Syn, _size: usize, dt: f64) -> Box<dyn Kernel> {
        let shape = Shape::of(p);
        Box::new(QifKernel {
            a: shape.a,
            mid: shape.mid,
            a_delta2: shape.a * shape.delta2,
            inv_c: 1.0 / shape.c_m,
            k: p.get("k"),
            v_rest: p.get("v_rest"),
            v_thresh: p.get("v_thresh"),
            v_peak: p.get("v_peak") as f32,
            v_reset: p.get("v_reset") as f32,
            ref_steps: refractory_steps(p.get("t_ref"), dt),
            dt,
            syn,
        })
    }
}

#[derive(Clone, Debug)]
struct QifKernel {
    a: f64,
    mid: f64,
    a_delta2: f64,
    inv_c: f64,
    k: f64,
    v_rest: f64,
    v_thresh: f64,
    v_peak: f32,
    v_reset: f32,
    ref_steps: u64,
    dt: f64,
    syn: Syn,
}

impl QifKernel {
    /// V after one step from `v` under a constant current `i_pa`; `None` if the solution
    /// went to infinity within the step.
    fn flow(&self, v: f64, i_pa: f64) -> Option<f64> {
        let b = i_pa * self.inv_c - self.a_delta2;
        let z2 = self.a * b.abs() * self.dt * self.dt;
        let tau = if z2 < 1e-12 {
            self.dt * (1.0 + b.signum() * z2 / 3.0)
        } else {
            let z = z2.sqrt();
            if b > 0.0 {
                if z >= std::f64::consts::FRAC_PI_2 {
                    return None;
                }
                self.dt * z.tan() / z
            } else {
                self.dt * z.tanh() / z
            }
        };
        let x = v - self.mid;
        let denominator = 1.0 - self.a * x * tau;
        (denominator > 0.0).then(|| self.mid + (x + b * tau) / denominator)
    }
}

impl Kernel for QifKernel {
    fn step(&self, now: u64, s: State<'_>, spikes: &mut Vec<u32>) -> Result<(), NotFinite> {
        let State { v, exc, inh, ring_exc, ring_inh, i_ext, until, .. } = s;
        for i in 0..v.len() {
            let vi = v[i];
            let (i_syn, jump) =
                self.syn.take(&mut exc[i], &mut inh[i], &mut ring_exc[i], &mut ring_inh[i], vi);
            if now < until[i] {
                continue;
            }
            let vn = match self.flow(vi as f64, (i_ext[i] + i_syn) as f64) {
                Some(vn) => vn as f32 + jump,
                None => f32::INFINITY,
            };
            if vn.is_nan() {
                return Err(NotFinite { neuron: i, variable: "v" });
            }
            if vn >= self.v_peak {
                spikes.push(i as u32);
                v[i] = self.v_reset;
                until[i] = now + 1 + self.ref_steps;
            } else {
                v[i] = vn;
            }
        }
        Ok(())
    }

    fn field(&self, v: f64, _y: f64, i_pa: f64) -> Option<(f64, f64)> {
        Some(((self.k * (v - self.v_rest) * (v - self.v_thresh) + i_pa) * self.inv_c, 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn population(params: &str) -> crate::model::Population {
        let text = format!(
            "name = \"q\"\n[[populations]]\nname = \"a\"\nsize = 1\nmodel = \"qif\"\nparams = {{ {params} }}\n"
        );
        Model::from_toml(&text, "q.toml").unwrap_or_else(|e| panic!("{e}")).populations.remove(0)
    }

    #[test]
    fn one_step_of_the_flow_is_the_riccati_solution_for_every_sign_of_b() {
        let pop = population("");
        let k = QifKernel {
            a: 0.007,
            mid: -50.0,
            a_delta2: 0.7,
            inv_c: 0.01,
            k: 0.7,
            v_rest: -60.0,
            v_thresh: -40.0,
            v_peak: 35.0,
            v_reset: -50.0,
            ref_steps: 0,
            dt: 0.1,
            syn: Syn::of(&pop, 0.1),
        };
        // Against many small forward-Euler steps of the same equation.
        for (v0, i) in [(-65.0, 0.0), (-45.0, 50.0), (-50.0, 70.0), (-55.0, 200.0), (-20.0, 1000.0)] {
            let mut v: f64 = v0;
            for _ in 0..100_000 {
                v += 1e-6 * (0.7 * (v + 60.0) * (v + 40.0) + i) / 100.0;
            }
            let exact = k.flow(v0, i).expect("finite");
            assert!((exact - v).abs() < 1e-6 * v.abs().max(1.0), "v0 {v0}, I {i}: {exact} vs {v}");
        }
        // From high up it reaches infinity within the step.
        assert_eq!(k.flow(2000.0, 0.0), None);
    }
}
