//! The site's URL layout, in one place: every page's link and output file derive from here.

/// Builds root-relative URLs under the site's base path (e.g. `/aleppo/fr/articles/x/`), and
/// absolute ones under its base URL for what leaves the site (canonical links, sitemaps).
#[derive(Debug, Clone)]
pub struct Urls {
    base_path: String,
    base_url: String,
}

impl Urls {
    /// `base_path` starts and ends with `/`.
    pub fn new(base_path: &str) -> Self {
        Urls {
            base_path: base_path.to_string(),
            base_url: String::new(),
        }
    }

    /// The same layout with absolute URLs under `base_url` (which ends with `/`).
    pub(crate) fn with_base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.to_string();
        self
    }

    /// The absolute URL of an output path (`fr/index.html` → `https://host/base/fr/`).
    pub fn absolute(&self, output_path: &str) -> String {
        let dir = output_path
            .strip_suffix("index.html")
            .unwrap_or(output_path);
        format!("{}{dir}", self.base_url)
    }

    /// The URL of an output path relative to the site root (`fr/index.html` → `/base/fr/`).
    pub fn of(&self, output_path: &str) -> String {
        let dir = output_path
            .strip_suffix("index.html")
            .unwrap_or(output_path);
        format!("{}{dir}", self.base_path)
    }

    /// A language's home.
    pub fn home(&self, lang: &str) -> String {
        self.of(&home_path(lang))
    }

    /// A page of a language's home.
    pub(crate) fn home_page(&self, lang: &str, page: usize) -> String {
        self.of(&home_page_path(lang, page))
    }

    /// An article in one language.
    pub fn article(&self, lang: &str, slug: &str) -> String {
        self.of(&article_path(lang, slug))
    }

    /// An entity's page.
    pub fn entity(&self, lang: &str, id: &str) -> String {
        self.of(&entity_path(lang, id, 1))
    }

    /// A page of an entity's backlinks.
    pub(crate) fn entity_page(&self, lang: &str, id: &str, page: usize) -> String {
        self.of(&entity_path(lang, id, page))
    }

    /// A language's search page.
    pub fn search(&self, lang: &str) -> String {
        self.of(&search_path(lang))
    }

    /// The root file of a language's search index.
    pub(crate) fn search_root(&self, lang: &str) -> String {
        self.of(&search_root_path(lang))
    }

    /// A language's graph of entities.
    pub fn graph(&self, lang: &str) -> String {
        self.of(&graph_path(lang))
    }

    /// A language's map.
    pub fn map(&self, lang: &str) -> String {
        self.of(&map_path(lang))
    }

    /// A language's timeline.
    pub fn timeline(&self, lang: &str) -> String {
        self.of(&timeline_path(lang))
    }

    /// A language's entity index.
    pub fn entities(&self, lang: &str) -> String {
        self.of(&entities_path(lang))
    }

    /// A language's Atom feed.
    pub fn feed(&self, lang: &str) -> String {
        self.of(&feed_path(lang))
    }

    /// The Atom feed of an entity's mentions in one language.
    pub(crate) fn entity_feed(&self, lang: &str, id: &str) -> String {
        self.of(&entity_feed_path(lang, id))
    }

    /// An address written in content: a root-relative one (`/images/photo.jpg`) is a file
    /// of the site, under its base path; any other is kept as written.
    pub(crate) fn site_file(&self, address: &str) -> String {
        if address.starts_with('/') && !address.starts_with("//") {
            self.asset(address)
        } else {
            address.to_string()
        }
    }

    /// A file copied from `static/`, or another file at the output root.
    pub fn asset(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// The output file of a language's home.
pub(crate) fn home_path(lang: &str) -> String {
    format!("{lang}/index.html")
}

/// The output file of a page of a language's home.
pub(crate) fn home_page_path(lang: &str, page: usize) -> String {
    if page <= 1 {
        home_path(lang)
    } else {
        format!("{lang}/page/{page}/index.html")
    }
}

/// The output file of an article in one language.
pub fn article_path(lang: &str, slug: &str) -> String {
    format!("{lang}/articles/{slug}/index.html")
}

/// The output file of a page of an entity.
pub(crate) fn entity_path(lang: &str, id: &str, page: usize) -> String {
    if page <= 1 {
        format!("{lang}/entities/{id}/index.html")
    } else {
        format!("{lang}/entities/{id}/page/{page}/index.html")
    }
}

/// The output file of a language's entity index.
pub(crate) fn entities_path(lang: &str) -> String {
    format!("{lang}/entities/index.html")
}

/// The output file of the data of a language's entity preview cards.
pub(crate) fn previews_path(lang: &str) -> String {
    format!("{lang}/previews.json")
}

/// The output file of a language's search page.
pub(crate) fn search_path(lang: &str) -> String {
    format!("{lang}/search/index.html")
}

/// The folder of a language's search index: its root file, its term shards and its
/// records, which `search.js` finds from the root's address and the patterns it lists.
pub(crate) fn search_index_dir(lang: &str) -> String {
    format!("{lang}/search/index/")
}

/// The root file of a language's search index, fetched first by every search.
pub(crate) fn search_root_path(lang: &str) -> String {
    format!("{}{SEARCH_ROOT}", search_index_dir(lang))
}

/// The root file's name in its folder.
pub(crate) const SEARCH_ROOT: &str = "root.json";

/// Where, relative to the root file, a shard of terms is (`{}`: the hexadecimal UTF-8 of its
/// first term), a pack of article records (`{}`: its number) and a group of entity records.
pub(crate) const SEARCH_SHARD: &str = "t/{}.json";
/// See [`SEARCH_SHARD`].
pub(crate) const SEARCH_ARTICLE: &str = "a/{}.bin";
/// See [`SEARCH_SHARD`].
pub(crate) const SEARCH_ENTITIES: &str = "e/{}.json";

/// A file of a language's search index, from one of the patterns above.
pub(crate) fn search_file_path(lang: &str, pattern: &str, name: &str) -> String {
    format!("{}{}", search_index_dir(lang), pattern.replace("{}", name))
}

/// The output file of a language's graph of entities.
pub(crate) fn graph_path(lang: &str) -> String {
    format!("{lang}/graph/index.html")
}

/// The output file of a language's map.
pub(crate) fn map_path(lang: &str) -> String {
    format!("{lang}/map/index.html")
}

/// The output file of a language's timeline.
pub(crate) fn timeline_path(lang: &str) -> String {
    format!("{lang}/timeline/index.html")
}

/// The name of every Atom feed's file.
const FEED_FILE: &str = "atom.xml";

/// The output file of a language's Atom feed.
pub(crate) fn feed_path(lang: &str) -> String {
    format!("{lang}/{FEED_FILE}")
}

/// The output file of the Atom feed of an entity's mentions in one language.
pub(crate) fn entity_feed_path(lang: &str, id: &str) -> String {
    format!("{lang}/entities/{id}/{FEED_FILE}")
}

/// The files at the output's root, whatever the languages.
pub(crate) const ROOT_HOME: &str = "index.html";
/// The page a host serves for an address the site does not have.
pub(crate) const NOT_FOUND: &str = "404.html";
/// The sitemap, or the index of its parts.
pub(crate) const SITEMAP: &str = "sitemap.xml";
/// The map's outlines, drawn once for every map.
pub(crate) const MAP_OUTLINES: &str = "map.svg";
/// What crawlers may read, and where the sitemap is.
pub(crate) const ROBOTS: &str = "robots.txt";
/// The web app manifest.
pub(crate) const WEB_MANIFEST: &str = "site.webmanifest";
/// Tells GitHub Pages to publish the files as they are.
pub(crate) const NO_JEKYLL: &str = ".nojekyll";
/// GitHub Pages' custom domain.
pub const CNAME: &str = "CNAME";
/// The build's manifest inside an output folder: what it wrote, so the next build knows
/// its files (never a page: the plan keeps every output off these names).
pub(crate) const MANIFEST: &str = ".depeche-manifest";
/// The temporary name the manifest is written under before being renamed into place.
pub(crate) const MANIFEST_TEMP: &str = ".depeche-manifest.tmp";
/// In a staging folder, where a file replacing another is written before it is renamed over it.
pub(crate) const STAGING_TEMP: &str = ".depeche-new";
/// The stylesheet.
pub(crate) const STYLE: &str = "style.css";
/// The icon.
pub(crate) const FAVICON: &str = "favicon.svg";
/// The script of the entity preview cards.
pub(crate) const PREVIEWS_SCRIPT: &str = "previews.js";
/// The script of the search page.
pub(crate) const SEARCH_SCRIPT: &str = "search.js";
/// The open data: the knowledge graph as JSON.
pub(crate) const DATA_GRAPH: &str = "data/graph.json";
/// The knowledge graph as JSON-LD (schema.org).
pub(crate) const DATA_GRAPH_LD: &str = "data/graph.jsonld";
/// Every figure the articles report, as CSV.
pub(crate) const DATA_FIGURES: &str = "data/figures.csv";

/// A Wikidata item, as linked data names it (`sameAs` in JSON-LD).
pub(crate) fn wikidata_item(q: &str) -> String {
    format!("http://www.wikidata.org/entity/{q}")
}

/// A place on OpenStreetMap's map, for readers.
pub(crate) fn openstreetmap(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=10/{lat}/{lon}")
}

/// A Wikidata item's page, for readers.
pub(crate) fn wikidata_page(q: &str) -> String {
    format!("https://www.wikidata.org/wiki/{q}")
}

/// The CSV file of an entity's facts and of the figures articles report from it.
pub fn entity_data_path(id: &str) -> String {
    format!("data/entities/{id}.csv")
}

/// A part of the sitemap, when it is too long for one file (`sitemap.xml` is then their index).
pub(crate) fn sitemap_path(part: usize) -> String {
    format!("sitemaps/{part}.xml")
}

/// Is this a URL that runs code, embeds data or reads local files? Browsers ignore spaces and
/// control characters around and inside the scheme, compare it in any case, and so do we, after
/// undoing percent-encoding.
pub(crate) fn is_unsafe(url: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(url).decode_utf8_lossy();
    let scheme: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|bad| scheme.starts_with(bad))
}

/// The `Content-Type` a file of the output is served with, by its name: what `serve` sends and
/// what an upload to a bucket sets.
pub fn content_type(path: &str) -> String {
    // Feed readers and browsers tell a feed by its type; by its name, it is any XML.
    if path.rsplit('/').next() == Some(FEED_FILE) {
        return "application/atom+xml; charset=utf-8".to_string();
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // JavaScript's type is text/javascript (RFC 9239), whatever the file's extension.
    if mime.essence_str() == "application/javascript" {
        return "text/javascript; charset=utf-8".to_string();
    }
    if mime.type_() == "text" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_carry_the_base_url() {
        let urls = Urls::new("/aleppo/").with_base_url("https://user.github.io/aleppo/");
        assert_eq!(
            urls.absolute("fr/articles/alep/index.html"),
            "https://user.github.io/aleppo/fr/articles/alep/"
        );
        assert_eq!(
            urls.absolute("sitemaps/1.xml"),
            "https://user.github.io/aleppo/sitemaps/1.xml"
        );
    }

    #[test]
    fn urls_carry_the_base_path() {
        let urls = Urls::new("/aleppo/");
        assert_eq!(urls.home("fr"), "/aleppo/fr/");
        assert_eq!(urls.home_page("fr", 1), "/aleppo/fr/");
        assert_eq!(urls.home_page("fr", 3), "/aleppo/fr/page/3/");
        assert_eq!(urls.article("en", "alep"), "/aleppo/en/articles/alep/");
        assert_eq!(
            urls.entity_page("fr", "hts", 2),
            "/aleppo/fr/entities/hts/page/2/"
        );
        assert_eq!(urls.entity_page("fr", "hts", 1), urls.entity("fr", "hts"));
        assert_eq!(urls.asset("/style.css"), "/aleppo/style.css");
        assert_eq!(urls.of("sitemap.xml"), "/aleppo/sitemap.xml");
    }
}
