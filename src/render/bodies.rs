//! Articles' bodies, made again from their files when their pages are rendered: documents
//! keep no HTML, so a build never holds every article's.

use std::path::PathBuf;
use std::sync::Arc;

use crate::analyze::Parts;
use crate::annotate::{Annotated, Annotator, Lexicon, Targets};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::graph::Document;
use crate::urls::Urls;

/// Makes an article's body again, from its file, when its page is rendered: the file is read
/// and annotated a second time rather than keeping the HTML of every article in memory.
pub struct Bodies {
    root: PathBuf,
    lexicon: Arc<Lexicon>,
    targets: Arc<Targets>,
    urls: Urls,
    allow_html: bool,
    link_every_mention: bool,
}

impl Bodies {
    /// Bodies of the site's articles, annotated against its entities.
    pub(crate) fn new(config: &Config, parts: &Parts) -> Self {
        Bodies {
            root: config.root.clone(),
            lexicon: Arc::clone(&parts.lexicon),
            targets: Arc::clone(&parts.targets),
            urls: Urls::new(&config.base_path),
            allow_html: config.allow_html,
            link_every_mention: config.link_every_mention,
        }
    }
}

impl Bodies {
    /// Annotates `doc` again from its file, which must not have changed since it was loaded.
    fn annotate(
        &self,
        doc: &Document,
        html: bool,
        text_limit: usize,
    ) -> Result<Annotated, Diagnostic> {
        let src = crate::source::read_again(&self.root, &self.root.join(&doc.source))?;
        if crate::load::digest(&src.text) != doc.digest {
            // Its mentions, backlinks and listings were made from the earlier text.
            return Err(Diagnostic::at(
                Code::ChangedDuringBuild,
                format!(
                    "{} changed while the site was being built",
                    doc.source.display()
                ),
                Location::file_only(&doc.source),
            )
            .with_help("build again; the previous output is kept as it was"));
        }
        Ok(self
            .annotator(html, text_limit)
            .annotate(&src, doc.body_start, &doc.lang))
    }

    fn annotator(&self, html: bool, text_limit: usize) -> Annotator<'_> {
        Annotator {
            lexicon: &self.lexicon,
            urls: &self.urls,
            targets: &self.targets,
            allow_html: self.allow_html,
            link_every_mention: self.link_every_mention,
            collect_text: false,
            html,
            snippets: false,
            text_limit,
        }
    }
}

impl Bodies {
    /// The body of `doc` as HTML.
    pub(crate) fn html(&self, doc: &Document) -> Result<String, Diagnostic> {
        Ok(self.annotate(doc, true, 0)?.html)
    }

    /// The body of `doc` as text, block by block (one per line).
    pub(crate) fn text(&self, doc: &Document) -> Result<String, Diagnostic> {
        Ok(self.annotate(doc, false, usize::MAX)?.text)
    }

    /// The body of `doc` as HTML and as text, read once.
    pub(crate) fn html_and_text(&self, doc: &Document) -> Result<(String, String), Diagnostic> {
        let annotated = self.annotate(doc, true, usize::MAX)?;
        Ok((annotated.html, annotated.text))
    }

    /// An entity's prose in `lang` as text, block by block.
    pub(crate) fn prose_text(&self, entity: &crate::graph::Entity, lang: &str) -> String {
        entity
            .source
            .prose
            .get(lang)
            .map(|src| {
                self.annotator(false, usize::MAX)
                    .annotate(src, 0, lang)
                    .text
            })
            .unwrap_or_default()
    }
}
