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

/// Orders the entries of one folder as `WalkDir::sort_by_file_name` does, without taking
/// each path apart at every comparison: siblings share their folder's path, so their paths
/// sort as their names. Sorting 20,000 articles by name took tens of milliseconds a walk.
pub(crate) fn by_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

/// What a regular file's metadata says of its content, as one digest: its size, where it is
/// (device and inode), and the times of its last write and of its last change. A write moves
/// both, and the change time cannot be set back by hand (`touch -d`, `cp -p` and `rsync -t`
/// set the other). A file read when both were already [`Stamp::SETTLED`] in the past, whose
/// stamp is still the same, holds the text it held then, as `git` judges its index: a later
/// write within the same tick of a coarse file-system clock cannot leave it as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(u64);

impl Stamp {
    /// How long before a read both times must be for the stamp to be trusted afterwards: as
    /// long as the coarsest file system's tick (FAT's two seconds), so that a later write
    /// always gives a later time.
    pub(crate) const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

    /// The stamp of a regular file; none elsewhere, or where the system keeps no change time.
    pub(crate) fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        Stamp::times(meta).map(|(stamp, _)| stamp)
    }

    /// The stamp of a regular file when both its times are [`Stamp::SETTLED`] before `read`
    /// (the time it began to be read): one a later read may trust.
    pub(crate) fn settled(meta: &std::fs::Metadata, read: std::time::SystemTime) -> Option<Stamp> {
        let (stamp, newest) = Stamp::times(meta)?;
        let read = read.duration_since(std::time::UNIX_EPOCH).ok()?;
        let limit = read.checked_sub(Stamp::SETTLED)?;
        let limit = (
            i64::try_from(limit.as_secs()).ok()?,
            i64::from(limit.subsec_nanos()),
        );
        (newest < limit).then_some(stamp)
    }

    /// The stamp, and the later of its two times (seconds, nanoseconds).
    #[cfg(unix)]
    fn times(meta: &std::fs::Metadata) -> Option<(Stamp, (i64, i64))> {
        use std::os::unix::fs::MetadataExt;
        if !meta.is_file() {
            return None;
        }
        let (modified, changed) = (
            (meta.mtime(), meta.mtime_nsec()),
            (meta.ctime(), meta.ctime_nsec()),
        );
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for field in [meta.len(), meta.dev(), meta.ino()] {
            h.update(&field.to_le_bytes());
        }
        for field in [modified.0, modified.1, changed.0, changed.1] {
            h.update(&field.to_le_bytes());
        }
        Some((Stamp(h.digest()), modified.max(changed)))
    }

    /// Not kept where the system keeps no change time: nothing is trusted there.
    #[cfg(not(unix))]
    fn times(_: &std::fs::Metadata) -> Option<(Stamp, (i64, i64))> {
        None
    }

    pub(crate) fn to_bytes(self) -> [u8; 8] {
        self.0.to_le_bytes()
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Stamp> {
        Some(Stamp(u64::from_le_bytes(bytes.try_into().ok()?)))
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
    read_with_stamp(root, path).map(|(shown, bytes, _)| (shown, bytes))
}

/// A text file, as [`read`] reads it, with its [`Stamp`] as it was just before it was read,
/// when it is a regular file named as itself (not through a link).
pub(crate) fn read_stamped(
    root: &Path,
    path: &Path,
) -> Result<(SourceText, Option<Stamp>, Vec<Diagnostic>), Diagnostic> {
    let (shown, bytes, stamp) = read_with_stamp(root, path)?;
    let (src, forbidden) = decode_blanked(shown, bytes)?;
    Ok((src, stamp, forbidden))
}

/// A text file, as [`read`] reads it, but with its forbidden characters blanked and reported
/// beside it (see [`decode_blanked`]), for the rest of the file to be checked.
pub(crate) fn read_blanked(
    root: &Path,
    path: &Path,
) -> Result<(SourceText, Vec<Diagnostic>), Diagnostic> {
    read_bytes(root, path).and_then(|(shown, bytes)| decode_blanked(shown, bytes))
}

/// The bytes, and the stamp of a regular file named as itself when it is settled (see
/// [`Stamp::settled`]): taken before the read, so that a write during it gives another.
fn read_with_stamp(
    root: &Path,
    path: &Path,
) -> Result<(PathBuf, Vec<u8>, Option<Stamp>), Diagnostic> {
    let before = std::time::SystemTime::now();
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
    let stamp = (meta.as_ref().ok())
        .filter(|_| !linked)
        .and_then(|m| Stamp::settled(m, before));
    let size = meta.map_or(0, |m| m.len());
    let bytes = read_sized(path, size).map_err(|e| {
        Diagnostic::at(
            Code::Unreadable,
            format!("cannot read {}: {e}", shown.display()),
            Location::file_only(&shown),
        )
    })?;
    Ok((shown, bytes, stamp))
}

/// The bytes of `path`, whose size was just looked up: `fs::read` would look it up again.
fn read_sized(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    // As `fs::read` does: a file too large for memory is an error, not an abort.
    bytes.try_reserve_exact(usize::try_from(size).unwrap_or(usize::MAX))?;
    // Through `take`: `File::read_to_end` would look the size up a second time.
    file.take(u64::MAX).read_to_end(&mut bytes)?;
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
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || noncharacter(c)
}

/// A code point Unicode keeps out of text for good (U+FDD0 to U+FDEF, and the last two of
/// every plane, U+FFFE and U+FFFF among them): YAML refuses it, HTML calls it an error.
fn noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
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
    // Noncharacters: U+FDD0 to U+FDEF (`EF B7 90` to `EF B7 AF`), and the code points ending
    // in FFFE or FFFF, whose last two bytes are `BF BE` or `BF BF`, three or four bytes long.
    let arabic_block = memchr::memmem::find_iter(text, b"\xEF\xB7")
        .find(|&i| text.get(i + 2).is_some_and(|n| (0x90..=0xAF).contains(n)));
    let plane_end = memchr::memmem::find_iter(text, b"\xBF")
        .filter(|&i| matches!(text.get(i + 1), Some(0xBE | 0xBF)))
        .find_map(|i| {
            let start = (i.saturating_sub(3)..i)
                .rev()
                .find(|&s| text[s] & 0xC0 != 0x80)?;
            let c = std::str::from_utf8(text.get(start..i + 2)?)
                .ok()?
                .chars()
                .next()?;
            noncharacter(c).then_some(start)
        });
    [ascii, c1, bidi, arabic_block, plane_end]
        .into_iter()
        .flatten()
        .min()
}

/// The error for a forbidden character at `at`.
pub(crate) fn forbidden_character(c: char, at: Location) -> Diagnostic {
    Diagnostic::at(
        Code::InvalidValue,
        format!("the character {} is not text", c.escape_unicode()),
        at,
    )
    .with_help("delete it: a control or bidi-override character, or a noncharacter, would reach pages and feeds, and an XML feed cannot hold it")
}

pub(crate) fn decode(shown: PathBuf, bytes: Vec<u8>) -> Result<SourceText, Diagnostic> {
    let (src, mut forbidden) = decode_blanked(shown, bytes)?;
    match forbidden.is_empty() {
        true => Ok(src),
        false => Err(forbidden.swap_remove(0)),
    }
}

/// At most this many forbidden characters of one file are reported, the last saying how
/// many more there are: a file of binary data would otherwise give thousands.
const FORBIDDEN_SHOWN: usize = 10;

/// Decodes bytes already read from `shown`, as [`decode`] does, but a forbidden character
/// is not the end of the file's checking: each is reported, and the text is returned with it
/// blanked (a space of the same length in bytes, so that every other place stays where it
/// is), for the rest of the file to be checked. Such a file is never published: the errors
/// stop a build.
pub(crate) fn decode_blanked(
    shown: PathBuf,
    bytes: Vec<u8>,
) -> Result<(SourceText, Vec<Diagnostic>), Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => {
            let Some(first) = first_forbidden(text.as_bytes()) else {
                return Ok((SourceText::new(shown, text), Vec::new()));
            };
            let found: Vec<(usize, char)> = text[first..]
                .char_indices()
                .filter(|&(_, c)| forbidden(c))
                .map(|(at, c)| (first + at, c))
                .collect();
            let mut blanked = String::with_capacity(text.len());
            let mut from = 0;
            for &(at, c) in &found {
                blanked.push_str(&text[from..at]);
                blanked.push(match c.len_utf8() {
                    1 => ' ',
                    2 => '\u{A0}',
                    _ => '\u{2002}',
                });
                from = at + c.len_utf8();
            }
            blanked.push_str(&text[from..]);
            // Located in the text as written, which has the same places.
            let written = SourceText::new(shown.clone(), text);
            let mut errors: Vec<Diagnostic> = found
                .iter()
                .take(FORBIDDEN_SHOWN)
                .map(|&(at, c)| forbidden_character(c, written.locate(at, at + c.len_utf8())))
                .collect();
            if found.len() > FORBIDDEN_SHOWN
                && let Some(last) = errors.last_mut()
            {
                let more = found.len() - FORBIDDEN_SHOWN;
                let help = last.help.take().unwrap_or_default();
                last.help = Some(match more {
                    1 => format!("{help}; 1 more such character in this file is not shown"),
                    more => {
                        format!("{help}; {more} more such characters in this file are not shown")
                    }
                });
            }
            Ok((SourceText::new(shown, blanked), errors))
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
    fn entries_sort_by_name_as_walkdir_sorts_them() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "a.b", "a-b", "B", "é", "a b", "z", "a0"] {
            std::fs::create_dir_all(dir.path().join(name).join("in")).unwrap();
            std::fs::write(dir.path().join(format!("{name}.md")), "").unwrap();
        }
        let paths = |walk: walkdir::WalkDir| -> Vec<PathBuf> {
            walk.into_iter().map(|e| e.unwrap().into_path()).collect()
        };
        assert_eq!(
            paths(walkdir::WalkDir::new(dir.path()).sort_by(by_name)),
            paths(walkdir::WalkDir::new(dir.path()).sort_by_file_name())
        );
    }

    /// A stamp is kept only when both its times are two seconds before the read: a write in
    /// the same tick of a coarse clock would leave it as it was. It reads back as written.
    #[test]
    fn a_stamp_is_trusted_only_once_its_times_have_settled() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "text").unwrap();
        let Some(stamp) = Stamp::of(&std::fs::metadata(&file).unwrap()) else {
            return; // A system without change times trusts no stamp.
        };
        assert_eq!(Stamp::of(&std::fs::metadata(dir.path()).unwrap()), None);
        let meta = std::fs::metadata(&file).unwrap();
        let now = std::time::SystemTime::now();
        assert_eq!(Stamp::settled(&meta, now), None);
        assert_eq!(Stamp::settled(&meta, now + Stamp::SETTLED / 2), None);
        let later = now + Stamp::SETTLED + std::time::Duration::from_millis(1);
        assert_eq!(Stamp::settled(&meta, later), Some(stamp));
        assert_eq!(Stamp::from_bytes(&stamp.to_bytes()), Some(stamp));
        assert_eq!(Stamp::from_bytes(&stamp.to_bytes()[1..]), None);
    }

    #[test]
    fn forbidden_characters_are_found_wherever_they_are() {
        for (text, at) in [
            ("plain text, « guillemets », l’apostrophe\n\ttab\r\n", None),
            ("a\u{1b}[2J", Some(1)),
            (&format!("{}\u{7f}", "x".repeat(130)), Some(130)),
            ("é\u{85}", Some(2)),
            ("abc\u{202e}def", Some(3)),
            ("isolate \u{2066}ok\u{2069}", None),
            // Noncharacters, beside characters that share their bytes.
            ("a\u{FFFE}b", Some(1)),
            ("¿\u{FFFF}", Some(2)),
            ("x\u{FDD0}", Some(1)),
            ("x\u{FDEF}", Some(1)),
            (
                "\u{FDCF}\u{FDF0}\u{FFFD}\u{0FFE}\u{0FFF}\u{EFFE}\u{1FFFD}¿",
                None,
            ),
            ("ab\u{1FFFE}", Some(2)),
            ("\u{10FFFF}", Some(0)),
        ] {
            assert_eq!(super::first_forbidden(text.as_bytes()), at, "{text:?}");
            let every = text.char_indices().find(|&(_, c)| super::forbidden(c));
            assert_eq!(every.map(|(i, _)| i), at, "{text:?}");
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
