//! Reading and changing one value of a model by a readable path, such as
//! `populations.exc.params.v_thresh` or `inputs.drive.amplitude`. Lessons name the settings
//! that solve their questions this way, and the result is validated like a loaded file.
//!
//! A path walks the model file's structure: table keys, and for lists (`populations`,
//! `projections`, `inputs`, …) an item's `name` (projections also answer to their label
//! `pre->post`) or its index.

use super::{Model, ModelError, Problem};

/// Why a path does not lead to a value.
fn not_found(path: &str, why: String) -> ModelError {
    ModelError::Invalid {
        source_name: "setting".into(),
        problems: vec![Problem { key: path.to_string(), line: None, message: why }],
    }
}

/// The item of a list that a path segment names.
fn find_item<'a>(items: &'a mut [toml::Value], segment: &str) -> Option<&'a mut toml::Value> {
    if let Ok(k) = segment.parse::<usize>() {
        return items.get_mut(k);
    }
    items.iter_mut().find(|item| {
        let field = |key: &str| item.get(key).and_then(toml::Value::as_str).unwrap_or_default().to_string();
        field("name") == segment
            || (field("name").is_empty() && format!("{}->{}", field("pre"), field("post")) == segment)
    })
}

/// The value at `path` in `root`, created (as an empty entry) if only the last key is missing.
fn walk<'a>(root: &'a mut toml::Value, path: &str) -> Result<&'a mut toml::Value, ModelError> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut here = root;
    for (k, segment) in segments.iter().enumerate() {
        let last = k + 1 == segments.len();
        here = match here {
            toml::Value::Table(table) => {
                if last && !table.contains_key(*segment) {
                    table.insert(segment.to_string(), toml::Value::String(String::new()));
                }
                table
                    .get_mut(*segment)
                    .ok_or_else(|| not_found(path, format!("there is no \"{segment}\" here")))?
            }
            toml::Value::Array(items) => find_item(items, segment)
                .ok_or_else(|| not_found(path, format!("no item called \"{segment}\" in this list")))?,
            _ => return Err(not_found(path, format!("\"{segment}\" is inside a plain value"))),
        };
    }
    Ok(here)
}

/// A value as typed: a whole number, a number, true/false, or text (quantities like "20 ms").
fn parse_value(text: &str) -> toml::Value {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        toml::Value::Integer(i)
    } else if let Ok(x) = text.parse::<f64>() {
        toml::Value::Float(x)
    } else if let Ok(b) = text.parse::<bool>() {
        toml::Value::Boolean(b)
    } else {
        toml::Value::String(text.to_string())
    }
}

impl Model {
    /// The model with the value at `path` set to `value` (as written in a model file, e.g.
    /// `"250 pA"`, `0.02`, `true`), validated; an error names the path and the cause.
    pub fn with_setting(&self, path: &str, value: &str) -> Result<Model, ModelError> {
        let mut tree = toml::Value::try_from(self).map_err(|e| not_found(path, e.to_string()))?;
        *walk(&mut tree, path)? = parse_value(value);
        let text = toml::to_string(&tree).map_err(|e| not_found(path, e.to_string()))?;
        Model::from_toml(&text, &format!("{path} = {value}"))
    }

    /// The value at `path` as text (quantities with their unit), if there is one. Parameters
    /// left at their default are not in the file, so they read as `None`.
    pub fn setting(&self, path: &str) -> Option<String> {
        let mut tree = toml::Value::try_from(self).ok()?;
        match walk(&mut tree, path).ok()? {
            toml::Value::String(s) if s.is_empty() => None,
            toml::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::preset;

    fn cuba() -> Model {
        Model::from_toml(preset("cuba").unwrap(), "cuba").unwrap()
    }

    #[test]
    fn a_setting_changes_one_value_and_nothing_else() {
        let m = cuba();
        let changed = m.with_setting("populations.exc.params.v_thresh", "-45 mV").unwrap();
        assert_eq!(changed.populations[0].param("v_thresh"), Some(-45.0));
        assert_eq!(changed.populations[1].param("v_thresh"), m.populations[1].param("v_thresh"));
        assert_eq!(changed.setting("populations.exc.params.v_thresh").as_deref(), Some("-45 mV"));
        // Projections by label, lists by index, plain numbers.
        let p = m.with_setting("projections.exc->inh.connect.p", "0.05").unwrap();
        assert_eq!(p.projections[1].connect.p, Some(0.05));
        let s = m.with_setting("populations.1.size", "400").unwrap();
        assert_eq!(s.populations[1].size, 400);
    }

    #[test]
    fn bad_settings_are_refused_with_the_path() {
        let m = cuba();
        let e = m.with_setting("populations.exc.params.tau_m", "-20 ms").unwrap_err().to_string();
        assert!(e.contains("tau_m") && e.contains("positive"), "{e}");
        let e = m.with_setting("populations.nobody.params.tau_m", "20 ms").unwrap_err().to_string();
        assert!(e.contains("nobody"), "{e}");
    }
}
