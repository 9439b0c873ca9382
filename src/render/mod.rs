//! Stage 5: pages from the graph, through the templates, once per language.

pub mod context;
pub mod i18n;
mod pages;
pub mod templates;

pub use pages::SITEMAP_URLS;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{Article, ArticleVersion, Document, Entity, Graph};
use crate::urls::Urls;
use context::*;
use i18n::Strings;

/// A rendered file: its path relative to the output directory and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub content: String,
    /// The same page in every language it exists in (language, path), for the sitemap.
    pub alternates: Vec<(String, String)>,
    /// Last modification date, for the sitemap.
    pub lastmod: Option<String>,
}

/// Everything about one language that every page in it shares.
struct Lang {
    code: String,
    strings: Strings,
    site: SiteCtx,
    nav: Nav,
    /// The templates with this language's UI strings (`t`) in their global context, so the
    /// strings are not serialised again for every page.
    tera: tera::Tera,
}

/// Compiled templates and every language's strings: loaded once, reused by every render
/// (and by every rebuild of `serve` until a template or translation file changes).
pub struct Theme {
    templates: templates::Templates,
    langs: Vec<Lang>,
}

pub struct Renderer<'a> {
    config: &'a Config,
    graph: &'a Graph,
    theme: &'a Theme,
    bodies: &'a dyn ArticleBodies,
    urls: Urls,
}

/// Makes the HTML of an article's body when its page is rendered (documents keep none).
pub trait ArticleBodies: Sync {
    fn html(&self, doc: &Document) -> Result<String, Diagnostic>;
}

/// Why streaming stopped: a page failed to render, or the sink failed to take it.
#[derive(Debug)]
pub enum StreamError<E> {
    Render(Diagnostic),
    Sink(E),
}

/// Which pages to render: the pages of these articles and entities, and the listings
/// (home pages, entity indexes) of these languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub articles: BTreeSet<String>,
    /// Entities, with the backlink pages to render (`None`: all of them).
    pub entities: BTreeMap<String, Option<BTreeSet<usize>>>,
    /// Languages whose entity index and home pages to render (`None`: every home page).
    pub listing_languages: BTreeMap<String, Option<BTreeSet<usize>>>,
}

/// Does a selection map (`None`: every page) ask for page `page` of `key`?
fn wants(map: &BTreeMap<String, Option<BTreeSet<usize>>>, key: &str, page: usize) -> bool {
    map.get(key)
        .is_some_and(|pages| pages.as_ref().is_none_or(|p| p.contains(&page)))
}

/// One page to render; rendering them is independent, so it runs in parallel.
enum Job<'g> {
    Home {
        lang: usize,
        root: bool,
        page: usize,
        pages: usize,
    },
    Article {
        lang: usize,
        article: &'g Article,
        version: &'g ArticleVersion,
    },
    Entity {
        lang: usize,
        entity: &'g Entity,
        page: usize,
        pages: usize,
    },
    EntityIndex {
        lang: usize,
    },
}

/// How many pages list the articles of `lang` on its home.
pub fn home_pages(config: &Config, graph: &Graph, lang: &str) -> usize {
    let n = graph
        .articles
        .iter()
        .filter(|a| a.versions.contains_key(lang))
        .count();
    n.div_ceil(config.articles_per_page).max(1)
}

/// How many pages list an entity's backlinks in `lang`.
pub fn entity_pages(config: &Config, entity: &Entity, lang: &str) -> usize {
    let n = entity.backlinks.get(lang).map_or(0, Vec::len);
    n.div_ceil(config.backlinks_per_page).max(1)
}

impl Theme {
    /// Compiles the templates and reads every language's UI strings.
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let templates = templates::load(&config.root);
        let urls = Urls::new(&config.base_path);
        let mut langs = Vec::new();
        let mut problems: Vec<Diagnostic> = templates.as_ref().err().cloned().into_iter().collect();
        for code in &config.languages {
            match Strings::load(&config.root, code) {
                Ok(strings) => langs.push(Lang {
                    code: code.clone(),
                    site: SiteCtx {
                        title: config.title.get(code).cloned().unwrap_or_default(),
                        base_path: config.base_path.clone(),
                        base_url: config.base_url.clone(),
                    },
                    nav: Nav {
                        home: urls.home(code),
                        entities: urls.entities(code),
                    },
                    strings,
                    tera: tera::Tera::new(),
                }),
                Err(d) => problems.push(d),
            }
        }
        match templates {
            Ok(templates) if problems.is_empty() => {
                for lang in &mut langs {
                    lang.tera = templates.tera.clone();
                    lang.tera
                        .register_filter("plural", i18n::plural_filter(&lang.code));
                    lang.tera.global_context().insert("t", &lang.strings.tree);
                }
                Ok(Theme { templates, langs })
            }
            _ => Err(problems),
        }
    }
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a Config,
        graph: &'a Graph,
        theme: &'a Theme,
        bodies: &'a dyn ArticleBodies,
    ) -> Self {
        Renderer {
            config,
            graph,
            theme,
            bodies,
            urls: Urls::new(&config.base_path).with_base_url(&config.base_url),
        }
    }

    fn lang(&self, index: usize) -> &'a Lang {
        &self.theme.langs[index]
    }

    /// Renders every page of the site, plus `404.html` and the sitemaps.
    pub fn render_all(&self) -> Result<Vec<Page>, Diagnostic> {
        let mut pages = self.render_jobs(self.jobs(None))?;
        pages.push(self.not_found()?);
        let sitemaps = self.sitemaps(&pages.iter().collect::<Vec<_>>())?;
        pages.extend(sitemaps);
        pages.extend(self.hosting_files());
        Ok(pages)
    }

    /// Renders every page and hands each to `sink` as soon as it exists, in parallel, so the
    /// whole site never sits in memory: `build` minifies and writes each page at once. The
    /// pages come back without their content (for the sitemap's and the caller's bookkeeping),
    /// each with what `sink` returned for it.
    pub fn render_streaming<T: Send, E: Send>(
        &self,
        sink: impl Fn(&Page) -> Result<T, E> + Sync,
    ) -> Result<Vec<(Page, T)>, StreamError<E>> {
        let emit = |page: Page| -> Result<(Page, T), StreamError<E>> {
            let kept = sink(&page).map_err(StreamError::Sink)?;
            Ok((
                Page {
                    content: String::new(),
                    ..page
                },
                kept,
            ))
        };
        let mut pages: Vec<(Page, T)> = self
            .jobs(None)
            .par_iter()
            .map(|job| emit(self.render_job(job).map_err(StreamError::Render)?))
            .collect::<Result<_, _>>()?;
        pages.push(emit(self.not_found().map_err(StreamError::Render)?)?);
        let sitemaps = self
            .sitemaps(&pages.iter().map(|(page, _)| page).collect::<Vec<_>>())
            .map_err(StreamError::Render)?;
        for sitemap in sitemaps {
            pages.push(emit(sitemap)?);
        }
        for file in self.hosting_files() {
            pages.push(emit(file)?);
        }
        Ok(pages)
    }

    /// Renders only the selected pages (sitemaps are left to the caller, who knows them all).
    pub fn render_selection(&self, selection: &Selection) -> Result<Vec<Page>, Diagnostic> {
        self.render_jobs(self.jobs(Some(selection)))
    }

    fn render_jobs(&self, jobs: Vec<Job>) -> Result<Vec<Page>, Diagnostic> {
        jobs.par_iter().map(|job| self.render_job(job)).collect()
    }

    /// `.nojekyll` (GitHub Pages serves the site as is) and `CNAME` for a custom domain.
    fn hosting_files(&self) -> Vec<Page> {
        let file = |path: &str, content: String| Page {
            path: path.to_string(),
            content,
            alternates: Vec::new(),
            lastmod: None,
        };
        let mut files = vec![file(".nojekyll", String::new())];
        if let Some(domain) = &self.config.cname {
            files.push(file("CNAME", format!("{domain}\n")));
        }
        files
    }

    fn jobs(&self, only: Option<&Selection>) -> Vec<Job<'a>> {
        let graph: &'a Graph = self.graph;
        let listing = |code: &str| only.is_none_or(|s| s.listing_languages.contains_key(code));
        let home_wanted =
            |code: &str, page: usize| only.is_none_or(|s| wants(&s.listing_languages, code, page));
        let article_wanted = |key: &str| only.is_none_or(|s| s.articles.contains(key));
        let entity_wanted = |id: &str| only.is_none_or(|s| s.entities.contains_key(id));
        let page_wanted = |id: &str, page: usize| only.is_none_or(|s| wants(&s.entities, id, page));
        let mut jobs = Vec::new();
        let default = self.config.default_language();
        if home_wanted(default, 1) {
            jobs.push(Job::Home {
                lang: 0,
                root: true,
                page: 1,
                pages: self.home_pages(default),
            });
        }
        for (l, lang) in self.theme.langs.iter().enumerate() {
            if listing(&lang.code) {
                jobs.push(Job::EntityIndex { lang: l });
            }
            let pages = self.home_pages(&lang.code);
            for page in (1..=pages).filter(|&p| home_wanted(&lang.code, p)) {
                jobs.push(Job::Home {
                    lang: l,
                    root: false,
                    page,
                    pages,
                });
            }
            for article in graph.articles.iter().filter(|a| article_wanted(&a.key)) {
                if let Some(version) = article.versions.get(&lang.code) {
                    jobs.push(Job::Article {
                        lang: l,
                        article,
                        version,
                    });
                }
            }
            for entity in graph.entities.iter().filter(|e| entity_wanted(e.id())) {
                let pages = self.entity_pages(entity, &lang.code);
                for page in (1..=pages).filter(|&p| page_wanted(entity.id(), p)) {
                    jobs.push(Job::Entity {
                        lang: l,
                        entity,
                        page,
                        pages,
                    });
                }
            }
        }
        jobs
    }

    fn render_job(&self, job: &Job) -> Result<Page, Diagnostic> {
        match *job {
            Job::Home {
                lang,
                root,
                page,
                pages,
            } => self.home(self.lang(lang), root, page, pages),
            Job::Article {
                lang,
                article,
                version,
            } => self.article(self.lang(lang), article, version),
            Job::Entity {
                lang,
                entity,
                page,
                pages,
            } => self.entity(self.lang(lang), entity, page, pages),
            Job::EntityIndex { lang } => self.entity_index(self.lang(lang)),
        }
    }

    /// How many pages list the articles of `lang` on its home.
    pub fn home_pages(&self, lang: &str) -> usize {
        home_pages(self.config, self.graph, lang)
    }

    pub fn entity_pages(&self, entity: &Entity, lang: &str) -> usize {
        entity_pages(self.config, entity, lang)
    }

    /// Head links and the language switcher, from the page's versions in each language.
    fn common<'s>(
        &'s self,
        lang: &'s Lang,
        path: &str,
        versions: &[(&str, String)],
        x_default: Option<String>,
        description: Option<String>,
    ) -> Common<'s> {
        let alternates = versions
            .iter()
            .map(|(l, p)| Alternate {
                lang: l.to_string(),
                absolute: self.urls.absolute(p),
            })
            .collect();
        let default_version = versions
            .iter()
            .find(|(l, _)| *l == self.config.default_language());
        let x_default = x_default
            .or_else(|| default_version.map(|(_, p)| self.urls.absolute(p)))
            .unwrap_or_else(|| self.urls.absolute(path));
        let switcher = self
            .theme
            .langs
            .iter()
            .filter(|other| other.code != lang.code)
            .map(|other| {
                let version = versions.iter().find(|(l, _)| *l == other.code);
                SwitchLink {
                    lang: other.code.clone(),
                    name: other.strings.language_name().to_string(),
                    dir: other.strings.dir().to_string(),
                    href: version
                        .map_or_else(|| self.urls.home(&other.code), |(_, p)| self.urls.of(p)),
                    available: version.is_some(),
                }
            })
            .collect();
        Common {
            lang: &lang.code,
            dir: lang.strings.dir(),
            site: &lang.site,
            nav: &lang.nav,
            canonical: self.urls.absolute(path),
            alternates,
            x_default,
            switcher,
            description,
        }
    }

    fn render<T: Serialize>(
        &self,
        lang: &Lang,
        template: &str,
        path: String,
        data: &T,
    ) -> Result<Page, Diagnostic> {
        let context = Context::from_serialize(data).map_err(|e| self.theme.templates.error(&e))?;
        // Pages are a few to a few hundred KiB: one allocation for most, instead of doublings.
        let mut output = Vec::with_capacity(64 << 10);
        lang.tera
            .render_to(template, &context, &mut output)
            .map_err(|e| self.theme.templates.error(&e))?;
        let content = String::from_utf8(output)
            .map_err(|e| self.theme.templates.error(&tera::Error::from(e)))?;
        Ok(Page {
            path,
            content,
            alternates: Vec::new(),
            lastmod: None,
        })
    }

    /// Renders a language page and records its translations.
    fn render_localized<T: Serialize>(
        &self,
        lang: &Lang,
        template: &str,
        path: String,
        data: &T,
        versions: &[(&str, String)],
    ) -> Result<Page, Diagnostic> {
        let mut page = self.render(lang, template, path, data)?;
        page.alternates = versions
            .iter()
            .map(|(l, p)| (l.to_string(), p.clone()))
            .collect();
        Ok(page)
    }

    fn every_language(&self, path_of: impl Fn(&str) -> String) -> Vec<(&str, String)> {
        self.theme
            .langs
            .iter()
            .map(|l| (l.code.as_str(), path_of(&l.code)))
            .collect()
    }
}
