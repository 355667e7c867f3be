//! Errors from reading and checking a model, each naming the file, the line and the key.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a model, and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Key path in the file, like `populations[1].params.tau_m`; empty for syntax errors.
    pub key: String,
    /// 1-based line in the file, when the model came from text.
    pub line: Option<usize>,
    /// What is wrong, in words a student understands.
    pub message: String,
}

impl Problem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { key: key.into(), line: None, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a model could not be loaded, saved or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render(source_name, problems))]
    Invalid {
        /// The file name, or "model" when it did not come from a file.
        source_name: String,
        problems: Vec<Problem>,
    },
}

impl ModelError {
    /// The problems found, empty for I/O errors.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ModelError::Io { .. } => &[],
            ModelError::Invalid { problems, .. } => problems,
        }
    }
}

fn render(source_name: &str, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| match p.line {
            Some(line) if p.key.is_empty() => format!("{source_name}:{line}: {}", p.message),
            Some(line) => format!("{source_name}:{line}: {}: {}", p.key, p.message),
            None if p.key.is_empty() => format!("{source_name}: {}", p.message),
            None => format!("{source_name}: {}: {}", p.key, p.message),
        })
        .collect();
    lines.join("\n")
}
