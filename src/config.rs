//! `site.yaml`: the site's title, languages, base URL and output directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location};
use crate::hosts::Host;
use crate::source;
use crate::yaml;

/// The configuration file, at the site's root.
pub(crate) const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: BTreeMap<String, String>,
    base_url: String,
    languages: Vec<String>,
    #[serde(default)]
    output_dir: Option<PathBuf>,
    #[serde(default)]
    allow_html: bool,
    #[serde(default)]
    link_every_mention: bool,
    #[serde(default)]
    backlinks_per_page: Option<PerPage>,
    #[serde(default)]
    cname: Option<String>,
    #[serde(default)]
    articles_per_page: Option<PerPage>,
    time_zone: Option<String>,
    #[serde(default)]
    build_search_index: Option<bool>,
    #[serde(default)]
    share_image: Option<String>,
    /// Where the site is published (`github-pages` when unsaid).
    #[serde(default)]
    host: Option<String>,
    /// What the share image shows, per language (its alt text).
    #[serde(default)]
    share_image_alt: BTreeMap<String, String>,
}

/// The image link previews show for pages without one of their own.
#[derive(Debug, Clone)]
pub struct ShareImage {
    /// Its path in `static/` (and in the output).
    pub file: String,
    /// Its width and height in pixels, as its header gives them.
    pub size: Option<(usize, usize)>,
    /// What it shows, per language.
    pub alt: BTreeMap<String, String>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's root directory (where `site.yaml` lives).
    pub root: PathBuf,
    /// The site's title per language.
    pub title: BTreeMap<String, String>,
    /// Absolute base URL, always ending with `/`.
    pub base_url: String,
    /// Path part of `base_url`, always starting and ending with `/` (e.g. `/aleppo/`).
    pub base_path: String,
    /// Configured languages; the first is the default.
    pub languages: Vec<String>,
    /// Output directory, resolved against the root.
    pub output_dir: PathBuf,
    /// Emit raw HTML written in Markdown (off by default: editors are trusted with text only).
    pub allow_html: bool,
    /// Link every mention of an entity, instead of the first in each section of a text.
    pub link_every_mention: bool,
    /// How many articles an entity page lists before paginating its backlinks.
    pub backlinks_per_page: usize,
    /// Custom domain for GitHub Pages, written to a `CNAME` file.
    pub cname: Option<String>,
    /// How many articles a home page lists before paginating.
    pub articles_per_page: usize,
    /// The UTC offset the site's dates are in (`+01:00`), for the times feeds give.
    pub time_zone: String,
    /// Mistakes of site.yaml that leave its settings readable (a field that does not read is
    /// left out, an unknown one ignored): reported with the content's, so that `check` says
    /// every mistake at once, and a build stops at them as at any error.
    pub problems: Vec<Diagnostic>,
    /// A file of `static/` that link previews show for pages without an image of their own.
    pub share_image: Option<ShareImage>,
    /// Build the search index and search pages (on by default; see docs/benchmarks.md for
    /// what it costs a large site).
    pub build_search_index: bool,
    /// Publish articles dated after today (`--future`); otherwise they wait for their date.
    pub publish_future: bool,
    /// Publish articles marked `draft: true` (`--drafts`).
    pub publish_drafts: bool,
    /// Where the site is published: `check` and `build` hold the output to its limits.
    pub host: Host,
    /// Where site.yaml names the host, when it does.
    pub host_at: Option<Location>,
}

impl Config {
    /// The first language: the site's root shows it.
    pub(crate) fn default_language(&self) -> &str {
        &self.languages[0]
    }

    /// Loads and validates `<root>/site.yaml`; `base_url` overrides the configured one.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            let folder = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
            return Err(Diagnostic::new(
                Code::Unreadable,
                format!("no {CONFIG_FILE} in {}", folder.display()),
                None,
            )
            .with_help("give the folder of a site with `--root`, or start one with `depeche init <folder>`")
            .into());
        }
        // Every mistake of the file at once: a field that does not read is left out, and a
        // forbidden character is reported and blanked.
        let (src, mut problems) = source::read_blanked(root, &path)?;
        let partial = yaml::parse_all::<RawConfig>(&src, 0, src.text.len());
        problems.extend(partial.problems);
        let Some(raw) = partial.value else {
            return Err(problems.into());
        };
        let at_key = |key: &str| {
            yaml::find_key(&src.text, 0, src.text.len(), key)
                .map_or_else(|| src.locate(0, 0), |(s, e)| src.locate(s, e))
        };

        let places = yaml::spans::Places::new(&src, 0, src.text.len());
        let at_language = |i: usize| places.locate(&format!("languages[{i}]"));
        let before_languages = problems.len();
        check_languages(&raw, &at_key, &at_language, &mut problems);
        let languages_read = problems.len() == before_languages;

        let base_url_value = base_url.unwrap_or(&raw.base_url);
        let base = match parse_base_url(base_url_value) {
            Ok(b) => Some(b),
            Err(why) => {
                let location = if base_url.is_some() {
                    Location::file_only("--base-url")
                } else {
                    at_key("base_url")
                };
                problems.push(
                    Diagnostic::at(
                        Code::InvalidConfig,
                        format!(
                            "invalid base_url `{}`: {why}",
                            without_password(base_url_value)
                        ),
                        location,
                    )
                    .with_help("give an absolute URL such as `https://user.github.io/repo/`"),
                );
                None
            }
        };
        check_publishing(&raw, &at_key, &mut problems);
        let share_image_size = check_share_image(root, &raw, &at_key, &mut problems);
        let host_at = raw.host.as_ref().map(|_| at_key("host"));
        let host = match raw.host.as_deref().map(|name| (name, Host::named(name))) {
            None => Host::default(),
            Some((_, Some(host))) => host,
            Some((name, None)) => {
                let names: Vec<&str> = Host::ALL.iter().map(|(_, n)| *n).collect();
                problems.push(
                    Diagnostic::at(
                        Code::InvalidConfig,
                        match name.trim() {
                            "" => "the host is empty".to_string(),
                            _ => format!(
                                "`{}` is not a host depeche knows",
                                crate::diagnostic::printable(name).replace('\n', "\\n")
                            ),
                        },
                        at_key("host"),
                    )
                    .with_help(format!(
                        "use one of {}; for another host, the one whose limits it shares, or `s3` to only measure the output",
                        names.join(", ")
                    )),
                );
                Host::default()
            }
        };
        match base {
            // The address and the languages are what the rest of the site is read with.
            Some((base_url, base_path)) if languages_read => Ok(Config {
                root: root.to_path_buf(),
                title: raw.title,
                base_url,
                base_path,
                languages: raw.languages,
                output_dir: root.join(raw.output_dir.unwrap_or_else(|| PathBuf::from("public"))),
                allow_html: raw.allow_html,
                link_every_mention: raw.link_every_mention,
                backlinks_per_page: raw.backlinks_per_page.map_or(50, |n| n.0),
                cname: raw.cname,
                articles_per_page: raw.articles_per_page.map_or(50, |n| n.0),
                publish_future: false,
                publish_drafts: false,
                host,
                host_at,
                build_search_index: raw.build_search_index.unwrap_or(true),
                share_image: raw.share_image.map(|f| ShareImage {
                    file: f.trim_start_matches('/').to_string(),
                    size: share_image_size,
                    alt: raw.share_image_alt,
                }),
                time_zone: raw
                    .time_zone
                    .clone()
                    .unwrap_or_else(|| "+00:00".to_string()),
                problems,
            }),
            _ => Err(problems.into()),
        }
    }
}

/// The languages: at least one, each a language code listed once, each with a site title.
fn check_languages(
    raw: &RawConfig,
    at_key: &dyn Fn(&str) -> Location,
    at_language: &dyn Fn(usize) -> Location,
    problems: &mut Vec<Diagnostic>,
) {
    if raw.languages.is_empty() {
        problems.push(
            Diagnostic::at(
                Code::InvalidConfig,
                "no language configured",
                at_key("languages"),
            )
            .with_help("list at least one language code, e.g. `languages: [fr, en]`"),
        );
    }
    let mut seen = Vec::new();
    for (i, lang) in raw.languages.iter().enumerate() {
        if !is_language_code(lang) {
            problems.push(
                Diagnostic::at(
                    Code::InvalidConfig,
                    format!("`{lang}` is not a language code"),
                    at_language(i),
                )
                .with_help("use lowercase BCP 47 codes such as `fr`, `en` or `ar`"),
            );
        } else if seen.contains(&lang) {
            problems.push(Diagnostic::at(
                Code::InvalidConfig,
                format!("language `{lang}` is listed twice"),
                at_language(i),
            ));
        }
        seen.push(lang);
        if is_language_code(lang) && !raw.title.contains_key(lang) {
            problems.push(
                Diagnostic::at(
                    Code::InvalidConfig,
                    format!("the site has no title in `{lang}`"),
                    at_key("title"),
                )
                .with_help(format!("add `{lang}: ...` under `title`")),
            );
        }
    }
}

/// The custom domain and the page sizes.
/// `+01:00`, `-05:30`, `+00:00`.
impl Config {
    /// Today in the site's time zone: an article dated later waits for its day, and a new
    /// one is dated today, as the newsroom's calendar says.
    pub fn today(&self) -> chrono::NaiveDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let now = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
        today_at(&self.time_zone, now)
    }
}

/// The calendar day at `now` in the zone `offset` (`+01:00`; UTC when it is not one).
fn today_at(offset: &str, now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    match offset.parse::<chrono::FixedOffset>() {
        Ok(zone) => now.with_timezone(&zone).date_naive(),
        Err(_) => now.date_naive(),
    }
}

fn is_utc_offset(zone: &str) -> bool {
    let bytes = zone.as_bytes();
    bytes.len() == 6
        && matches!(bytes[0], b'+' | b'-')
        && bytes[3] == b':'
        && zone[1..3].parse::<u8>().is_ok_and(|h| h <= 14)
        && zone[4..6].parse::<u8>().is_ok_and(|m| m < 60)
}

/// The share image must be a file of `static/`, published with the site, in a format whose
/// size can be read (link previews are given its width and height).
fn check_share_image(
    root: &Path,
    raw: &RawConfig,
    at_key: &dyn Fn(&str) -> Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<(usize, usize)> {
    let file = raw.share_image.as_deref()?;
    let rel = file.trim_start_matches('/');
    let parts: Vec<&str> = rel.split('/').collect();
    let inside = !parts.iter().any(|part| *part == ".." || part.is_empty());
    let path = crate::source::static_file(root, &parts).filter(|_| inside);
    let Some(path) = path else {
        problems.push(
            Diagnostic::at(
                Code::InvalidConfig,
                format!("share_image `{file}` is not a file in static/"),
                at_key("share_image"),
            )
            .with_help("put the image (a PNG or JPEG of 1200 × 630 pixels) in static/ and give its path there, e.g. `share_image: share.png`"),
        );
        return None;
    };
    match imagesize::size(&path) {
        Ok(size) => Some((size.width, size.height)),
        Err(e) => {
            problems.push(
                Diagnostic::at(
                    Code::InvalidConfig,
                    format!("share_image `{file}` is not an image depeche can read: {e}"),
                    at_key("share_image"),
                )
                .with_help("give a PNG, JPEG, WebP or GIF file (1200 × 630 pixels suits most link previews)"),
            );
            None
        }
    }
}

fn check_publishing(
    raw: &RawConfig,
    at_key: &dyn Fn(&str) -> Location,
    problems: &mut Vec<Diagnostic>,
) {
    if let Some(domain) = raw.cname.as_deref()
        && !is_domain(domain)
    {
        problems.push(
            Diagnostic::at(
                Code::InvalidConfig,
                format!("`{domain}` is not a domain name"),
                at_key("cname"),
            )
            .with_help(
                "write the bare domain, e.g. `cname: depeches.example.org` (no scheme, no path)",
            ),
        );
    }
    if let Some(zone) = raw.time_zone.as_deref()
        && !is_utc_offset(zone)
    {
        problems.push(
            Diagnostic::at(
                Code::InvalidConfig,
                format!("`{zone}` is not a UTC offset"),
                at_key("time_zone"),
            )
            .with_help(
                "write the offset of the newsroom's dates from UTC, e.g. `time_zone: \"+01:00\"`",
            ),
        );
    }
}

/// How many items a page lists: 1 or more, said so whatever was written instead.
#[derive(Debug, Clone, Copy)]
struct PerPage(usize);

impl<'de> Deserialize<'de> for PerPage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected};
        struct Count;
        impl serde::de::Visitor<'_> for Count {
            type Value = PerPage;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number, 1 or more")
            }
            fn visit_u64<E: Error>(self, n: u64) -> Result<PerPage, E> {
                match usize::try_from(n) {
                    Ok(n) if n > 0 => Ok(PerPage(n)),
                    _ => Err(E::invalid_value(Unexpected::Unsigned(n), &self)),
                }
            }
            fn visit_i64<E: Error>(self, n: i64) -> Result<PerPage, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(Unexpected::Signed(n), &self)),
                }
            }
        }
        deserializer.deserialize_u64(Count)
    }
}

fn is_domain(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The longest path a `base_url` may have, in bytes: every address of the site starts with
/// it, and the search index's records keep an address whole only up to 4 KB.
const MAX_BASE_PATH: usize = 1024;

/// Normalises a base URL and extracts its path, both ending with `/`.
/// A URL as a message may quote it: a password in it is not printed (a CI log or a pull
/// request's annotations would publish it).
fn without_password(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => value.to_string(),
    }
}

fn parse_base_url(value: &str) -> Result<(String, String), String> {
    let url = url::Url::parse(value).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("it must be an http or https URL".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it must not have a query or fragment".into());
    }
    // It is written into every page, feed and sitemap: a password there is published.
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it must not hold a user name or password (`user:password@`): every page would publish them".into());
    }
    let mut path = url.path().to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    if path.len() > MAX_BASE_PATH {
        return Err(format!(
            "its path is {} bytes long, at most {MAX_BASE_PATH}: hosts refuse longer addresses (S3's keys stop at 1,024 bytes)",
            path.len()
        ));
    }
    let mut normalised = url.clone();
    normalised.set_path(&path);
    Ok((normalised.to_string(), path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_day_in_the_sites_time_zone() {
        let now = chrono::DateTime::parse_from_rfc3339("2024-11-30T23:30:00Z")
            .unwrap()
            .to_utc();
        let day = |zone| today_at(zone, now).to_string();
        assert_eq!(day("+00:00"), "2024-11-30");
        assert_eq!(day("+01:00"), "2024-12-01");
        assert_eq!(day("-05:00"), "2024-11-30");
        assert_eq!(day("nowhere"), "2024-11-30");
    }

    #[test]
    fn a_base_url_with_credentials_is_refused() {
        for url in ["https://user:pw@example.org/", "https://user@example.org/"] {
            let why = parse_base_url(url).unwrap_err();
            assert!(why.contains("user name or password"), "{url}: {why}");
        }
        assert!(parse_base_url("https://example.org/site/").is_ok());
        assert_eq!(
            without_password("https://user:secret@example.org/"),
            "https://user:***@example.org/"
        );
    }

    #[test]
    fn a_base_url_with_a_path_longer_than_hosts_take_is_refused() {
        let long = format!("https://user.github.io/{}/", "p".repeat(MAX_BASE_PATH));
        let why = parse_base_url(&long).unwrap_err();
        assert!(why.contains("at most 1024"), "{why}");
        let longest = format!("https://user.github.io/{}/", "p".repeat(MAX_BASE_PATH - 2));
        assert!(parse_base_url(&longest).is_ok());
    }

    #[test]
    fn base_url_keeps_its_sub_path() {
        assert_eq!(
            parse_base_url("https://user.github.io/aleppo").unwrap(),
            ("https://user.github.io/aleppo/".into(), "/aleppo/".into())
        );
        assert_eq!(
            parse_base_url("http://localhost:1111").unwrap().1,
            "/".to_string()
        );
        assert!(parse_base_url("user.github.io/aleppo").is_err());
        assert!(parse_base_url("ftp://x.org/").is_err());
    }

    #[test]
    fn domains() {
        assert!(is_domain("depeches.example.org"));
        assert!(!is_domain("https://example.org"));
        assert!(!is_domain("example.org/path"));
        assert!(!is_domain("localhost"));
    }

    #[test]
    fn language_codes() {
        assert!(is_language_code("fr"));
        assert!(is_language_code("pt-BR"));
        assert!(!is_language_code("FR"));
        assert!(!is_language_code("french"));
        assert!(!is_language_code("../x"));
    }
}
