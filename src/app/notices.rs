//! Notices: everything the window tells the user, in one place and shown one way. Information
//! goes to the status bar and fades. Warnings and errors stay in the banner until they are
//! dismissed or replaced. A refused edit is shown where it was made: under the inspector's item
//! if it came from there, in the banner otherwise.

use super::Selection;
use std::time::Instant;

/// How long information stays in the status bar, s.
const STATUS_S: f64 = 8.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Warning,
    Error,
}

/// A message in the status bar.
#[derive(Clone, Debug)]
pub struct Notice {
    pub text: String,
    at: Instant,
}

#[derive(Default)]
pub struct Notices {
    banner: Option<(Level, String)>,
    status: Option<Notice>,
    /// Why the last edit of the inspector's item was refused.
    refused_item: Option<String>,
}

impl Notices {
    /// Information for the status bar.
    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Notice { text: text.into(), at: Instant::now() });
    }

    /// Something allowed but probably not meant (model warnings, a population firing at the
    /// step rate).
    pub fn warn(&mut self, text: impl Into<String>) {
        self.banner = Some((Level::Warning, format!("Warning: {}", text.into())));
    }

    /// Something that failed (a file, the engine); what the user had is unchanged.
    pub fn error(&mut self, text: impl Into<String>) {
        self.banner = Some((Level::Error, text.into()));
    }

    /// An edit refused, and why: from the inspector's item `origin`, or from elsewhere.
    pub fn refused(&mut self, origin: Option<Selection>, why: &str) {
        match origin {
            Some(_) => self.refused_item = Some(why.to_string()),
            None => self.error(format!("That edit was refused: {}", why.replace('\n', "; "))),
        }
    }

    /// The inspector's item changed, or its edit was taken: its refusal is over.
    pub fn clear_item(&mut self) {
        self.refused_item = None;
    }

    /// A new model: nothing said about the old one still holds.
    pub fn clear(&mut self) {
        self.banner = None;
        self.refused_item = None;
    }

    pub fn dismiss_banner(&mut self) {
        self.banner = None;
    }

    pub fn banner(&self) -> Option<(Level, &str)> {
        self.banner.as_ref().map(|(level, text)| (*level, text.as_str()))
    }

    pub fn status(&self) -> Option<&Notice> {
        self.status.as_ref()
    }

    /// The status text, while it is still shown.
    pub fn current_status(&self) -> Option<&Notice> {
        self.status.as_ref().filter(|n| n.at.elapsed().as_secs_f64() < STATUS_S)
    }

    pub fn refused_item(&self) -> Option<&str> {
        self.refused_item.as_deref()
    }
}
