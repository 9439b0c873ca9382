//! Warnings about content that builds but deserves an editor's look: missing translations,
//! annotation parity between translations, unused entities, missing facts, drafts.

use std::collections::{BTreeSet, HashSet};

use crate::annotate::Annotated;
use crate::config::CONFIG_FILE;
use crate::config::Config;
use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::events::{Event, Span};
use crate::load::references::{self, Names};
use crate::load::{ArticleSource, EntityKind, EntitySource, Unverified, front_matter};
use crate::source::SourceText;
use crate::yaml;
use crate::yaml::spans::Places;

use super::suggest;

/// The warnings about one article, all its languages together (annotated, before the graph):
/// missing translations, annotation parity, drafts.
pub(crate) fn lint_article(
    config: &Config,
    key: &str,
    versions: &[(ArticleSource, Annotated)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    missing_translations(config, key, versions, &mut out);
    parity(key, versions, &mut out);
    disagreements(versions, &mut out);
    dates(config, key, versions, &mut out);
    images(config, versions, &mut out);
    for (article, _) in versions {
        if let Ok(split) = front_matter::split(&article.src) {
            out.extend(yaml::values_cut_by_comments(
                &article.src,
                split.yaml_start,
                split.yaml_end,
                &["title", "summary", "credit"],
            ));
            out.extend(yaml::annotations_in_values(
                &article.src,
                split.yaml_start,
                split.yaml_end,
            ));
        }
        // What would be published as is; a draft is not, yet.
        let published = !article.front.waits(false);
        if published && article.front.title.starts_with("TODO") {
            out.push(
                Diagnostic::at(
                    Code::Placeholder,
                    format!(
                        "the title of `{}` is still the placeholder `depeche new` wrote",
                        article.src.path.display()
                    ),
                    front_matter_field(article, "title"),
                )
                .with_help("write the headline after `title:`"),
            );
        }
        if published && !has_text(article.body()) {
            // Located on the closing fence, where the text should follow.
            let text = &article.src.text;
            let fence = text[..article.body_start.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            out.push(
                Diagnostic::at(
                    Code::EmptyBody,
                    format!(
                        "`{}` has a title but no text (comments are not shown): it would be published as an empty page",
                        article.src.path.display()
                    ),
                    article.src.locate(fence, article.body_start),
                )
                .with_help("write the article below the closing `---`, or mark it `draft: true`"),
            );
        }
        // Shown with `--drafts`: not left out.
        if article.front.draft && !config.publish_drafts {
            out.push(draft(article, versions));
        }
    }
    out
}

/// The warnings about the site's own settings: a custom domain the base URL does not use, an
/// annotation in a title.
pub(crate) fn lint_site(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let config_file = config.root.join(CONFIG_FILE);
    let Ok(src) = crate::source::read(&config.root, &config_file) else {
        return out;
    };
    out.extend(yaml::annotations_in_values(&src, 0, src.text.len()));
    if let Some(domain) = &config.cname {
        let host = url::Url::parse(&config.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        if !host.eq_ignore_ascii_case(domain) {
            let at = yaml::find_key(&src.text, 0, src.text.len(), "cname")
                .map_or_else(|| src.locate(0, 0), |(s, e)| src.locate(s, e));
            out.push(
                Diagnostic::at(
                    Code::CnameMismatch,
                    format!("`cname` is `{domain}` but base_url is on `{host}`: links, canonical URLs and the sitemap would name the wrong host"),
                    at,
                )
                .with_help(format!("set `base_url: https://{domain}/`, or remove `cname` if the site is not on that domain")),
            );
        }
    }
    out
}

/// The warnings about entities: unused ones (`mentioned` holds every id an article names) and
/// missing facts.
pub(crate) fn lint_entities(
    entities: &[EntitySource],
    mentioned: &HashSet<&str>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entity in entities {
        entity_facts(entity, mentioned.contains(entity.id.as_str()), &mut out);
        prose_front_matter(entity, &mut out);
        let text = &entity.src.text;
        out.extend(yaml::values_cut_by_comments(
            &entity.src,
            0,
            text.len(),
            &["name", "description", "aliases"],
        ));
        out.extend(yaml::annotations_in_values(&entity.src, 0, text.len()));
    }
    out
}

/// Versions of one article dated differently, and articles dated after today.
fn dates(
    config: &Config,
    key: &str,
    versions: &[(ArticleSource, Annotated)],
    out: &mut Vec<Diagnostic>,
) {
    // Translations are compared with the version in the site's first language.
    let Some((first, _)) = versions
        .iter()
        .find(|(a, _)| a.lang == config.default_language())
        .or(versions.first())
    else {
        return;
    };
    for (article, _) in versions {
        if article.front.date.day != first.front.date.day {
            out.push(
                Diagnostic::at(
                    Code::DateMismatch,
                    format!(
                        "the `{}` version of `{key}` is dated {}, the `{}` version {}",
                        article.lang, article.front.date.day, first.lang, first.front.date.day
                    ),
                    front_matter_field(article, "date"),
                )
                .with_related(vec![front_matter_field(first, "date")])
                .with_help(
                    "translations carry the date of the original dispatch: give both the same date",
                ),
            );
        }
    }
    for (article, _) in versions {
        if article.front.scheduled && !article.front.draft {
            out.push(
                Diagnostic::at(
                    Code::FutureDate,
                    format!(
                        "`{}` is dated {}, after today: it is left out of the site until then",
                        article.src.path.display(),
                        article.front.date.day
                    ),
                    front_matter_field(article, "date"),
                )
                .with_help("correct the date if it is wrong; `--future` publishes it now"),
            );
        }
    }
}

/// The site's images an article shows must be in static/; the article's own has its `alt`.
fn images(config: &Config, versions: &[(ArticleSource, Annotated)], out: &mut Vec<Diagnostic>) {
    for (article, annotated) in versions {
        article_images(config, article, annotated, out);
    }
}

/// The images of one version: its `image` and those of its body are files of static/, and its
/// `image` says what it shows. An article whose front matter has mistakes is checked too.
pub(crate) fn article_images(
    config: &Config,
    article: &ArticleSource,
    annotated: &Annotated,
    out: &mut Vec<Diagnostic>,
) {
    let missing = |address: &str| missing_image(&config.root, address);
    if let Some(image) = article.front.image.as_deref()
        && !image.contains("://")
        && !image.starts_with("//")
        && missing(image)
    {
        out.push(
            Diagnostic::at(
                Code::MissingImage,
                format!("`image` is `{image}`, which is not a file of static/"),
                front_matter_field(article, "image"),
            )
            .with_help(image_help(image)),
        );
    }
    if article.front.image.is_some() && article.front.alt.is_none() {
        out.push(
                Diagnostic::at(
                    Code::MissingAlt,
                    format!("the image of `{}` has no `alt`", article.src.path.display()),
                    front_matter_field(article, "image"),
                )
                .with_help("add `alt:` saying what the image shows, for readers who cannot see it (a credit is not a description)"),
            );
    }
    out.extend(missing_images(
        &config.root,
        &article.src,
        &annotated.local_images,
    ));
}

/// Whether the site's root-relative `address` names no file of static/, in either Unicode
/// form: a name typed composed (NFC) finds a file stored decomposed (NFD, as macOS writes
/// them), which the site publishes composed.
fn missing_image(root: &std::path::Path, address: &str) -> bool {
    let path = address.split(['?', '#']).next().unwrap_or(address);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // Resolved as a browser resolves it: `..` never leaves the site's root, which is static/.
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    crate::source::static_file(root, &parts).is_none()
}

fn image_help(address: &str) -> String {
    format!(
        "put the file at static/{} (static/ is published at the site's root), or correct the address",
        address.trim_start_matches('/')
    )
}

/// The images a text shows that static/ does not have.
pub(crate) fn missing_images(
    root: &std::path::Path,
    src: &crate::source::SourceText,
    images: &[(String, (usize, usize))],
) -> Vec<Diagnostic> {
    images
        .iter()
        .filter(|(address, _)| missing_image(root, address))
        .map(|(address, span)| {
            Diagnostic::at(
                Code::MissingImage,
                format!("`{address}` is not a file of static/"),
                src.locate(span.0, span.1),
            )
            .with_help(image_help(address))
        })
        .collect()
}

/// A draft, and the versions of the article published without it.
fn draft(article: &ArticleSource, versions: &[(ArticleSource, Annotated)]) -> Diagnostic {
    // A translation published without its original, or the other way round.
    let published: Vec<&str> = versions
        .iter()
        .filter(|(other, _)| !other.front.draft)
        .map(|(other, _)| other.lang.as_str())
        .collect();
    let others = match published.as_slice() {
        [] => String::new(),
        langs => format!(
            "; the `{}` version is published without it",
            langs.join("`, `")
        ),
    };
    Diagnostic::at(
        Code::Draft,
        format!(
            "`{}` is a draft and is left out of the site{others}",
            article.src.path.display()
        ),
        front_matter_field(article, "draft"),
    )
    .with_help("remove `draft: true` to publish it; `depeche build --drafts` previews it")
}

/// Whether a body has anything a reader sees: HTML comments (the note `depeche new` leaves)
/// are not shown.
fn has_text(body: &str) -> bool {
    // Only what comes before the first visible character is looked at: a long article is not
    // searched for comments to the end.
    let mut rest = body.trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        match comment.find("-->") {
            Some(end) => rest = comment[end + 3..].trim_start(),
            None => return false,
        }
    }
    !rest.is_empty()
}

fn front_matter_field(article: &ArticleSource, key: &str) -> Location {
    let text = &article.src.text;
    yaml::find_key(text, 0, article.body_start, key).map_or_else(
        || article.src.locate(0, 3),
        |(s, e)| article.src.locate(s, e),
    )
}

/// One article's files: (language, path, the place of its front matter).
pub(crate) struct Versions {
    pub(crate) key: String,
    pub(crate) files: Vec<(String, std::path::PathBuf, Location)>,
}

/// Past this many comparisons of keys (articles in one language only, against those in
/// others only), keys are not paired: a site of monolingual archives is not slowed down.
const MAX_COMPARED: usize = 1_000_000;

/// Two keys a letter or two apart, with versions in different languages, are one article whose
/// translation's file name has a typo: one warning naming the file to rename replaces a
/// missing translation for each. The key of the version in the site's first language (or of
/// the most versions) is kept.
pub(crate) fn misspelt_keys(
    config: &Config,
    articles: &[Versions],
    out: &mut Vec<Diagnostic>,
) -> Vec<(std::path::PathBuf, std::path::PathBuf)> {
    let mut renames = Vec::new();
    // Articles missing a language, grouped by the languages they have: only groups with no
    // language in common can hold the two halves of one article.
    let mut groups: std::collections::BTreeMap<BTreeSet<&str>, Vec<&Versions>> = Default::default();
    for v in articles {
        let langs: BTreeSet<&str> = v.files.iter().map(|f| f.0.as_str()).collect();
        if langs.len() < config.languages.len() {
            groups.entry(langs).or_default().push(v);
        }
    }
    let groups: Vec<(BTreeSet<&str>, Vec<&Versions>)> = groups.into_iter().collect();
    let mut pairs: Vec<(&Versions, &Versions)> = Vec::new();
    for (i, (a_langs, a_list)) in groups.iter().enumerate() {
        for (b_langs, b_list) in groups[i + 1..].iter() {
            if !a_langs.is_disjoint(b_langs) {
                continue;
            }
            if a_list.len().saturating_mul(b_list.len()) > MAX_COMPARED {
                return renames;
            }
            for a in a_list {
                for b in b_list {
                    if a.key.len().abs_diff(b.key.len()) <= 2 {
                        pairs.push((a, b));
                    }
                }
            }
        }
    }
    let first = config.languages.first();
    let mut paired: HashSet<&str> = HashSet::new();
    for (a, b) in pairs {
        if paired.contains(a.key.as_str()) || paired.contains(b.key.as_str()) {
            continue;
        }
        let distance = strsim::levenshtein(&a.key, &b.key);
        if distance == 0 || distance > 2 || distance * 4 > a.key.len().min(b.key.len()) {
            continue;
        }
        let keeps = |v: &Versions| (v.files.iter().any(|f| Some(&f.0) == first), v.files.len());
        let (keep, typo) = if keeps(b) > keeps(a) { (b, a) } else { (a, b) };
        paired.insert(&a.key);
        paired.insert(&b.key);
        let mentions = |key: &str| format!("article `{key}` has no ");
        out.retain(|d| {
            !(d.code == Code::MissingTranslation
                && (d.message.starts_with(&mentions(&a.key))
                    || d.message.starts_with(&mentions(&b.key))))
        });
        for (lang, path, at) in &typo.files {
            let renamed = path.with_file_name(format!("{}.{lang}.md", keep.key));
            renames.push((path.clone(), renamed.clone()));
            out.push(
                    Diagnostic::at(
                        Code::MissingTranslation,
                        format!(
                            "`{}` looks like the `{lang}` version of `{}`, whose key is one letter{} away",
                            path.display(),
                            keep.key,
                            if distance == 1 { "" } else { " or two" }
                        ),
                        at.clone(),
                    )
                    .with_help(format!("rename it {}", renamed.display())),
                );
        }
    }
    renames
}

fn missing_translations(
    config: &Config,
    key: &str,
    versions: &[(ArticleSource, Annotated)],
    out: &mut Vec<Diagnostic>,
) {
    let Some((first, _)) = versions.first() else {
        return;
    };
    for lang in &config.languages {
        // A version whose file exists but does not load has its own error.
        let file = config
            .root
            .join(&first.src.path)
            .with_file_name(format!("{key}.{lang}.md"));
        if versions.iter().any(|(a, _)| &a.lang == lang) || file.exists() {
            continue;
        }
        out.push(
            Diagnostic::at(
                Code::MissingTranslation,
                format!("article `{key}` has no `{lang}` version"),
                first.src.locate(0, 3),
            )
            .with_help(format!(
                "translate it into content/articles/{key}.{lang}.md"
            )),
        );
    }
}

/// Translations should annotate the same entities: name each one present in a version and
/// missing from another, at its first mention.
fn parity(key: &str, versions: &[(ArticleSource, Annotated)], out: &mut Vec<Diagnostic>) {
    let sets: Vec<BTreeSet<&str>> = versions
        .iter()
        .map(|(_, a)| a.mentions.iter().map(|m| &*m.entity).collect())
        .collect();
    // A version read only in part (too large to cut, or past too many errors) has its own
    // error: what it annotates further on is not known.
    let cut = |annotated: &Annotated| {
        annotated
            .problems
            .iter()
            .any(|d| matches!(d.code, Code::TooLarge | Code::TooManyErrors))
    };
    for (i, (article, annotated)) in versions.iter().enumerate() {
        for (j, (other, other_annotated)) in versions.iter().enumerate() {
            // An empty version has its own warning, not one per entity of the other.
            if i == j || !has_text(other.body()) || cut(other_annotated) {
                continue;
            }
            for id in sets[i].difference(&sets[j]) {
                let Some(first) = annotated.mentions.iter().find(|m| &*m.entity == *id) else {
                    continue;
                };
                out.push(
                    Diagnostic::at(
                        Code::AnnotationParity,
                        format!(
                            "`{id}` is annotated in the `{}` version of `{key}` but not in the `{}` version",
                            article.lang, other.lang
                        ),
                        article.src.locate(first.span.0, first.span.1),
                    )
                    .with_help(format!(
                        "annotate the same mention in {} (or remove this annotation)",
                        other.src.path.display()
                    )),
                );
            }
        }
    }
}

/// Entity prose is Markdown only: a front matter block there would be shown as text.
fn prose_front_matter(entity: &EntitySource, out: &mut Vec<Diagnostic>) {
    for src in entity.prose.values() {
        let Ok(split) = front_matter::split(src) else {
            continue;
        };
        out.push(
            Diagnostic::at(
                Code::FrontMatterInProse,
                format!(
                    "{} starts with a front matter block, which would be shown as text",
                    src.path.display()
                ),
                src.locate(0, 3),
            )
            .with_help(format!(
                "remove the lines from `---` to `---`: the name and description of `{}` are in its .yaml file",
                entity.id
            ))
            .with_replacement(&src.path, 0, split.body_start, ""),
        );
    }
}

fn entity_facts(entity: &EntitySource, mentioned: bool, out: &mut Vec<Diagnostic>) {
    let first_line = entity.src.text.lines().next().map_or(0, str::len);
    let at_top = || entity.src.locate(0, first_line);
    let path = entity.src.path.display();
    if !mentioned {
        out.push(
            Diagnostic::at(
                Code::UnusedEntity,
                format!(
                    "no article mentions `{}`, no entity relates to it and it relates to none in use",
                    entity.id
                ),
                at_top(),
            )
            .with_help(format!(
                "annotate a mention with `[[{}]]`, or delete {path} if it is not needed",
                entity.id
            )),
        );
    }
    if entity.wikidata.is_none() && !entity.unverified.contains(&Unverified::Wikidata) {
        out.push(
            Diagnostic::at(Code::MissingWikidata, format!("`{}` has no Wikidata id", entity.id), at_top())
                .with_help("add `wikidata: Q…` from wikidata.org, or `unverified: [wikidata]` until someone has checked it"),
        );
    }
    if entity.kind == EntityKind::Place
        && entity.coordinates.is_none()
        && !entity.unverified.contains(&Unverified::Coordinates)
    {
        out.push(
            Diagnostic::at(Code::MissingCoordinates, format!("place `{}` has no coordinates", entity.id), at_top())
                .with_help("add `coordinates: [latitude, longitude]`, or `unverified: [coordinates]` until someone has checked them"),
        );
    }
}

/// Every statement says where it comes from and when it held: descriptions and facts of
/// entities, figures of articles. Every field that names an entity or a source
/// (`load::references`) names something of the site.
pub(crate) fn lint_sources(
    entities: &[EntitySource],
    flawed_entities: &[EntitySource],
    broken: &[String],
    articles: &[ArticleSource],
    flawed: &[ArticleSource],
    languages: &[String],
) -> Vec<Diagnostic> {
    // An entity whose file has errors is reported there, not at every place that names it.
    let ids: HashSet<&str> = entities
        .iter()
        .map(|e| e.id.as_str())
        .chain(broken.iter().map(String::as_str))
        .collect();
    let keys: HashSet<&str> = articles
        .iter()
        .chain(flawed)
        .map(|a| a.key.as_str())
        .collect();
    let mut out = Vec::new();
    let mut unknown = |names: Names, name: &str, at: &dyn Fn() -> Location| {
        let known = match names {
            Names::Entity => ids.contains(name),
            Names::Source => ids.contains(name) || keys.contains(name),
            Names::EntityOrText | Names::Nothing => true,
        };
        if !known {
            let mut d = unknown_reference(names, name, at());
            if let Some(meant) = did_you_mean(name, ids.iter().copied()) {
                d = d.with_help(format!("did you mean `{meant}`?"));
            }
            out.push(d);
        }
    };
    for entity in entities {
        for (path, name, names) in references::of_entity(entity) {
            // Relations' targets are checked with the graph, which suggests the id meant;
            // their sources here, as every other.
            if !(path.starts_with("relations") && path.ends_with(".target")) {
                unknown(names, name, &|| entity.locate(&path));
            }
        }
    }
    // A file with mistakes is left out of the graph, but names entities all the same: every
    // id it names is checked here, its relations' targets too.
    let mut of_flawed = Vec::new();
    for entity in flawed_entities {
        for (path, name, names) in references::of_entity(entity) {
            if !(path.starts_with("relations") && path.ends_with(".target")) {
                unknown(names, name, &|| entity.locate(&path));
            }
        }
        for (i, rel) in entity.relations.iter().enumerate() {
            if ids.contains(rel.target.as_str()) {
                continue;
            }
            of_flawed.push(crate::graph::unknown_target(entity, i, ids.iter().copied()));
        }
        undated_or_unsourced(entity, &mut of_flawed);
    }
    // An article whose front matter has mistakes names entities too: checked all the same.
    for article in articles.iter().chain(flawed) {
        let places = front_matter_places(article);
        for (path, name, names) in references::of_article(&article.front) {
            unknown(names, name, &|| places.locate(&path));
        }
    }
    for entity in entities {
        undated_or_unsourced(entity, &mut out);
    }
    out.extend(ambiguous_aliases(entities));
    for article in articles.iter().chain(flawed) {
        out.extend(unlabelled(article, languages));
    }
    for entity in entities {
        for (i, event) in entity.events.iter().enumerate() {
            let at = || entity.locate(&format!("events[{i}].label"));
            out.extend(event_labels(event, languages, &at));
        }
    }
    out.append(&mut of_flawed);
    out
}

/// A name or alias that two entities claim in one language at overlapping times: no mention
/// of it can be annotated for the editor. Reported at the later entity's alias (by id), which
/// a period (`{name: …, until: …}`) or a lifespan can tell apart.
fn ambiguous_aliases(entities: &[EntitySource]) -> Vec<Diagnostic> {
    use std::collections::BTreeMap;
    // (language, folded form) → who claims it.
    let mut claims: BTreeMap<(&str, String), Vec<Claim>> = BTreeMap::new();
    for entity in entities {
        for (lang, text, when, alias) in entity.written_forms() {
            claims
                .entry((lang, suggest::fold_form(text)))
                .or_default()
                .push((entity, text, when, alias));
        }
    }
    let mut out = Vec::new();
    for ((lang, _), mut claimants) in claims {
        claimants.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        for (i, &(entity, text, span, alias)) in claimants.iter().enumerate() {
            let other = claimants[..i]
                .iter()
                .find(|(e, _, s, _)| e.id != entity.id && s.overlaps(&span));
            let Some((first, ..)) = other else { continue };
            let field = if alias { "aliases" } else { "name" };
            let text_of = &entity.src.text;
            let at = yaml::find_key(text_of, 0, text_of.len(), field)
                .and_then(|(_, key_end)| {
                    let found = text_of[key_end..].find(text)?;
                    Some((key_end + found, key_end + found + text.len()))
                })
                .map_or_else(|| entity.locate(field), |(s, e)| entity.src.locate(s, e));
            out.push(
                Diagnostic::at(
                    Code::AmbiguousAlias,
                    format!(
                        "`{text}` names both `{}` and `{}` in `{lang}`: its mentions cannot be annotated for you",
                        first.id, entity.id
                    ),
                    at,
                )
                .with_help("say when each held it, `{name: …, from: …, until: …}` or the entities' `lifespan`, or remove it from one"),
            );
        }
    }
    out
}

/// An entity's name or alias as written, when it names the entity, and whether it is an
/// alias (rather than the name).
type Claim<'a> = (&'a EntitySource, &'a str, Span, bool);

/// An entity's description and facts have a date and a source.
fn undated_or_unsourced(entity: &EntitySource, out: &mut Vec<Diagnostic>) {
    // A value written but not read has its own error: it is not also reported missing.
    let missing = |path: &str| !entity.written(path);
    if !entity.description.is_empty() {
        if entity.as_of.is_none() && missing("as_of") {
            out.push(undated(
                format!("the description of `{}` has no date", entity.id),
                entity.locate("description"),
            ));
        }
        if entity.source.is_none() && missing("source") {
            out.push(unsourced(
                format!("the description of `{}` has no source", entity.id),
                entity.locate("description"),
            ));
        }
    }
    for (i, fact) in entity.facts.iter().enumerate() {
        let label = fact.label.values().next().cloned().unwrap_or_default();
        if fact.as_of.is_none() {
            out.push(undated(
                format!("the fact `{label}` of `{}` has no `as_of` date", entity.id),
                entity.locate(&format!("facts[{i}]")),
            ));
        }
        if fact.source.is_none() {
            out.push(unsourced(
                format!("the fact `{label}` of `{}` has no source", entity.id),
                entity.locate(&format!("facts[{i}]")),
            ));
        }
    }
    if entity
        .lifespan
        .as_ref()
        .is_some_and(|l| l.span.from.is_none() && l.span.until.is_none())
        && missing("lifespan.from")
        && missing("lifespan.until")
    {
        out.push(
            undated(
                format!("the lifespan of `{}` has neither `from` nor `until`", entity.id),
                entity.locate("lifespan"),
            )
            .with_help("add `from:` (founded, began) or `until:` (dissolved, fell, ended), or remove `lifespan`"),
        );
    }
    // An event without a start (a lifespan with neither end is reported above).
    let (begun, ended) = entity.lifespan.as_ref().map_or((false, false), |l| {
        (l.span.from.is_some(), l.span.until.is_some())
    });
    if entity.kind == EntityKind::Event && !begun && (entity.lifespan.is_none() || ended) {
        out.push(
            undated(
                format!("the event `{}` has no start", entity.id),
                entity.locate("type"),
            )
            .with_help("add `lifespan:` with `from:` (the year, month or day it began) and its `source:`; an event is dated by its start (schema.org's `startDate`)"),
        );
    }
    if entity.lifespan.as_ref().is_some_and(|l| l.source.is_none()) && missing("lifespan.source") {
        out.push(unsourced(
            format!("the lifespan of `{}` has no source", entity.id),
            entity.locate("lifespan"),
        ));
    }
    for (i, relation) in entity.relations.iter().enumerate() {
        let what = || {
            format!(
                "the relation `{}: {}` of `{}`",
                relation.kind, relation.target, entity.id
            )
        };
        let written = |field: &str| !missing(&format!("relations[{i}].{field}"));
        if relation.span.from.is_none()
            && relation.span.until.is_none()
            && relation.as_of.is_none()
            && !["from", "until", "as_of"].into_iter().any(written)
        {
            out.push(
                undated(
                    format!("{} has no date", what()),
                    entity.locate(&format!("relations[{i}]")),
                )
                .with_help(
                    "add `from:` and `until:` when known, else `as_of: YYYY-MM-DD`, a day it held",
                ),
            );
        }
        if relation.source.is_none() && !written("source") {
            out.push(unsourced(
                format!("{} has no source", what()),
                entity.locate(&format!("relations[{i}]")),
            ));
        }
    }
    for (i, event) in entity.events.iter().enumerate() {
        if event.source.is_none() {
            out.push(unsourced(
                format!(
                    "the event of {} of `{}` has no source",
                    event.when.start.iso(),
                    entity.id
                ),
                entity.locate(&format!("events[{i}]")),
            ));
        }
    }
    for prose in entity.prose.values() {
        out.extend(unsourced_paragraphs(prose));
    }
}

/// The paragraphs of an entity's prose that cite nothing: each is the site's own voice, and
/// says where it comes from with a footnote (`…in December 2016.[^bbc]`, then `[^bbc]: …`).
fn unsourced_paragraphs(prose: &SourceText) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let events = || Parser::new_ext(&prose.text, Options::ENABLE_FOOTNOTES).into_offset_iter();
    // The notes that say something: an empty `[^x]:` cites nothing.
    let mut notes: HashSet<String> = HashSet::new();
    let mut note: Option<(String, bool)> = None;
    for (event, _) in events() {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => note = Some((label.to_string(), false)),
            Event::Text(_) | Event::Code(_) => {
                if let Some((_, said)) = note.as_mut() {
                    *said = true;
                }
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, true)) = note.take() {
                    notes.insert(label);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut in_note = 0usize;
    let mut open: Option<(usize, bool)> = None;
    // A call of a note that is not defined is left as text (`[^missing]`, code's aside); one
    // of an empty note is a call that cites nothing.
    let mut calls_missing = false;
    let mut words = String::new();
    for (event, range) in events() {
        match event {
            Event::Start(Tag::FootnoteDefinition(_)) => in_note += 1,
            Event::End(TagEnd::FootnoteDefinition) => in_note -= 1,
            Event::Start(Tag::Paragraph) if in_note == 0 => {
                open = Some((range.start, false));
                calls_missing = false;
                words.clear();
            }
            Event::Text(text) if open.is_some() => words.push_str(&text),
            Event::FootnoteReference(label) if !notes.contains(label.as_ref()) => {
                calls_missing = true;
            }
            Event::FootnoteReference(label) if notes.contains(label.as_ref()) => {
                if let Some((_, cited)) = open.as_mut() {
                    *cited = true;
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((start, false)) = open.take() {
                    let text = &prose.text[start..range.end];
                    // The paragraph's first word is underlined: the whole of it is too long to show.
                    let end = text
                        .find(char::is_whitespace)
                        .map_or(range.end, |n| start + n);
                    let (message, help) = if calls_missing || words.contains("[^") {
                        (
                            "this paragraph's footnote says nothing: it is not defined below, or is empty",
                            "define each note it calls below the text, with its source: `[^1]: [Title](https://…)`",
                        )
                    } else {
                        (
                            "this paragraph cites no source",
                            "end the sentence it comes from with a footnote, `[^1]`, and say the source below: `[^1]: [Title](https://…)`",
                        )
                    };
                    out.push(
                        Diagnostic::at(Code::Unsourced, message, prose.locate(start, end))
                            .with_help(help),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// The articles that do not say whose copy they reproduce, in one notice: a site of wire
/// copy with no agency named is usually one that has not filled it in yet, and a guess is
/// worse than nothing.
pub(crate) fn no_agency(articles: &[ArticleSource]) -> Option<Diagnostic> {
    let mut silent = articles.iter().filter(|a| a.front.agency.is_none());
    let first = silent.next()?;
    let others = silent.count();
    let places = front_matter_places(first);
    // Each file is an article's version in one language: they are counted as files.
    let message = match others {
        0 => format!(
            "{} does not say whose copy it reproduces",
            first.src.path.display()
        ),
        n => format!(
            "{} and {} do not say whose copy they reproduce",
            first.src.path.display(),
            crate::diagnostic::count(n as u64, "other file", "other files")
        ),
    };
    Some(
        Diagnostic::at(Code::NoAgency, message, places.locate("title"))
            .with_help("add `agency: <the agency>` (its name, or the id of its entity) once you know it; leave it out rather than guess"),
    )
}

/// An article's figures and events are labelled in every language; its figures have a source.
fn unlabelled(article: &ArticleSource, languages: &[String]) -> Vec<Diagnostic> {
    let places = front_matter_places(article);
    let mut out = Vec::new();
    for (i, figure) in article.front.figures.iter().enumerate() {
        for lang in languages {
            if !figure.label.contains_key(lang) {
                out.push(
                    Diagnostic::at(
                        Code::MissingField,
                        format!("a figure has no label in `{lang}`"),
                        places.locate(&format!("figures[{i}].label")),
                    )
                    .with_help(format!("add `{lang}: …` under the figure's `label`")),
                );
            }
        }
        if figure.source.is_none() {
            out.push(unsourced(
                format!("a figure of `{}` has no source", article.src.path.display()),
                places.locate(&format!("figures[{i}]")),
            ));
        }
    }
    for (i, event) in article.front.events.iter().enumerate() {
        let at = || places.locate(&format!("events[{i}].label"));
        out.extend(event_labels(event, languages, &at));
    }
    out
}

fn event_labels(event: &Event, languages: &[String], at: &dyn Fn() -> Location) -> Vec<Diagnostic> {
    languages
        .iter()
        .filter(|lang| event.label.get(*lang).is_none_or(|l| l.is_empty()))
        .map(|lang| {
            Diagnostic::at(
                Code::MissingField,
                format!(
                    "an event of {} has no label in `{lang}`",
                    event.when.start.iso()
                ),
                at(),
            )
            .with_help(format!("add `{lang}: …` under the event's `label`"))
        })
        .collect()
}

/// The places of an article's front matter, read when a diagnostic asks.
/// Figures and events are the article's, said once in any version: where two versions say
/// one differently, the later one is shown where it says it.
fn disagreements(versions: &[(ArticleSource, Annotated)], out: &mut Vec<Diagnostic>) {
    // Only versions that both say facts can disagree; most articles are not merged here.
    let telling = versions
        .iter()
        .filter(|(a, _)| !a.front.figures.is_empty() || !a.front.events.is_empty())
        .count();
    if telling < 2 {
        return;
    }
    let fronts = versions.iter().map(|(a, _)| (a.lang.as_str(), &a.front));
    for d in crate::load::story::merge(fronts).1 {
        let Some((article, _)) = versions.iter().find(|(a, _)| a.lang == d.other.0) else {
            continue;
        };
        let at = front_matter_places(article).locate(&crate::yaml::spans::join(
            &format!("{}[{}]", d.field, d.other.1),
            d.part,
        ));
        let first = versions
            .iter()
            .find(|(a, _)| a.lang == d.first.0)
            .map(|(a, _)| front_matter_places(a).locate(&format!("{}[{}]", d.field, d.first.1)));
        out.push(
            Diagnostic::at(
                Code::FactsDisagree,
                format!(
                    "the `{}` and `{}` versions say one of the article's {} differently: {}",
                    d.first.0, d.other.0, d.field, d.what
                ),
                at,
            )
            .with_help(format!(
                "a fact is the article's, for every version: say it once, in one version with a label per language, or make both say the same ({}[{}] of the `{}` version)",
                d.field, d.first.1, d.first.0
            ))
            .with_related(first.into_iter().collect()),
        );
    }
}

fn front_matter_places(article: &ArticleSource) -> Places<'_> {
    let (start, end) =
        front_matter::split(&article.src).map_or((0, 0), |s| (s.yaml_start, s.yaml_end));
    Places::new(&article.src, start, end)
}

fn unknown_reference(names: Names, name: &str, at: Location) -> Diagnostic {
    match names {
        Names::Entity => Diagnostic::at(
            Code::UnknownReference,
            format!("`{name}` is not an entity of this site"),
            at,
        )
        .with_help(format!("create content/entities/{name}.yaml or fix the id (`depeche entities` lists them)")),
        _ => Diagnostic::at(
            Code::UnknownReference,
            format!("`{name}` is neither an entity nor an article of this site"),
            at,
        )
        .with_help("name an entity by its id or an article by its key, or give a web source as `{url: https://…, title: …}`"),
    }
}

fn undated(message: String, at: Location) -> Diagnostic {
    Diagnostic::at(Code::Undated, message, at).with_help(
        "add `as_of: YYYY-MM-DD`, the day it was true at: what holds today may not hold tomorrow",
    )
}

fn unsourced(message: String, at: Location) -> Diagnostic {
    Diagnostic::at(Code::Unsourced, message, at).with_help(
        "add `source:` with the id of the entity it comes from (`osdh`), the key of an article, or `{url: https://…, title: …}`",
    )
}

#[cfg(test)]
mod tests {
    use super::{has_text, missing_image, unsourced_paragraphs};
    use crate::source::SourceText;

    #[test]
    fn a_paragraph_is_sourced_by_a_note_that_says_something() {
        let prose = "Cited.[^a]\n\nNot cited.\n\nUndefined.[^nowhere]\n\nEmpty.[^e]\n\nCode only `[^a]`.\n\n[^a]: [A source](https://example.org)\n[^e]:\n";
        let found = unsourced_paragraphs(&SourceText::new("x.en.md", prose.to_string()));
        let lines: Vec<(usize, &str)> = found
            .iter()
            .map(|d| (d.location.as_ref().unwrap().line, d.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (3, "this paragraph cites no source"),
                (
                    5,
                    "this paragraph's footnote says nothing: it is not defined below, or is empty"
                ),
                (
                    7,
                    "this paragraph's footnote says nothing: it is not defined below, or is empty"
                ),
                (9, "this paragraph cites no source"),
            ]
        );
    }

    #[test]
    fn a_body_has_text_unless_it_holds_only_comments_and_blanks() {
        assert!(has_text("Texte."));
        assert!(has_text("  <!-- note -->\n\nTexte <!-- plus loin -->"));
        assert!(has_text("Texte avant <!-- une note"));
        assert!(!has_text(""));
        assert!(!has_text(" \n<!-- note -->\n <!-- autre -->\n"));
        assert!(!has_text("<!-- jamais fermé"));
    }

    #[test]
    fn an_image_address_is_resolved_as_a_browser_resolves_it() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("static/img")).unwrap();
        std::fs::create_dir_all(root.path().join("extra")).unwrap();
        std::fs::write(root.path().join("static/img/a.png"), b"png").unwrap();
        std::fs::write(root.path().join("extra/pic.png"), b"png").unwrap();
        let missing = |address: &str| missing_image(root.path(), address);
        assert!(!missing("/img/a.png"));
        assert!(!missing("/img/../img/./a.png"));
        // `..` never leaves the site's root: this is /img/a.png.
        assert!(!missing("/../img/a.png"));
        // A file beside static/ is not published: not found by climbing out.
        assert!(missing("/../extra/pic.png"));
        assert!(missing("/img/../../extra/pic.png"));
        assert!(missing("/.."));
    }
}
