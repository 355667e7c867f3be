//! Autocorrelation and power spectra of evenly sampled signals (population rates), by FFT.

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;
use serde::Serialize;

/// Autocorrelation of x with its mean removed, normalised to 1 at lag 0, lags 0..=max_lag (clipped to len-1). All-constant input gives None.
///
/// The biased estimator of Box & Jenkins (Time Series Analysis, 1970, §2.1.5):
/// r_k = Σ_{n<N-k} (x_n − x̄)(x_{n+k} − x̄) / Σ_n (x_n − x̄)², so |r_k| ≤ 1 and a long lag is
/// damped by (N − k)/N. Computed by FFT (Wiener–Khinchin) with zero padding to at least
/// N + max_lag points, so that no circular wrap-around enters. Empty input also gives None.
pub fn autocorrelation(x: &[f64], max_lag: usize) -> Option<Vec<f64>> {
    let n = x.len();
    if n == 0 || x.iter().all(|&v| v == x[0]) || x.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let max_lag = max_lag.min(n - 1);
    let mean = x.iter().sum::<f64>() / n as f64;
    let m = (n + max_lag).next_power_of_two();
    let mut buf: Vec<Complex<f64>> = x.iter().map(|&v| Complex::new(v - mean, 0.0)).collect();
    buf.resize(m, Complex::new(0.0, 0.0));
    let mut planner = FftPlanner::<f64>::new();
    planner.plan_fft_forward(m).process(&mut buf);
    buf.iter_mut().for_each(|c| *c = Complex::new(c.norm_sqr(), 0.0));
    planner.plan_fft_inverse(m).process(&mut buf);
    let zero = buf[0].re;
    if zero.is_nan() || zero <= 0.0 {
        return None;
    }
    Some(buf[..=max_lag].iter().map(|c| c.re / zero).collect())
}

/// A one-sided power spectral density.
#[derive(Clone, Debug, Serialize)]
pub struct Spectrum {
    /// Frequency of each bin, Hz: k / (N·Δt) for k = 0..=N/2.
    pub freq_hz: Vec<f64>,
    /// Power spectral density, (unit of the signal)² per Hz (Hz²/Hz = Hz for a rate in Hz).
    pub power: Vec<f64>,
}

/// Power spectral density of a signal sampled every bin_ms (mean removed; say which normalisation and window you use), from 0 to Nyquist.
///
/// A single modified periodogram (Welch 1967, IEEE Trans. Audio Electroacoust. 15:70; Press et
/// al., Numerical Recipes, 3rd ed., §13.4) with a periodic Hann window
/// w_n = ½(1 − cos(2πn/N)) (Harris 1978, Proc. IEEE 66:51), which keeps the leakage of a peak
/// between bins low. Normalised as a one-sided density, as `scipy.signal.periodogram(x, fs,
/// window="hann", scaling="density")`: P_k = c·|Σ_n w_n (x_n − x̄) e^(−2πikn/N)|²·Δt / Σ_n w_n²,
/// with c = 2 except at 0 Hz and at Nyquist (c = 1), Δt = bin_ms/1000 s. Then Σ_k P_k·Δf
/// (Δf = 1/(N·Δt)) is the window-weighted variance of x (Parseval): a sine of amplitude A
/// gives A²/2, white noise of variance σ² a flat level of 2σ²Δt. Fewer than two samples, or a
/// `bin_ms` that is not positive, give an empty spectrum.
pub fn power_spectrum(x: &[f64], bin_ms: f64) -> Spectrum {
    let n = x.len();
    if n < 2 || !(bin_ms > 0.0 && bin_ms.is_finite()) {
        return Spectrum { freq_hz: Vec::new(), power: Vec::new() };
    }
    let dt_s = bin_ms * 1e-3;
    let mean = x.iter().sum::<f64>() / n as f64;
    let window: Vec<f64> =
        (0..n).map(|k| 0.5 * (1.0 - (2.0 * std::f64::consts::PI * k as f64 / n as f64).cos())).collect();
    let w2: f64 = window.iter().map(|w| w * w).sum();
    let mut buf: Vec<Complex<f64>> =
        x.iter().zip(&window).map(|(&v, &w)| Complex::new((v - mean) * w, 0.0)).collect();
    FftPlanner::<f64>::new().plan_fft_forward(n).process(&mut buf);
    let half = n / 2;
    let scale = dt_s / w2;
    let power = (0..=half)
        .map(|k| {
            let edge = k == 0 || (n.is_multiple_of(2) && k == half);
            buf[k].norm_sqr() * scale * if edge { 1.0 } else { 2.0 }
        })
        .collect();
    let freq_hz = (0..=half).map(|k| k as f64 / (n as f64 * dt_s)).collect();
    Spectrum { freq_hz, power }
}

impl Spectrum {
    /// Frequency and power of the largest peak above min_hz.
    ///
    /// The bin of highest power among those with frequency > `min_hz` (its frequency is
    /// accurate to one bin, 1/(N·Δt)); `None` if there is no such bin or no power there.
    /// Bins equal to within rounding (1e-9 relative) go to the lowest frequency, so that a
    /// perfectly periodic spike train, whose harmonics all have the same power, reports its
    /// fundamental.
    pub fn peak(&self, min_hz: f64) -> Option<(f64, f64)> {
        self.freq_hz
            .iter()
            .zip(&self.power)
            .filter(|(f, p)| **f > min_hz && p.is_finite())
            .fold(None, |best: Option<(f64, f64)>, (&f, &p)| match best {
                Some((_, bp)) if p <= bp * (1.0 + 1e-9) => best,
                _ => Some((f, p)),
            })
            .filter(|&(_, p)| p > 0.0)
    }

    /// The spectrum averaged over a moving band of width_hz (at least one bin): a Daniell
    /// smoother (Press et al., Numerical Recipes, 3rd ed., §13.4). A single periodogram's bins
    /// scatter like χ² with two degrees of freedom, so the largest of a thousand noise bins is
    /// about seven times their mean; averaging m bins shrinks that scatter by √m, and a peak
    /// that stands out of the smoothed spectrum is an oscillation, not noise. Band edges
    /// average the bins that exist.
    pub fn smoothed(&self, width_hz: f64) -> Spectrum {
        let df = self.resolution_hz();
        let half = if df > 0.0 && width_hz.is_finite() {
            ((width_hz / df - 1.0) / 2.0).round().max(0.0) as usize
        } else {
            0
        };
        if half == 0 {
            return self.clone();
        }
        let n = self.power.len();
        let mut prefix = vec![0.0; n + 1];
        for (k, p) in self.power.iter().enumerate() {
            prefix[k + 1] = prefix[k] + p;
        }
        let power = (0..n)
            .map(|k| {
                let (a, b) = (k.saturating_sub(half), (k + half + 1).min(n));
                (prefix[b] - prefix[a]) / (b - a) as f64
            })
            .collect();
        Spectrum { freq_hz: self.freq_hz.clone(), power }
    }

    /// How far a peak of power `peak_power` stands out: its ratio to the median power of the
    /// bins above min_hz (`None` without such bins or without power there).
    pub fn contrast(&self, peak_power: f64, min_hz: f64) -> Option<f64> {
        let mut above: Vec<f64> = self
            .freq_hz
            .iter()
            .zip(&self.power)
            .filter(|(f, p)| **f > min_hz && p.is_finite())
            .map(|(_, &p)| p)
            .collect();
        if above.is_empty() {
            return None;
        }
        let mid = above.len() / 2;
        let (_, median, _) = above.select_nth_unstable_by(mid, f64::total_cmp);
        (*median > 0.0).then(|| peak_power / *median)
    }

    /// Frequency resolution (bin width), Hz; 0 for an empty spectrum.
    pub fn resolution_hz(&self) -> f64 {
        self.freq_hz.get(1).copied().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn direct_autocorrelation(x: &[f64], max_lag: usize) -> Vec<f64> {
        let mean = x.iter().sum::<f64>() / x.len() as f64;
        let d: Vec<f64> = x.iter().map(|v| v - mean).collect();
        let c = |k: usize| d.iter().zip(&d[k..]).map(|(a, b)| a * b).sum::<f64>();
        (0..=max_lag).map(|k| c(k) / c(0)).collect()
    }

    #[test]
    fn fft_autocorrelation_equals_the_direct_sum() {
        // A deterministic irregular signal (a logistic map in its chaotic regime).
        let mut v = 0.3;
        let x: Vec<f64> = (0..257)
            .map(|_| {
                v = 3.9 * v * (1.0 - v);
                v
            })
            .collect();
        let fast = autocorrelation(&x, 300).expect("not constant");
        assert_eq!(fast.len(), 257, "lags clipped to len - 1");
        let slow = direct_autocorrelation(&x, 256);
        for (k, (a, b)) in fast.iter().zip(&slow).enumerate() {
            assert!((a - b).abs() < 1e-12, "lag {k}: {a} vs {b}");
        }
        assert_eq!(fast[0], 1.0);
    }

    #[test]
    fn autocorrelation_of_constant_or_empty_input_is_none() {
        assert_eq!(autocorrelation(&[0.1; 10], 3), None);
        assert_eq!(autocorrelation(&[], 3), None);
        assert_eq!(autocorrelation(&[2.0], 0), None);
    }

    #[test]
    fn sine_power_sums_to_half_its_squared_amplitude() {
        // 1000 samples at 1 ms of 3 sin(2π·50 Hz·t): 50 Hz is bin 50 exactly, so the Hann
        // window's weights cancel and Σ P Δf = A²/2 = 4.5.
        let x: Vec<f64> = (0..1000).map(|n| 3.0 * (2.0 * PI * 50.0 * n as f64 * 1e-3).sin()).collect();
        let s = power_spectrum(&x, 1.0);
        assert_eq!(s.freq_hz.len(), 501);
        assert_eq!(s.freq_hz[500], 500.0, "ends at Nyquist");
        let df = s.resolution_hz();
        assert_eq!(df, 1.0);
        let total: f64 = s.power.iter().sum::<f64>() * df;
        assert!((total - 4.5).abs() < 1e-9, "total power {total}");
        let (f, _) = s.peak(0.0).expect("a peak");
        assert_eq!(f, 50.0);
    }

    #[test]
    fn white_noise_has_a_flat_level_of_two_variance_dt() {
        // A uniform pseudo-random sequence (LCG) of variance 1/12, Δt = 0.5 ms: the density is
        // 2σ²Δt = 2/12·5e-4 Hz⁻¹; the mean over bins is within a few % of it.
        let mut state: u64 = 12345;
        let x: Vec<f64> = (0..1 << 14)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect();
        let s = power_spectrum(&x, 0.5);
        let mean = s.power[1..].iter().sum::<f64>() / (s.power.len() - 1) as f64;
        let expected = 2.0 / 12.0 * 5e-4;
        assert!((mean - expected).abs() < 0.03 * expected, "{mean} vs {expected}");
    }

    #[test]
    fn smoothing_keeps_a_sine_peak_and_flattens_noise() {
        // 4 s at 0.5 ms of uniform noise plus a sine at 120 Hz (an exact bin, 0.25 Hz wide).
        // Unsmoothed, the noise alone has bins many times its median; smoothed over 5 Hz
        // (21 bins) its largest band is 2-3x the median (2.1 for this seed, at most 3.0 over
        // 39 seeds), and the sine still stands far out.
        let mut state: u64 = 99;
        let mut noise = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let n = 8000;
        let pure: Vec<f64> = (0..n).map(|_| noise()).collect();
        let raw = power_spectrum(&pure, 0.5);
        let (_, p) = raw.peak(5.0).expect("noise has a largest bin");
        assert!(raw.contrast(p, 5.0).expect("power") > 5.0, "a raw periodogram's noise peaks high");
        let smooth = raw.smoothed(5.0);
        let (_, p) = smooth.peak(5.0).expect("a largest band");
        let c = smooth.contrast(p, 5.0).expect("power");
        assert!(c < 3.0, "smoothed noise contrast {c}");
        // The sine of amplitude 0.3 puts 0.045 of variance in one bin (0.25 Hz): density 0.18
        // against a noise floor of 2·(1/12)·5e-4: the smoothed band averages it over 21 bins.
        let mixed: Vec<f64> = pure
            .iter()
            .enumerate()
            .map(|(k, v)| v + 0.3 * (2.0 * PI * 120.0 * k as f64 * 5e-4).sin())
            .collect();
        let smooth = power_spectrum(&mixed, 0.5).smoothed(5.0);
        let (f, p) = smooth.peak(5.0).expect("a peak");
        assert!((f - 120.0).abs() <= 2.5, "peak at {f} Hz");
        assert!(smooth.contrast(p, 5.0).expect("power") > 10.0);
        // A single bin's width leaves the spectrum as it was.
        assert_eq!(raw.smoothed(raw.resolution_hz()).power, raw.power);
    }

    #[test]
    fn degenerate_inputs_give_empty_spectra_and_no_peak() {
        assert!(power_spectrum(&[1.0], 1.0).freq_hz.is_empty());
        assert!(power_spectrum(&[1.0, 2.0], 0.0).power.is_empty());
        let flat = power_spectrum(&[4.0; 64], 1.0);
        assert_eq!(flat.peak(0.0), None);
        let s = Spectrum { freq_hz: vec![0.0, 1.0, 2.0, 3.0], power: vec![9.0, 1.0, 5.0, 2.0] };
        assert_eq!(s.peak(0.0), Some((2.0, 5.0)));
        assert_eq!(s.peak(2.0), Some((3.0, 2.0)));
        assert_eq!(s.peak(3.0), None);
    }
}
