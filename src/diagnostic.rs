//! Typed problems with exact source locations, rendered like rustc.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors stop a build; warnings do not; suggestions are offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Worth fixing; `check --deny-warnings` fails on it.
    Warning,
    /// An offer, such as an annotation `depeche annotate` can add.
    Suggestion,
}

impl Severity {
    /// The word shown before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $id:literal, $name:literal, $severity:ident;)*) => {
        /// Every kind of problem depeche reports. Ids and names are stable: editors and CI
        /// scripts match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum Code {
            $(#[doc = concat!("`", $id, "` `", $name, "`")] $variant,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable id (`E0001`).
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            /// The stable name (`invalid-utf8`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// Errors, warnings and suggestions are told apart by their code.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }
        }
    };
}

codes! {
    InvalidUtf8 => "E0001", "invalid-utf8", Error;
    YamlSyntax => "E0002", "yaml-syntax", Error;
    UnknownEntity => "E0003", "unknown-entity", Error;
    MissingField => "E0004", "missing-field", Error;
    InvalidDate => "E0005", "invalid-date", Error;
    UnclosedAnnotation => "E0006", "unclosed-annotation", Error;
    EmptyAnnotation => "E0007", "empty-annotation", Error;
    UnknownRelationTarget => "E0008", "unknown-relation-target", Error;
    MissingName => "E0009", "missing-name", Error;
    InvalidWikidata => "E0010", "invalid-wikidata", Error;
    InvalidCoordinates => "E0011", "invalid-coordinates", Error;
    InvalidSlug => "E0012", "invalid-slug", Error;
    DuplicateOutput => "E0013", "duplicate-output", Error;
    InvalidConfig => "E0014", "invalid-config", Error;
    MissingFrontMatter => "E0015", "missing-front-matter", Error;
    InvalidFileName => "E0016", "invalid-file-name", Error;
    UnknownLanguage => "E0017", "unknown-language", Error;
    MissingTranslationFile => "E0018", "missing-translation-file", Error;
    UnsafeOutputDir => "E0019", "unsafe-output-dir", Error;
    Unreadable => "E0020", "unreadable-file", Error;
    Template => "E0021", "template-error", Error;
    BrokenLink => "E0022", "broken-link", Error;
    OutputNotOwned => "E0023", "output-not-owned", Error;
    TooManyErrors => "E0024", "too-many-errors", Error;
    TooDeep => "E0025", "too-deep", Error;
    UnsafeUrl => "E0026", "unsafe-url", Error;
    LinkOutsideSite => "E0027", "link-outside-site", Error;
    TooLarge => "E0028", "too-large", Error;
    ChangedDuringBuild => "E0029", "changed-during-build", Error;
    WriteFailed => "E0030", "write-failed", Error;
    DuplicateEntity => "E0031", "duplicate-entity", Error;
    UnknownField => "E0032", "unknown-field", Error;
    InvalidValue => "E0033", "invalid-value", Error;
    MissingImage => "E0034", "missing-image", Error;
    UnknownReference => "E0035", "unknown-reference", Error;
    InvalidFeed => "E0036", "invalid-feed", Error;
    OverHostLimit => "E0037", "over-host-limit", Error;
    SymlinkOutsideSite => "W0001", "symlink-outside-site", Warning;
    MissingTranslation => "W0002", "missing-translation", Warning;
    AnnotationParity => "W0003", "annotation-parity", Warning;
    UnusedEntity => "W0004", "unused-entity", Warning;
    MissingWikidata => "W0005", "missing-wikidata", Warning;
    MissingCoordinates => "W0006", "missing-coordinates", Warning;
    Draft => "W0007", "draft", Warning;
    EmptyBody => "W0008", "empty-body", Warning;
    CommentInValue => "W0009", "comment-in-value", Warning;
    Placeholder => "W0010", "placeholder", Warning;
    HtmlDropped => "W0011", "html-dropped", Warning;
    DateMismatch => "W0012", "date-mismatch", Warning;
    FutureDate => "W0013", "future-date", Warning;
    CnameMismatch => "W0014", "cname-mismatch", Warning;
    UnknownUiString => "W0015", "unknown-ui-string", Warning;
    FrontMatterInProse => "W0016", "front-matter-in-prose", Warning;
    UnreadFile => "W0017", "unread-file", Warning;
    MissingAlt => "W0018", "missing-alt", Warning;
    Undated => "W0019", "undated", Warning;
    Unsourced => "W0020", "unsourced", Warning;
    AmbiguousAlias => "W0021", "ambiguous-alias", Warning;
    FactsDisagree => "W0022", "facts-disagree", Warning;
    NearHostLimit => "W0023", "near-host-limit", Warning;
    AnnotationInValue => "W0024", "annotation-in-value", Warning;
    LinkNotPublished => "W0025", "link-not-published", Warning;
    UnannotatedMention => "S0001", "unannotated-mention", Suggestion;
    AmbiguousMention => "S0002", "ambiguous-mention", Suggestion;
    NoAgency => "S0003", "no-agency", Suggestion;
}

/// A place in a source file: 1-based line and column (in characters), plus the span's length
/// so the caret can underline it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, relative to the site's root.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// How many characters the span covers.
    pub len: usize,
    /// The part of the line shown under the location: the whole line when short, else about
    /// 100 characters around the span with `...` where it was cut, so that a diagnostic on a
    /// line of megabytes stays small.
    pub line_text: String,
    /// The 1-based column, in `line_text`, where the span starts.
    pub text_col: usize,
}

impl Location {
    /// A location that names a file but no position in it (e.g. a file that could not be read).
    pub(crate) fn file_only(file: impl Into<PathBuf>) -> Self {
        Location {
            file: file.into(),
            line: 1,
            col: 1,
            len: 0,
            line_text: String::new(),
            text_col: 1,
        }
    }

    /// A location on `line`, whose full text is `full_line`, at 1-based character column `col`.
    pub(crate) fn on_line(
        file: impl Into<PathBuf>,
        line: usize,
        col: usize,
        len: usize,
        full_line: &str,
    ) -> Self {
        let (line_text, text_col) = window(full_line, col.saturating_sub(1), len.max(1));
        Location {
            file: file.into(),
            line,
            col,
            len,
            line_text,
            text_col: text_col + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// Every problem a step found, in order. One diagnostic converts into it, so `?` carries a
/// single problem out of a function that reports many.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl Diagnostics {
    /// What a file read as, when it read without a problem; its problems otherwise.
    pub(crate) fn unless_any<T>(
        (value, problems): (Option<T>, Vec<Diagnostic>),
    ) -> Result<T, Diagnostics> {
        match value {
            Some(value) if problems.is_empty() => Ok(value),
            _ => Err(problems.into()),
        }
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(all: Vec<Diagnostic>) -> Self {
        Diagnostics(all)
    }
}

impl From<Diagnostics> for Vec<Diagnostic> {
    fn from(all: Diagnostics) -> Self {
        all.0
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = Vec<Diagnostic>;

    fn deref(&self) -> &Vec<Diagnostic> {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostics {
    fn deref_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// One problem found in the site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// What kind of problem it is.
    pub code: Code,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Where, when the problem is in a file.
    pub location: Option<Box<Location>>,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places involved (e.g. every file that writes the same output path).
    pub related: Vec<Location>,
    /// For suggestions: the exact text that should replace the located span.
    pub replacement: Option<Box<Replacement>>,
}

/// A machine-applicable fix: replace bytes `start..end` of `file` with `text`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Replacement {
    /// The file to edit.
    pub file: PathBuf,
    /// First byte replaced.
    pub start: usize,
    /// Byte after the last one replaced.
    pub end: usize,
    /// What replaces them.
    pub text: String,
}

impl Diagnostic {
    /// A problem, perhaps in a file.
    pub fn new(code: Code, message: impl Into<String>, location: Option<Location>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            location: location.map(Box::new),
            help: None,
            related: Vec::new(),
            replacement: None,
        }
    }

    /// A problem at a place in a file.
    pub fn at(code: Code, message: impl Into<String>, location: Location) -> Self {
        Self::new(code, message, Some(location))
    }

    /// Adds what to do about it.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a machine-applicable fix.
    pub(crate) fn with_replacement(
        mut self,
        file: impl Into<PathBuf>,
        start: usize,
        end: usize,
        text: impl Into<String>,
    ) -> Self {
        self.replacement = Some(Box::new(Replacement {
            file: file.into(),
            start,
            end,
            text: text.into(),
        }));
        self
    }

    /// Adds the other places involved.
    pub(crate) fn with_related(mut self, related: Vec<Location>) -> Self {
        self.related = related;
        self
    }

    /// Errors, warnings and suggestions are told apart by their code alone.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether it stops the build.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Renders the diagnostic the way rustc does: header, location arrow, source line, caret,
    /// help. Plain text; see [`Diagnostic::render_styled`] for terminals.
    pub fn render(&self) -> String {
        self.render_with(&Styles::plain())
    }

    /// The same, with ANSI colours (`anstream` strips them when not on a terminal).
    pub(crate) fn render_styled(&self) -> String {
        self.render_with(&Styles::colour(self.severity()))
    }

    fn render_with(&self, st: &Styles) -> String {
        let mut out = String::new();
        let (lead, bold, note, reset) = (&st.lead, &st.bold, &st.note, &st.reset);
        let _ = writeln!(
            out,
            "{lead}{}[{}]{reset}{bold}: {} ({}){reset}",
            self.severity().label(),
            self.code.id(),
            printable(&self.message),
            self.code.name()
        );
        for loc in self.location.as_deref().into_iter().chain(&self.related) {
            render_snippet(&mut out, loc, st);
        }
        if let Some(help) = &self.help {
            let help = printable(help);
            let _ = writeln!(out, "   {note}={reset} {bold}help{reset}: {help}");
        }
        out
    }
}

/// `text` as it may be printed to a terminal: control characters (an escape sequence in an
/// entity's name or an article would drive the terminal) are shown as `\u{1b}`, not sent;
/// line breaks and tabs stay. So are the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which reorder what follows them on the line: a message
/// could be made to read as another ("Trojan Source"), and the line and paragraph separators
/// (U+2028, U+2029), which some terminals break lines at. The marks (U+200E, U+200F) stay, as
/// Arabic text uses them and they reorder nothing beyond their neighbours.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FDD0}'..='\u{FDEF}')
            || u32::from(c) & 0xFFFE == 0xFFFE
    };
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// ANSI styles for the parts of a diagnostic; empty strings when plain.
struct Styles {
    lead: String,
    bold: String,
    note: String,
    reset: String,
}

impl Styles {
    fn plain() -> Self {
        Styles {
            lead: String::new(),
            bold: String::new(),
            note: String::new(),
            reset: String::new(),
        }
    }

    fn colour(severity: Severity) -> Self {
        use anstyle::{AnsiColor, Style};
        let colour = match severity {
            Severity::Error => AnsiColor::BrightRed,
            Severity::Warning => AnsiColor::BrightYellow,
            Severity::Suggestion => AnsiColor::BrightCyan,
        };
        let lead = Style::new().bold().fg_color(Some(colour.into()));
        let note = Style::new()
            .bold()
            .fg_color(Some(AnsiColor::BrightBlue.into()));
        Styles {
            lead: lead.render().to_string(),
            bold: Style::new().bold().render().to_string(),
            note: note.render().to_string(),
            reset: anstyle::Reset.render().to_string(),
        }
    }
}

fn render_snippet(out: &mut String, loc: &Location, st: &Styles) {
    let (note, lead, reset) = (&st.note, &st.lead, &st.reset);
    let gutter = loc.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad}{note}-->{reset} {}", printable(&loc.to_string()));
    if loc.line_text.is_empty() {
        return;
    }
    // A tab is shown as `→`, one column wide, so that the caret can stand under it.
    let shown = printable(&loc.line_text).replace('\t', "→");
    // Columns as shown: a character written escaped (`\u{7}`) is as wide as its escape.
    let width = |text: &str| printable(text).chars().count();
    let before: String = loc
        .line_text
        .chars()
        .take(loc.text_col.saturating_sub(1))
        .collect();
    let span: String = loc
        .line_text
        .chars()
        .skip(loc.text_col.saturating_sub(1))
        .take(loc.len)
        .collect();
    let caret_at = width(&before);
    let _ = writeln!(out, "{pad} {note}|{reset}");
    let _ = writeln!(out, "{note}{:>gutter$} |{reset} {shown}", loc.line);
    let indent = " ".repeat(caret_at);
    // Under the line as shown: a span that runs past a line cut short stops at its end.
    let room = shown.chars().count().saturating_sub(caret_at);
    let carets = "^".repeat(width(&span).max(loc.len).min(room).max(1));
    let _ = writeln!(out, "{pad} {note}|{reset} {indent}{lead}{carets}{reset}");
}

/// Prose lines can be paragraphs long: keeps about 100 characters around the span, marking
/// cuts with `...`. Returns the text kept and the span's character offset in it. Linear in the
/// line, whatever its length.
fn window(line: &str, start: usize, len: usize) -> (String, usize) {
    const BEFORE: usize = 40;
    const WIDTH: usize = 100;
    // Cheap test first: a short line is kept whole.
    if line.len() <= WIDTH || line.chars().count() <= WIDTH {
        return (line.to_string(), start);
    }
    let total = line.chars().count();
    let from = start.saturating_sub(BEFORE).min(total);
    let to = (from + WIDTH).max(start + len.min(WIDTH)).min(total);
    let mut shown = String::new();
    let mut caret = start - from;
    if from > 0 {
        shown.push_str("...");
        caret += 3;
    }
    shown.extend(line.chars().skip(from).take(to - from));
    if to < total {
        shown.push_str("...");
    }
    (shown, caret)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Turns a byte range of `text` into a location. Columns count characters, as rustc does.
pub(crate) fn locate(path: &Path, text: &str, start: usize, end: usize) -> Location {
    let start = floor_char_boundary(text, start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..start].bytes().filter(|&b| b == b'\n').count() + 1;
    locate_in_line(path, text, line, line_start, start, end)
}

pub(crate) fn locate_in_line(
    path: &Path,
    text: &str,
    line: usize,
    line_start: usize,
    start: usize,
    end: usize,
) -> Location {
    let end = floor_char_boundary(text, end.clamp(start, text.len()));
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let col = text[line_start..start].chars().count() + 1;
    // Underline at most to the end of the first line of the span.
    let span_end = end.min(line_start + line_text.len()).max(start);
    let len = text[start..span_end].chars().count();
    Location::on_line(path, line, col, len, line_text)
}

pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The closest known name to `wanted`, if any is close enough to be a plausible typo.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A count with thousands separated, as messages give it: `56,264`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count and what it counts, in the messages of the command line (English): `1 file`,
/// `2,345 files`.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_character_columns() {
        let text = "---\ntitle: é\r\n---\nune [[alepo]] ici\n";
        let start = text.find("[[").unwrap();
        let loc = locate(Path::new("a.md"), text, start, start + 9);
        assert_eq!((loc.line, loc.col, loc.len), (4, 5, 9));
        assert_eq!(loc.line_text, "une [[alepo]] ici");
        let e = text.find('é').unwrap();
        let loc = locate(Path::new("a.md"), text, e, e + 2);
        assert_eq!((loc.line, loc.col, loc.len), (2, 8, 1));
        assert_eq!(loc.line_text, "title: é");
    }

    #[test]
    fn renders_like_rustc() {
        let text = "ligne\nune [[alepo]] ici\n";
        let start = text.find("[[").unwrap();
        let d = Diagnostic::at(
            Code::UnknownEntity,
            "unknown entity `alepo`",
            locate(Path::new("content/a.fr.md"), text, start, start + 9),
        )
        .with_help("did you mean `aleppo`?");
        assert_eq!(
            d.render(),
            "error[E0003]: unknown entity `alepo` (unknown-entity)\n  --> content/a.fr.md:2:5\n   |\n 2 | une [[alepo]] ici\n   |     ^^^^^^^^^\n   = help: did you mean `aleppo`?\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}[[alepo]]{}", "a".repeat(150), "b".repeat(150));
        let loc = locate(Path::new("a.md"), &line, 150, 159);
        let out = Diagnostic::at(Code::UnknownEntity, "x", loc).render();
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[3].contains("...") && lines[3].chars().count() < 120,
            "{out}"
        );
        let text_col = lines[3].find("[[alepo]]").unwrap();
        assert_eq!(lines[4].find('^').unwrap(), text_col, "{out}");
    }

    #[test]
    fn the_caret_stands_under_its_character_after_escaped_ones() {
        let line = "More x\u{7} x\u{7} [[nope]]";
        let start = line.find("[[").unwrap();
        let d = Diagnostic::at(
            Code::UnknownEntity,
            "unknown entity",
            locate(Path::new("a.md"), line, start, start + "[[nope]]".len()),
        );
        let out = d.render();
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.iter().find(|l| l.contains("[[nope]]")).unwrap();
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        assert_eq!(carets.find('^'), shown.find("[[nope]]"), "{out}");
        assert_eq!(carets.matches('^').count(), "[[nope]]".len(), "{out}");
    }

    #[test]
    fn suggests_close_names_only() {
        let ids = ["aleppo", "idlib", "hts"];
        assert_eq!(did_you_mean("alepo", ids), Some("aleppo"));
        assert_eq!(did_you_mean("IDLIB", ids), Some("idlib"));
        assert_eq!(did_you_mean("moscow", ids), None);
    }
}
