//! Reading and writing model files (TOML), with every problem traced to its line.
//!
//! Reading goes in steps, each of which reports all it finds before the next runs:
//! 1. the bytes must be UTF-8 text (else: the line and byte where they stop being text);
//! 2. explicit synapse lists in the plain form are read compactly (see [`super::lean`]);
//! 3. the rest is parsed as TOML (syntax errors: [`super::syntax`]);
//! 4. every key is checked against the file's shape ([`super::schema`]): unknown, missing and
//!    mistyped keys, with their key paths;
//! 5. serde builds the [`Model`], and [`validate`] checks units, ranges, names and size.
//!
//! Lines are found once per file through a [`LineIndex`], and key paths through the parsed
//! table, so that reporting many problems costs little more than finding them.

use super::lean;
use super::schema::Walker;
use super::syntax;
use super::text::{LineIndex, Segment, quote, split_key};
use super::validate::{EXPLICIT_SYNAPSE_BYTES, memory_limit_bytes, validate};
use super::{Connect, Model, ModelError, Problem, Projection};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Bytes the `toml` crate needs per byte of text while it parses (its tokens, events and
/// tree), measured on explicit synapse lists written out in full: 2.1 GB for 32 MB.
const PARSE_BYTES_PER_TEXT_BYTE: u64 = 70;

impl Model {
    /// Parses and validates a model from TOML text. `source_name` names it in messages.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Model, ModelError> {
        Self::from_toml_with_limit(text, source_name, memory_limit_bytes())
    }

    /// As [`Model::from_toml`], refusing networks estimated to need more than `memory_limit` bytes.
    pub fn from_toml_with_limit(
        text: &str,
        source_name: &str,
        memory_limit: u64,
    ) -> Result<Model, ModelError> {
        Ok(read(text, source_name, memory_limit, true, None)?.model)
    }

    /// As [`Model::from_toml`], also returning the model's [warnings](Model::warnings) with the
    /// lines they refer to.
    pub fn from_toml_with_warnings(
        text: &str,
        source_name: &str,
    ) -> Result<(Model, Vec<Problem>), ModelError> {
        let read = read(text, source_name, memory_limit_bytes(), true, None)?;
        let mut warnings = read.model.warnings();
        read.locate(&mut warnings);
        Ok((read.model, warnings))
    }

    /// As [`Model::from_toml`] for the bytes of a file, which must be UTF-8 text; when they are
    /// not, the error gives the line and byte where they stop being text.
    pub fn from_toml_bytes(bytes: &[u8], source_name: &str) -> Result<Model, ModelError> {
        Model::from_toml(utf8(bytes, source_name)?, source_name)
    }

    /// The reference reader, without the compact reading of synapse lists: the same results,
    /// slower for long lists. For tests that compare the two.
    #[doc(hidden)]
    pub fn from_toml_reference(
        text: &str,
        source_name: &str,
        memory_limit: u64,
    ) -> Result<Model, ModelError> {
        Ok(read(text, source_name, memory_limit, false, None)?.model)
    }

    /// Reads, parses and validates a model file. The data files it names (datasets, event
    /// files, weight matrices) are found from the file's folder when their paths are relative.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        Ok(Model::load_with_warnings(path)?.0)
    }

    /// As [`Model::load`], also returning the model's [warnings](Model::warnings) with their lines.
    pub fn load_with_warnings(path: &Path) -> Result<(Model, Vec<Problem>), ModelError> {
        let bytes =
            std::fs::read(path).map_err(|cause| ModelError::Read { path: path.to_path_buf(), cause })?;
        let name = path.display().to_string();
        let folder = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
        let read = read(utf8(&bytes, &name)?, &name, memory_limit_bytes(), true, folder)?;
        let mut warnings = read.model.warnings();
        read.locate(&mut warnings);
        Ok((read.model, warnings))
    }

    /// Checks a model built in code or edited in the GUI; problems carry key paths, not lines.
    pub fn validate(&self) -> Result<(), ModelError> {
        let problems = validate(self, memory_limit_bytes());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ModelError::Invalid { source_name: format!("model {}", quote(&self.name)), problems })
        }
    }

    /// The model as TOML text; loading it gives back an equal model.
    ///
    /// Explicit synapse lists are written one synapse per line, `{ pre = 0, post = 1, weight =
    /// "5 pA" }`, the form that is read back compactly (the `toml` crate would write each as a
    /// `[[projections.connect.synapses]]` table of four lines, which takes 2 KB per synapse to
    /// read again).
    pub fn to_toml(&self) -> String {
        let write = |m: &Model| {
            // Every field of Model is a string, number, table or array, which TOML can always hold.
            toml::to_string_pretty(m).unwrap_or_else(|e| format!("# could not write model: {e}\n"))
        };
        if self.projections.iter().all(|p| p.connect.synapses.is_empty()) {
            return write(self);
        }
        let bare = self.without_synapse_lists();
        let text = write(&bare);
        const HEADER: &str = "[projections.connect]\n";
        let starts: Vec<usize> = text
            .match_indices(HEADER)
            .map(|(i, _)| i)
            .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
            .collect();
        if starts.len() != self.projections.len() {
            // Not the layout this expects: the plain form is longer to read, but right.
            return write(self);
        }
        let mut out = String::with_capacity(
            text.len() + 40 * self.projections.iter().map(|p| p.connect.synapses.len()).sum::<usize>(),
        );
        let mut at = 0;
        for (proj, start) in self.projections.iter().zip(starts) {
            let after = start + HEADER.len();
            out.push_str(&text[at..after]);
            at = after;
            if proj.connect.synapses.is_empty() {
                continue;
            }
            out.push_str("synapses = [\n");
            for s in &proj.connect.synapses {
                let _ = write!(out, "    {{ pre = {}, post = {}", s.pre, s.post);
                for (key, q) in [("weight", &s.weight), ("delay", &s.delay)] {
                    match q {
                        Some(q) if q.unit == super::Unit::One => {
                            let _ = write!(out, ", {key} = {}", toml::Value::Float(q.value));
                        }
                        Some(q) => {
                            let _ = write!(out, ", {key} = \"{q}\"");
                        }
                        None => {}
                    }
                }
                out.push_str(" },\n");
            }
            out.push_str("]\n");
        }
        out.push_str(&text[at..]);
        out
    }

    /// A copy of the model with its explicit synapse lists left empty (without copying them).
    fn without_synapse_lists(&self) -> Model {
        let projections = self
            .projections
            .iter()
            .map(|p| Projection {
                name: p.name.clone(),
                pre: p.pre.clone(),
                post: p.post.clone(),
                receptor: p.receptor,
                connect: Connect {
                    rule: p.connect.rule,
                    p: p.connect.p,
                    indegree: p.connect.indegree,
                    synapses: Vec::new(),
                    weights: p.connect.weights.clone(),
                },
                weight: p.weight,
                delay: p.delay,
                autapses: p.autapses,
                stdp: p.stdp.clone(),
                stp: p.stp.clone(),
            })
            .collect();
        Model {
            name: self.name.clone(),
            description: self.description.clone(),
            simulation: self.simulation.clone(),
            populations: self.populations.clone(),
            projections,
            inputs: self.inputs.clone(),
            recorders: self.recorders.clone(),
            weight_recorders: self.weight_recorders.clone(),
            layout: self.layout.clone(),
        }
    }

    /// Writes the model to a file. Data files in the file's folder (or below it) are named
    /// relative to it, so that the folder can be moved or shared whole.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let mut m = self.clone();
        if let Some(folder) = path
            .parent()
            .and_then(|p| std::path::absolute(if p.as_os_str().is_empty() { Path::new(".") } else { p }).ok())
        {
            for file in m.data_files_mut() {
                if let Ok(rest) = std::path::absolute(Path::new(file.as_str()))
                    .map(|a| a.strip_prefix(&folder).map(Path::to_path_buf))
                    && let Ok(rest) = rest
                {
                    *file = rest.to_string_lossy().into_owned();
                }
            }
        }
        std::fs::write(path, m.to_toml())
            .map_err(|cause| ModelError::Write { path: path.to_path_buf(), cause })
    }

    /// The paths of the data files it reads: datasets and their labels, event files, weight
    /// matrices.
    pub fn data_files_mut(&mut self) -> Vec<&mut String> {
        let mut out = Vec::new();
        for input in &mut self.inputs {
            match &mut input.stimulus {
                super::Stimulus::Dataset { dataset, labels, .. } => {
                    if dataset != "digits" {
                        out.push(dataset);
                    }
                    out.extend(labels.as_mut());
                }
                super::Stimulus::Events { file, .. } => out.push(file),
                _ => {}
            }
        }
        for p in &mut self.projections {
            out.extend(p.connect.weights.as_mut());
        }
        out
    }
}

/// The bytes as text, or a problem naming the line and byte where they stop being UTF-8.
fn utf8<'b>(bytes: &'b [u8], source_name: &str) -> Result<&'b str, ModelError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |nl| nl + 1);
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let end = (at + e.error_len().unwrap_or(1)).min(bytes.len());
        let bad: Vec<String> = bytes[at..end].iter().map(|b| format!("0x{b:02X}")).collect();
        let before = String::from_utf8_lossy(&bytes[line_start..at]);
        let before: String = before.chars().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let message = if utf16 {
            "the file is saved as UTF-16 text; save it as UTF-8 (in most editors: Save As, Encoding: UTF-8)".to_string()
        } else {
            format!(
                "byte {} of this line ({}{}) is not UTF-8 text{}; save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)",
                at - line_start + 1,
                bad.join(" "),
                if e.error_len().is_none() { ", where the file ends" } else { "" },
                if before.is_empty() { String::new() } else { format!(", after {}", quote(&before)) },
            )
        };
        ModelError::Invalid {
            source_name: source_name.to_string(),
            problems: vec![Problem { key: String::new(), line: Some(line), message }],
        }
    })
}

/// A model read from text, with what is needed to find the lines of problems found later.
struct Read<'t> {
    model: Model,
    text: &'t str,
    /// The text the TOML parser saw: synapse lists read compactly are blanked out.
    parsed: Cow<'t, str>,
    /// Compact lists: the projection each belongs to, its `[` offset and each synapse's `{`.
    lean: Vec<(usize, usize, Vec<u32>)>,
}

impl Read<'_> {
    fn locate(&self, problems: &mut [Problem]) {
        if problems.is_empty() {
            return;
        }
        let lines = LineIndex::new(self.text);
        locate(self.text, &self.parsed, &self.lean, &lines, problems);
    }
}

fn read<'t>(
    text: &'t str,
    source_name: &str,
    memory_limit: u64,
    compact: bool,
    folder: Option<&Path>,
) -> Result<Read<'t>, ModelError> {
    let invalid = |problems| ModelError::Invalid { source_name: source_name.to_string(), problems };
    let max_synapses = (memory_limit / EXPLICIT_SYNAPSE_BYTES).min(usize::MAX as u64) as usize;
    let lists = if compact { lean::scan(text, max_synapses) } else { Vec::new() };
    let parsed: Cow<'_, str> =
        if lists.is_empty() { Cow::Borrowed(text) } else { Cow::Owned(lean::blank(text, &lists)) };

    // The toml crate needs far more memory than the text; refuse before it takes it.
    let compact_bytes: usize = lists.iter().map(|l| l.end - l.start).sum();
    let parse_bytes = (text.len() - compact_bytes) as u64 * PARSE_BYTES_PER_TEXT_BYTE;
    if parse_bytes > memory_limit {
        return Err(invalid(vec![Problem {
            key: String::new(),
            line: Some(1),
            message: format!(
                "this file is {:.0} MB; reading it would need about {:.1} GB, more than the limit of {:.1} GB. Long synapse lists are read compactly when written as {{ pre = 0, post = 1, weight = \"5 pA\", delay = \"1 ms\" }} (whole numbers, quantities in quotes)",
                text.len() as f64 / 1e6,
                parse_bytes as f64 / 1e9,
                memory_limit as f64 / 1e9
            ),
        }]));
    }

    let (table, errors) = DeTable::parse_recoverable(&parsed);
    if !errors.is_empty() {
        let lines = LineIndex::new(text);
        return Err(invalid(syntax::syntax_problems(text, &errors, &lines)));
    }

    let starts: Vec<usize> = lists.iter().map(|l| l.start).collect();
    let mut walker = Walker::new(&starts);
    walker.model(table.get_ref());
    // Each compact list must be a projection's connect.synapses; if one is anywhere else, the
    // plain reading words what is wrong with it.
    let mut owners = Vec::with_capacity(lists.len());
    for list in &lists {
        let owner = walker
            .lean_paths
            .iter()
            .find(|(start, _)| *start == list.start)
            .and_then(|(_, path)| projection_of_synapse_list(path));
        match owner {
            Some(k) => owners.push(k),
            None => return read(text, source_name, memory_limit, false, folder),
        }
    }
    let mut found = walker.found;
    for (list, &k) in lists.iter().zip(&owners) {
        if list.listed > list.synapses.len() {
            found.push(super::schema::Found {
                offset: list.starts.last().map_or(list.start, |&s| s as usize),
                problem: Problem::new(
                    format!("projections[{k}].connect.synapses"),
                    format!(
                        "this list has {} synapses; loading and building more than {} needs more than the limit of {:.1} GB",
                        list.listed,
                        list.synapses.len(),
                        memory_limit as f64 / 1e9
                    ),
                ),
            });
        }
    }
    if !found.is_empty() {
        let lines = LineIndex::new(text);
        found.sort_by_key(|f| f.offset);
        let problems =
            found.into_iter().map(|f| Problem { line: Some(lines.line(f.offset)), ..f.problem }).collect();
        return Err(invalid(problems));
    }

    let mut model = match Model::deserialize(toml::de::Deserializer::from(table)) {
        Ok(model) => model,
        Err(e) => {
            let lines = LineIndex::new(text);
            return Err(invalid(vec![syntax::serde_problem(&e, text, &lines)]));
        }
    };
    let mut lean = Vec::with_capacity(lists.len());
    for (list, k) in lists.into_iter().zip(owners) {
        if let Some(projection) = model.projections.get_mut(k) {
            projection.connect.synapses = list.synapses;
            lean.push((k, list.start, list.starts));
        }
    }

    // Relative data paths are the model file's folder's.
    if let Some(folder) = folder {
        for file in model.data_files_mut() {
            if Path::new(file.as_str()).is_relative() {
                *file = folder.join(file.as_str()).to_string_lossy().into_owned();
            }
        }
    }
    let read = Read { model, text, parsed, lean };
    let mut problems = validate(&read.model, memory_limit);
    if problems.is_empty() {
        return Ok(read);
    }
    read.locate(&mut problems);
    Err(invalid(problems))
}

/// Reads another kind of TOML file (a training configuration) as model files are read:
/// syntax errors, then serde's (unknown keys, wrong types), then `check`'s problems by key
/// path, each given its line.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    source_name: &str,
    check: impl FnOnce(&T) -> Vec<Problem>,
) -> Result<T, ModelError> {
    let invalid = |problems| ModelError::Invalid { source_name: source_name.to_string(), problems };
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let lines = LineIndex::new(text);
        return Err(invalid(syntax::syntax_problems(text, &errors, &lines)));
    }
    let value = T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| {
        let lines = LineIndex::new(text);
        invalid(vec![syntax::serde_problem(&e, text, &lines)])
    })?;
    let mut problems = check(&value);
    if problems.is_empty() {
        return Ok(value);
    }
    locate(text, text, &[], &LineIndex::new(text), &mut problems);
    Err(invalid(problems))
}

/// `k` for a key path `projections[k].connect.synapses`.
fn projection_of_synapse_list(path: &str) -> Option<usize> {
    match split_key(path).as_slice() {
        [Segment::Key(p), Segment::Index(k), Segment::Key(c), Segment::Key(s)]
            if p == "projections" && c == "connect" && s == "synapses" =>
        {
            Some(*k)
        }
        _ => None,
    }
}

/// Fills in the line of each problem from its key path: the deepest part of the path that is in
/// the file. Problems whose key is empty are about the whole file and get none.
fn locate(
    text: &str,
    parsed: &str,
    lean: &[(usize, usize, Vec<u32>)],
    lines: &LineIndex,
    problems: &mut [Problem],
) {
    let Ok(table) = DeTable::parse(parsed) else { return };
    let root = Spanned::new(table.span(), DeValue::Table(table.into_inner()));
    for problem in problems.iter_mut().filter(|p| p.line.is_none() && !p.key.is_empty()) {
        let offset = offset_of(text, &root, lean, &split_key(&problem.key));
        problem.line = Some(offset.map_or(1, |o| lines.line(o)));
    }
}

/// Byte offset of the deepest part of a key path found in the file.
fn offset_of(
    text: &str,
    root: &Spanned<DeValue<'_>>,
    lean: &[(usize, usize, Vec<u32>)],
    path: &[Segment],
) -> Option<usize> {
    let mut node = root;
    let mut found = None;
    for (depth, segment) in path.iter().enumerate() {
        let next = match segment {
            Segment::Key(key) => node.get_ref().get(key.as_str()),
            Segment::Index(i) => node.get_ref().get(*i),
        };
        match next {
            Some(next) => {
                node = next;
                found = Some(node.span().start);
            }
            None => {
                // A synapse of a compact list: the list is empty in the table, so look it up.
                if let Segment::Index(j) = segment
                    && let Some((_, _, starts)) = lean.iter().find(|(_, start, _)| Some(*start) == found)
                {
                    let start = *starts.get(*j)? as usize;
                    return match path.get(depth + 1) {
                        Some(Segment::Key(field)) => lean::field_offset(text, start, field).or(Some(start)),
                        _ => Some(start),
                    };
                }
                return found;
            }
        }
    }
    found
}
