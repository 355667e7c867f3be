//! Values that may be drawn at random: weights, delays, initial state.
//!
//! In a file: `"16.2 pA"` (constant), `{ uniform = ["-60 mV", "-50 mV"] }`, or
//! `{ normal = ["40 nS", "15 nS"] }` (mean, standard deviation; draws below zero are clipped to
//! zero where the quantity cannot be negative).

use super::units::{Dimension, Quantity};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dist {
    Constant(Quantity),
    Uniform { low: Quantity, high: Quantity },
    Normal { mean: Quantity, sd: Quantity },
}

/// A [`Dist`] with its values in canonical units, ready to sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CanonicalDist {
    Constant(f64),
    Uniform(f64, f64),
    Normal(f64, f64),
}

impl Dist {
    /// Checks every quantity against `dimension` and returns canonical values.
    pub fn canonical(&self, dimension: Dimension) -> Result<CanonicalDist, String> {
        Ok(match self {
            Dist::Constant(q) => CanonicalDist::Constant(q.expect(dimension)?),
            Dist::Uniform { low, high } => {
                let (lo, hi) = (low.expect(dimension)?, high.expect(dimension)?);
                if lo > hi {
                    return Err(format!("uniform range [{low}, {high}] has its low end above its high end"));
                }
                CanonicalDist::Uniform(lo, hi)
            }
            Dist::Normal { mean, sd } => {
                let (m, s) = (mean.expect(dimension)?, sd.expect(dimension)?);
                if s < 0.0 {
                    return Err(format!("standard deviation {sd} is negative"));
                }
                CanonicalDist::Normal(m, s)
            }
        })
    }
}

impl CanonicalDist {
    /// The smallest value a draw can take (before any clipping).
    pub fn min(&self) -> f64 {
        match *self {
            CanonicalDist::Constant(c) => c,
            CanonicalDist::Uniform(lo, _) => lo,
            CanonicalDist::Normal(m, 0.0) => m,
            CanonicalDist::Normal(..) => f64::NEG_INFINITY,
        }
    }

    /// The largest value a draw can take (normal: mean + 6 sd, which bounds it in practice).
    pub fn max(&self) -> f64 {
        match *self {
            CanonicalDist::Constant(c) => c,
            CanonicalDist::Uniform(_, hi) => hi,
            CanonicalDist::Normal(m, s) => m + 6.0 * s,
        }
    }
}

impl From<Quantity> for Dist {
    fn from(q: Quantity) -> Self {
        Dist::Constant(q)
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dist::Constant(q) => write!(f, "{q}"),
            Dist::Uniform { low, high } => write!(f, "uniform({low}, {high})"),
            Dist::Normal { mean, sd } => write!(f, "normal(mean {mean}, sd {sd})"),
        }
    }
}

impl Serialize for Dist {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Dist::Constant(q) => q.serialize(serializer),
            Dist::Uniform { low, high } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("uniform", &[low, high])?;
                map.end()
            }
            Dist::Normal { mean, sd } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("normal", &[mean, sd])?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = Dist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value like \"5 ms\", or { uniform = [low, high] }, or { normal = [mean, sd] }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dist, E> {
                Quantity::parse(v).map(Dist::Constant).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dist, E> {
                Quantity::deserialize(de::value::F64Deserializer::new(v)).map(Dist::Constant)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dist, E> {
                Ok(Dist::Constant(Quantity::number(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dist, E> {
                Ok(Dist::Constant(Quantity::number(v as f64)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dist, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty table: write { uniform = [low, high] } or { normal = [mean, sd] }",
                    ));
                };
                let [a, b]: [Quantity; 2] = match key.as_str() {
                    "uniform" | "normal" => map.next_value()?,
                    other => {
                        return Err(de::Error::custom(format!(
                            "unknown distribution \"{other}\": use uniform = [low, high] or normal = [mean, sd]"
                        )));
                    }
                };
                if map.next_key::<String>()?.is_some() {
                    return Err(de::Error::custom("a distribution table holds exactly one entry"));
                }
                Ok(if key == "uniform" {
                    Dist::Uniform { low: a, high: b }
                } else {
                    Dist::Normal { mean: a, sd: b }
                })
            }
        }
        deserializer.deserialize_any(DistVisitor)
    }
}
