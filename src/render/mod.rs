//! Stage 5: pages from the graph, through the templates, once per language.

mod bodies;
mod context;
mod data;
mod facts;
mod feeds;
pub(crate) mod i18n;
mod map;
mod neighbourhood;
mod pages;
mod provenance;
pub(crate) mod templates;
mod timeline;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::{Document, Entity, Graph};
use crate::outputs::{self, DataFile, Kind, Output, Stage};
use crate::urls::{self, Urls};
pub(crate) use bodies::Bodies;
use context::*;
pub use data::spreadsheet_safe;
use i18n::Strings;

/// A rendered file: its path relative to the output directory and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it goes, relative to the output folder.
    pub path: String,
    /// Its text.
    pub content: String,
    /// Last modification date, for the sitemap.
    pub lastmod: Option<String>,
    /// Whether the sitemap lists it ([`Kind::in_sitemap`]).
    pub in_sitemap: bool,
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

pub(crate) struct Renderer<'a> {
    config: &'a Config,
    graph: &'a Graph,
    theme: &'a Theme,
    bodies: &'a Bodies,
    urls: Urls,
    /// Told each article's text as its page is rendered.
    text_sink: Option<&'a dyn TextSink>,
    /// The places of the regional map with their names placed, per language: the same on the
    /// map page and every place's page, placed once.
    map_places: Vec<std::sync::OnceLock<map::Places>>,
}

/// Told the text of each article as its page is rendered, for an output made from every
/// article's text (the search index), which would otherwise read every article again.
pub(crate) trait TextSink: Sync {
    /// The text of the version in `lang` (an index into the languages) of `article` (an
    /// index into the graph's articles), block by block.
    fn article_text(
        &self,
        renderer: &Renderer,
        lang: usize,
        article: usize,
        text: &str,
    ) -> Result<(), Diagnostic>;
}

/// How long a page's description may be: search engines show about 160 characters.
const DESCRIPTION_CHARS: usize = 160;

/// A description cut at a word boundary to at most [`DESCRIPTION_CHARS`] characters.
pub(crate) fn short_description(text: &str) -> String {
    cut_at_word(text, DESCRIPTION_CHARS)
}

/// `text` cut at a word boundary to at most `max` characters, an ellipsis marking the cut.
fn cut_at_word(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    let kept = cut[..at].trim_end_matches([',', ';', ':', '(', ' ', '\u{a0}', '\u{202f}']);
    format!("{kept}…")
}

impl Page {
    /// The page without its content, kept for bookkeeping once it is written.
    pub(crate) fn without_content(self) -> Page {
        Page {
            content: String::new(),
            ..self
        }
    }

    /// A file that is not in any language (no alternates, no date).
    pub(crate) fn plain(path: String, content: String) -> Page {
        Page {
            path,
            content,
            lastmod: None,
            in_sitemap: false,
        }
    }
}

/// What streaming hands its sink: a rendered page, or a file too big to hold whole, which
/// `write` writes into what it is given.
pub(crate) enum Made<'a> {
    Page(&'a Page),
    /// The file the output holds at this path, as the last build wrote it from the same
    /// inputs: kept as it is.
    Kept(&'a str),
    Stream {
        path: &'a str,
        write: &'a (dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync),
    },
}

/// Why streaming stopped: a page failed to render, or the sink failed to take it.
#[derive(Debug)]
pub(crate) enum StreamError<E> {
    Render(Diagnostic),
    Sink(E),
}

impl Theme {
    /// Compiles the templates and reads every language's UI strings.
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let templates = templates::load(&config.root);
        let urls = Urls::new(&config.base_path).with_base_url(&config.base_url);
        let mut langs = Vec::new();
        let mut problems: Vec<Diagnostic> = templates
            .as_ref()
            .err()
            .cloned()
            .map(|d| d.0)
            .unwrap_or_default();
        for code in &config.languages {
            match Strings::load(&config.root, code) {
                Ok(strings) => langs.push(Lang {
                    code: code.clone(),
                    site: SiteCtx {
                        title: config.title.get(code).cloned().unwrap_or_default(),
                        base_path: config.base_path.clone(),
                        base_url: config.base_url.clone(),
                        share_image: config.share_image.as_ref().map(|image| ShareImageCtx {
                            url: urls.absolute(&image.file),
                            width: image.size.map(|s| s.0),
                            height: image.size.map(|s| s.1),
                            alt: image.alt.get(code).cloned(),
                        }),
                        files: SiteFiles {
                            style: urls.asset(urls::STYLE),
                            favicon: urls.asset(urls::FAVICON),
                            manifest: urls.asset(urls::WEB_MANIFEST),
                            previews_script: urls.asset(urls::PREVIEWS_SCRIPT),
                            previews: urls.of(&urls::previews_path(code)),
                            search_script: urls.asset(urls::SEARCH_SCRIPT),
                        },
                    },
                    nav: Nav {
                        home: urls.home(code),
                        entities: urls.entities(code),
                        search: config.build_search_index.then(|| urls.search(code)),
                        timeline: urls.timeline(code),
                        map: urls.map(code),
                        graph: urls.graph(code),
                        feed: urls.feed(code),
                    },
                    strings,
                    tera: tera::Tera::new(),
                }),
                // One folder out of the site is one problem, whichever language found it.
                Err(d) if !problems.contains(&d) => problems.push(d),
                Err(_) => {}
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
    pub(crate) fn new(
        config: &'a Config,
        graph: &'a Graph,
        theme: &'a Theme,
        bodies: &'a Bodies,
    ) -> Self {
        Renderer {
            config,
            graph,
            theme,
            bodies,
            urls: Urls::new(&config.base_path).with_base_url(&config.base_url),
            text_sink: None,
            map_places: theme
                .langs
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    fn lang(&self, index: usize) -> &'a Lang {
        &self.theme.langs[index]
    }

    /// The same renderer, telling `sink` each article's text as its page is rendered.
    pub(crate) fn with_text_sink(mut self, sink: &'a dyn TextSink) -> Self {
        self.text_sink = Some(sink);
        self
    }

    /// The configuration it renders with.
    pub(crate) fn config(&self) -> &'a Config {
        self.config
    }

    /// The content it renders.
    pub(crate) fn graph(&self) -> &'a Graph {
        self.graph
    }

    /// The site's addresses.
    pub(crate) fn urls(&self) -> &Urls {
        &self.urls
    }

    /// A day as the language writes it.
    pub(crate) fn date(&self, lang: usize, day: chrono::NaiveDate) -> String {
        self.lang(lang).strings.format_date(day)
    }

    /// The day an entity's description was true at, as the language writes it ("as of 30
    /// November 2024"), when its file says.
    /// An entity's description in `lang` with the day it was true at, as text that travels
    /// alone (meta and Open Graph descriptions, JSON-LD, search results): "… (as of
    /// 30 November 2024)". The page itself shows the date beside the description.
    /// `short`: for a page's meta description, the text is cut so that the whole, date
    /// included, fits the [`DESCRIPTION_CHARS`] search engines show.
    fn dated_description(&self, lang: &Lang, entity: &Entity, short: bool) -> Option<String> {
        let description = entity.source.description.get(&lang.code)?;
        let Some(day) = &entity.source.as_of else {
            return Some(if short {
                short_description(description)
            } else {
                description.clone()
            });
        };
        let dated = lang
            .strings
            .get(&["dated"])
            .unwrap_or("{text} ({date})")
            .replace("{date}", &lang.strings.format_date(day.day));
        let text = if short {
            let around = dated.chars().count() - "{text}".len();
            cut_at_word(description, DESCRIPTION_CHARS.saturating_sub(around))
        } else {
            description.clone()
        };
        Some(dated.replace("{text}", &text))
    }

    pub(crate) fn as_of(&self, lang: usize, entity: &Entity) -> Option<String> {
        let strings = &self.lang(lang).strings;
        entity.source.as_of.as_ref().map(|d| {
            let as_of = strings.get(&["ui", "as_of"]).unwrap_or("");
            format!("{as_of} {}", strings.format_date(d.day))
        })
    }

    /// An article's text, block by block, as the search index holds it.
    pub(crate) fn article_text(&self, doc: &Document) -> Result<String, Diagnostic> {
        self.bodies.text(doc)
    }

    /// An entity's prose in `lang` as text, block by block.
    pub(crate) fn prose_text(&self, entity: &Entity, lang: &str) -> String {
        self.bodies.prose_text(entity, lang)
    }

    /// Renders every output of `plan` and hands each page to `sink` as soon as it exists, in
    /// parallel, so the whole site never sits in memory: `build` minifies and writes each page
    /// at once, and writes the outputs of the stream stage (the open data, which grows with the
    /// site) as they are made. The pages come back without their content (for the sitemap's
    /// and the caller's bookkeeping), each with what `sink` returned for it. Summaries (the
    /// sitemaps) are rendered last, from every page. The outputs of `kept` (pages without
    /// their content, as an earlier build made them) are not made again, and count among
    /// the pages.
    pub(crate) fn render_streaming<T: Send, E: Send>(
        &self,
        plan: &[Output],
        kept: Vec<(Page, T)>,
        sink: impl Fn(Made<'_>) -> Result<T, E> + Sync,
    ) -> Result<Vec<(Page, T)>, StreamError<E>> {
        let emit = |page: Page| -> Result<(Page, T), StreamError<E>> {
            let kept = sink(Made::Page(&page)).map_err(StreamError::Sink)?;
            Ok((page.without_content(), kept))
        };
        let skipped: std::collections::HashSet<&str> =
            kept.iter().map(|(page, _)| page.path.as_str()).collect();
        let mut pages: Vec<(Page, T)> = plan
            .par_iter()
            .filter(|output| !skipped.contains(output.path.as_str()))
            .filter_map(|output| {
                if output.kind.stage() == Stage::Stream {
                    let write = |out: &mut dyn std::io::Write| self.write_stream(output, out);
                    let made = Made::Stream {
                        path: &output.path,
                        write: &write,
                    };
                    let kept = sink(made).map_err(StreamError::Sink);
                    return Some(
                        kept.map(|kept| (Page::plain(output.path.clone(), String::new()), kept)),
                    );
                }
                self.render_page(output)
                    .map(|page| emit(page.map_err(StreamError::Render)?))
            })
            .collect::<Result<_, _>>()?;
        drop(skipped);
        pages.extend(kept);
        let summaries = self
            .summaries(&pages.iter().map(|(page, _)| page).collect::<Vec<_>>())
            .map_err(StreamError::Render)?;
        for summary in summaries {
            pages.push(emit(summary)?);
        }
        Ok(pages)
    }

    /// Writes an output of the stream stage into `out`.
    fn write_stream(&self, output: &Output, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match output.kind {
            Kind::Data(DataFile::Graph) => self.write_graph_json(out),
            Kind::Data(DataFile::JsonLd) => self.write_graph_json_ld(out),
            Kind::Data(DataFile::Figures) => self
                .write_figures_csv(out)
                .map_err(|e| std::io::Error::other(e.to_string())),
            _ => Ok(()),
        }
    }

    /// Renders these outputs, each on its own (in parallel); summaries are left to
    /// [`Renderer::summaries`], which needs every page.
    pub(crate) fn render_pages(&self, outputs: &[&Output]) -> Result<Vec<Page>, Diagnostic> {
        outputs
            .par_iter()
            .filter_map(|output| self.render_page(output))
            .collect()
    }

    /// Renders one output of the [`Stage::Page`] stage; `None` for the other stages.
    pub(crate) fn render_page(&self, output: &Output) -> Option<Result<Page, Diagnostic>> {
        let page = self.page_of_kind(output)?;
        Some(page.map(|mut page| {
            page.in_sitemap = output.kind.in_sitemap();
            page
        }))
    }

    fn page_of_kind(&self, output: &Output) -> Option<Result<Page, Diagnostic>> {
        let path = output.path.clone();
        Some(match output.kind {
            Kind::Home { lang, page, root } => self.home(self.lang(lang), root, page, path),
            Kind::EntityIndex { lang } => self.entity_index(self.lang(lang), path),
            Kind::Article { lang, article } => {
                let version = self.graph.articles[article]
                    .versions
                    .get(&self.lang(lang).code)?;
                self.article((lang, article), version)
            }
            Kind::Entity { lang, entity, page } => {
                self.entity(self.lang(lang), &self.graph.entities[entity], page, path)
            }
            Kind::Feed { lang } => self.feed(self.lang(lang), None, path),
            Kind::EntityFeed { lang, entity } => {
                self.feed(self.lang(lang), Some(&self.graph.entities[entity]), path)
            }
            Kind::NotFound => self.not_found(path),
            Kind::NoJekyll => Ok(Page::plain(path, String::new())),
            Kind::Robots => Ok(Page::plain(
                path,
                format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    self.urls.absolute(urls::SITEMAP)
                ),
            )),
            Kind::Manifest => Ok(Page::plain(path, self.manifest())),
            Kind::Previews { lang } => Ok(Page::plain(path, self.previews(lang))),
            Kind::Cname => {
                let domain = self.config.cname.as_deref().unwrap_or_default();
                Ok(Page::plain(path, format!("{domain}\n")))
            }
            Kind::Search { lang } => self.search_page(self.lang(lang), path),
            Kind::Timeline { lang } => self.timeline_page(self.lang(lang), path),
            Kind::Map { lang } => self.map_page(self.lang(lang), path),
            Kind::Graph { lang } => self.graph_page(self.lang(lang), path),
            Kind::MapOutlines => Ok(Page::plain(path, map::base_svg())),
            Kind::Data(_) => self.streamed(output),
            Kind::EntityData { entity } => {
                let csv = self.entity_csv(&self.graph.entities[entity]);
                csv.map(|text| Page::plain(path, text))
            }
            Kind::Asset(asset) => {
                let text = outputs::ASSETS[asset].1;
                let text = if outputs::is_stylesheet(&path) {
                    outputs::minified_css(text)
                } else {
                    text.to_string()
                };
                Ok(Page::plain(path, text))
            }
            Kind::Sitemap { .. } | Kind::SearchIndex { .. } | Kind::Static(_) => return None,
        })
    }

    /// An output of the stream stage, whole in memory (for `serve` and tests).
    fn streamed(&self, output: &Output) -> Result<Page, Diagnostic> {
        let mut content = Vec::new();
        self.write_stream(output, &mut content).map_err(|e| {
            Diagnostic::new(Code::WriteFailed, format!("{}: {e}", output.path), None)
        })?;
        let content = String::from_utf8_lossy(&content).into_owned();
        Ok(Page::plain(output.path.clone(), content))
    }

    /// The web app manifest: the site's name in its first language, its start page and icon,
    /// all under the base path.
    fn manifest(&self) -> String {
        let lang = &self.theme.langs[0];
        let base = &self.config.base_path;
        serde_json::json!({
            "name": lang.site.title,
            "short_name": lang.site.title,
            "lang": lang.code,
            "start_url": self.urls.home(&lang.code),
            "scope": base,
            "display": "browser",
            "icons": [{"src": self.urls.asset(urls::FAVICON), "type": "image/svg+xml", "sizes": "any"}],
        })
        .to_string()
    }

    /// What a preview card shows of each entity, in one language: name, type, description
    /// with its date, page. Read by `previews.js` when a reader first points at a mention.
    fn previews(&self, lang_index: usize) -> String {
        let lang = self.lang(lang_index);
        let code = lang.code.as_str();
        let cards: serde_json::Map<String, serde_json::Value> = self
            .graph
            .entities
            .iter()
            .map(|e| {
                let kind = e.source.kind.as_str();
                let as_of = self.as_of(lang_index, e);
                let card = serde_json::json!({
                    "name": e.name_in(code),
                    "type": lang.strings.get(&["types", kind]).unwrap_or(kind),
                    "description": e.source.description.get(code),
                    "as_of": as_of,
                    "url": self.urls.entity(code, e.id()),
                });
                (e.id().to_string(), card)
            })
            .collect();
        serde_json::Value::Object(cards).to_string()
    }

    /// The outputs made from every page: the sitemaps.
    pub(crate) fn summaries(&self, pages: &[&Page]) -> Result<Vec<Page>, Diagnostic> {
        self.sitemaps(pages)
    }

    pub(crate) fn home_pages(&self, lang: &str) -> usize {
        outputs::home_pages(self.config, self.graph, lang)
    }

    pub(crate) fn entity_pages(&self, entity: &Entity, lang: &str) -> usize {
        outputs::entity_pages(self.config, entity, lang)
    }

    /// Head links and the language switcher, from the page's versions in each language.
    fn common<'s>(
        &'s self,
        lang: &'s Lang,
        path: &str,
        versions: &[(&str, String)],
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
        // The default language's version, as in the sitemap: the root's copy of its home says
        // that its canonical address is the language's.
        let x_default = default_version
            .map(|(_, p)| self.urls.absolute(p))
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
                    og_locale: other
                        .strings
                        .get(&["og_locale"])
                        .unwrap_or(&other.code)
                        .to_string(),
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
            description: description.map(|d| short_description(&d)),
            og_locale: lang.strings.get(&["og_locale"]).unwrap_or(&lang.code),
            breadcrumbs: None,
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
            lastmod: None,
            in_sitemap: false,
        })
    }

    /// A page a language has once, about the whole site (the entity index, the timeline, the
    /// map, the graph, search): the same page in every language, described by the UI string
    /// `intro` and named by `title`, as new as the language's newest article; `data` joins
    /// the common variables.
    fn site_view<T: Serialize>(
        &self,
        lang: &Lang,
        path: String,
        (template, path_of, title, intro): (&str, fn(&str) -> String, &str, &str),
        data: T,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct View<'a, T> {
            #[serde(flatten)]
            common: Common<'a>,
            #[serde(flatten)]
            data: T,
        }
        let versions = self.every_language(path_of);
        let description = lang.strings.get(&["ui", intro]).map(str::to_string);
        let mut common = self.common(lang, &path, &versions, description);
        let name = lang.strings.get(&["ui", title]).unwrap_or(title);
        common.breadcrumbs = Some(self.breadcrumbs_json_ld(lang, &[(name, path.clone())]));
        let view = View { common, data };
        let mut page = self.render(lang, template, path, &view)?;
        page.lastmod = self.newest_article_date(lang);
        Ok(page)
    }

    /// The date of the language's newest article: when a page listing them all last changed.
    fn newest_article_date(&self, lang: &Lang) -> Option<String> {
        self.graph
            .articles
            .iter()
            .find_map(|a| a.versions.get(&lang.code))
            .map(|v| v.front.date.day.to_string())
    }

    fn every_language(&self, path_of: impl Fn(&str) -> String) -> Vec<(&str, String)> {
        self.theme
            .langs
            .iter()
            .map(|l| (l.code.as_str(), path_of(&l.code)))
            .collect()
    }
}
