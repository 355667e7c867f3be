//! How often and how finely the window draws a running network.
//!
//! A frame is drawn whole, every time. With a GPU that costs a few milliseconds; without one
//! (a lab PC with no graphics driver, a remote desktop, Xvfb) the CPU shades every pixel, a
//! frame of the default views costs 20–40 ms of CPU, and drawing 30 frames a second would take
//! the core the simulation needs. So the window measures what its frames cost: now and then it
//! asks for the next frame at once and times it from one frame's start to the next, which takes
//! in the buffer swap, where a software renderer does most of its work (eframe's own frame time
//! leaves the swap out, and reads 7 ms where a frame costs 37 ms of CPU). While a network runs
//! the window redraws at most as often as keeps drawing to a fifth of the time: 30 frames a
//! second on a GPU, about 10 without one. A fifth, not more: the software renderer's own
//! threads add to the UI thread's time, and together they must stay under 30% of a core
//! (at a quarter, `examples/window.rs` measured 0.32–0.34 of a core on brunel_ai). Input is never held back: egui redraws at once for a
//! click or a key.
//!
//! The timing needs frames that are not held back by the display's refresh, so the window runs
//! without vsync (`native_options`); the redraw rate is bounded here instead.
//!
//! Anti-aliased lines ("feathering": a one-pixel fade at every edge) nearly double the
//! triangles a frame draws. The first frames, drawn back to back as the window opens, decide
//! whether drawing is slow; where it is, smoothing is off unless the user turns it on
//! (View → Smooth lines).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Frames timed as the window opens, to decide whether drawing is slow.
const OPENING: usize = 20;
/// An opening frame (nearly empty plots) slower than this (median) means drawing without a
/// GPU, or as slowly: an empty frame costs 1–3 ms on a GPU and about 11 ms with llvmpipe.
const SLOW_FRAME_S: f32 = 0.007;
/// While running, one frame in this many is timed.
const PROBE_EVERY: u32 = 10;
/// Running frames' times kept, for their median.
const KEPT: usize = 9;
/// The share of the time a running network's redraws may take.
const DRAWING_SHARE: f32 = 0.2;
/// The fastest redraw while running (30 frames a second), and the slowest (5).
const FASTEST: Duration = Duration::from_millis(33);
const SLOWEST: Duration = Duration::from_millis(200);

#[derive(Debug, Default)]
pub struct Drawing {
    /// When the current frame started.
    started: Option<Instant>,
    /// Whether the previous frame asked for this one at once, to time it.
    probing: bool,
    /// Frames since the last timed one.
    since_probe: u32,
    /// The opening frames' times in seconds.
    opening: Vec<f32>,
    /// The latest running frames' times, oldest first.
    running: VecDeque<f32>,
    /// Whether drawing was found slow (decided once, from the opening frames).
    slow: Option<bool>,
    /// The user's choice of anti-aliased lines; `None` follows the speed of drawing.
    smooth: Option<bool>,
}

impl Drawing {
    /// Called as each frame starts: if the previous frame asked for this one at once, the time
    /// between their starts is what the previous frame cost.
    pub fn frame_started(&mut self, now: Instant) {
        if let Some(last) = self.started.replace(now)
            && std::mem::take(&mut self.probing)
        {
            self.record(now.saturating_duration_since(last).as_secs_f32());
        }
    }

    fn record(&mut self, seconds: f32) {
        if !seconds.is_finite() || seconds < 0.0 {
            return;
        }
        if self.slow.is_none() {
            self.opening.push(seconds);
            if self.opening.len() == OPENING {
                self.slow = median(self.opening.iter().copied()).map(|m| m > SLOW_FRAME_S);
            }
        } else {
            if self.running.len() == KEPT {
                self.running.pop_front();
            }
            self.running.push_back(seconds);
        }
    }

    /// What a frame costs (median of the latest timed frames), in seconds.
    pub fn frame_cost(&self) -> Option<f32> {
        median(self.running.iter().copied()).or_else(|| median(self.opening.iter().copied()))
    }

    /// Whether frames were found slow to draw.
    pub fn slow(&self) -> bool {
        self.slow == Some(true)
    }

    /// Time from one redraw's start to the next while a network runs.
    pub fn interval(&self) -> Duration {
        let cost = self.frame_cost().unwrap_or(0.0);
        Duration::from_secs_f32(cost / DRAWING_SHARE).clamp(FASTEST, SLOWEST)
    }

    pub fn smooth_lines(&self) -> bool {
        self.smooth.unwrap_or(!self.slow())
    }

    /// Sets this frame's line quality and asks for the next frame: at once while the opening
    /// frames are timed or to time a running frame, otherwise one interval after this frame
    /// started while `playing`, and not at all when paused (input brings frames then).
    pub fn schedule(&mut self, ctx: &egui::Context, playing: bool) {
        let smooth = self.smooth_lines();
        if ctx.tessellation_options(|o| o.feathering) != smooth {
            ctx.tessellation_options_mut(|o| o.feathering = smooth);
        }
        if self.slow.is_none() {
            self.probing = true;
            ctx.request_repaint();
        } else if playing {
            self.since_probe += 1;
            if self.since_probe >= PROBE_EVERY {
                self.since_probe = 0;
                self.probing = true;
                ctx.request_repaint();
            } else {
                let spent = self.started.map_or(Duration::ZERO, |s| s.elapsed());
                // egui takes its predicted frame time off every delay; give it back, so the
                // interval runs from this frame's start to the next one's.
                let predicted =
                    Duration::try_from_secs_f32(ctx.input(|i| i.predicted_dt)).unwrap_or_default();
                ctx.request_repaint_after(self.interval().saturating_sub(spent) + predicted);
            }
        }
    }

    /// The View menu's entry.
    pub fn menu(&mut self, ui: &mut egui::Ui) {
        let mut smooth = self.smooth_lines();
        let mut why = "Anti-aliased lines and text edges.".to_string();
        if let Some(m) = self.frame_cost().filter(|_| self.slow.is_some()) {
            why += &format!(
                " A frame takes {:.0} ms to draw here; while a network runs the window redraws every {:.0} ms.",
                m * 1e3,
                self.interval().as_secs_f32() * 1e3
            );
            if self.slow() {
                why += " That is drawing without graphics acceleration, so smoothing, which nearly \
                        doubles the cost, is off unless you turn it on.";
            }
        }
        if ui.checkbox(&mut smooth, "Smooth lines").on_hover_text(why).changed() {
            self.smooth = Some(smooth);
        }
    }
}

fn median(values: impl Iterator<Item = f32>) -> Option<f32> {
    let mut v: Vec<f32> = values.collect();
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window that opened drawing `opening_s` frames, then timed `running` frames of `running_s`.
    fn after(opening_s: f32, running_s: f32, running: usize) -> Drawing {
        let mut d = Drawing::default();
        for _ in 0..OPENING {
            d.record(opening_s);
        }
        for _ in 0..running {
            d.record(running_s);
        }
        d
    }

    #[test]
    fn fast_frames_redraw_thirty_times_a_second_with_smooth_lines() {
        let d = after(0.002, 0.004, KEPT);
        assert!(!d.slow());
        assert!(d.smooth_lines());
        assert_eq!(d.interval(), FASTEST);
    }

    #[test]
    fn slow_frames_keep_drawing_to_a_fifth_of_the_time_and_drop_smoothing() {
        let d = after(0.011, 0.025, KEPT);
        assert!(d.slow());
        assert!(!d.smooth_lines());
        let ms = d.interval().as_secs_f64() * 1e3;
        assert!((ms - 125.0).abs() < 1.0, "{ms}");
        assert_eq!(after(0.011, 0.5, KEPT).interval(), SLOWEST);
        // Before any running frame is timed, the opening frames set the pace.
        assert!((after(0.011, 0.0, 0).interval().as_secs_f64() - 0.055).abs() < 1e-3);
    }

    #[test]
    fn the_running_cost_follows_the_latest_frames_but_smoothing_is_decided_once() {
        let mut d = after(0.011, 0.040, KEPT);
        for _ in 0..KEPT {
            d.record(0.004);
        }
        assert_eq!(d.interval(), FASTEST);
        assert!(d.slow() && !d.smooth_lines());
    }

    #[test]
    fn the_users_choice_wins() {
        let mut d = after(0.011, 0.025, 1);
        d.smooth = Some(true);
        assert!(d.smooth_lines());
    }

    #[test]
    fn only_frames_asked_for_at_once_are_timed() {
        let mut d = Drawing::default();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        d.frame_started(at(0));
        d.probing = true;
        d.frame_started(at(30));
        d.frame_started(at(500)); // an ordinary frame after a pause: not timed
        assert_eq!(d.opening, vec![0.030]);
    }

    #[test]
    fn the_window_times_its_opening_frames_then_one_running_frame_in_every_few() {
        let ctx = egui::Context::default();
        let mut d = Drawing::default();
        let t0 = Instant::now();
        let mut timed = 0;
        for i in 0..(OPENING + 1 + KEPT * PROBE_EVERY as usize) as u64 {
            let before = d.opening.len() + d.running.len();
            d.frame_started(t0 + Duration::from_millis(12 * i));
            timed += d.opening.len() + d.running.len() - before;
            let _ = ctx.run_ui(egui::RawInput::default(), |ui| d.schedule(ui.ctx(), true));
        }
        assert!(d.slow(), "12 ms opening frames are slow");
        assert_eq!(d.opening.len(), OPENING);
        assert_eq!(d.running.len(), KEPT);
        assert_eq!(timed, OPENING + KEPT);
        assert!(!ctx.tessellation_options(|o| o.feathering));
    }

    #[test]
    fn nonsense_times_are_ignored() {
        let mut d = Drawing::default();
        d.record(f32::NAN);
        d.record(-1.0);
        assert!(d.opening.is_empty());
    }
}
