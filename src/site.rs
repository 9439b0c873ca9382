//! The site, loaded one way for `build`, `check` and `serve`: its configuration, its theme
//! (templates and UI strings), its analysed content and the plan of every output.

use std::path::{Path, PathBuf};

use crate::analyze::{self, AnalyzeOptions, Findings, Kept, Parts};
use crate::config::{CONFIG_FILE, Config};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::graph::Graph;
use crate::outputs::{self, Output};
use crate::render::{Bodies, Made, Page, Renderer, StreamError, Theme, i18n};
use crate::search::{self, Collector};

/// Where the site is and how to read it, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site's root directory (holding `site.yaml`).
    pub root: PathBuf,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Overrides `output_dir` from site.yaml (relative to the current directory).
    pub output_dir: Option<PathBuf>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Include articles dated after today.
    pub future: bool,
    /// Let the build replace an output folder that depeche did not write (never the site, its
    /// sources, the home folder or the file system root).
    pub force: bool,
}

/// What the site is loaded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Rendering pages (`build`, `serve`).
    Render,
    /// Diagnostics (`check`, `annotate`); without `render`, what only pages need (their
    /// sentences, co-mentions) is skipped.
    Check {
        /// Look for unannotated mentions of known entities.
        suggest: bool,
        /// Render every page too (into nothing), to find templates that fail on some page.
        render: bool,
    },
}

/// Why the site cannot be built: every problem found, errors first.
#[derive(Debug, thiserror::Error)]
#[error("the build stopped: {}", crate::diagnostic::count(diagnostics.iter().filter(|d| d.is_error()).count() as u64, "error", "errors"))]
pub struct BuildError {
    /// Errors, then warnings and suggestions.
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError {
            diagnostics: vec![d],
        }
    }
}

impl From<Diagnostics> for BuildError {
    fn from(all: Diagnostics) -> Self {
        BuildError {
            diagnostics: all.into(),
        }
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        BuildError { diagnostics }
    }
}

/// What the last build made that this one may keep.
pub(crate) struct Earlier<'e, T> {
    /// The outputs of the plan made from the same inputs, each as the sink took it.
    pub kept: Vec<(Page, T)>,
    /// What the search index may keep of its own files.
    pub index: search::Earlier<'e>,
}

/// A site with no error, ready to render.
pub struct Site {
    /// The configuration, with the command line's overrides.
    pub config: Config,
    pub(crate) theme: Theme,
    /// The linked content.
    pub graph: Graph,
    /// Everything loaded and annotated.
    pub parts: Parts,
    /// Every file a full build writes, in the order they are rendered.
    pub(crate) plan: Vec<Output>,
    /// The files of `static/`: (path in the output, file).
    pub(crate) statics: Vec<(String, PathBuf)>,
    /// Makes articles' bodies when their pages are rendered.
    pub bodies: Bodies,
    /// Warnings and suggestions, sorted.
    pub warnings: Vec<Diagnostic>,
    /// What was found in each article, for the next build to reuse.
    pub(crate) findings: Findings,
}

/// What the site holds as far as it loads: the graph of every file that reads, even when
/// others have errors (listed with it), for commands that describe the site rather than
/// publish it (`depeche entities`). Fails only when nothing can be linked.
pub fn load_despite_errors(
    options: &Options,
) -> Result<(Config, Graph, Vec<Diagnostic>), BuildError> {
    let config = load_config(options)?;
    let analysis = analyze::analyze(
        config,
        AnalyzeOptions {
            drafts: options.drafts,
            suggest: false,
            check_only: true,
        },
        Kept::default(),
    );
    match analysis.graph {
        Some(graph) => Ok((analysis.config, graph, analysis.diagnostics)),
        None => Err(analysis.diagnostics.into()),
    }
}

/// The site that `from` is in: the nearest folder, `from` or above it, that holds site.yaml,
/// as git finds a repository from any folder inside it.
pub fn find_root(from: &Path) -> Result<PathBuf, Diagnostic> {
    let from = std::path::absolute(from).unwrap_or_else(|_| from.to_path_buf());
    from.ancestors()
        .find(|dir| dir.join(CONFIG_FILE).exists())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Diagnostic::new(
                Code::Unreadable,
                format!(
                    "no {CONFIG_FILE} in {} or any folder above it",
                    from.display()
                ),
                None,
            )
            .with_help("run depeche inside a site, pass `--root <folder>`, or start one with `depeche init <folder>`")
        })
}

/// The configuration in `options.root`, with the command line's overrides.
pub fn load_config(options: &Options) -> Result<Config, BuildError> {
    let mut config = Config::load(&options.root, options.base_url.as_deref())?;
    config.publish_future = options.future;
    config.publish_drafts = options.drafts;
    if let Some(out) = &options.output_dir {
        config.output_dir = std::path::absolute(out).unwrap_or_else(|_| out.clone());
    }
    Ok(config)
}

impl Site {
    /// Reads, checks and links the site at `options.root`; fails with every problem found.
    pub fn load(options: &Options, purpose: Purpose) -> Result<Site, BuildError> {
        let config = load_config(options)?;
        Site::from_config(config, options.drafts, purpose, Kept::default())
    }

    /// [`Site::load`] with the configuration already read, reusing what the last build found
    /// in the articles that did not change (`kept`). Theme problems come first: they are the
    /// site's setup, and rendering would meet them first.
    pub(crate) fn from_config(
        config: Config,
        drafts: bool,
        purpose: Purpose,
        kept: Kept,
    ) -> Result<Site, BuildError> {
        let theme = Theme::load(&config);
        let (suggest, render) = match purpose {
            Purpose::Render => (false, true),
            Purpose::Check { suggest, render } => (suggest, render),
        };
        let analysis = analyze::analyze(
            config,
            AnalyzeOptions {
                drafts,
                suggest,
                check_only: !render,
            },
            kept,
        );
        let mut diagnostics = analysis.diagnostics;
        diagnostics.extend(analysis.config.problems.iter().cloned());
        let theme = match theme {
            Ok(theme) => theme,
            Err(mut problems) => {
                problems.extend(diagnostics);
                return Err(problems.into());
            }
        };
        // What the content links to becomes the plan: every file a full build writes, with
        // the collisions among them and the files of `static/` it copies.
        let config = analysis.config;
        let (statics, unreadable) = outputs::static_files(&config.root);
        diagnostics.extend(unreadable);
        diagnostics.extend(i18n::misspelt_keys(&config));
        let plan = analysis.graph.as_ref().map(|graph| {
            let plan = outputs::plan(&config, graph, &statics);
            diagnostics.extend(outputs::collisions(&plan, graph));
            plan
        });
        analyze::sort(&mut diagnostics);
        match (analysis.graph, plan) {
            (Some(graph), Some(plan)) if !diagnostics.iter().any(Diagnostic::is_error) => {
                Ok(Site {
                    bodies: Bodies::new(&config, &analysis.parts),
                    config,
                    theme,
                    graph,
                    parts: analysis.parts,
                    plan,
                    statics,
                    warnings: diagnostics,
                    findings: analysis.findings,
                })
            }
            _ => Err(diagnostics.into()),
        }
    }

    /// Renders the site's pages from its current state.
    pub(crate) fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.config, &self.graph, &self.theme, &self.bodies)
    }

    /// Makes every output of the plan as its kind says, handing each to `sink` as soon as it
    /// exists: pages rendered (in parallel), files of the stream stage written as they are
    /// made, summaries from every page, and the search index from each article's text as its
    /// page renders (the Markdown is read once), then from the rest. `cache` is where the
    /// index keeps, for the next build, what it found in each page's words. With `earlier`,
    /// what the last build made from the same inputs is kept (see [`Earlier`]). Returns every
    /// output without its content, with what `sink` returned.
    pub(crate) fn produce<T: Send>(
        &self,
        sink: &(dyn Fn(Made<'_>) -> Result<T, Diagnostic> + Sync),
        cache: Option<&Path>,
        earlier: Option<Earlier<'_, T>>,
    ) -> Result<Vec<(Page, T)>, Diagnostic> {
        let emit = |page: Page| -> Result<(Page, T), Diagnostic> {
            let kept = sink(Made::Page(&page))?;
            Ok((page.without_content(), kept))
        };
        let emit_bytes = |path: &str, bytes: &[u8]| -> Result<(Page, T), Diagnostic> {
            let write = |out: &mut dyn std::io::Write| out.write_all(bytes);
            let kept = sink(Made::Stream {
                path,
                write: &write,
            })?;
            Ok((Page::plain(path.to_string(), String::new()), kept))
        };
        let keep = |path: &str| -> Result<(Page, T), Diagnostic> {
            Ok((
                Page::plain(path.to_string(), String::new()),
                sink(Made::Kept(path))?,
            ))
        };
        let (kept, index) = match earlier {
            Some(earlier) => (earlier.kept, Some(earlier.index)),
            None => (Vec::new(), None),
        };
        let site = (&self.config, &self.graph, &self.plan[..]);
        let indexes = Collector::new(site, (&emit, &emit_bytes), &keep, cache, index);
        let renderer = self.renderer().with_text_sink(&indexes);
        let mut made = renderer
            .render_streaming(&self.plan, kept, sink)
            .map_err(|e| match e {
                StreamError::Render(d) | StreamError::Sink(d) => d,
            })?;
        made.extend(indexes.finish(&renderer)?);
        Ok(made)
    }

    /// Renders the page planned at `path` (relative to the output folder); `None` when the
    /// site has no page there.
    pub fn render(&self, path: &str) -> Option<Result<Page, Diagnostic>> {
        let output = self.plan.iter().find(|o| o.path == path)?;
        self.renderer().render_page(output)
    }
}
