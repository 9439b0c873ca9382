//! Reading source files: UTF-8 checked, byte-order mark removed, paths shown relative to the site.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Location, floor_char_boundary, locate, locate_in_line};

/// A source file's text, able to turn byte offsets into line/column locations.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// Path relative to the site root, as shown to users.
    pub path: PathBuf,
    /// The text with any byte-order mark removed; line endings untouched.
    pub text: String,
    /// Byte offset of each line's start, computed on the first diagnostic: locating many
    /// problems in a large file stays linear.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceText {
    /// The text of `path` (relative to the site root).
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceText {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// Location of the byte range `start..end` (clamped to the text).
    pub(crate) fn locate(&self, start: usize, end: usize) -> Location {
        let text = &self.text;
        let start = floor_char_boundary(text, start.min(text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= start);
        let line_start = starts[line - 1];
        locate_in_line(&self.path, text, line, line_start, start, end)
    }
}

/// This program's size and time: one rebuilt from other sources may read or annotate files
/// otherwise, so what it kept from an earlier build is not taken as its own.
pub(crate) fn program_stamp() -> Option<String> {
    let meta = std::env::current_exe().ok()?.metadata().ok()?;
    Some(format!("{} {:?}", meta.len(), meta.modified().ok()))
}

/// The path users see: relative to the site root when possible.
pub(crate) fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// `path` as named from `root` when it is under it, as it is otherwise: what a build records
/// of a path stays the same whichever way the site's root was given.
pub(crate) fn within<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}

/// `a/./b/../c` → `a/c`, without touching the file system (the path may not exist yet).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A folder of the site that could not be walked, reported where the walk failed.
pub(crate) fn walk_error(root: &Path, dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let shown = err
        .path()
        .map_or_else(|| dir.to_path_buf(), |p| display_path(root, p));
    Diagnostic::at(
        Code::Unreadable,
        format!("cannot read {}: {err}", shown.display()),
        Location::file_only(shown),
    )
}

/// Does `path`, with every symbolic link resolved, stay inside the site at `root`?
pub(crate) fn stays_inside(root: &Path, path: &Path) -> bool {
    let Ok(root) = root.canonicalize() else {
        return false;
    };
    path.canonicalize().is_ok_and(|real| real.starts_with(root))
}

/// The file of `static/` at `parts` (a path's parts, from static/), found as the site
/// publishes it: never through a symbolic link (static/ is copied without following them),
/// and a part typed composed (NFC) finds a name stored decomposed (NFD, as macOS writes them).
pub(crate) fn static_file(root: &Path, parts: &[&str]) -> Option<PathBuf> {
    use unicode_normalization::UnicodeNormalization;
    if parts.is_empty() {
        return None;
    }
    let mut at = root.join("static");
    for part in parts {
        let direct = at.join(part);
        let found = if std::fs::symlink_metadata(&direct).is_ok() {
            Some(direct)
        } else {
            let wanted: String = part.nfc().collect();
            let same = |e: &std::fs::DirEntry| {
                e.file_name()
                    .to_str()
                    .is_some_and(|name| name.nfc().eq(wanted.chars()))
            };
            std::fs::read_dir(&at)
                .ok()
                .and_then(|d| d.flatten().find(same))
                .map(|entry| entry.path())
        };
        at = found.filter(|path| !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()))?;
    }
    std::fs::symlink_metadata(&at)
        .is_ok_and(|m| m.is_file())
        .then_some(at)
}

/// The error for a folder the site reads whole (`templates/`, `templates/i18n/`, `static/`)
/// that a symbolic link, at the folder or on the way to it, places outside the site:
/// nothing in it is read or published. `None` when it stays inside, or is not there.
pub(crate) fn folder_outside_site(root: &Path, dir: &Path) -> Option<Diagnostic> {
    if !dir.exists() || stays_inside(root, dir) {
        return None;
    }
    let shown = display_path(root, dir);
    Some(
        Diagnostic::at(
            Code::LinkOutsideSite,
            format!(
                "{}/ is reached through a symbolic link to a folder outside the site: nothing in it is read",
                shown.display()
            ),
            Location::file_only(&shown),
        )
        .with_help("copy the folder into the site instead of linking to it"),
    )
}

/// Reads a text file. Invalid UTF-8 is reported at the line and column of the first bad byte.
/// A file reached through a symbolic link that leaves the site is refused: nothing outside the
/// site is ever read into a page, whenever the link appears.
pub fn read(root: &Path, path: &Path) -> Result<SourceText, Diagnostic> {
    read_bytes(root, path).and_then(|(shown, bytes)| decode(shown, bytes))
}

/// A file read again after it was read and checked whole, its text then compared with what
/// was read (an article's body, made again for its page): not scanned a second time.
pub fn read_again(root: &Path, path: &Path) -> Result<SourceText, Diagnostic> {
    let (shown, bytes) = read_bytes(root, path)?;
    // As `decode` reads it: without its byte-order mark.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceText::new(shown, text)),
        Err(err) => decode(shown, err.into_bytes()),
    }
}

/// The bytes of a file of the site, refused when a link takes it outside or it is not a
/// regular file; its path as users see it.
fn read_bytes(root: &Path, path: &Path) -> Result<(PathBuf, Vec<u8>), Diagnostic> {
    let shown = display_path(root, path);
    // One look at the name itself, and one at where a link leads: thousands of files are read.
    let named = std::fs::symlink_metadata(path);
    let linked = named.as_ref().is_ok_and(|m| m.file_type().is_symlink());
    if linked && !stays_inside(root, path) {
        return Err(Diagnostic::at(
            Code::LinkOutsideSite,
            format!(
                "{} is a symbolic link to a file outside the site: it is not read",
                shown.display()
            ),
            Location::file_only(&shown),
        )
        .with_help("copy the file into the site instead of linking to it"));
    }
    // A named pipe or a device would block the read, or never end: refused before opening.
    let meta = if linked {
        std::fs::metadata(path)
    } else {
        named
    };
    if meta.as_ref().is_ok_and(|m| !m.is_file()) {
        return Err(special_file(root, path));
    }
    let size = meta.map_or(0, |m| m.len());
    let bytes = read_sized(path, size).map_err(|e| {
        Diagnostic::at(
            Code::Unreadable,
            format!("cannot read {}: {e}", shown.display()),
            Location::file_only(&shown),
        )
    })?;
    Ok((shown, bytes))
}

/// The bytes of `path`, whose size was just looked up: `fs::read` would look it up again.
fn read_sized(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    // As `fs::read` does: a file too large for memory is an error, not an abort.
    bytes.try_reserve_exact(usize::try_from(size).unwrap_or(usize::MAX))?;
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The bytes of a file depeche itself keeps (a manifest, a journal, a cache), read only when
/// it is a regular file, not a link, of at most `limit` bytes: one planted as a link to a
/// pipe or to `/dev/zero` would block or exhaust the reader. `NotFound` when there is none.
pub fn read_own_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() || meta.len() > limit {
        return Err(std::io::Error::other(format!(
            "{} is not a file depeche wrote (a link, a special file, or too large)",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The error for what is neither a regular file nor a folder where the site reads files: a
/// named pipe or a device would block the read, or never end.
pub(crate) fn special_file(root: &Path, path: &Path) -> Diagnostic {
    let shown = display_path(root, path);
    let what = if path.is_dir() {
        "a folder"
    } else {
        "not a regular file (a named pipe, a socket or a device)"
    };
    Diagnostic::at(
        Code::Unreadable,
        format!("{} is {what}: it is not read", shown.display()),
        Location::file_only(&shown),
    )
    .with_help("replace it with a regular file, or remove it")
}

/// Decodes bytes already read from `shown`.
/// Whether a character may not stand in the text of a site: a control character (a terminal's
/// or printer's command, which an XML feed cannot hold even escaped) or a bidi embedding or
/// override, which reorders what a reader sees. Tabs, line ends and the bidi isolates that
/// right-to-left text uses are text.
pub(crate) fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || ('\u{202A}'..='\u{202E}').contains(&c)
}

/// The byte offset of the first forbidden character. Every file goes through here and most
/// hold none: ASCII controls are looked for 64 bytes at a time (a loop the compiler
/// vectorises), the two-byte C1 controls and three-byte overrides from their lead bytes.
pub(crate) fn first_forbidden(text: &[u8]) -> Option<usize> {
    let control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F;
    let ascii = text
        .chunks(64)
        .enumerate()
        .find(|(_, chunk)| chunk.iter().fold(false, |found, &b| found | control(b)))
        .and_then(|(n, chunk)| chunk.iter().position(|&b| control(b)).map(|i| n * 64 + i));
    let c1 = memchr::memchr_iter(0xC2, text)
        .find(|&i| text.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)));
    let bidi = memchr::memmem::find_iter(text, b"\xE2\x80")
        .find(|&i| text.get(i + 2).is_some_and(|n| (0xAA..=0xAE).contains(n)));
    [ascii, c1, bidi].into_iter().flatten().min()
}

/// The error for a forbidden character at `at`.
pub(crate) fn forbidden_character(c: char, at: Location) -> Diagnostic {
    Diagnostic::at(
        Code::InvalidValue,
        format!("the character {} is not text", c.escape_unicode()),
        at,
    )
    .with_help("delete it: a control or bidi-override character would reach pages and feeds, and an XML feed cannot hold it")
}

pub(crate) fn decode(shown: PathBuf, bytes: Vec<u8>) -> Result<SourceText, Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let src = SourceText::new(shown, text);
            match first_forbidden(src.text.as_bytes()) {
                None => Ok(src),
                Some(at) => {
                    let c = src.text[at..].chars().next().unwrap_or_default();
                    Err(forbidden_character(c, src.locate(at, at + c.len_utf8())))
                }
            }
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            // Locate in the valid prefix; the caret sits just after it, on the bad byte.
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line_end = bytes[valid..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| valid + i);
            let lossy_line = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
            let location = locate(&shown, &prefix, valid, valid);
            let full_line = lossy_line
                .rsplit('\n')
                .next()
                .unwrap_or("")
                .trim_end_matches('\r');
            let location = Location::on_line(&shown, location.line, location.col, 1, full_line);
            Err(Diagnostic::at(
                Code::InvalidUtf8,
                format!("{} is not valid UTF-8", shown.display()),
                location,
            )
            .with_help("save the file as UTF-8 (most editors offer this in their encoding menu)"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_found_wherever_they_are() {
        for (text, at) in [
            ("plain text, « guillemets », l’apostrophe\n\ttab\r\n", None),
            ("a\u{1b}[2J", Some(1)),
            (&format!("{}\u{7f}", "x".repeat(130)), Some(130)),
            ("é\u{85}", Some(2)),
            ("abc\u{202e}def", Some(3)),
            ("isolate \u{2066}ok\u{2069}", None),
        ] {
            assert_eq!(super::first_forbidden(text.as_bytes()), at, "{text:?}");
        }
    }

    #[test]
    fn strips_bom_and_keeps_crlf() {
        let src = decode("a.md".into(), b"\xEF\xBB\xBF---\r\nx\r\n".to_vec()).unwrap();
        assert_eq!(src.text, "---\r\nx\r\n");
    }

    #[test]
    fn reports_first_invalid_byte() {
        let err = decode("a.md".into(), b"ok\nd\xE9but\n".to_vec()).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!(err.code, Code::InvalidUtf8);
        assert_eq!((loc.line, loc.col), (2, 2));
    }
}
