//! The whole site in memory: every rendered page and every file of `static/`.

use std::collections::HashMap;
use std::sync::Arc;

use crate::build::{self, AnalyzeOptions, BuildError};

/// Files by path relative to the site root (`fr/index.html`, `style.css`).
#[derive(Debug, Default)]
pub struct Snapshot {
    pub files: HashMap<String, Arc<[u8]>>,
    pub pages: usize,
}

impl Snapshot {
    /// Builds the site into memory, through the same stages as `depeche build`.
    pub fn build(options: &build::Options) -> Result<Snapshot, BuildError> {
        let config = build::load_config(options)?;
        let site = build::analyze(
            config,
            AnalyzeOptions {
                drafts: options.drafts,
                suggest: false,
            },
        )
        .into_site()?;
        let pages = site.render()?;
        let mut files: HashMap<String, Arc<[u8]>> = HashMap::with_capacity(pages.len() + 8);
        let count = pages.len();
        for page in pages {
            files.insert(page.path, Arc::from(page.content.into_bytes()));
        }
        let static_dir = site.config.root.join("static");
        for entry in walkdir::WalkDir::new(&static_dir)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&static_dir) else {
                continue;
            };
            let key = rel.to_string_lossy().replace('\\', "/");
            if let Ok(bytes) = std::fs::read(entry.path()) {
                files.insert(key, Arc::from(bytes));
            }
        }
        Ok(Snapshot {
            files,
            pages: count,
        })
    }
}
