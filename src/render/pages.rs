//! One function per kind of page: the data each template receives, built from the graph.

use serde::Serialize;

use super::context::*;
use super::{Lang, Page, Renderer};
use crate::diagnostic::Diagnostic;
use crate::graph::{Article, ArticleVersion, Entity};
use crate::load::EntityKind;
use crate::outputs::SITEMAP_URLS;
use crate::urls;

impl Renderer<'_> {
    pub(super) fn home(
        &self,
        lang: &Lang,
        root: bool,
        page: usize,
        path: String,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Home<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            articles: Vec<Teaser>,
            is_root: bool,
            pagination: Pagination,
            /// On the first page: what the site is about, by type, most mentioned first.
            about: Vec<EntityGroup>,
            /// The site as schema.org's `WebSite`, with its search.
            json_ld: String,
        }
        let pages = self.home_pages(&lang.code);
        let versions: Vec<(&str, String)> = self
            .theme
            .langs
            .iter()
            .filter(|l| page <= self.home_pages(&l.code))
            .map(|l| (l.code.as_str(), urls::home_page_path(&l.code, page)))
            .collect();
        // The root's copy of the first page has the canonical URL of the language's.
        let canonical = urls::home_page_path(&lang.code, page);
        let description = lang
            .strings
            .get(&["ui", "home_description"])
            .map(str::to_string);
        let common = self.common(lang, &canonical, &versions, description);
        let per_page = self.config.articles_per_page;
        let articles = self
            .graph
            .articles
            .iter()
            .filter_map(|a| a.versions.get(&lang.code))
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|v| self.teaser(lang, v))
            .collect();
        let data = Home {
            common,
            articles,
            is_root: root,
            about: if page == 1 {
                self.about(lang)
            } else {
                Vec::new()
            },
            pagination: pagination(page, pages, |n| self.urls.home_page(&lang.code, n)),
            json_ld: self.website_json_ld(lang),
        };
        let mut rendered = self.render(lang, "home.html", path, &data)?;
        // As new as the newest article it lists.
        rendered.lastmod = self
            .graph
            .articles
            .iter()
            .filter_map(|a| a.versions.get(&lang.code))
            .nth((page - 1) * per_page)
            .map(|v| v.front.date.day.to_string());
        Ok(rendered)
    }

    /// The entities the articles of `lang` mention most, by type: at most
    /// [`ABOUT_PER_TYPE`] of each, each with how many times it is mentioned.
    fn about(&self, lang: &Lang) -> Vec<EntityGroup> {
        let counts = self
            .graph
            .entities
            .iter()
            .map(|e| (e.id(), e.mentions.get(&lang.code).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0);
        let mut groups = self.group_entities(lang, counts, false);
        for group in &mut groups {
            group
                .entities
                .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            group.entities.truncate(ABOUT_PER_TYPE);
        }
        groups
    }

    /// The article in the other languages it exists in.
    fn translations(&self, lang: &Lang, article: &Article) -> Vec<Translation> {
        article
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
            .collect()
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

    /// An article's version (`lang` and `article` are indexes into the languages and the
    /// graph's articles).
    pub(super) fn article(
        &self,
        (lang_index, article_index): (usize, usize),
        v: &ArticleVersion,
    ) -> Result<Page, Diagnostic> {
        let lang = self.lang(lang_index);
        let article = &self.graph.articles[article_index];
        #[derive(Serialize)]
        struct ArticlePage<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            article: ArticleCtx<'a>,
            mentioned: Vec<EntityGroup>,
            translations: Vec<Translation>,
            provenance: super::provenance::ProvenanceCtx,
            figures: Vec<super::facts::FactCtx>,
            json_ld: String,
        }
        let versions: Vec<(&str, String)> = article
            .versions
            .values()
            .map(|x| (x.lang.as_str(), x.path.clone()))
            .collect();
        let description = v.front.summary.clone().or_else(|| v.excerpt.clone());
        let mut common = self.common(lang, &v.path, &versions, description);
        common.breadcrumbs =
            Some(self.breadcrumbs_json_ld(lang, &[(&v.front.title, v.path.clone())]));
        let translations = self.translations(lang, article);
        let counts = v.mention_counts.iter().map(|(id, n)| (&**id, *n as usize));
        let mentioned = self.group_entities(lang, counts, false);
        let page = ArticlePage {
            json_ld: self.article_json_ld(lang, article, v),
            provenance: self.provenance(lang, v, &translations),
            figures: self.figures_ctx(lang, article, v),
            common,
            article: ArticleCtx {
                title: &v.front.title,
                date: lang.strings.format_date(v.front.date.day),
                date_iso: &v.front.date.raw,
                // The body is put in after rendering: a long article is not copied into the
                // template's context and through the template engine.
                html: BODY_MARK,
                credit: v.front.credit.as_deref(),
                alt: v.front.alt.as_deref(),
                image_url: v.front.image.as_deref().map(|image| self.image_url(image)),
                image: v
                    .front
                    .image
                    .as_deref()
                    .map(|image| self.urls.site_file(image)),
                tags: &v.front.tags,
            },
            mentioned,
            translations,
        };
        let mut page = self.render(lang, "article.html", v.path.clone(), &page)?;
        let marks = page.content.matches(BODY_MARK).count();
        if marks > 0 {
            let html = match self.text_sink {
                Some(sink) => {
                    let (html, text) = self.bodies.html_and_text(&v.doc)?;
                    sink.article_text(self, lang_index, article_index, &text)?;
                    html
                }
                None => self.bodies.html(&v.doc)?,
            };
            let mut content = String::with_capacity(page.content.len() + marks * html.len());
            let mut parts = page.content.split(BODY_MARK);
            content.push_str(parts.next().unwrap_or_default());
            for part in parts {
                content.push_str(&html);
                content.push_str(part);
            }
            page.content = content;
        }
        // The day it last changed, as its structured data and feeds say.
        let changed = v.front.updated.as_ref().unwrap_or(&v.front.date);
        page.lastmod = Some(changed.day.to_string());
        Ok(page)
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
                name: e.name_in(&lang.code).to_string(),
                url: self.urls.entity(&lang.code, id),
                count,
                description: with_description
                    .then(|| e.source.description.get(&lang.code).cloned())
                    .flatten(),
                as_of: with_description
                    .then(|| e.source.as_of.as_ref())
                    .flatten()
                    .map(|day| AsOf {
                        shown: lang.strings.format_date(day.day),
                        iso: day.raw.clone(),
                    }),
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

    pub(super) fn entity(
        &self,
        lang: &Lang,
        entity: &Entity,
        page: usize,
        path: String,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct EntityPage<'a> {
            #[serde(flatten)]
            common: Common<'a>,
            entity: EntityCtx<'a>,
            backlinks: Vec<BacklinkCtx<'a>>,
            backlink_total: usize,
            pagination: Pagination,
            described: super::facts::DescribedCtx,
            facts: Vec<super::facts::FactCtx>,
            reported: Vec<super::facts::ReportedCtx>,
            json_ld: String,
            feed: String,
            /// Its events and newest articles in time, on its first page.
            timeline: Vec<super::timeline::YearCtx>,
            /// Where it is, for a place with coordinates, on its first page.
            map: Option<super::map::MapCtx>,
            /// Its neighbours, on its first page, and how many entities named with it are
            /// not among them.
            ties: Vec<super::neighbourhood::TieCtx>,
            ties_more: usize,
        }
        let code = lang.code.as_str();
        let id = entity.id();
        let pages = self.entity_pages(entity, code);
        let versions: Vec<(&str, String)> = self
            .theme
            .langs
            .iter()
            .filter(|l| page <= self.entity_pages(entity, &l.code))
            .map(|l| (l.code.as_str(), urls::entity_path(&l.code, id, page)))
            .collect();
        let description = self.dated_description(lang, entity, true);
        let mut common = self.common(lang, &path, &versions, description);
        let index = lang
            .strings
            .get(&["ui", "entity_index"])
            .unwrap_or_default();
        let trail = [
            (index, urls::entities_path(code)),
            (entity.name_in(code), urls::entity_path(code, id, 1)),
        ];
        common.breadcrumbs = Some(self.breadcrumbs_json_ld(lang, &trail));
        let all = entity.backlinks.get(code).map_or(0, Vec::len);
        let page_url = |n: usize| self.urls.entity_page(code, id, n);
        let (ties, ties_more) = if page == 1 {
            self.neighbourhood(lang, entity)
        } else {
            (Vec::new(), 0)
        };
        let data = EntityPage {
            common,
            entity: self.entity_ctx(lang, entity),
            backlinks: self.backlinks_ctx(lang, entity, page),
            backlink_total: all,
            pagination: pagination(page, pages, page_url),
            json_ld: self.entity_json_ld(lang, entity),
            described: self.described_ctx(lang, entity),
            facts: self.facts_ctx(lang, entity),
            reported: self.reported_ctx(lang, entity),
            feed: self.urls.entity_feed(code, id),
            map: (page == 1).then(|| self.place_map(lang, entity)).flatten(),
            ties,
            ties_more,
            timeline: if page == 1 {
                let shown = super::timeline::ENTITY_ARTICLES_SHOWN;
                super::timeline::by_year(self.timeline(lang, Some(entity), shown).0)
            } else {
                Vec::new()
            },
        };
        let mut rendered = self.render(lang, "entity.html", path, &data)?;
        // As new as the newest article this page quotes, or the date of its description.
        rendered.lastmod = entity
            .backlinks
            .get(code)
            .and_then(|all| all.get((page - 1) * self.config.backlinks_per_page))
            .and_then(|b| self.graph.articles[b.article].versions.get(code))
            .map(|v| v.front.date.day)
            .or(entity.source.as_of.as_ref().map(|d| d.day))
            .map(|day| day.to_string());
        Ok(rendered)
    }

    pub(super) fn entity_index(&self, lang: &Lang, path: String) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Index {
            groups: Vec<EntityGroup>,
        }
        let counts = self.graph.entities.iter().map(|e| {
            let n = e.backlinks.get(&lang.code).map_or(0, Vec::len);
            (e.id(), n)
        });
        let groups = self.group_entities(lang, counts, true);
        self.site_view(
            lang,
            path,
            (
                "entities.html",
                urls::entities_path,
                "entity_index",
                "entity_index_intro",
            ),
            Index { groups },
        )
    }

    /// The search page: a form that searches the language's index with JavaScript and, without
    /// it, leads to the entity index.
    pub(super) fn search_page(&self, lang: &Lang, path: String) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Search {
            /// The root file of the language's index, under the base path.
            index: String,
            /// Where the form goes without JavaScript.
            entities: String,
            /// The count of results in each plural form the language has, in the order of its
            /// translation file (the template engine's maps have none).
            result_counts: Vec<(String, String)>,
        }
        let data = Search {
            index: self.urls.search_root(&lang.code),
            entities: self.urls.entities(&lang.code),
            result_counts: lang.strings.forms(&["ui", "search_results"]),
        };
        self.site_view(
            lang,
            path,
            ("search.html", urls::search_path, "search", "search_intro"),
            data,
        )
    }

    pub(super) fn not_found(&self, path: String) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct NotFound<'a> {
            lang: &'a str,
            dir: &'a str,
            t: &'a serde_yaml::Value,
            site: &'a SiteCtx,
            nav: &'a Nav,
            languages: Vec<NotFoundLang<'a>>,
        }
        let default = &self.theme.langs[0];
        let data = NotFound {
            lang: &default.code,
            dir: default.strings.dir(),
            t: &default.strings.tree,
            site: &default.site,
            nav: &default.nav,
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
        self.render(default, "404.html", path, &data)
    }

    /// Every language page (each says which are its translations, in its head): `sitemap.xml`, or,
    /// beyond [`SITEMAP_URLS`] pages, `sitemap.xml` as the index of `sitemaps/<n>.xml` files.
    pub(super) fn sitemaps(&self, pages: &[&Page]) -> Result<Vec<Page>, Diagnostic> {
        // Sorted, so sitemaps rendered after an edit are the ones a full build writes.
        let mut listed: Vec<&Page> = pages
            .iter()
            .copied()
            .filter(|page| page.in_sitemap)
            .collect();
        listed.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        if listed.len() <= SITEMAP_URLS {
            return Ok(vec![self.urlset(&listed, urls::SITEMAP.into())?]);
        }
        #[derive(Serialize)]
        struct SitemapIndex {
            sitemaps: Vec<String>,
        }
        let mut files = Vec::new();
        let mut sitemaps = Vec::new();
        for (i, chunk) in listed.chunks(SITEMAP_URLS).enumerate() {
            let path = urls::sitemap_path(i + 1);
            sitemaps.push(self.urls.absolute(&path));
            files.push(self.urlset(chunk, path)?);
        }
        let index = self.render(
            &self.theme.langs[0],
            "sitemap_index.xml",
            urls::SITEMAP.into(),
            &SitemapIndex { sitemaps },
        )?;
        files.insert(0, index);
        Ok(files)
    }

    fn urlset(&self, pages: &[&Page], path: String) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Sitemap {
            entries: Vec<SitemapEntry>,
        }
        let entries = pages
            .iter()
            .map(|page| {
                let loc = self.urls.absolute(&page.path);
                SitemapEntry {
                    x_default: loc.clone(),
                    loc,
                    lastmod: page.lastmod.clone(),
                    alternates: Vec::new(),
                }
            })
            .collect();
        self.render(
            &self.theme.langs[0],
            "sitemap.xml",
            path,
            &Sitemap { entries },
        )
    }
}

/// How many entities of each type the home page names.
const ABOUT_PER_TYPE: usize = 8;

/// Stands for an article's body in its page until the page is rendered. Text from content
/// cannot produce it: `<` in text is escaped, and raw HTML is only ever inside the body.
const BODY_MARK: &str = "<!--depeche:article-body-->";

/// Previous, next and every page of a paginated list.
fn pagination(page: usize, pages: usize, url: impl Fn(usize) -> String) -> Pagination {
    Pagination {
        current: page,
        total: pages,
        previous: (page > 1).then(|| url(page - 1)),
        next: (page < pages).then(|| url(page + 1)),
        pages: page_bar(page, pages)
            .into_iter()
            .map(|n| match n {
                Some(n) => PageLink {
                    number: n,
                    url: url(n),
                    current: n == page,
                    gap: false,
                },
                None => PageLink {
                    number: 0,
                    url: String::new(),
                    current: false,
                    gap: true,
                },
            })
            .collect(),
    }
}

/// Pages on each side of the current one that the bar shows.
const BAR_NEIGHBOURS: usize = 2;

/// The page numbers a pagination bar shows, `None` standing for a gap: the first and last
/// pages and the current one's neighbours. A gap never hides a single page.
fn page_bar(page: usize, pages: usize) -> Vec<Option<usize>> {
    let near = page.saturating_sub(BAR_NEIGHBOURS).max(1)..=(page + BAR_NEIGHBOURS).min(pages);
    let mut shown: Vec<usize> = [1, pages].into_iter().chain(near).collect();
    shown.sort_unstable();
    shown.dedup();
    let mut bar = Vec::with_capacity(shown.len() + 2);
    let mut last = 0;
    for n in shown {
        match n - last {
            1 => {}
            2 => bar.push(Some(n - 1)),
            _ => bar.push(None),
        }
        bar.push(Some(n));
        last = n;
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::page_bar;

    fn bar(page: usize, pages: usize) -> String {
        page_bar(page, pages)
            .into_iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_bar_shows_the_ends_and_the_neighbourhood() {
        assert_eq!(bar(1, 1), "1");
        assert_eq!(bar(2, 3), "1 2 3");
        assert_eq!(bar(1, 7), "1 2 3 … 7");
        assert_eq!(bar(4, 7), "1 2 3 4 5 6 7");
        assert_eq!(bar(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(bar(6, 500), "1 … 4 5 6 7 8 … 500");
        assert_eq!(bar(500, 500), "1 … 498 499 500");
    }

    #[test]
    fn the_bar_stays_short_however_many_pages() {
        for pages in [10, 100, 10_000] {
            for page in [1, pages / 2, pages] {
                assert!(page_bar(page, pages).len() <= 2 * super::BAR_NEIGHBOURS + 5);
            }
        }
    }
}
