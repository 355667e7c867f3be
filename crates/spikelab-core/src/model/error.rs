//! Errors from reading and checking a model, each naming the file, the line and the key.

use super::text::one_line;
use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a model (or, for [`super::Model::warnings`], one thing that is probably
/// not what was meant), and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Key path in the file, like `populations[1].params.tau_m`; empty when it concerns the
    /// whole file (a file that is not UTF-8 text).
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

    /// The problem as one line naming the source: `net.toml:12: populations[0].size: …`
    /// (the form error messages use; warnings can be shown the same way).
    pub fn located(&self, source_name: &str) -> String {
        let key = one_line(&self.key);
        let message = one_line(&self.message);
        match (self.line, key.is_empty()) {
            (Some(line), true) => format!("{source_name}:{line}: {message}"),
            (Some(line), false) => format!("{source_name}:{line}: {key}: {message}"),
            (None, true) => format!("{source_name}: {message}"),
            (None, false) => format!("{source_name}: {key}: {message}"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", one_line(&self.key))?;
        }
        f.write_str(&one_line(&self.message))
    }
}

/// How many problems a rendered error lists before saying how many more there are.
pub const PROBLEMS_SHOWN: usize = 20;

/// Why a model could not be loaded, saved or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read at all (it is missing, a folder, not readable).
    #[error("cannot read {}: {}", path.display(), io_words(cause))]
    Read { path: PathBuf, cause: std::io::Error },
    /// The model could not be written to the file.
    #[error("cannot write {}: {}", path.display(), write_words(path, cause))]
    Write { path: PathBuf, cause: std::io::Error },
    /// The text is not a valid model; every problem found is listed.
    #[error("{}", render(source_name, problems))]
    Invalid {
        /// The file name, or "model" when it did not come from a file.
        source_name: String,
        problems: Vec<Problem>,
    },
}

impl ModelError {
    /// The problems found (all of them, also those the message leaves out); empty for I/O errors.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ModelError::Read { .. } | ModelError::Write { .. } => &[],
            ModelError::Invalid { problems, .. } => problems,
        }
    }
}

/// An I/O error in words, without the operating system's error number.
/// Why a file could not be written: a missing folder is named, since "no such file" is what
/// the system says when the file's folder is missing.
fn write_words(path: &std::path::Path, e: &std::io::Error) -> String {
    match path.parent() {
        Some(dir)
            if e.kind() == std::io::ErrorKind::NotFound && !dir.as_os_str().is_empty() && !dir.exists() =>
        {
            format!("the folder {} does not exist", dir.display())
        }
        _ => io_words(e),
    }
}

fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "there is no such file".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a folder, not a file".into(),
        NotADirectory => "a part of the path is a file, not a folder".into(),
        StorageFull => "the disk is full".into(),
        ReadOnlyFilesystem => "the disk is read-only".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

fn render(source_name: &str, problems: &[Problem]) -> String {
    let mut lines: Vec<String> =
        problems.iter().take(PROBLEMS_SHOWN).map(|p| p.located(source_name)).collect();
    match problems.len().saturating_sub(PROBLEMS_SHOWN) {
        0 => {}
        1 => lines.push("… and 1 more problem".into()),
        more => lines.push(format!("… and {more} more problems")),
    }
    lines.join("\n")
}
