//! The STDP window: what one pre/post spike pair does to a weight.

use crate::model::{Stdp, StdpRule};

/// Weight change of one pre/post spike pair, Δt = t_post − t_pre in ms, for a synapse of weight w (weight units), with the projection's STDP parameters exactly as the engine applies them (additive or multiplicative, clipped to [w_min, w_max]).
///
/// Pair-based STDP with exponential traces (Song, Miller & Abbott 2000, Nat. Neurosci. 3:919;
/// multiplicative soft bounds after van Rossum, Bi & Turrigiano 2000, J. Neurosci. 20:8812),
/// as `sim::plasticity` applies it to an isolated pair:
/// - Δt ≥ 0 (pre first, or both in the same step, which the engine counts as pre before
///   post): w' = w + a_plus·e^(−Δt/τ+)·(w_max, additive; w_max − w, multiplicative);
/// - Δt < 0: w' = w − a_minus·e^(Δt/τ−)·(w_max, additive; w − w_min, multiplicative);
///
/// then w' is clipped to [w_min, w_max] (w_min defaults to 0) and the result is w' − w. The
/// engine's traces decay once per step, so it reproduces this for Δt a whole number of steps.
/// `enabled` is not consulted: this is the rule's window, also while learning is paused.
pub fn stdp_dw(stdp: &Stdp, delta_t_ms: f64, w: f64) -> f64 {
    let w_min = stdp.w_min.map_or(0.0, |q| q.canonical());
    let w_max = stdp.w_max.canonical();
    let additive = stdp.rule == StdpRule::Additive;
    let changed = if delta_t_ms >= 0.0 {
        let x = (-delta_t_ms / stdp.tau_plus.canonical()).exp();
        w + stdp.a_plus.canonical() * x * if additive { w_max } else { w_max - w }
    } else {
        let x = (delta_t_ms / stdp.tau_minus.canonical()).exp();
        w - stdp.a_minus.canonical() * x * if additive { w_max } else { w - w_min }
    };
    changed.clamp(w_min, w_max.max(w_min)) - w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Quantity;

    fn rule(rule: StdpRule, w_min: Option<f64>) -> Stdp {
        Stdp {
            rule,
            a_plus: Quantity::number(0.01),
            a_minus: Quantity::number(0.012),
            tau_plus: Quantity::ms(20.0),
            tau_minus: Quantity::ms(15.0),
            w_min: w_min.map(Quantity::mv),
            w_max: Quantity::mv(1.0),
            enabled: true,
        }
    }

    #[test]
    fn additive_window_is_two_exponentials_scaled_by_w_max() {
        let s = rule(StdpRule::Additive, None);
        for dt in [0.0, 1.0, 10.0, 40.0] {
            let ltp = stdp_dw(&s, dt, 0.5);
            assert!((ltp - 0.01 * (-dt / 20.0f64).exp()).abs() < 1e-15, "+{dt}: {ltp}");
        }
        for dt in [0.1, 15.0, 60.0] {
            let ltd = stdp_dw(&s, -dt, 0.5);
            assert!((ltd + 0.012 * (-dt / 15.0f64).exp()).abs() < 1e-15, "-{dt}: {ltd}");
        }
        // Independent of w away from the bounds; clipped at them.
        assert!((stdp_dw(&s, 5.0, 0.2) - stdp_dw(&s, 5.0, 0.7)).abs() < 1e-15);
        assert!((stdp_dw(&s, 0.0, 0.995) - 0.005).abs() < 1e-15);
        assert!((stdp_dw(&s, -0.1, 0.001) + 0.001).abs() < 1e-15);
    }

    #[test]
    fn multiplicative_window_scales_with_the_distance_to_the_bound() {
        let s = rule(StdpRule::Multiplicative, Some(0.1));
        let ltp = stdp_dw(&s, 10.0, 0.6);
        assert!((ltp - 0.01 * 0.4 * (-0.5f64).exp()).abs() < 1e-15);
        let ltd = stdp_dw(&s, -15.0, 0.6);
        assert!((ltd + 0.012 * 0.5 * (-1.0f64).exp()).abs() < 1e-15);
        assert_eq!(stdp_dw(&s, 3.0, 1.0), 0.0, "no potentiation at w_max");
        assert_eq!(stdp_dw(&s, -3.0, 0.1), 0.0, "no depression at w_min");
    }
}
