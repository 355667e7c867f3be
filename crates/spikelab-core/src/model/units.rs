//! Physical quantities as written in model files: a number and its unit, e.g. `"20 ms"`.
//!
//! A [`Quantity`] keeps the unit the user wrote, so that saving a file gives back what was
//! typed (`"0.5 nA"` stays `"0.5 nA"`). The engine asks for the value in the one canonical
//! unit of each dimension ([`Dimension::canonical_unit`]): ms, mV, pA, nS, Hz, pF.

use super::text::{did_you_mean, quote};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What a quantity measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// A plain number (Izhikevich's a, b, d; probabilities).
    Dimensionless,
    Time,
    Voltage,
    Current,
    Conductance,
    Rate,
    Capacitance,
}

impl Dimension {
    /// The unit the engine computes in.
    pub fn canonical_unit(self) -> Unit {
        match self {
            Dimension::Dimensionless => Unit::One,
            Dimension::Time => Unit::Ms,
            Dimension::Voltage => Unit::MV,
            Dimension::Current => Unit::PA,
            Dimension::Conductance => Unit::NS,
            Dimension::Rate => Unit::Hz,
            Dimension::Capacitance => Unit::PF,
        }
    }

    /// A word a student recognises, with the units it accepts.
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Dimensionless => "a plain number",
            Dimension::Time => "a time (ms or s)",
            Dimension::Voltage => "a voltage (mV, uV or V)",
            Dimension::Current => "a current (pA, nA or uA)",
            Dimension::Conductance => "a conductance (nS, uS or pS)",
            Dimension::Rate => "a rate (Hz or kHz)",
            Dimension::Capacitance => "a capacitance (pF or nF)",
        }
    }
}

/// A unit that model files may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    One,
    Ms,
    S,
    Us,
    UV,
    MV,
    V,
    PA,
    NA,
    UA,
    PS,
    NS,
    US,
    Hz,
    KHz,
    PF,
    NF,
}

const UNITS: &[(Unit, &str, Dimension, f64)] = &[
    (Unit::One, "", Dimension::Dimensionless, 1.0),
    (Unit::Ms, "ms", Dimension::Time, 1.0),
    (Unit::S, "s", Dimension::Time, 1e3),
    (Unit::Us, "us", Dimension::Time, 1e-3),
    (Unit::UV, "uV", Dimension::Voltage, 1e-3),
    (Unit::MV, "mV", Dimension::Voltage, 1.0),
    (Unit::V, "V", Dimension::Voltage, 1e3),
    (Unit::PA, "pA", Dimension::Current, 1.0),
    (Unit::NA, "nA", Dimension::Current, 1e3),
    (Unit::UA, "uA", Dimension::Current, 1e6),
    (Unit::PS, "pS", Dimension::Conductance, 1e-3),
    (Unit::NS, "nS", Dimension::Conductance, 1.0),
    (Unit::US, "uS", Dimension::Conductance, 1e3),
    (Unit::Hz, "Hz", Dimension::Rate, 1.0),
    (Unit::KHz, "kHz", Dimension::Rate, 1e3),
    (Unit::PF, "pF", Dimension::Capacitance, 1.0),
    (Unit::NF, "nF", Dimension::Capacitance, 1e3),
];

impl Unit {
    fn row(self) -> &'static (Unit, &'static str, Dimension, f64) {
        UNITS.iter().find(|row| row.0 == self).expect("every unit has a row in UNITS")
    }

    /// The symbol as written in files ("ms", "nA").
    pub fn symbol(self) -> &'static str {
        self.row().1
    }

    pub fn dimension(self) -> Dimension {
        self.row().2
    }

    /// Factor from this unit to the canonical unit of its dimension.
    pub fn to_canonical(self) -> f64 {
        self.row().3
    }

    /// Reads a unit symbol; `µ` is accepted for `u`.
    pub fn parse(symbol: &str) -> Option<Unit> {
        let symbol: std::borrow::Cow<'_, str> =
            if symbol.contains('µ') { symbol.replace('µ', "u").into() } else { symbol.into() };
        UNITS.iter().find(|row| row.1 == symbol).map(|row| row.0)
    }
}

/// A number with a unit, as the user wrote it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub unit: Unit,
}

impl Quantity {
    pub fn new(value: f64, unit: Unit) -> Self {
        Quantity { value, unit }
    }

    /// A plain number.
    pub fn number(value: f64) -> Self {
        Quantity::new(value, Unit::One)
    }

    pub fn ms(value: f64) -> Self {
        Quantity::new(value, Unit::Ms)
    }

    pub fn mv(value: f64) -> Self {
        Quantity::new(value, Unit::MV)
    }

    pub fn pa(value: f64) -> Self {
        Quantity::new(value, Unit::PA)
    }

    pub fn ns(value: f64) -> Self {
        Quantity::new(value, Unit::NS)
    }

    pub fn hz(value: f64) -> Self {
        Quantity::new(value, Unit::Hz)
    }

    pub fn pf(value: f64) -> Self {
        Quantity::new(value, Unit::PF)
    }

    pub fn dimension(&self) -> Dimension {
        self.unit.dimension()
    }

    /// The value in the canonical unit of its dimension (ms, mV, pA, nS, Hz, pF).
    pub fn canonical(&self) -> f64 {
        self.value * self.unit.to_canonical()
    }

    /// Checks the dimension and returns the canonical value, or a sentence saying what is wrong.
    pub fn expect(&self, dimension: Dimension) -> Result<f64, String> {
        if !self.value.is_finite() {
            return Err(format!("{self} is not a finite number"));
        }
        if self.dimension() == dimension {
            let v = self.canonical();
            if v.abs() > 1e15 { Err(format!("{self} is too large to simulate")) } else { Ok(v) }
        } else if self.unit == Unit::One {
            Err(format!(
                "{} has no unit; expected {}, for example \"{} {}\"",
                self.value,
                dimension.describe(),
                self.value,
                dimension.canonical_unit().symbol()
            ))
        } else {
            Err(format!(
                "\"{self}\" is {}, but {} is expected here",
                self.dimension().describe(),
                dimension.describe()
            ))
        }
    }

    /// Parses `"20 ms"`, `"-65mV"`, `"0.5 nA"` or a bare number.
    pub fn parse(text: &str) -> Result<Quantity, String> {
        let text = text.trim();
        // The unit is the run of letters at the end: "20 ms", "1e-3 s", "-65mV".
        let split = text
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphabetic())
            .last()
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number = number.trim();
        let unit = unit.trim();
        let value: f64 = number.parse().map_err(|_| {
            format!("{} is not a number with a unit (write it like \"20 ms\" or \"-65 mV\")", quote(text))
        })?;
        if !value.is_finite() {
            return Err(format!("{} is not a finite number", quote(text)));
        }
        let unit = Unit::parse(unit).ok_or_else(|| {
            let known: Vec<&str> = UNITS.iter().filter(|row| !row.1.is_empty()).map(|row| row.1).collect();
            format!(
                "unknown unit {} in {}{}; known units: {}",
                quote(unit),
                quote(text),
                did_you_mean(unit, known.iter().copied()),
                known.join(", ")
            )
        })?;
        Ok(Quantity { value, unit })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Very large and very small values with an exponent ("1e12 Hz", not thirteen digits);
        // both forms give back the same number when read.
        let v = self.value;
        let exponent = v != 0.0 && v.is_finite() && !(1e-5..1e9).contains(&v.abs());
        match (exponent, self.unit) {
            (false, Unit::One) => write!(f, "{v}"),
            (true, Unit::One) => write!(f, "{v:e}"),
            (false, unit) => write!(f, "{v} {}", unit.symbol()),
            (true, unit) => write!(f, "{v:e} {}", unit.symbol()),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unit == Unit::One {
            serializer.serialize_f64(self.value)
        } else {
            serializer.serialize_str(&self.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number with a unit, like \"20 ms\", or a plain number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                if v.is_finite() {
                    Ok(Quantity::number(v))
                } else {
                    Err(E::custom(format!("{v} is not a finite number")))
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::number(v as f64))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_with_units() {
        assert_eq!(Quantity::parse("20 ms").unwrap(), Quantity::ms(20.0));
        assert_eq!(Quantity::parse("-65mV").unwrap(), Quantity::mv(-65.0));
        assert_eq!(Quantity::parse("1e-3 s").unwrap().canonical(), 1.0);
        assert_eq!(Quantity::parse("2.5E2 pA").unwrap(), Quantity::pa(250.0));
        assert_eq!(Quantity::parse("0.5 nA").unwrap().canonical(), 500.0);
        assert_eq!(Quantity::parse("3 µS").unwrap().canonical(), 3000.0);
        assert_eq!(Quantity::parse("0.02").unwrap(), Quantity::number(0.02));
    }

    #[test]
    fn rejects_nonsense() {
        assert!(Quantity::parse("ms").is_err());
        assert!(Quantity::parse("20 parsecs").is_err());
        assert!(Quantity::parse("nan ms").is_err());
        assert!(Quantity::parse("inf mV").is_err());
        assert!(Quantity::parse("").is_err());
    }

    #[test]
    fn dimension_mismatch_is_explained() {
        let err = Quantity::mv(20.0).expect(Dimension::Time).unwrap_err();
        assert!(err.contains("voltage") && err.contains("time"), "{err}");
        let err = Quantity::number(20.0).expect(Dimension::Time).unwrap_err();
        assert!(err.contains("no unit"), "{err}");
    }

    #[test]
    fn display_round_trips() {
        for q in [Quantity::ms(0.1), Quantity::pa(16.2), Quantity::number(0.02)] {
            assert_eq!(Quantity::parse(&q.to_string()).unwrap(), q);
        }
    }
}
