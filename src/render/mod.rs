//! Stage 5: pages from the graph, through the templates, once per language.

pub mod context;
pub mod i18n;
pub mod templates;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::graph::{Article, ArticleVersion, Entity, Graph};
use crate::load::EntityKind;
use crate::urls::{self, Urls};
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
    urls: Urls,
}

/// Which pages to render: the pages of these articles and entities, and the listings
/// (home pages, entity indexes) of these languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub articles: BTreeSet<String>,
    /// Entities, with the backlink pages to render (`None`: all of them).
    pub entities: BTreeMap<String, Option<BTreeSet<usize>>>,
    pub listing_languages: BTreeSet<String>,
}

/// One page to render; rendering them is independent, so it runs in parallel.
enum Job<'g> {
    Home {
        lang: usize,
        root: bool,
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

/// Compiles the templates and reads every language's UI strings: what rendering needs and
/// `check` verifies without rendering.
pub fn check_setup(config: &Config) -> Vec<Diagnostic> {
    Theme::load(config).err().unwrap_or_default()
}

impl Theme {
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
                }),
                Err(d) => problems.push(d),
            }
        }
        match templates {
            Ok(templates) if problems.is_empty() => Ok(Theme { templates, langs }),
            _ => Err(problems),
        }
    }
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, graph: &'a Graph, theme: &'a Theme) -> Self {
        Renderer {
            config,
            graph,
            theme,
            urls: Urls::new(&config.base_path),
        }
    }

    fn lang(&self, index: usize) -> &'a Lang {
        &self.theme.langs[index]
    }

    /// Renders every page of the site, plus `404.html` and `sitemap.xml`.
    pub fn render_all(&self) -> Result<Vec<Page>, Diagnostic> {
        let mut pages = self.render_jobs(self.jobs(None))?;
        pages.push(self.not_found()?);
        let sitemap = self.sitemap(&pages.iter().collect::<Vec<_>>())?;
        pages.push(sitemap);
        pages.extend(self.hosting_files());
        Ok(pages)
    }

    /// Renders only the selected pages (the sitemap is left to the caller, who knows them all).
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
        let listing = |code: &str| only.is_none_or(|s| s.listing_languages.contains(code));
        let article_wanted = |key: &str| only.is_none_or(|s| s.articles.contains(key));
        let entity_wanted = |id: &str| only.is_none_or(|s| s.entities.contains_key(id));
        let page_wanted = |id: &str, page: usize| {
            only.is_none_or(|s| {
                s.entities
                    .get(id)
                    .is_some_and(|pages| pages.as_ref().is_none_or(|p| p.contains(&page)))
            })
        };
        let mut jobs = Vec::new();
        if listing(self.config.default_language()) {
            jobs.push(Job::Home {
                lang: 0,
                root: true,
            });
        }
        for (l, lang) in self.theme.langs.iter().enumerate() {
            if listing(&lang.code) {
                jobs.push(Job::Home {
                    lang: l,
                    root: false,
                });
                jobs.push(Job::EntityIndex { lang: l });
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
            Job::Home { lang, root } => self.home(self.lang(lang), root),
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

    pub fn entity_pages(&self, entity: &Entity, lang: &str) -> usize {
        let n = entity.backlinks.get(lang).map_or(0, Vec::len);
        n.div_ceil(self.config.backlinks_per_page).max(1)
    }

    fn absolute(&self, path: &str) -> String {
        let dir = path.strip_suffix("index.html").unwrap_or(path);
        format!("{}{dir}", self.config.base_url)
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
                absolute: self.absolute(p),
            })
            .collect();
        let default_version = versions
            .iter()
            .find(|(l, _)| *l == self.config.default_language());
        let x_default = x_default
            .or_else(|| default_version.map(|(_, p)| self.absolute(p)))
            .unwrap_or_else(|| self.absolute(path));
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
            t: &lang.strings.tree,
            site: &lang.site,
            nav: &lang.nav,
            canonical: self.absolute(path),
            alternates,
            x_default,
            switcher,
            description,
        }
    }

    fn render<T: Serialize>(
        &self,
        template: &str,
        path: String,
        data: &T,
    ) -> Result<Page, Diagnostic> {
        let context = Context::from_serialize(data).map_err(|e| self.theme.templates.error(&e))?;
        let content = self
            .theme
            .templates
            .tera
            .render(template, &context)
            .map_err(|e| self.theme.templates.error(&e))?;
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
        template: &str,
        path: String,
        data: &T,
        versions: &[(&str, String)],
    ) -> Result<Page, Diagnostic> {
        let mut page = self.render(template, path, data)?;
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

    fn home(&self, lang: &Lang, root: bool) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Home<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            articles: Vec<Teaser>,
            is_root: bool,
        }
        let path = urls::home_path(&lang.code);
        let versions = self.every_language(urls::home_path);
        let common = self.common(
            lang,
            &path,
            &versions,
            Some(self.config.base_url.clone()),
            None,
        );
        let articles = self
            .graph
            .articles
            .iter()
            .filter_map(|a| a.versions.get(&lang.code))
            .map(|v| self.teaser(lang, v))
            .collect();
        let data = Home {
            common,
            articles,
            is_root: root,
        };
        if root {
            self.render("home.html", "index.html".into(), &data)
        } else {
            self.render_localized("home.html", path, &data, &versions)
        }
    }

    fn teaser(&self, lang: &Lang, v: &ArticleVersion) -> Teaser {
        Teaser {
            title: v.front.title.clone(),
            url: self.urls.of(&v.path),
            date: lang.strings.format_date(v.front.date.day),
            date_iso: v.front.date.raw.clone(),
            summary: v.front.summary.clone().or_else(|| v.excerpt.clone()),
        }
    }

    fn article(
        &self,
        lang: &Lang,
        article: &Article,
        v: &ArticleVersion,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct ArticlePage<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            article: ArticleCtx<'a>,
            mentioned: Vec<EntityGroup>,
            translations: Vec<Translation>,
            json_ld: String,
        }
        let versions: Vec<(&str, String)> = article
            .versions
            .values()
            .map(|x| (x.lang.as_str(), x.path.clone()))
            .collect();
        let description = v.front.summary.clone().or_else(|| v.excerpt.clone());
        let common = self.common(lang, &v.path, &versions, None, description);
        let translations = article
            .versions
            .values()
            .filter(|x| x.lang != lang.code)
            .filter_map(|x| {
                let other = self.theme.langs.iter().find(|l| l.code == x.lang)?;
                Some(Translation {
                    lang: x.lang.clone(),
                    name: other.strings.language_name().to_string(),
                    dir: other.strings.dir().to_string(),
                    url: self.urls.of(&x.path),
                    title: x.front.title.clone(),
                })
            })
            .collect();
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for m in &v.mentions {
            *counts.entry(m.entity.as_str()).or_default() += 1;
        }
        let mentioned = self.group_entities(lang, counts.into_iter(), false);
        let page = ArticlePage {
            json_ld: self.article_json_ld(lang, v, &counts_ids(&v.mentions)),
            common,
            article: ArticleCtx {
                title: &v.front.title,
                date: lang.strings.format_date(v.front.date.day),
                date_iso: &v.front.date.raw,
                html: &v.html,
                credit: v.front.credit.as_deref(),
                image: v.front.image.as_deref(),
                tags: &v.front.tags,
            },
            mentioned,
            translations,
        };
        let mut page = self.render_localized("article.html", v.path.clone(), &page, &versions)?;
        page.lastmod = Some(v.front.date.day.to_string());
        Ok(page)
    }

    /// schema.org `NewsArticle` with its mentions tied to Wikidata, as Wikipedia does.
    fn article_json_ld(&self, lang: &Lang, v: &ArticleVersion, ids: &[&str]) -> String {
        let mentions: Vec<serde_json::Value> = ids
            .iter()
            .filter_map(|id| self.graph.entity(id))
            .map(|e| {
                let mut thing = serde_json::json!({
                    "@type": schema_type(e.source.kind),
                    "name": name_in(e, &lang.code),
                    "url": self.absolute(&urls::entity_path(&lang.code, e.id(), 1)),
                });
                if let Some(q) = &e.source.wikidata {
                    thing["sameAs"] = format!("http://www.wikidata.org/entity/{q}").into();
                }
                thing
            })
            .collect();
        let doc = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": v.front.title,
            "datePublished": v.front.date.raw,
            "inLanguage": lang.code,
            "url": self.absolute(&v.path),
            "mentions": mentions,
        });
        // `<` only occurs inside JSON strings, where `\u003c` means the same and cannot close
        // the script element.
        doc.to_string().replace('<', "\\u003c")
    }

    fn group_entities<'e>(
        &self,
        lang: &Lang,
        counts: impl Iterator<Item = (&'e str, usize)>,
        with_description: bool,
    ) -> Vec<EntityGroup> {
        let mut groups: std::collections::BTreeMap<EntityKind, Vec<EntityLink>> =
            Default::default();
        for (id, count) in counts {
            let Some(e) = self.graph.entity(id) else {
                continue;
            };
            groups.entry(e.source.kind).or_default().push(EntityLink {
                name: name_in(e, &lang.code).to_string(),
                url: self.urls.entity(&lang.code, id),
                count,
                description: with_description
                    .then(|| e.source.description.get(&lang.code).cloned())
                    .flatten(),
            });
        }
        groups
            .into_iter()
            .map(|(kind, mut entities)| {
                entities.sort_by_key(|e| e.name.to_lowercase());
                EntityGroup {
                    kind: kind.as_str(),
                    label: lang
                        .strings
                        .get(&["types_plural", kind.as_str()])
                        .unwrap_or(kind.as_str())
                        .to_string(),
                    entities,
                }
            })
            .collect()
    }

    fn entity(
        &self,
        lang: &Lang,
        entity: &Entity,
        page: usize,
        pages: usize,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct EntityPage<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            entity: EntityCtx<'a>,
            co_mentions: Vec<EntityLink>,
            backlinks: Vec<BacklinkCtx<'a>>,
            backlink_total: usize,
            pagination: Pagination,
        }
        let code = lang.code.as_str();
        let id = entity.id();
        let path = urls::entity_path(code, id, page);
        let versions: Vec<(&str, String)> = self
            .theme
            .langs
            .iter()
            .filter(|l| page <= self.entity_pages(entity, &l.code))
            .map(|l| (l.code.as_str(), urls::entity_path(&l.code, id, page)))
            .collect();
        let src = &entity.source;
        let description = src.description.get(code).cloned();
        let common = self.common(lang, &path, &versions, None, description);
        let all = entity.backlinks.get(code).map_or(&[][..], Vec::as_slice);
        let per_page = self.config.backlinks_per_page;
        let backlinks = all
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .filter_map(|b| {
                let v = self.graph.articles[b.article].versions.get(code)?;
                let url = self.urls.of(&v.path);
                Some(BacklinkCtx {
                    title: &v.front.title,
                    date: lang.strings.format_date(v.front.date.day),
                    date_iso: &v.front.date.raw,
                    mentions: b
                        .mentions
                        .iter()
                        .map(|&m| {
                            let mention = &v.mentions[m];
                            MentionCtx {
                                before: &mention.snippet.before,
                                mention: &mention.snippet.mention,
                                after: &mention.snippet.after,
                                href: format!("{url}#{}", mention.anchor),
                            }
                        })
                        .collect(),
                    url,
                })
            })
            .collect();
        let co_mentions = entity
            .co_mentions
            .iter()
            .map(|&(other, count)| {
                let e = &self.graph.entities[other];
                EntityLink {
                    name: name_in(e, code).to_string(),
                    url: self.urls.entity(code, e.id()),
                    count,
                    description: None,
                }
            })
            .collect();
        let page_url = |n: usize| self.urls.entity_page(code, id, n);
        let data = EntityPage {
            common,
            entity: EntityCtx {
                id,
                name: name_in(entity, code),
                type_label: lang
                    .strings
                    .get(&["types", src.kind.as_str()])
                    .unwrap_or(src.kind.as_str())
                    .to_string(),
                description: src.description.get(code).map(String::as_str),
                prose: entity.prose_html.get(code).map(String::as_str),
                aliases: src
                    .aliases
                    .get(code)
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect(),
                wikidata: src.wikidata.as_deref(),
                wikidata_url: src
                    .wikidata
                    .as_ref()
                    .map(|q| format!("https://www.wikidata.org/wiki/{q}")),
                coordinates: src.coordinates.map(|(lat, lon)| coordinates(lat, lon)),
                relations: src
                    .relations
                    .iter()
                    .filter_map(|r| {
                        let target = self.graph.entity(&r.target)?;
                        Some(RelationCtx {
                            label: lang.strings.relation(&r.kind).to_string(),
                            name: name_in(target, code).to_string(),
                            url: self.urls.entity(code, &r.target),
                        })
                    })
                    .collect(),
            },
            co_mentions,
            backlinks,
            backlink_total: all.len(),
            pagination: Pagination {
                current: page,
                total: pages,
                previous: (page > 1).then(|| page_url(page - 1)),
                next: (page < pages).then(|| page_url(page + 1)),
                pages: (1..=pages)
                    .map(|n| PageLink {
                        number: n,
                        url: page_url(n),
                        current: n == page,
                    })
                    .collect(),
            },
        };
        self.render_localized("entity.html", path, &data, &versions)
    }

    fn entity_index(&self, lang: &Lang) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Index<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            groups: Vec<EntityGroup>,
        }
        let path = urls::entities_path(&lang.code);
        let versions = self.every_language(urls::entities_path);
        let common = self.common(lang, &path, &versions, None, None);
        let counts = self.graph.entities.iter().map(|e| {
            let n = e.backlinks.get(&lang.code).map_or(0, Vec::len);
            (e.id(), n)
        });
        let groups = self.group_entities(lang, counts, true);
        self.render_localized("entities.html", path, &Index { common, groups }, &versions)
    }

    pub fn not_found(&self) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct NotFound<'a> {
            lang: &'a str,
            dir: &'a str,
            t: &'a serde_yaml::Value,
            site: &'a SiteCtx,
            languages: Vec<NotFoundLang<'a>>,
        }
        let default = &self.theme.langs[0];
        let data = NotFound {
            lang: &default.code,
            dir: default.strings.dir(),
            t: &default.strings.tree,
            site: &default.site,
            languages: self
                .theme
                .langs
                .iter()
                .map(|l| NotFoundLang {
                    lang: &l.code,
                    dir: l.strings.dir(),
                    t: &l.strings.tree,
                    home: self.urls.home(&l.code),
                })
                .collect(),
        };
        self.render("404.html", "404.html".into(), &data)
    }

    /// Every language page, with its translations as hreflang alternates.
    pub fn sitemap(&self, pages: &[&Page]) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Sitemap {
            entries: Vec<SitemapEntry>,
        }
        let default_lang = self.config.default_language();
        let entries = pages
            .iter()
            .filter(|page| !page.alternates.is_empty())
            .map(|page| {
                let x_default = page
                    .alternates
                    .iter()
                    .find(|(l, _)| l == default_lang)
                    .map_or(&page.path, |(_, p)| p);
                SitemapEntry {
                    loc: self.absolute(&page.path),
                    lastmod: page.lastmod.clone(),
                    x_default: self.absolute(x_default),
                    alternates: page
                        .alternates
                        .iter()
                        .map(|(lang, p)| Alternate {
                            lang: lang.clone(),
                            absolute: self.absolute(p),
                        })
                        .collect(),
                }
            })
            .collect();
        self.render("sitemap.xml", "sitemap.xml".into(), &Sitemap { entries })
    }
}

fn counts_ids(mentions: &[crate::annotate::Mention]) -> Vec<&str> {
    let mut ids: Vec<&str> = mentions.iter().map(|m| m.entity.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn name_in<'e>(entity: &'e Entity, lang: &str) -> &'e str {
    entity
        .source
        .name
        .get(lang)
        .map_or(entity.id(), String::as_str)
}

fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Organization => "Organization",
        EntityKind::Person => "Person",
        EntityKind::Place => "Place",
        EntityKind::Event => "Event",
        EntityKind::Other => "Thing",
    }
}

fn coordinates(lat: f64, lon: f64) -> Coordinates {
    let ns = if lat >= 0.0 { 'N' } else { 'S' };
    let ew = if lon >= 0.0 { 'E' } else { 'W' };
    Coordinates {
        lat,
        lon,
        text: format!("{}° {ns}, {}° {ew}", lat.abs(), lon.abs()),
        map_url: format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=10/{lat}/{lon}"),
    }
}
