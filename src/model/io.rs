//! Reading and writing model files (TOML), with every problem traced to its line.

use super::validate::{MEMORY_LIMIT_BYTES, validate};
use super::{Model, ModelError, Problem};
use std::path::Path;
use toml::de::{DeTable, DeValue};

impl Model {
    /// Parses and validates a model from TOML text. `source_name` names it in messages.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Model, ModelError> {
        Self::from_toml_with_limit(text, source_name, MEMORY_LIMIT_BYTES)
    }

    /// As [`Model::from_toml`], refusing networks estimated to need more than `memory_limit` bytes.
    pub fn from_toml_with_limit(
        text: &str,
        source_name: &str,
        memory_limit: u64,
    ) -> Result<Model, ModelError> {
        let invalid = |problems| ModelError::Invalid { source_name: source_name.to_string(), problems };
        let model: Model = toml::from_str(text).map_err(|e| {
            invalid(vec![Problem {
                key: String::new(),
                line: e.span().map(|span| line_of(text, span.start)),
                message: e.message().trim().to_string(),
            }])
        })?;
        let mut problems = validate(&model, memory_limit);
        if problems.is_empty() {
            return Ok(model);
        }
        if let Ok(table) = DeTable::parse(text) {
            let root = toml::Spanned::new(table.span(), DeValue::Table(table.into_inner()));
            for problem in &mut problems {
                problem.line = locate(&root, &problem.key).map(|start| line_of(text, start));
            }
        }
        Err(invalid(problems))
    }

    /// Reads, parses and validates a model file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ModelError::Io { path: path.to_path_buf(), source })?;
        Model::from_toml(&text, &path.display().to_string())
    }

    /// Checks a model built in code or edited in the GUI; problems carry key paths, not lines.
    pub fn validate(&self) -> Result<(), ModelError> {
        let problems = validate(self, MEMORY_LIMIT_BYTES);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ModelError::Invalid { source_name: format!("model \"{}\"", self.name), problems })
        }
    }

    /// The model as TOML text; loading it gives back an equal model.
    pub fn to_toml(&self) -> String {
        // Every field of Model is a string, number, table or array, which TOML can always hold.
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# could not write model: {e}\n"))
    }

    /// Writes the model to a file.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        std::fs::write(path, self.to_toml())
            .map_err(|source| ModelError::Io { path: path.to_path_buf(), source })
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Byte offset of the deepest part of `key` (like `populations[1].params.tau_m`) found in the file.
fn locate(root: &toml::Spanned<DeValue<'_>>, key: &str) -> Option<usize> {
    let mut node = root;
    let mut found = None;
    for part in key.split('.').filter(|p| !p.is_empty()) {
        let (name, indices) = part.split_once('[').map_or((part, ""), |(n, rest)| (n, rest));
        let Some(next) = node.get_ref().get(name) else { return found };
        node = next;
        found = Some(node.span().start);
        for index in indices.split('[').filter_map(|s| s.trim_end_matches(']').parse::<usize>().ok()) {
            let Some(next) = node.get_ref().get(index) else { return found };
            node = next;
            found = Some(node.span().start);
        }
    }
    found
}
