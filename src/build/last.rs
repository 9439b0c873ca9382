//! What a build leaves beside the output for the next one, in the build's cache: the
//! fingerprint of everything the site was made from (a build with nothing changed does
//! nothing), and each output's inputs digest with what the sitemap needs of it (a build keeps
//! the outputs whose inputs did not change).
//!
//! Both describe the output folder as the build that wrote them left it: they are removed
//! before a build writes anything and written again once its output is in place, so a build
//! killed in between leaves none, and the next one makes everything.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::render::Page;

/// The fingerprint of the inputs and the count of warnings.
const INPUTS: &str = "inputs";
/// One line per output: its inputs digest and its page's sitemap fields, as JSON.
const OUTPUTS: &str = "outputs";
/// The first line of [`OUTPUTS`]: changes when what it holds, or how digests are made, does.
const OUTPUTS_FORMAT: &str = concat!("depeche-outputs 1 ", env!("CARGO_PKG_VERSION"));

/// The warnings of the last build, when it was made from `inputs`.
pub(super) fn unchanged_since(cache: &Path, inputs: u128) -> Option<usize> {
    let bytes = crate::source::read_own_file(&cache.join(INPUTS), 4096).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (hash, warnings) = text.trim().split_once(' ')?;
    (u128::from_str_radix(hash, 16).ok()? == inputs).then(|| warnings.parse().ok())?
}

/// An output the last build made: its inputs digest and what the sitemap reads of its page.
#[derive(Serialize, Deserialize)]
pub(super) struct Made {
    #[serde(rename = "p")]
    path: String,
    #[serde(rename = "d")]
    digest: String,
    #[serde(rename = "s", default)]
    in_sitemap: bool,
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    lastmod: Option<String>,
}

impl Made {
    /// The page as the sitemap reads it, without its content.
    pub(super) fn page(&self) -> Page {
        Page {
            path: self.path.clone(),
            content: String::new(),
            lastmod: self.lastmod.clone(),
            in_sitemap: self.in_sitemap,
        }
    }
}

/// The outputs the last build made, by path, with their digests; forgotten from the cache at
/// once (see the module's documentation). Empty when there is no such record.
pub(super) fn take_outputs(cache: &Path) -> HashMap<String, (u128, Made)> {
    let _ = fs::remove_file(cache.join(INPUTS));
    let path = cache.join(OUTPUTS);
    let read = crate::source::read_own_file(&path, 1 << 30);
    let _ = fs::remove_file(&path);
    let Ok(bytes) = read else {
        return HashMap::new();
    };
    let mut lines = bytes.lines();
    if !matches!(lines.next(), Some(Ok(first)) if first == OUTPUTS_FORMAT) {
        return HashMap::new();
    }
    let mut made = HashMap::new();
    for line in lines {
        let Some(output) = line
            .ok()
            .and_then(|l| serde_json::from_str::<Made>(&l).ok())
        else {
            // A damaged record keeps nothing rather than the wrong file.
            return HashMap::new();
        };
        if let Ok(digest) = u128::from_str_radix(&output.digest, 16) {
            made.insert(output.path.clone(), (digest, output));
        }
    }
    made
}

/// Records what this build made from what, once its output is in place. A failure leaves no
/// record: the next build makes everything.
pub(super) fn save(
    cache: &Path,
    inputs: u128,
    warnings: usize,
    outputs: impl Iterator<Item = (u128, Page)>,
) {
    let written = fs::create_dir_all(cache).and_then(|()| {
        let path = cache.join(OUTPUTS);
        let mut out = BufWriter::new(crate::transaction::create_fresh(&path)?);
        writeln!(out, "{OUTPUTS_FORMAT}")?;
        for (digest, page) in outputs {
            let made = Made {
                path: page.path,
                digest: format!("{digest:032x}"),
                in_sitemap: page.in_sitemap,
                lastmod: page.lastmod,
            };
            serde_json::to_writer(&mut out, &made)?;
            out.write_all(b"\n")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        crate::transaction::create_fresh(&cache.join(INPUTS))?
            .write_all(format!("{inputs:032x} {warnings}\n").as_bytes())
    });
    if written.is_err() {
        let _ = fs::remove_file(cache.join(OUTPUTS));
        let _ = fs::remove_file(cache.join(INPUTS));
    }
}
