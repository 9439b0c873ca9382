//! Warnings about content that builds but deserves an editor's look: missing translations,
//! annotation parity between translations, unused entities, missing facts, drafts.

use std::collections::{BTreeSet, HashSet};

use crate::annotate::Annotated;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::{ArticleSource, EntityKind, EntitySource, Unverified, front_matter};
use crate::yaml;

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
    for (article, _) in versions {
        if let Ok(split) = front_matter::split(&article.src) {
            out.extend(yaml::values_cut_by_comments(
                &article.src,
                split.yaml_start,
                split.yaml_end,
                &["title", "summary", "credit"],
            ));
        }
        if article.body().trim().is_empty() {
            // Located on the closing fence, where the text should follow.
            let text = &article.src.text;
            let fence = text[..article.body_start.saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            out.push(
                Diagnostic::at(
                    Code::EmptyBody,
                    format!(
                        "`{}` has a title but no text: it would be published as an empty page",
                        article.src.path.display()
                    ),
                    article.src.locate(fence, article.body_start),
                )
                .with_help("write the article below the closing `---`, or mark it `draft: true`"),
            );
        }
        if article.front.draft {
            out.push(
                Diagnostic::at(
                    Code::Draft,
                    format!(
                        "`{}` is a draft and is left out of the site",
                        article.src.path.display()
                    ),
                    front_matter_field(article, "draft"),
                )
                .with_help(
                    "remove `draft: true` to publish it; `depeche build --drafts` previews it",
                ),
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
        let text = &entity.src.text;
        out.extend(yaml::values_cut_by_comments(
            &entity.src,
            0,
            text.len(),
            &["name", "description", "aliases"],
        ));
    }
    out
}

fn front_matter_field(article: &ArticleSource, key: &str) -> Location {
    let text = &article.src.text;
    yaml::find_key(text, 0, article.body_start, key).map_or_else(
        || article.src.locate(0, 3),
        |(s, e)| article.src.locate(s, e),
    )
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
    for (i, (article, annotated)) in versions.iter().enumerate() {
        for (j, (other, _)) in versions.iter().enumerate() {
            if i == j {
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

fn entity_facts(entity: &EntitySource, mentioned: bool, out: &mut Vec<Diagnostic>) {
    let first_line = entity.src.text.lines().next().map_or(0, str::len);
    let at_top = || entity.src.locate(0, first_line);
    let path = entity.src.path.display();
    if !mentioned {
        out.push(
            Diagnostic::at(
                Code::UnusedEntity,
                format!("no article mentions `{}`", entity.id),
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
