//! Atom feeds: a language's latest articles, and the latest that mention an entity ("follow
//! HTS"). An entry of the language's feed carries the summary and the whole article; an
//! entry of an entity's, the summary and the sentences that name the entity: the whole
//! article, in each of the feeds of the dozen entities it names, made those feeds a fifth
//! of a large site's weight.

use serde::Serialize;

use super::{Lang, Page, Renderer};
use crate::diagnostic::Diagnostic;
use crate::graph::{ArticleVersion, Entity};
use crate::load::PublishDate;
use crate::urls;

/// How many articles a language's feed carries.
const SITE_ENTRIES: usize = 20;
/// How many articles an entity's feed carries.
const ENTITY_ENTRIES: usize = 10;
/// The longest article a feed entry carries whole; a longer one is given by its summary and
/// link, so that a feed stays a few hundred KiB however long the articles it lists.
const CONTENT_BYTES: usize = 256 << 10;

#[derive(Serialize)]
struct FeedCtx<'a> {
    lang: &'a str,
    title: String,
    /// The feed's own address, also its Atom id.
    id: String,
    /// The page it follows.
    alternate: String,
    updated: String,
    site_title: &'a str,
}

#[derive(Serialize)]
struct EntryCtx {
    title: String,
    url: String,
    published: String,
    updated: String,
    summary: Option<String>,
    content: Option<String>,
    /// For an entity's feed: the sentences that name it.
    quotes: Vec<super::context::MentionCtx>,
}

impl Renderer<'_> {
    /// An RFC 3339 time: as written when the date has one, else midnight in the site's zone.
    fn rfc3339(&self, date: &PublishDate) -> String {
        if date.raw.contains('T') {
            date.raw.clone()
        } else {
            format!("{}T00:00:00{}", date.day, self.config.time_zone)
        }
    }

    /// The feed of `lang`'s latest articles, or of the latest that mention `entity`.
    pub(super) fn feed(
        &self,
        lang: &Lang,
        entity: Option<&Entity>,
        path: String,
    ) -> Result<Page, Diagnostic> {
        #[derive(Serialize)]
        struct Feed<'a> {
            feed: FeedCtx<'a>,
            entries: Vec<EntryCtx>,
        }
        let code = lang.code.as_str();
        let versions: Vec<&ArticleVersion> = match entity {
            None => self
                .graph
                .articles
                .iter()
                .filter_map(|a| a.versions.get(code))
                .take(SITE_ENTRIES)
                .collect(),
            Some(e) => e
                .backlinks
                .get(code)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter_map(|b| self.graph.articles[b.article].versions.get(code))
                .take(ENTITY_ENTRIES)
                .collect(),
        };
        let entries = versions
            .iter()
            .map(|v| self.entry(v, entity))
            .collect::<Result<Vec<_>, _>>()?;
        let (title, alternate) = match entity {
            None => (lang.site.title.clone(), urls::home_path(code)),
            Some(e) => (
                format!("{} · {}", e.name_in(code), lang.site.title),
                urls::entity_path(code, e.id(), 1),
            ),
        };
        let updated = entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            // A feed with no entry yet was last changed when what its entity says was.
            .or_else(|| {
                entity
                    .and_then(|e| e.source.as_of.as_ref())
                    .map(|d| self.rfc3339(d))
            })
            .unwrap_or_else(|| format!("1970-01-01T00:00:00{}", self.config.time_zone));
        let data = Feed {
            feed: FeedCtx {
                lang: code,
                title,
                id: self.urls.absolute(&path),
                alternate: self.urls.absolute(&alternate),
                updated,
                site_title: &lang.site.title,
            },
            entries,
        };
        let mut page = self.render(lang, "atom.xml", path, &data)?;
        // XML cannot hold a control character, even escaped; files refuse them, and a character
        // reference in the Markdown (`&#27;`) is the one way left for one to reach here.
        if crate::source::first_forbidden(page.content.as_bytes()).is_some() {
            page.content.retain(|c| !crate::source::forbidden(c));
        }
        Ok(page)
    }

    fn entry(&self, v: &ArticleVersion, entity: Option<&Entity>) -> Result<EntryCtx, Diagnostic> {
        let front = &v.front;
        let updated = front
            .updated
            .as_ref()
            .or(front.updates.last().map(|u| &u.date))
            .unwrap_or(&front.date);
        Ok(EntryCtx {
            title: front.title.clone(),
            url: self.urls.absolute(&v.path),
            published: self.rfc3339(&front.date),
            updated: self.rfc3339(updated),
            summary: front.summary.clone().or_else(|| v.excerpt.clone()),
            quotes: entity.map_or_else(Vec::new, |e| {
                super::context::quoted(v, e.id(), &self.urls.absolute(&v.path))
            }),
            // The HTML is at least as long as the Markdown: a long article is not rendered.
            content: if entity.is_none() && v.body_len <= CONTENT_BYTES {
                Some(without_page_attributes(&self.bodies.html(&v.doc)?))
                    .filter(|html| html.len() <= CONTENT_BYTES)
            } else {
                None
            },
        })
    }
}

/// An article's HTML as a feed carries it: without the attributes that serve the site's own
/// page (a mention's anchor `id="m-…"`, which the preview cards and backlinks use), which a
/// feed reader would keep or flag.
fn without_page_attributes(html: &str) -> String {
    use memchr::memmem::Finder;
    static ATTRIBUTES: std::sync::LazyLock<[Finder<'static>; 1]> =
        std::sync::LazyLock::new(|| [Finder::new(" id=\"m-")]);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ATTRIBUTES
            .iter()
            .filter_map(|a| a.find(rest.as_bytes()).map(|at| (at, a.needle().len())))
            .min();
        let Some((at, len)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        // Values are escaped: the next quote closes the attribute.
        let value = &rest[at + len..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_feed_carries_no_attribute_of_the_page() {
        let page = r#"<p>À <a class="mention" id="m-aleppo-1" href="/b/fr/entities/aleppo/">Alep</a>, <span class="mention" id="m-hts-2">HTS</span> <span id="keep">x</span>.</p>"#;
        assert_eq!(
            super::without_page_attributes(page),
            r#"<p>À <a class="mention" href="/b/fr/entities/aleppo/">Alep</a>, <span class="mention">HTS</span> <span id="keep">x</span>.</p>"#
        );
    }
}
