//! Diagnostics for people and machines: rustc-style text, JSON lines, GitHub workflow commands.

use serde_json::json;

use crate::diagnostic::{Diagnostic, Location, Severity};

/// How `check` (and the other commands) print diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Like rustc's, coloured on a terminal.
    #[default]
    Human,
    /// One JSON object per line, with stable field names.
    Json,
    /// GitHub Actions workflow commands, shown inline on pull requests.
    Github,
}

/// One diagnostic in the given format, ending with a newline.
pub fn render(d: &Diagnostic, format: Format) -> String {
    match format {
        Format::Human => d.render_styled(),
        Format::Json => format!("{}\n", json(d)),
        Format::Github => format!("{}\n", github(d)),
    }
}

fn location_json(loc: &Location) -> serde_json::Value {
    json!({
        "file": loc.file.to_string_lossy().replace('\\', "/"),
        "line": loc.line,
        "column": loc.col,
        "end_column": loc.col + loc.len,
    })
}

/// The JSON form. Fields: severity, code, name, message, file, line, column, end_column,
/// help, related (locations), replacement (for suggestions: the exact text to write).
pub fn json(d: &Diagnostic) -> serde_json::Value {
    let mut value = json!({
        "severity": d.severity().label(),
        "code": d.code.id(),
        "name": d.code.name(),
        "message": d.message,
        "file": null,
        "line": null,
        "column": null,
        "end_column": null,
        "help": d.help,
        "related": d.related.iter().map(location_json).collect::<Vec<_>>(),
        "replacement": d.replacement.as_ref().map(|r| r.text.clone()),
    });
    if let (Some(loc), Some(map)) = (d.location.as_deref(), value.as_object_mut())
        && let serde_json::Value::Object(fields) = location_json(loc)
    {
        map.extend(fields);
    }
    value
}

/// `::error file=…,line=…,col=…,endColumn=…,title=…::message` (see GitHub's "workflow commands").
pub fn github(d: &Diagnostic) -> String {
    let command = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "notice",
    };
    let mut props = Vec::new();
    if let Some(loc) = d.location.as_deref() {
        props.push(format!(
            "file={}",
            escape_property(&loc.file.to_string_lossy())
        ));
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.col));
        props.push(format!("endColumn={}", loc.col + loc.len));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", d.code.id(), d.code.name()))
    ));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
}

/// Control and bidi characters from the content are shown escaped, as in the human format:
/// a workflow log is read on a terminal too.
fn escape_data(s: &str) -> String {
    crate::diagnostic::printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// "2 errors, 1 warning" (empty parts left out).
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity() == s).count();
    let parts: Vec<String> = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (count(Severity::Suggestion), "suggestion", "suggestions"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn workflow_commands_show_control_characters_escaped() {
        let d = crate::diagnostic::Diagnostic::new(
            crate::diagnostic::Code::UnknownEntity,
            "unknown entity `ir\u{1b}[31man`",
            None,
        );
        let line = super::github(&d);
        assert!(!line.contains('\u{1b}'), "{line:?}");
        assert!(line.contains("ir\\u{1b}[31man"), "{line:?}");
    }

    use super::*;
    use crate::diagnostic::{Code, locate};
    use std::path::Path;

    fn sample() -> Diagnostic {
        let text = "a [[alepo]], b\n";
        Diagnostic::at(
            Code::UnknownEntity,
            "unknown entity `alepo`",
            locate(Path::new("c/a,b.md"), text, 2, 11),
        )
        .with_help("did you mean `aleppo`?\n100%")
    }

    #[test]
    fn github_commands_escape_their_parts() {
        assert_eq!(
            github(&sample()),
            "::error file=c/a%2Cb.md,line=1,col=3,endColumn=12,title=E0003 unknown-entity::unknown entity `alepo`%0Ahelp: did you mean `aleppo`?%0A100%25"
        );
    }

    #[test]
    fn json_has_stable_fields() {
        let v = json(&sample());
        assert_eq!(v["code"], "E0003");
        assert_eq!(v["name"], "unknown-entity");
        assert_eq!(v["severity"], "error");
        assert_eq!(v["file"], "c/a,b.md");
        assert_eq!(
            (
                v["line"].as_u64(),
                v["column"].as_u64(),
                v["end_column"].as_u64()
            ),
            (Some(1), Some(3), Some(12))
        );
        assert!(v["replacement"].is_null());
    }

    #[test]
    fn summaries() {
        let w = Diagnostic::new(Code::Draft, "a draft", None);
        assert_eq!(summary(&[sample(), sample(), w]), "2 errors, 1 warning");
        assert_eq!(summary(&[]), "");
    }
}
