//! Encoders: an image's intensities x ∈ [0, 1] (one per pixel, row-major) become spikes of
//! one input neuron per pixel (rate and latency) or per pixel and polarity (delta).
//!
//! How data are encoded decides how many spikes, and so how much energy and time, everything
//! after costs: rate coding spends many spikes and needs time to average them, latency coding
//! one spike per pixel at most, delta coding nothing where nothing changes.

use super::events::Event;
use rand::RngExt;
use rand::SeedableRng;

/// A spike of input neuron `neuron` at `t_ms` after the sample's start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spike {
    pub t_ms: f64,
    pub neuron: u32,
}

/// Rate coding: pixel i fires as a Poisson process of rate `max_rate_hz`·xᵢ for
/// `duration_ms`, drawn step by step: in each step of `dt_ms` a spike with probability
/// p = min(1, max_rate_hz·xᵢ·dt) (Bernoulli, the discrete Poisson process the engine's spike
/// sources use). The count over T = n·dt has mean max_rate·xᵢ·T (exactly, while p ≤ 1) and
/// variance n·p(1 − p), Poisson's to within p. x = 0 never fires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub max_rate_hz: f64,
    pub duration_ms: f64,
    pub dt_ms: f64,
}

impl Rate {
    /// The spikes of `x`, in time order, from the generator seeded with `seed`.
    pub fn encode(&self, x: &[f32], seed: u64) -> Vec<Spike> {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let steps = (self.duration_ms / self.dt_ms).round().max(0.0) as u64;
        let p: Vec<f64> = x
            .iter()
            .map(|&v| (self.max_rate_hz * f64::from(v.clamp(0.0, 1.0)) * self.dt_ms * 1e-3).min(1.0))
            .collect();
        let mut out = Vec::new();
        for step in 0..steps {
            for (i, &p) in p.iter().enumerate() {
                if p > 0.0 && rng.random::<f64>() < p {
                    out.push(Spike { t_ms: step as f64 * self.dt_ms, neuron: i as u32 });
                }
            }
        }
        out
    }
}

/// Latency coding (time to first spike): each pixel is the constant input of a leaky
/// integrator that starts at 0, relaxes towards x with time constant τ and fires once when it
/// reaches θ, so
///
///   t(x) = τ·ln(x / (x − θ))   for x > θ,   no spike for x ≤ θ (or if t > t_max).
///
/// Brighter pixels fire earlier, a full pixel (x = 1) at τ·ln(1/(1 − θ)); one spike a pixel at
/// most. (snnTorch's `spikegen.latency` uses the same RC form.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    pub tau_ms: f64,
    /// θ ∈ (0, 1): pixels at or below it stay silent.
    pub threshold: f64,
    /// Spikes later than this are dropped (the sample's duration).
    pub t_max_ms: f64,
}

impl Latency {
    /// The spike time of intensity x, if it fires.
    pub fn time_ms(&self, x: f64) -> Option<f64> {
        (x > self.threshold)
            .then(|| self.tau_ms * (x / (x - self.threshold)).ln())
            .filter(|t| t.is_finite() && *t <= self.t_max_ms)
    }

    /// The spikes of `x`, in time order (ties by neuron).
    pub fn encode(&self, x: &[f32]) -> Vec<Spike> {
        let mut out: Vec<Spike> = x
            .iter()
            .enumerate()
            .filter_map(|(i, &v)| Some(Spike { t_ms: self.time_ms(f64::from(v))?, neuron: i as u32 }))
            .collect();
        out.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms).then(a.neuron.cmp(&b.neuron)));
        out
    }
}

/// Delta coding by an event camera watching the image move, as N-MNIST was recorded (Orchard
/// et al. 2015, Front. Neurosci. 9:437): the image is moved along three straight sweeps, the
/// sides of a triangle, and each pixel of the sensor emits an ON (OFF) event whenever its
/// log-intensity L = ln(ε + I) has risen (fallen) by `threshold` since its last event; a
/// change of several thresholds in one step gives several events. The sensor is larger than
/// the image by the sweep's amplitude, so that the moving image stays on it; outside the
/// image it sees 0. I is the image shifted by the path's offset, sampled bilinearly.
///
/// Each pixel's reference level starts at its first frame, so a still image gives no event,
/// and at the end |L − (L₀ + θ·Σ polarity)| < θ at every pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Saccades {
    /// Length of each of the three sweeps, ms.
    pub sweep_ms: f64,
    /// How far the image moves (pixels): the triangle's side.
    pub amplitude: f64,
    /// Contrast threshold, in units of ln intensity (a DVS: 0.1–0.5).
    pub threshold: f64,
    /// The camera's time step, ms (its timestamp resolution here).
    pub dt_ms: f64,
    /// ε of ln(ε + I): dark pixels' floor.
    pub epsilon: f64,
}

impl Default for Saccades {
    fn default() -> Self {
        Saccades { sweep_ms: 100.0, amplitude: 3.0, threshold: 0.3, dt_ms: 1.0, epsilon: 0.1 }
    }
}

impl Saccades {
    /// The sensor's size for an image of `width` × `height`.
    pub fn sensor(&self, width: usize, height: usize) -> (usize, usize) {
        let pad = self.amplitude.abs().ceil() as usize;
        (width + pad, height + pad)
    }

    /// Where the image is at time t: along the triangle (0, 0) → (A/2, A) → (A, 0) → (0, 0),
    /// one side per sweep, at constant speed.
    pub fn offset(&self, t_ms: f64) -> (f64, f64) {
        let a = self.amplitude;
        let corners = [(0.0, 0.0), (0.5 * a, a), (a, 0.0), (0.0, 0.0)];
        let s = (t_ms / self.sweep_ms).clamp(0.0, 3.0);
        let k = (s.floor() as usize).min(2);
        let f = s - k as f64;
        let ((x0, y0), (x1, y1)) = (corners[k], corners[k + 1]);
        (x0 + f * (x1 - x0), y0 + f * (y1 - y0))
    }

    /// ln(ε + I) at every sensor pixel (row-major) with image `x` (`width` pixels a row)
    /// shifted by `(dx, dy)` pixels: sensor pixel (c, r) sees image point (c − dx, r − dy),
    /// sampled bilinearly, 0 outside the image.
    pub fn log_intensity(&self, x: &[f32], width: usize, (dx, dy): (f64, f64)) -> Vec<f64> {
        let height = x.len() / width.max(1);
        let (sw, sh) = self.sensor(width, height);
        let pixel = |c: i64, r: i64| -> f64 {
            if c < 0 || r < 0 || c as usize >= width || r as usize >= height {
                0.0
            } else {
                f64::from(x[r as usize * width + c as usize])
            }
        };
        let mut out = Vec::with_capacity(sw * sh);
        for r in 0..sh {
            for c in 0..sw {
                let (u, v) = (c as f64 - dx, r as f64 - dy);
                let (c0, r0) = (u.floor() as i64, v.floor() as i64);
                let (fu, fv) = (u - u.floor(), v - v.floor());
                let i = (1.0 - fu) * (1.0 - fv) * pixel(c0, r0)
                    + fu * (1.0 - fv) * pixel(c0 + 1, r0)
                    + (1.0 - fu) * fv * pixel(c0, r0 + 1)
                    + fu * fv * pixel(c0 + 1, r0 + 1);
                out.push((self.epsilon + i).ln());
            }
        }
        out
    }

    /// The events of image `x` (`width` pixels a row, intensities in [0, 1]) seen along
    /// `path` (the offset at each time) for `duration_ms`, in time order; t in µs.
    fn events_along(
        &self,
        x: &[f32],
        width: usize,
        path: impl Fn(f64) -> (f64, f64),
        duration_ms: f64,
    ) -> Vec<Event> {
        let (sw, _) = self.sensor(width, x.len() / width.max(1));
        let frame = |t_ms: f64| self.log_intensity(x, width, path(t_ms));
        let mut reference = frame(0.0);
        let steps = (duration_ms / self.dt_ms).round().max(0.0) as u64;
        let theta = self.threshold.max(1e-6);
        let mut events = Vec::new();
        for step in 1..=steps {
            let t_ms = step as f64 * self.dt_ms;
            let t_us = (t_ms * 1000.0).round() as u64;
            for (k, (l, r)) in frame(t_ms).into_iter().zip(&mut reference).enumerate() {
                let (xk, yk) = ((k % sw) as u16, (k / sw) as u16);
                while l - *r >= theta {
                    *r += theta;
                    events.push(Event { t_us, x: xk, y: yk, on: true });
                }
                while *r - l >= theta {
                    *r -= theta;
                    events.push(Event { t_us, x: xk, y: yk, on: false });
                }
            }
        }
        events
    }

    /// The events of the three sweeps over image `x` of `width` pixels a row.
    pub fn encode(&self, x: &[f32], width: usize) -> Vec<Event> {
        self.events_along(x, width, |t| self.offset(t), 3.0 * self.sweep_ms)
    }

    /// [`Saccades::encode`]'s events as spikes onto input neurons, as a dataset input sends
    /// them: ON events onto neuron y·w + x of the w × h sensor, OFF onto w·h + y·w + x.
    pub fn spikes(&self, x: &[f32], width: usize) -> Vec<Spike> {
        let (w, h) = self.sensor(width, x.len() / width.max(1));
        self.encode(x, width)
            .iter()
            .map(|e| {
                let pixel = u32::from(e.y) * w as u32 + u32::from(e.x);
                let neuron = if e.on { pixel } else { (w * h) as u32 + pixel };
                Spike { t_ms: e.t_us as f64 * 1e-3, neuron }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_counts_have_the_poisson_mean_and_variance_and_dark_pixels_stay_silent() {
        // 2000 draws of one pixel at x = 0.5, 100 Hz, 200 ms, dt 0.1 ms: p = 0.005 a step,
        // mean count 10, variance n·p(1 − p) = 9.95. The mean of 2000 counts has standard
        // error √(9.95/2000) = 0.07; the sample variance's is about 9.95·√(2/2000) = 0.31.
        let rate = Rate { max_rate_hz: 100.0, duration_ms: 200.0, dt_ms: 0.1 };
        let counts: Vec<f64> = (0..2000).map(|seed| rate.encode(&[0.5, 0.0], seed).len() as f64).collect();
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (counts.len() - 1) as f64;
        assert!((mean - 10.0).abs() < 4.0 * 0.07, "mean {mean}");
        assert!((var - 9.95).abs() < 4.0 * 0.31, "variance {var}");
        assert!(
            (0..50).all(|seed| rate.encode(&[0.5, 0.0], seed).iter().all(|s| s.neuron == 0)),
            "x = 0 fired"
        );
        assert_eq!(
            rate.encode(&[0.3, 0.9], 3),
            rate.encode(&[0.3, 0.9], 3),
            "the same seed, the same spikes"
        );
    }

    #[test]
    fn latency_follows_its_formula_one_spike_a_pixel_brighter_first() {
        let l = Latency { tau_ms: 10.0, threshold: 0.2, t_max_ms: 100.0 };
        let x = [0.0, 0.2, 0.25, 1.0, 0.5, 0.75];
        let spikes = l.encode(&x);
        for s in &spikes {
            let v = f64::from(x[s.neuron as usize]);
            assert_eq!(s.t_ms, 10.0 * (v / (v - 0.2)).ln());
        }
        let order: Vec<u32> = spikes.iter().map(|s| s.neuron).collect();
        assert_eq!(order, vec![3, 5, 4, 2], "brightest first; 0 and the threshold itself never fire");
        assert!((l.time_ms(1.0).expect("fires") - 10.0 * (1.25f64).ln()).abs() < 1e-12);
        // A pixel just above threshold would fire after t_max: dropped.
        assert_eq!(l.time_ms(0.200001), None);
    }

    fn a_digit() -> (Vec<f32>, usize) {
        let d = crate::data::Dataset::digits().expect("digits");
        (d.intensities(0), d.width)
    }

    #[test]
    fn a_still_image_gives_no_events_and_events_add_up_to_the_change_of_log_intensity() {
        let (x, w) = a_digit();
        let still = Saccades { amplitude: 0.0, ..Saccades::default() };
        assert!(still.encode(&x, w).is_empty(), "nothing moves, nothing changes");
        // Along one sweep, each sensor pixel's signed events times θ equal its change of ln
        // intensity between the first and the last frame to within one θ.
        let s = Saccades::default();
        let sweep = |t: f64| s.offset(t);
        let events = s.events_along(&x, w, sweep, s.sweep_ms);
        assert!(events.len() > 50, "a moving digit gives events: {}", events.len());
        let (sw, sh) = s.sensor(w, x.len() / w);
        let mut net = vec![0i64; sw * sh];
        for e in &events {
            net[e.y as usize * sw + e.x as usize] += if e.on { 1 } else { -1 };
        }
        let (first, last) = (s.log_intensity(&x, w, sweep(0.0)), s.log_intensity(&x, w, sweep(s.sweep_ms)));
        for k in 0..sw * sh {
            let change = last[k] - first[k];
            assert!((net[k] as f64 * s.threshold - change).abs() < s.threshold + 1e-9, "pixel {k}");
        }
        // The same sweep backwards: every pixel's net polarity is the opposite.
        let back = s.events_along(&x, w, |t| sweep(s.sweep_ms - t), s.sweep_ms);
        let mut net_back = vec![0i64; sw * sh];
        for e in &back {
            net_back[e.y as usize * sw + e.x as usize] += if e.on { 1 } else { -1 };
        }
        // Where a pixel changed by more than θ, forward and backward disagree in sign.
        let mut changed = 0;
        for k in 0..sw * sh {
            let change = last[k] - first[k];
            assert!((net[k] + net_back[k]).abs() <= 2, "pixel {k}: {} forward, {} back", net[k], net_back[k]);
            if change.abs() > s.threshold + 1e-9 {
                changed += 1;
                assert_eq!(net[k].signum(), change.signum() as i64, "pixel {k}");
                assert_eq!(
                    net_back[k].signum(),
                    -net[k].signum(),
                    "pixel {k}: {} forward, {} back",
                    net[k],
                    net_back[k]
                );
            }
        }
        assert!(changed > 10, "{changed} pixels changed by more than the threshold");
    }
}
