//! Stage 6: minify, write into a staging folder beside the output, then swap it in.
//!
//! The output folder is depeche's only when it carries depeche's manifest (see [`guard`]); only
//! files listed there are ever deleted. A failed build removes its staging folder and leaves the
//! previous output byte for byte; a build killed at any moment leaves the whole previous site
//! or the whole new one in place (the swap is one atomic exchange where the system has one).

mod guard;
pub(crate) mod manifest;
mod swap;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub(crate) use guard::Layout;
pub(crate) use guard::refuse_unsafe;
pub(crate) use guard::resolved;
use guard::{Owned, claim_folder};
pub(crate) use manifest::Record;
use manifest::{Manifest, SizeAndTime};

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::outputs;
use crate::render::{Made, Page};

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Files written or copied.
    pub files: usize,
    /// Their size.
    pub bytes: u64,
}

/// Typed I/O failure naming the path involved.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub(crate) struct WriteError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl From<WriteError> for Diagnostic {
    fn from(e: WriteError) -> Self {
        let help = match (e.action, e.source.kind()) {
            // A file changed by hand while the build ran: the next build looks again.
            ("keep", _) => "build again: the next build makes it anew",
            ("replace", _) => {
                "move that file away (into static/ to publish it with the site), then build again"
            }
            (_, io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory) => {
                "something other than depeche put a file or folder in the way: remove it, then build again"
            }
            _ => "check the permissions and free space of the output directory's parent",
        };
        Diagnostic::new(
            Code::WriteFailed,
            e.to_string(),
            Some(Location::file_only(&e.path)),
        )
        .with_help(help)
    }
}

fn io<T>(action: &'static str, path: &Path, result: io::Result<T>) -> Result<T, WriteError> {
    result.map_err(|source| WriteError {
        action,
        path: path.to_path_buf(),
        source,
    })
}

/// The output folder and the two depeche keeps beside it, checked before anything is built.
pub struct Output {
    layout: Layout,
    /// Read on a thread of its own from the start: see [`Output::settle`].
    out: Claim,
    old: Claim,
    staging: Option<Owned>,
    /// depeche 0.1 kept its manifest beside the output; removed once a build has replaced it.
    legacy: bool,
    lock: Option<fs::File>,
}

/// The claim of one of depeche's folders (see [`Output::claim`]), made on a thread of its own
/// beside the build's work: reading a tree of thousands of files takes a while.
enum Claim {
    /// Not begun; what to claim, if the folder is there.
    Waiting(Option<Aside>),
    Pending(std::thread::JoinHandle<Result<Option<Owned>, Diagnostic>>),
    Done(Option<Owned>),
}

/// The folder kept aside, and what claiming it takes.
#[derive(Clone)]
struct Aside {
    root: PathBuf,
    dir: PathBuf,
    out: PathBuf,
    legacy: Option<Manifest>,
    force: bool,
}

impl Aside {
    fn claim(&self) -> Result<Option<Owned>, Diagnostic> {
        claim_folder(
            &self.root,
            &self.dir,
            &self.out,
            self.legacy.as_ref(),
            self.force,
        )
    }
}

impl Claim {
    /// Whether the folder was there when the build began.
    fn exists(&self) -> bool {
        match self {
            Claim::Waiting(aside) => aside.is_some(),
            Claim::Pending(_) => true,
            Claim::Done(owned) => owned.is_some(),
        }
    }

    fn begin(&mut self) {
        if let Claim::Waiting(Some(aside)) = self {
            let aside = aside.clone();
            // A thread the system refuses leaves the claim to be made when it is needed.
            if let Ok(claim) = std::thread::Builder::new().spawn(move || aside.claim()) {
                *self = Claim::Pending(claim);
            }
        }
    }

    /// The folder as claimed (waiting for the claim if it is under way), or its refusal.
    fn take(&mut self) -> Result<Option<Owned>, Diagnostic> {
        match std::mem::replace(self, Claim::Done(None)) {
            Claim::Waiting(aside) => aside.map_or(Ok(None), |aside| aside.claim()),
            Claim::Pending(claim) => claim
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Claim::Done(owned) => Ok(owned),
        }
    }
}

impl Output {
    /// Refuses an output folder depeche must not replace (see [`guard`]), then repairs a swap
    /// that an older depeche left half done, and begins reading the output (its refusal, if
    /// any, comes from [`Output::settle`]). Nothing is moved or deleted before the checks pass.
    pub(crate) fn claim(config: &Config, force: bool) -> Result<Output, Diagnostic> {
        refuse_unsafe(&config.root, &config.output_dir)?;
        let layout = Layout::new(&config.output_dir);
        let lock = guard::lock(&config.root, &layout)?;
        let legacy = Manifest::read_file(&layout.legacy_manifest).ok().flatten();
        let aside = |dir: &Path| {
            Claim::Waiting(fs::symlink_metadata(dir).is_ok().then(|| Aside {
                root: config.root.clone(),
                dir: dir.to_path_buf(),
                out: layout.out.clone(),
                legacy: legacy.clone(),
                force,
            }))
        };
        let out = aside(&layout.out);
        // The folder the build before the last left is needed only once a build writes
        // (it becomes the staging folder): see `Output::claim_aside`.
        let old = aside(&layout.old);
        let staging = claim_folder(&config.root, &layout.staging, &layout.out, None, force)?;
        let mut output = Output {
            lock,
            legacy: legacy.is_some(),
            layout,
            out,
            old,
            staging,
        };
        // Only a swap by two renames, killed between them, leaves the output missing.
        if !output.out.exists() && output.old.exists() {
            let old = output.old.take()?;
            io(
                "restore",
                &output.layout.old,
                fs::rename(&output.layout.old, &output.layout.out),
            )?;
            output.out = Claim::Done(old);
        }
        output.out.begin();
        Ok(output)
    }

    /// Waits for the output to be read: fails when it is a folder depeche may not replace
    /// (see [`claim_folder`]). Every other step that looks at the output settles it first.
    pub(crate) fn settle(&mut self) -> Result<(), Diagnostic> {
        let out = self.out.take()?;
        self.out = Claim::Done(out);
        Ok(())
    }

    /// The output as read, once settled.
    fn read(&self) -> Option<&Owned> {
        match &self.out {
            Claim::Done(out) => out.as_ref(),
            _ => None,
        }
    }

    /// Begins claiming the folder the build before the last left, on a thread of its own, for
    /// a build that will write: its tree is read beside the build's own work. A build with
    /// nothing to do never reads it.
    pub(crate) fn claim_aside(&mut self) {
        self.old.begin();
    }

    /// Waits for the folder kept aside to be read (see [`Output::claim_aside`]): fails when it
    /// holds files depeche did not write. Its reading has long finished when a build asks,
    /// after its analysis, before it forgets the last build's records.
    pub(crate) fn settle_aside(&mut self) -> Result<(), Diagnostic> {
        let old = self.old.take()?;
        self.old = Claim::Done(old);
        Ok(())
    }

    /// The folder beside the output where a build keeps what the next can reuse, for a build
    /// that replaces an earlier one: a site built once is built again, while a first build (a
    /// CI runner's, which keeps nothing) would spend time on a cache no build reads.
    pub(crate) fn cache_dir(&self) -> Option<&Path> {
        (self.out.exists() || self.old.exists()).then_some(self.layout.cache.as_path())
    }

    /// Whether the output is as the last build left it: every file its manifest lists, of
    /// the size and time it was written with (a copied file, there), and nothing else. Its
    /// HTML pages, when it is. The output must be settled.
    pub(crate) fn intact(&self) -> Option<usize> {
        let out = self.read()?;
        if self.staging.is_some() || !out.strangers().is_empty() {
            return None;
        }
        let written = self.as_written();
        (written.len() == out.manifest.files.len())
            .then(|| written.iter().filter(|(p, _)| p.ends_with(".html")).count())
    }

    /// The files of the output as the last build wrote them, each with its manifest's record:
    /// what a build may keep instead of making again. A file changed since is left out. The
    /// output must be settled.
    pub(crate) fn unchanged(&self) -> HashMap<String, Record> {
        self.as_written()
            .into_iter()
            .filter_map(|(path, record)| Some((path.clone(), (*record)?)))
            .collect()
    }

    /// The output's files as the last build left them, as its reading found them: pages of
    /// the size and time they were written with, files copied from `static/` (no record) by
    /// being there, their sources being among what the build's fingerprint reads.
    fn as_written(&self) -> Vec<(&String, &Option<Record>)> {
        let Some(out) = self.read() else {
            return Vec::new();
        };
        out.scan
            .files
            .iter()
            .filter_map(|(path, stamp)| {
                let (path, record) = out.manifest.files.get_key_value(path)?;
                let written = match record {
                    Some(record) => stamp.is_some_and(|s| record.describes(s)),
                    None => true,
                };
                written.then_some((path, record))
            })
            .collect()
    }

    /// Opens the staging folder and records there, before anything is written, every file the
    /// build is about to write (`plan`). `held` are the output's files the build may keep
    /// (see [`Output::unchanged`]).
    pub(crate) fn stage(
        mut self,
        plan: &[outputs::Output],
        held: HashMap<String, Record>,
    ) -> Result<Staging, Diagnostic> {
        let layout = self.layout.clone();
        self.settle()?;
        // A folder adopted with --force keeps its new manifest, so that it stays depeche's.
        if let Some(out) = self.read()
            && out.adopted
        {
            io("write", &layout.out, out.manifest.save(&layout.out))?;
        }
        let reused = match (self.staging.take(), self.old.take()?) {
            // An interrupted build's folder: everything in it is listed in its manifest.
            (Some(staging), old) => {
                if old.is_some() {
                    io("remove", &layout.old, fs::remove_dir_all(&layout.old))?;
                }
                staging
            }
            (None, Some(old)) => {
                io(
                    "reuse",
                    &layout.old,
                    fs::rename(&layout.old, &layout.staging),
                )?;
                old
            }
            (None, None) => {
                io(
                    "create",
                    &layout.staging,
                    fs::create_dir_all(&layout.staging),
                )?;
                Owned {
                    manifest: Manifest::default(),
                    scan: guard::Scan::default(),
                    adopted: false,
                    on_disk: false,
                }
            }
        };
        let Owned {
            mut manifest,
            scan,
            adopted,
            on_disk,
        } = reused;
        // What the folder's manifest does not list yet: in a rebuild, a few files and the
        // folders of files named as they are made, noted at the end of its file.
        let mut added: Vec<String> = Vec::new();
        for planned in plan {
            if !manifest.files.contains_key(&planned.path) {
                manifest.files.insert(planned.path.clone(), None);
                added.push(planned.path.clone());
            }
        }
        let folders: Vec<String> = plan
            .iter()
            .filter_map(|p| p.folder().map(str::to_string))
            .collect();
        let temp = format!("{TEMP_FOLDER}/");
        for folder in folders.iter().chain([&temp]) {
            if !manifest.folders.contains(folder) {
                manifest.folders.push(folder.clone());
                added.push(folder.clone());
            }
        }
        let staging = Staging {
            layout,
            known: manifest,
            planned: plan.iter().map(|p| p.path.clone()).collect(),
            folders,
            existing: scan.files.into_iter().collect(),
            empty: scan.empty,
            held,
            temps: Default::default(),
            legacy: self.legacy,
            _lock: self.lock,
        };
        // Links and other special files (adopted with --force) are removed, never written through.
        for path in &scan.foreign {
            let path = staging.dir().join(path);
            staging.fail_cleanly(io("remove", &path, fs::remove_file(&path)))?;
        }
        // A manifest hard-linked by a copy of the folder (`cp -al`) is that copy's too: it is
        // written anew, never added to in place.
        let journal = if !on_disk || adopted || shared(&staging.dir().join(manifest::FILE)) {
            staging.known.save(staging.dir())
        } else if added.is_empty() {
            Ok(())
        } else {
            Manifest::append_pending(staging.dir(), &added)
        };
        staging.fail_cleanly(io("write", staging.dir(), journal))?;
        Ok(staging)
    }
}

/// The folder a build writes into, beside the output, swapped in by [`Staging::finish`].
///
/// The previous output is kept aside (`.<output>.depeche-old`) and becomes the next build's
/// staging folder: overwriting files that exist is far cheaper than deleting a tree of
/// thousands of files and creating it again.
pub(crate) struct Staging {
    layout: Layout,
    /// What depeche wrote in this folder before, and what this build is about to write.
    known: Manifest,
    planned: HashSet<String>,
    /// Folders of the plan whose files are named as they are made.
    folders: Vec<String>,
    /// The files the folder held when it was opened (all listed in `known`), each with its
    /// stamp then.
    existing: HashMap<String, Option<SizeAndTime>>,
    /// The folders it held with nothing in them.
    empty: Vec<String>,
    /// The output's files as the last build wrote them, which this one may keep.
    held: HashMap<String, Record>,
    /// How many new files were made in [`TEMP_FOLDER`], to name the next.
    temps: std::sync::atomic::AtomicUsize,
    legacy: bool,
    /// The lock on the output's folder, held until the build is swapped in or abandoned.
    _lock: Option<fs::File>,
}

impl Staging {
    fn dir(&self) -> &Path {
        &self.layout.staging
    }

    /// Writes one page (minified when it is HTML); returns what [`Staging::finish`] records
    /// of it. Safe to call from many threads.
    pub(crate) fn write(&self, page: &Page) -> Result<Record, WriteError> {
        self.write_bytes(&page.path, page.content.as_bytes())
    }

    /// Writes what rendering made: a page, or a file written as it is made.
    pub(crate) fn write_made(&self, made: Made<'_>) -> Result<Record, WriteError> {
        match made {
            Made::Page(page) => self.write(page),
            Made::Kept(path) => self.keep(path),
            Made::Stream { path, write } => self.write_stream(path, write),
        }
    }

    /// The file at `rel` in this folder, if the journal has it; an error naming `action`
    /// otherwise: every file must be journaled before it is written, or a killed build could
    /// leave a file depeche would not recognise as its own.
    fn journaled_path(&self, rel: &str, action: &'static str) -> Result<PathBuf, WriteError> {
        let path = self.dir().join(rel);
        if self.journaled(rel) {
            return Ok(path);
        }
        Err(WriteError {
            action,
            path,
            source: io::Error::other("not in the build's plan"),
        })
    }

    /// Whether the file at `rel` is in the journal: planned, or in a folder of the plan.
    fn journaled(&self, rel: &str) -> bool {
        self.planned.contains(rel)
            || self
                .folders
                .iter()
                .any(|f| rel.starts_with(f.as_str()) && !rel[f.len()..].contains(".."))
    }

    /// Whether the output holds the file at `rel` as the last build wrote it: it may be kept.
    pub(crate) fn holds(&self, rel: &str) -> bool {
        self.held.contains_key(rel)
    }

    /// Whether the output holds the file at `rel` as the last build wrote it, with this
    /// content (its hash).
    pub(crate) fn holds_as(&self, rel: &str, hash: u128) -> bool {
        self.held.get(rel).is_some_and(|r| r.hash == hash)
    }

    /// Keeps the file the output holds at `rel`, as the last build wrote it: this folder,
    /// which holds the build before that, gets a copy unless it has the same.
    pub(crate) fn keep(&self, rel: &str) -> Result<Record, WriteError> {
        let Some(record) = self.held.get(rel) else {
            return Err(WriteError {
                action: "keep",
                path: self.layout.out.join(rel),
                source: io::Error::other("not as the last build wrote it"),
            });
        };
        let path = self.journaled_path(rel, "keep unplanned file")?;
        // Only this build writes in this folder: it is as it was found when it was opened.
        if let Some(Some(stamp)) = self.existing.get(rel)
            && let Some(held) = self.known.find(rel, *stamp)
            && held.hash == record.hash
        {
            return Ok(*held);
        }
        let from = self.layout.out.join(rel);
        // Looked at again as it is copied: the output may have been changed by hand since
        // the build looked (during the analysis), and its hash would then be another's.
        if !fs::symlink_metadata(&from)
            .is_ok_and(|m| m.is_file() && record.describes(SizeAndTime::of(&m)))
        {
            return Err(WriteError {
                action: "keep",
                path: from,
                source: io::Error::other("it changed while the site was being built; build again"),
            });
        }
        let meta = self.copy_into(&from, &path)?;
        Ok(Record::new(record.hash, SizeAndTime::of(&meta)))
    }

    /// Writes `content` to `path` in this folder, as a new file (see [`Staging::create`]);
    /// returns its metadata once written.
    fn write_file(&self, path: &Path, content: &[u8]) -> Result<fs::Metadata, WriteError> {
        let (mut file, temp) = self.create(path)?;
        io("write", path, file.write_all(content))?;
        drop(file);
        self.put_in_place(temp, path)
    }

    /// Copies `from` to `path` in this folder, as a new file (see [`Staging::create`]).
    fn copy_into(&self, from: &Path, path: &Path) -> Result<fs::Metadata, WriteError> {
        let (file, temp) = self.create(path)?;
        drop(file);
        let written = temp.as_deref().unwrap_or(path);
        io("copy", from, fs::copy(from, written))?;
        self.put_in_place(temp, path)
    }

    /// Opens `path` in this folder as a new, empty file, making its folder if missing. A file
    /// already there is never truncated (a hard-linked copy of an earlier output would
    /// change with it): the new file is made in the folder's temporary folder, returned with
    /// it, and [`Staging::put_in_place`] renames it over the old one.
    fn create(&self, path: &Path) -> Result<(fs::File, Option<PathBuf>), WriteError> {
        let new = || {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
        };
        match new() {
            Ok(file) => Ok((file, None)),
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                self.make_way_in(path)?;
                if let Some(parent) = path.parent() {
                    io("create", parent, fs::create_dir_all(parent))?;
                }
                Ok((io("write", path, new())?, None))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    io("create", parent, fs::create_dir_all(parent))?;
                }
                Ok((io("write", path, new())?, None))
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let n = self
                    .temps
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let dir = self.dir().join(TEMP_FOLDER);
                let temp = dir.join(n.to_string());
                let open = || {
                    fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .open(&temp)
                };
                let file = match open() {
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        io("create", &dir, fs::create_dir_all(&dir))?;
                        open()
                    }
                    file => file,
                };
                Ok((io("write", &temp, file)?, Some(temp)))
            }
            Err(e) => Err(WriteError {
                action: "write",
                path: path.to_path_buf(),
                source: e,
            }),
        }
    }

    /// Renames the new file `temp` (if [`Staging::create`] made one) over `path`; returns the
    /// metadata of the file now at `path`.
    fn put_in_place(&self, temp: Option<PathBuf>, path: &Path) -> Result<fs::Metadata, WriteError> {
        if let Some(temp) = temp {
            let mut placed = fs::rename(&temp, path);
            // A folder of an earlier build where this one writes a file.
            if placed.is_err() && fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                self.remove_own(path)?;
                placed = fs::rename(&temp, path);
            }
            io("write", path, placed)?;
        }
        io("write", path, fs::symlink_metadata(path))
    }

    /// Removes the file of an earlier build where this one makes a folder on the way to
    /// `path` (a page `foo.txt` that became a folder `foo.txt/`).
    fn make_way_in(&self, path: &Path) -> Result<(), WriteError> {
        let mut folder = path.parent();
        while let Some(dir) = folder.filter(|d| d.starts_with(self.dir()) && *d != self.dir()) {
            match fs::symlink_metadata(dir) {
                Ok(meta) if meta.is_dir() => return Ok(()),
                Ok(_) => return self.remove_own(dir),
                Err(_) => folder = dir.parent(),
            }
        }
        Ok(())
    }

    /// Removes what an earlier build left at `path` in this folder where this one writes
    /// something else: a file, or a folder, with everything in it, once every file there is
    /// found in the manifest (depeche never deletes what it did not write).
    fn remove_own(&self, path: &Path) -> Result<(), WriteError> {
        let own = |file: &Path| {
            file.strip_prefix(self.dir())
                .ok()
                .and_then(Path::to_str)
                .is_some_and(|rel| self.known.contains(&rel.replace('\\', "/")))
        };
        let refused = || WriteError {
            action: "replace",
            path: path.to_path_buf(),
            source: io::Error::other("it holds a file depeche did not write"),
        };
        let meta = io("replace", path, fs::symlink_metadata(path))?;
        if !meta.is_dir() {
            return if own(path) {
                io("remove", path, fs::remove_file(path))
            } else {
                Err(refused())
            };
        }
        let all_own = walkdir::WalkDir::new(path)
            .into_iter()
            .all(|e| e.is_ok_and(|e| e.file_type().is_dir() || own(e.path())));
        if !all_own {
            return Err(refused());
        }
        io("remove", path, fs::remove_dir_all(path))
    }

    /// Writes a file as `write` makes it, hashing it on the way, never holding it whole.
    fn write_stream(
        &self,
        rel: &str,
        write: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Record, WriteError> {
        let path = self.journaled_path(rel, "write unplanned file")?;
        let (file, temp) = self.create(&path)?;
        // Buffered before it is hashed: a serializer's many small writes would each cost
        // the hasher a call.
        let mut out = io::BufWriter::with_capacity(
            1 << 16,
            Hashing {
                inner: file,
                hasher: xxhash_rust::xxh3::Xxh3::new(),
            },
        );
        io("write", &path, write(&mut out))?;
        let hashed = io("write", &path, out.into_inner().map_err(|e| e.into_error()))?;
        let hash = hashed.hasher.digest128();
        drop(hashed);
        let meta = self.put_in_place(temp, &path)?;
        Ok(Record::new(hash, SizeAndTime::of(&meta)))
    }

    fn write_bytes(&self, rel: &str, bytes: &[u8]) -> Result<Record, WriteError> {
        let path = self.journaled_path(rel, "write unplanned file")?;
        let hash = manifest::hash(bytes);
        // The staging folder holds an earlier build, as it was listed when it was opened: a
        // file made from the same page is left alone, neither minified nor written, which
        // spares most of a rebuild's work.
        let existing = self.existing.get(rel).copied().flatten();
        if let Some(found) = existing
            && let Some(record) = self.known.find(rel, found)
            && record.hash == hash
        {
            return Ok(*record);
        }
        let minified;
        let content = if rel.ends_with(".html") && bytes.len() <= MINIFY_UP_TO {
            minified = minify(std::str::from_utf8(bytes).unwrap_or_default());
            &minified[..]
        } else {
            bytes
        };
        let written = match existing {
            Some(found)
                if found.len == content.len() as u64
                    && fs::read(&path).is_ok_and(|old| old == content) =>
            {
                found
            }
            _ => SizeAndTime::of(&self.write_file(&path, content)?),
        };
        Ok(Record::new(hash, written))
    }

    /// Copies `static/`, removes what this build did not write, and swaps the folder in. On
    /// failure the staging folder is removed and the previous output stays as it was.
    pub(crate) fn finish(
        self,
        statics: &[(String, PathBuf)],
        pages: &[(Page, Record)],
    ) -> Result<Report, Diagnostic> {
        let result = self.complete(statics, pages);
        self.fail_cleanly(result)
    }

    fn complete(
        &self,
        statics: &[(String, PathBuf)],
        pages: &[(Page, Record)],
    ) -> Result<Report, WriteError> {
        let dir = self.dir();
        let mut manifest = Manifest::default();
        for (page, record) in pages {
            manifest.files.insert(page.path.clone(), Some(*record));
        }
        let mut bytes: u64 = pages.iter().map(|(_, record)| record.len).sum();
        for (rel, from) in statics {
            if !self.planned.contains(rel) {
                return Err(WriteError {
                    action: "copy unplanned file",
                    path: from.clone(),
                    source: io::Error::other("not in the build's plan"),
                });
            }
            // Hashed as they are written, as pages are, so that an upload of what changed
            // (`depeche changes`) knows them too.
            let record = if crate::outputs::is_stylesheet(rel) {
                let css = io("read", from, fs::read_to_string(from))?;
                let css = crate::outputs::minified_css(&css);
                self.write_stream(rel, &|out| out.write_all(css.as_bytes()))?
            } else {
                self.write_stream(rel, &|out| {
                    io::copy(&mut fs::File::open(from)?, out).map(|_| ())
                })?
            };
            bytes += record.len;
            manifest.files.insert(rel.clone(), Some(record));
        }
        let temp = dir.join(TEMP_FOLDER);
        match fs::remove_dir_all(&temp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => io("remove", &temp, Err(e))?,
            _ => {}
        }
        prune(dir, &self.existing, &self.empty, &manifest)?;
        io("write", dir, manifest.save(dir))?;
        let l = &self.layout;
        if l.out.exists() {
            if swap::exchange(&l.staging, &l.out).map_err(|e| WriteError {
                action: "swap in",
                path: l.out.clone(),
                source: e,
            })? {
                io("keep aside", &l.staging, fs::rename(&l.staging, &l.old))?;
            } else {
                io("move aside", &l.out, fs::rename(&l.out, &l.old))?;
                io(
                    "move into place",
                    &l.staging,
                    fs::rename(&l.staging, &l.out),
                )?;
            }
        } else {
            io(
                "move into place",
                &l.staging,
                fs::rename(&l.staging, &l.out),
            )?;
        }
        if self.legacy {
            let _ = fs::remove_file(&l.legacy_manifest);
        }
        Ok(Report {
            files: pages.len() + statics.len(),
            bytes,
        })
    }

    /// Gives up: removes the staging folder (every file in it is listed in its manifest), so
    /// that nothing but the previous output remains.
    pub(crate) fn abandon(&self) {
        let _ = fs::remove_dir_all(self.dir());
    }

    /// Abandons the build when `result` is an error.
    fn fail_cleanly<T>(&self, result: Result<T, WriteError>) -> Result<T, Diagnostic> {
        result.map_err(|e| {
            // Once swapped in, the folder is the output: nothing is left to abandon.
            if self.layout.staging.exists() {
                self.abandon();
            }
            e.into()
        })
    }
}

/// A writer that hashes what goes through it (xxh3-128, as [`manifest::hash`]).
struct Hashing<W> {
    inner: W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Whether the file at `path` has other names (hard links): writing into it would change
/// them too.
fn shared(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).is_ok_and(|m| m.nlink() > 1)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Removes the files the folder held that this build did not write (all listed in the
/// folder's manifest), then the folders left empty, and those it held empty.
fn prune<'a>(
    dir: &Path,
    existing: &'a HashMap<String, Option<SizeAndTime>>,
    empty: &'a [String],
    written: &Manifest,
) -> Result<(), WriteError> {
    // Each folder above a path, once: one already noted has its own above it noted too.
    let mut emptied: HashSet<&str> = HashSet::new();
    let mut note_folders_above = |path: &'a str| {
        let mut folder = path;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            if !emptied.insert(parent) {
                break;
            }
            folder = parent;
        }
    };
    // A folder found empty goes, with the folders it leaves empty: a build from nothing
    // makes none.
    for folder in empty {
        note_folders_above(folder);
    }
    for rel in existing.keys() {
        if written.contains(rel) || rel == manifest::FILE || rel == manifest::TEMP_FILE {
            continue;
        }
        let path = dir.join(rel);
        match fs::remove_file(&path) {
            // This build made a folder where an earlier one had this file (see `make_way_in`).
            Err(_) if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) => {}
            // ... or a file where an earlier one had this file's folder.
            Err(e)
                if e.kind() != io::ErrorKind::NotFound
                    && e.kind() != io::ErrorKind::NotADirectory =>
            {
                return Err(WriteError {
                    action: "remove",
                    path,
                    source: e,
                });
            }
            _ => {}
        }
        note_folders_above(rel);
    }
    for folder in empty {
        emptied.insert(folder);
    }
    // Deepest first, so each folder is tried after everything in it; one still holding
    // something is refused and stays.
    let mut folders: Vec<&str> = emptied.into_iter().collect();
    folders.sort_unstable_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
    for folder in folders {
        let _ = fs::remove_dir(dir.join(folder));
    }
    Ok(())
}

/// The folder, in the staging folder, where a file that replaces another is written before
/// it is renamed over it; removed before the folder is swapped in.
const TEMP_FOLDER: &str = crate::urls::STAGING_TEMP;

/// Pages larger than this are written as rendered: the minifier holds a tree of the whole
/// page, several times its size, and saves little on the body of a huge article.
pub(crate) const MINIFY_UP_TO: usize = 1 << 20;

/// Any change to what this produces must change the manifest's `FORMAT`, or rebuilds would
/// keep files minified the old way.
pub fn minify(html: &str) -> Vec<u8> {
    // Spec-compliant: the doctype kept, unquoted attribute values valid HTML.
    let mut cfg = minify_html::Cfg::spec_compliant();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    terminate_references(minify_html::minify(html.as_bytes(), &cfg))
}

/// The minifier leaves off the `;` of the references it writes when the next character cannot
/// extend them (`d&#39Alep`, `&ampT`, `&LT`): browsers read them, but each is a parse error a
/// validator reports. Every reference it writes gets its `;` back. Any `&` in its output
/// starts one of these, or is a bare `&` that starts none (`AT&T`), which is left alone.
fn terminate_references(html: Vec<u8>) -> Vec<u8> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    for start in memchr::memchr_iter(b'&', &html) {
        let rest = &html[start + 1..];
        let len = match rest {
            [b'#', digits @ ..] => {
                let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
                if n == 0 { 0 } else { 1 + n }
            }
            [b'a', b'm', b'p', ..] => 3,
            [b'L' | b'G', b'T', ..] => 2,
            _ => 0,
        };
        let end = start + 1 + len;
        if len > 0 && html.get(end) != Some(&b';') {
            let out = out.get_or_insert_with(|| Vec::with_capacity(html.len() + 16));
            out.extend_from_slice(&html[copied..end]);
            out.push(b';');
            copied = end;
        }
    }
    match out {
        Some(mut out) => {
            out.extend_from_slice(&html[copied..]);
            out
        }
        None => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_the_minifier_writes_are_terminated() {
        // A value with both quotes is written with references the minifier leaves open.
        let page = "<!DOCTYPE html><html><head><meta content=\"la &quot;majeure partie&quot; d'Alep\" name=description></head><body><p>x &amp;#39 y, AT&amp;T &amp;amp;</p></body></html>";
        let out = String::from_utf8(minify(page)).unwrap();
        assert!(!out.contains("&#39A") && !out.contains("&#34m"), "{out}");
        // Text that only looks like a reference still reads as written.
        assert!(out.contains("x &amp;#39 y, AT&T &amp;amp;"), "{out}");
        assert_eq!(
            terminate_references(b"&#39;x &#10 &# &ampT &LT;; &GT a&b".to_vec()),
            b"&#39;x &#10; &# &amp;T &LT;; &GT; a&b"
        );
    }
    use crate::outputs::{self, Kind};

    fn config(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            title: Default::default(),
            base_url: "https://x.org/".into(),
            base_path: "/".into(),
            languages: vec!["fr".into()],
            output_dir: root.join("public"),
            allow_html: false,
            link_every_mention: false,
            backlinks_per_page: 20,
            cname: None,
            articles_per_page: 50,
            publish_future: false,
            publish_drafts: false,
            host: crate::hosts::Host::default(),
            host_at: None,
            build_search_index: false,
            share_image: None,
            time_zone: "+00:00".into(),
            problems: Vec::new(),
        }
    }

    fn page(path: &str, content: &str) -> Page {
        Page::plain(path.into(), content.into())
    }

    /// A site's output built twice from `pages`: the output and the folder kept aside both
    /// hold them, as after any user's second build.
    fn built_twice(pages: &[Page]) -> (tempfile::TempDir, Config) {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        build(&config, pages, &[]).unwrap();
        build(&config, pages, &[]).unwrap();
        (tmp, config)
    }

    /// The folders under `dir`, by relative path, sorted.
    fn folders(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_dir())
            .map(|e| {
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        found.sort();
        found
    }

    fn plan(paths: &[&str]) -> Vec<outputs::Output> {
        paths
            .iter()
            .map(|p| outputs::Output {
                path: p.to_string(),
                kind: Kind::NotFound,
            })
            .collect()
    }

    fn build(
        config: &Config,
        pages: &[Page],
        statics: &[(String, PathBuf)],
    ) -> Result<Report, Diagnostic> {
        let mut paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        paths.extend(statics.iter().map(|(p, _)| p.as_str()));
        let staging = Output::claim(config, false)?.stage(&plan(&paths), HashMap::new())?;
        let written: Vec<(Page, Record)> = pages
            .iter()
            .map(|p| Ok((p.clone(), staging.write(p)?)))
            .collect::<Result<_, WriteError>>()
            .map_err(Diagnostic::from)?;
        staging.finish(statics, &written)
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut found: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, fs::read(e.path()).unwrap())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_failure_while_writing_removes_the_staging_folder_and_keeps_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        build(&config, &[page("index.html", "<p>one</p>")], &[]).unwrap();
        build(&config, &[page("index.html", "<p>two</p>")], &[]).unwrap();
        let before = files(&config.output_dir);
        // The static file vanished after the plan was made: copying it fails.
        let gone = vec![("gone.css".to_string(), tmp.path().join("static/gone.css"))];
        let err = build(&config, &[page("index.html", "<p>three</p>")], &gone).unwrap_err();
        assert!(err.message.contains("gone.css"), "{}", err.message);
        assert_eq!(err.code, Code::WriteFailed);
        assert_eq!(files(&config.output_dir), before);
        let layout = Layout::new(&config.output_dir);
        assert!(!layout.staging.exists());
        // The next build starts afresh and succeeds.
        build(&config, &[page("index.html", "<p>four</p>")], &[]).unwrap();
        assert_eq!(
            fs::read_to_string(config.output_dir.join("index.html")).unwrap(),
            "<p>four</p>"
        );
    }

    /// A file of the output changed by hand after the build looked at it is not kept under
    /// the hash of what the last build wrote: the build stops, and the output stays.
    #[test]
    fn a_file_of_the_output_changed_once_looked_at_is_not_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        // The folder kept aside holds another text: the output's file is the one copied.
        build(&config, &[page("index.html", "<p>zero</p>")], &[]).unwrap();
        build(&config, &[page("index.html", "<p>one</p>")], &[]).unwrap();
        let mut output = Output::claim(&config, false).unwrap();
        output.settle().unwrap();
        let held = output.unchanged();
        assert!(held.contains_key("index.html"));
        let staging = output.stage(&plan(&["index.html"]), held).unwrap();
        fs::write(
            config.output_dir.join("index.html"),
            "<p>by hand, longer</p>",
        )
        .unwrap();
        let err = staging.keep("index.html").unwrap_err();
        assert!(
            err.to_string()
                .contains("changed while the site was being built"),
            "{err}"
        );
        let help = Diagnostic::from(err).help.unwrap_or_default();
        assert!(help.starts_with("build again"), "{help}");
        staging.abandon();
        assert_eq!(
            fs::read_to_string(config.output_dir.join("index.html")).unwrap(),
            "<p>by hand, longer</p>"
        );
    }

    #[test]
    fn pruning_removes_what_the_build_no_longer_writes_and_the_emptied_folders() {
        let pages = [
            page("fr/a/index.html", "a"),
            page("fr/b/deep/index.html", "b"),
        ];
        let (_tmp, config) = built_twice(&pages);
        build(&config, &pages[..1], &[]).unwrap();
        build(&config, &pages[..1], &[]).unwrap();
        for dir in [
            config.output_dir.clone(),
            Layout::new(&config.output_dir).old,
        ] {
            assert!(dir.join("fr/a/index.html").is_file());
            assert!(!dir.join("fr/b").exists(), "{}", dir.display());
        }
    }

    #[test]
    fn an_output_of_depeche_0_1_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        let layout = Layout::new(&config.output_dir);
        fs::create_dir_all(config.output_dir.join("fr")).unwrap();
        fs::write(config.output_dir.join("fr/index.html"), "old").unwrap();
        fs::write(
            &layout.legacy_manifest,
            "depeche-manifest 1 0.1.0\n[latest]\n0000000000000000000000000000002a 3 1 fr/index.html\n[earlier]\n",
        )
        .unwrap();
        build(&config, &[page("index.html", "new")], &[]).unwrap();
        assert!(!layout.legacy_manifest.exists());
        assert!(!config.output_dir.join("fr").exists());
    }

    #[test]
    fn an_unplanned_page_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        let staging = Output::claim(&config, false)
            .unwrap()
            .stage(&plan(&["a.html"]), HashMap::new())
            .unwrap();
        assert!(staging.write(&page("b.html", "x")).is_err());
        staging.abandon();
    }

    /// The folder kept aside becomes the staging folder; its manifest becomes the journal by
    /// noting, at its end, what it does not list yet.
    #[test]
    fn the_journal_notes_only_what_the_folders_manifest_does_not_list() {
        let pages = [
            page("index.html", "<p>a</p>"),
            page("fr/index.html", "<p>b</p>"),
        ];
        let (_tmp, config) = built_twice(&pages);
        let layout = Layout::new(&config.output_dir);
        let journal = |dir: &Path| fs::read_to_string(dir.join(manifest::FILE)).unwrap();
        let before = journal(&layout.old);
        let staging = Output::claim(&config, false)
            .unwrap()
            .stage(&plan(&["index.html", "en/index.html"]), HashMap::new())
            .unwrap();
        let after = journal(&layout.staging);
        let noted = after.strip_prefix(before.as_str()).unwrap();
        assert_eq!(noted, format!("\n- en/index.html\n- {TEMP_FOLDER}/\n"));
        let read = Manifest::read(&layout.staging).unwrap().unwrap();
        assert!(read.contains("en/index.html") && read.contains("fr/index.html"));
        assert_eq!(
            read.files.get("index.html").map(Option::is_some),
            Some(true)
        );
        // Killed here, the next build takes the folder over with what it holds.
        staging.write(&page("en/index.html", "<p>c</p>")).unwrap();
        drop(staging);
        build(&config, &pages, &[]).unwrap();
        assert!(!layout.staging.exists());
        assert_eq!(files(&config.output_dir).len(), 3);
    }

    /// A copy of the output made with hard links (`cp -al`) shares the folder's manifest:
    /// noting the next build's paths writes a new manifest instead of adding to that one.
    #[cfg(unix)]
    #[test]
    fn a_manifest_shared_with_a_hard_linked_copy_is_not_written_in_place() {
        let pages = [page("index.html", "<p>a</p>")];
        let (tmp, config) = built_twice(&pages);
        let layout = Layout::new(&config.output_dir);
        let copy = tmp.path().join("copy-of-manifest");
        fs::hard_link(layout.old.join(manifest::FILE), &copy).unwrap();
        let before = fs::read(&copy).unwrap();
        let staging = Output::claim(&config, false)
            .unwrap()
            .stage(&plan(&["index.html", "en/index.html"]), HashMap::new())
            .unwrap();
        assert_eq!(
            fs::read(&copy).unwrap(),
            before,
            "the copy's manifest changed"
        );
        let read = Manifest::read(&layout.staging).unwrap().unwrap();
        assert!(read.contains("en/index.html") && read.contains("index.html"));
        drop(staging);
    }

    /// An empty folder made by hand in the output holds nothing to lose, and no build from
    /// nothing has one: it is gone once the folder that holds it is written again, and so
    /// are the folders it leaves empty. A folder with a file in it is refused, as ever.
    #[test]
    fn an_empty_folder_made_in_the_output_is_removed_when_its_folder_is_written_again() {
        let pages = [
            page("index.html", "<p>a</p>"),
            page("fr/index.html", "<p>b</p>"),
        ];
        let (_tmp, config) = built_twice(&pages);
        fs::create_dir_all(config.output_dir.join("by-hand/deeper")).unwrap();
        fs::create_dir(config.output_dir.join("fr/empty")).unwrap();
        // The first build swaps that folder aside; the second writes into it.
        for _ in 0..2 {
            build(&config, &pages, &[]).unwrap();
        }
        let layout = Layout::new(&config.output_dir);
        for dir in [&config.output_dir, &layout.old] {
            assert_eq!(folders(dir), ["fr"], "{}", dir.display());
        }
    }

    /// A file that becomes a folder (`foo.txt` → `foo.txt/bar.txt`), and back: the folder
    /// kept aside still holds the other, and what depeche wrote there makes way.
    #[test]
    fn a_file_that_becomes_a_folder_and_back_is_written_over_the_earlier_build() {
        let tmp = tempfile::tempdir().unwrap();
        let config = config(tmp.path());
        let file = [page("index.html", "<p>a</p>"), page("foo.txt", "one")];
        let folder = [
            page("index.html", "<p>a</p>"),
            page("foo.txt/bar.txt", "two"),
        ];
        for pages in [&file, &file, &folder, &folder, &file, &file, &folder] {
            build(&config, pages, &[]).unwrap();
            let written: Vec<(String, Vec<u8>)> = files(&config.output_dir)
                .into_iter()
                .filter(|(p, _)| p != manifest::FILE)
                .collect();
            let mut expected: Vec<(String, Vec<u8>)> = pages
                .iter()
                .map(|p| (p.path.clone(), p.content.clone().into_bytes()))
                .collect();
            expected.sort();
            assert_eq!(written, expected);
        }
    }
}
