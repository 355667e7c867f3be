//! Number fields: one widget for every number the user types or drags, in the inspector, the
//! views and the run controls.
//!
//! A field is egui's `DragValue` that edits as text while it has focus (its text selected
//! when it gets focus) and applies what was typed only on Enter or when focus leaves, never
//! keystroke by keystroke; Escape gives back the old value. The text may carry a unit
//! (`0.3 mV`, `300 uV`, `2 s` into a field in ms), converted to the field's own. What cannot be
//! applied (not a number, a unit of another kind, out of range, not whole) is refused with
//! the reason shown at the field, and the value stays what it was. Dragging still works: a
//! live field reports every step of a drag as [`Change::Dragging`] and the release as
//! [`Change::Done`], so that the whole gesture can be one undo step.

use crate::model::{Dimension, Quantity, Unit};
use egui::emath::Numeric;
use egui::{Id, Response, Ui};
use std::cell::RefCell;
use std::ops::RangeInclusive;

/// What a field did this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    None,
    /// A live field's value moved during a drag that goes on.
    Dragging,
    /// A finished edit: a typed value applied, a drag released, an arrow key.
    Done,
}

impl Change {
    /// The value is new (or a live drag just ended).
    pub fn any(self) -> bool {
        self != Change::None
    }
}

/// What a field holds and accepts.
#[derive(Clone, Debug)]
pub struct Number {
    /// The unit the field shows and reads bare numbers in; `Unit::One` for a plain number.
    unit: Unit,
    /// A word after a count ("neurons"), which may also be typed after the number.
    word: &'static str,
    range: RangeInclusive<f64>,
    speed: f64,
    decimals: Option<usize>,
    live: bool,
}

impl Number {
    /// A plain number (a probability, a seed, Izhikevich's a).
    pub fn plain() -> Number {
        Number::quantity(Unit::One)
    }

    /// A quantity shown in `unit`; a typed value may carry any unit of the same dimension.
    pub fn quantity(unit: Unit) -> Number {
        Number {
            unit,
            word: "",
            range: f64::NEG_INFINITY..=f64::INFINITY,
            speed: 1.0,
            decimals: None,
            live: true,
        }
    }

    /// A quantity shown in the canonical unit of `dimension` (ms, mV, pA, nS, Hz, pF).
    pub fn of(dimension: Dimension) -> Number {
        Number::quantity(dimension.canonical_unit())
    }

    /// A count shown with its word ("100 neurons").
    pub fn count(word: &'static str) -> Number {
        Number { word, ..Number::plain() }.range(0.0..=f64::INFINITY)
    }

    /// A word shown after the number ("pJ" for a unit the model does not know).
    pub fn word(mut self, word: &'static str) -> Number {
        self.word = word;
        self
    }

    /// The values it accepts: a typed value outside is refused with the range, a drag stops
    /// at its ends.
    pub fn range(mut self, range: RangeInclusive<f64>) -> Number {
        self.range = range;
        self
    }

    /// How much the value moves per point dragged.
    pub fn speed(mut self, speed: f64) -> Number {
        self.speed = speed;
        self
    }

    pub fn max_decimals(mut self, decimals: usize) -> Number {
        self.decimals = Some(decimals);
        self
    }

    /// Whether a drag reports every step (a parameter watched as it changes) or only its end
    /// (a change that rebuilds the network).
    pub fn live(mut self, live: bool) -> Number {
        self.live = live;
        self
    }

    /// Reads typed text as a value in the field's unit, or says why it cannot be.
    pub fn parse(&self, text: &str) -> Result<f64, String> {
        let typed = text.trim().replace('−', "-");
        let mut body = typed.as_str();
        if !self.word.is_empty() {
            // "100 neurons" and "1 neuron" as well as "100".
            let singular = self.word.strip_suffix('s').unwrap_or(self.word);
            for w in [self.word, singular] {
                if let Some(b) = body.strip_suffix(w) {
                    body = b.trim_end();
                    break;
                }
            }
        }
        if body.is_empty() {
            return Err("nothing was typed: type a number".into());
        }
        if body.contains(',') && !body.contains('.') {
            return Err(format!("\"{typed}\": write decimals with a point, as in 0.3"));
        }
        let value = match body.parse::<f64>() {
            Ok(v) => v,
            Err(_) => {
                let q = Quantity::parse(body).map_err(|e| {
                    if body.chars().any(|c| c.is_ascii_digit()) {
                        e
                    } else {
                        format!("\"{typed}\" is not a number")
                    }
                })?;
                if self.unit == Unit::One {
                    return Err(format!("\"{typed}\": this is a plain number; type it without a unit"));
                }
                let want = self.unit.dimension();
                if q.dimension() != want {
                    return Err(format!(
                        "\"{typed}\" is {}, but this field takes {}",
                        q.dimension().describe(),
                        want.describe()
                    ));
                }
                q.canonical() / self.unit.to_canonical()
            }
        };
        if !value.is_finite() {
            return Err(format!("\"{typed}\" is not a finite number"));
        }
        let (lo, hi) = (*self.range.start(), *self.range.end());
        if value < lo || value > hi {
            let (l, h) = (self.with_unit(lo), self.with_unit(hi));
            return Err(match (lo.is_finite(), hi.is_finite()) {
                (true, true) => format!("{value} is out of range: it must be from {l} to {h}"),
                (true, false) => format!("{value} is too small: it must be at least {l}"),
                _ => format!("{value} is too large: it must be at most {h}"),
            });
        }
        Ok(value)
    }

    /// `v` with the field's unit or word ("1 neuron", "20 ms").
    fn with_unit(&self, v: f64) -> String {
        let word = if v == 1.0 { self.word.strip_suffix('s').unwrap_or(self.word) } else { self.word };
        let unit = if word.is_empty() { self.unit.symbol() } else { word };
        if unit.is_empty() { format!("{v}") } else { format!("{v} {unit}") }
    }

    fn unit_text(&self) -> String {
        let unit = if self.word.is_empty() { self.unit.symbol() } else { self.word };
        if unit.is_empty() { String::new() } else { format!(" {unit}") }
    }

    /// Draws the field for `value`, a float or an integer (an integer field refuses a
    /// fraction).
    pub fn show<N: Numeric>(&self, ui: &mut Ui, value: &mut N) -> (Response, Change) {
        self.field(ui, value, None)
    }

    /// [`Number::show`], and `refused`: why the caller refused this field's last edit (the
    /// model's validation), shown at the field like the field's own reasons.
    pub fn field<N: Numeric>(&self, ui: &mut Ui, value: &mut N, refused: Option<&str>) -> (Response, Change) {
        let mut v = value.to_f64();
        let (r, change) = self.show_f64(ui, &mut v, N::INTEGRAL, refused);
        if change.any() {
            *value = N::from_f64(v);
        }
        (r, change)
    }

    fn show_f64(
        &self,
        ui: &mut Ui,
        value: &mut f64,
        integral: bool,
        refused: Option<&str>,
    ) -> (Response, Change) {
        let id = ui.next_auto_id();
        let held_id = id.with("held");
        let held = ui.data(|d| d.get_temp::<f64>(held_id));
        let mut shown = if self.live { *value } else { held.unwrap_or(*value) };
        // egui reports a field's loss of focus for two frames and reads its text again on the
        // second, when Escape is no longer pressed: remember Escape for the frame after it.
        let frame = ui.ctx().cumulative_frame_nr();
        let esc_id = id.with("escaped");
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            ui.data_mut(|d| d.insert_temp(esc_id, frame));
        }
        let escaped = ui.data(|d| d.get_temp::<u64>(esc_id)).is_some_and(|at| frame <= at + 1);
        let parsed = RefCell::new(None);
        let parser = |text: &str| {
            if escaped {
                return None;
            }
            let r = self.parse(text).and_then(|v| {
                if integral && v.fract() != 0.0 { Err(format!("{v} is not a whole number")) } else { Ok(v) }
            });
            let ok = r.as_ref().ok().copied();
            *parsed.borrow_mut() = Some(r);
            ok
        };
        let mut drag = egui::DragValue::new(&mut shown)
            .speed(self.speed)
            .range(self.range.clone())
            .clamp_existing_to_range(false)
            .update_while_editing(false)
            .suffix(self.unit_text())
            .custom_parser(parser);
        if let Some(d) = self.decimals {
            drag = drag.max_decimals(d);
        }
        if integral {
            drag = drag.fixed_decimals(0);
        }
        let r = ui.add(drag);
        let why_id = id.with("why");
        match parsed.into_inner() {
            Some(Err(why)) => ui.data_mut(|d| {
                d.insert_temp(why_id, (why, frame));
            }),
            Some(Ok(_)) => ui.data_mut(|d| d.remove::<(String, u64)>(why_id)),
            None => {}
        }
        let change = if r.dragged() {
            if shown != held.unwrap_or(*value) {
                ui.data_mut(|d| d.insert_temp(held_id, shown));
                if self.live {
                    *value = shown;
                    Change::Dragging
                } else {
                    Change::None
                }
            } else {
                Change::None
            }
        } else if let Some(h) = held {
            // The drag ended (or the field lost it): what it reached is the edit.
            ui.data_mut(|d| d.remove::<f64>(held_id));
            *value = if self.live { *value } else { h };
            Change::Done
        } else if r.changed() && shown != *value {
            *value = shown;
            Change::Done
        } else {
            Change::None
        };
        let own = ui.data(|d| d.get_temp::<(String, u64)>(why_id));
        // A reason stays until the field is used again or the user clicks elsewhere.
        let pressed = ui.input(|i| i.pointer.any_pressed());
        if let Some((_, at)) = &own
            && (change.any() || (pressed && frame > *at))
        {
            ui.data_mut(|d| d.remove::<(String, u64)>(why_id));
        }
        let why = ui.data(|d| d.get_temp::<(String, u64)>(why_id)).map(|w| w.0).or(refused.map(String::from));
        if let Some(why) = why {
            refusal(&r, why_id, &why);
        }
        (r, change)
    }
}

/// Why a field's value was refused, under the field, in the error colour.
fn refusal(field: &Response, id: Id, why: &str) {
    egui::Popup::from_response(field)
        .id(id)
        .open(true)
        .kind(egui::PopupKind::Tooltip)
        .align(egui::RectAlign::BOTTOM_START)
        .width(field.rect.width().max(260.0))
        .show(|ui| {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {why}"));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_read_in_the_fields_unit_and_refused_with_the_reason() {
        let mv = Number::quantity(Unit::MV);
        assert_eq!(mv.parse("0.3"), Ok(0.3));
        assert_eq!(mv.parse(" 0.3 mV "), Ok(0.3));
        assert_eq!(mv.parse("−50"), Ok(-50.0), "the typographic minus");
        assert!((mv.parse("300 uV").expect("microvolts") - 0.3).abs() < 1e-12);
        assert_eq!(mv.parse("-0.05 V"), Ok(-50.0));
        let ms = Number::quantity(Unit::Ms);
        assert_eq!(ms.parse("2 s"), Ok(2000.0));
        assert_eq!(ms.parse("2s"), Ok(2000.0));
        let e = ms.parse("2 mV").expect_err("a voltage into a time");
        assert!(e.contains("voltage") && e.contains("time"), "{e}");
        let e = mv.parse("abc").expect_err("not a number");
        assert!(e.contains("\"abc\" is not a number"), "{e}");
        let e = mv.parse("0.3 mVV").expect_err("an unknown unit");
        assert!(e.contains("unknown unit"), "{e}");
        let e = mv.parse("0,3").expect_err("a decimal comma");
        assert!(e.contains("point"), "{e}");
        assert!(mv.parse("").is_err());
        let p = Number::plain().range(0.0..=1.0);
        assert_eq!(p.parse("0.25"), Ok(0.25));
        let e = p.parse("1.5").expect_err("above the range");
        assert!(e.contains("out of range") && e.contains("from 0 to 1"), "{e}");
        let e = Number::of(Dimension::Time).range(10.0..=f64::INFINITY).parse("5").expect_err("too short");
        assert!(e.contains("at least 10 ms"), "{e}");
        let e = p.parse("0.3 ms").expect_err("a unit on a plain number");
        assert!(e.contains("without a unit"), "{e}");
        let n = Number::count("neurons").range(1.0..=f64::INFINITY);
        assert_eq!(n.parse("100 neurons"), Ok(100.0));
        assert_eq!(n.parse("1 neuron"), Ok(1.0));
        let e = n.parse("0").expect_err("below one");
        assert!(e.contains("0 is too small: it must be at least 1 neuron"), "{e}");
    }

    /// A field alone in a window, typed into as a person does.
    fn typed(keys: &[egui::Event], escape: bool) -> f64 {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::new_ui_state(
            |ui, v: &mut f64| {
                Number::quantity(Unit::MV).show(ui, v);
            },
            -50.0,
        );
        h.get_by_role(egui::accesskit::Role::SpinButton).click();
        h.run_steps(2);
        for k in keys {
            h.event(k.clone());
            h.step();
        }
        h.key_press(if escape { egui::Key::Escape } else { egui::Key::Enter });
        h.run_steps(2);
        *h.state()
    }

    #[test]
    fn enter_applies_what_was_typed_and_escape_drops_it() {
        let text = |t: &str| egui::Event::Text(t.into());
        assert_eq!(
            typed(&[text("0"), text("."), text("3")], false),
            0.3,
            "the selected old text is replaced"
        );
        assert_eq!(typed(&[text("7")], true), -50.0, "Escape");
        assert_eq!(typed(&[text("300 uV")], false), 0.3);
    }
}
