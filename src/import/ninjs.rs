//! IPTC ninjs, 1.x and 2.x: parsed with serde_json, validated against IPTC's JSON Schema for
//! its major version (vendored in `schemas/`), each mistake located in the file by its JSON
//! pointer. An item's text associations are items too; its pictures are recorded.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;
use serde_json::value::RawValue;

use super::{Item, Picture, non_empty, plain_paragraphs};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceText;

const SCHEMA_1: &str = include_str!("schemas/ninjs-schema_1.6.json");
const SCHEMA_2: &str = include_str!("schemas/ninjs-schema_2.2.json");
const GEOJSON: &str = include_str!("schemas/GeoJSON.json");

/// A step of a JSON pointer.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

pub(super) fn items(src: &SourceText) -> Result<Vec<Item>, Diagnostic> {
    let value: Value = serde_json::from_str::<Unique>(&src.text)
        .and_then(|_| serde_json::from_str(&src.text))
        .map_err(|e| {
            // Column 0 is the line break that ends the line before.
            let at = match e.column() {
                0 => super::newsml::offset_of(&src.text, e.line(), 1).saturating_sub(1),
                col => super::newsml::offset_of(&src.text, e.line(), col),
            };
            let said = e.to_string();
            let what = said.split(" at line ").next().unwrap_or(&said);
            Diagnostic::at(
            Code::InvalidFeed,
            format!("the file is not valid JSON: {what}"),
            src.locate(at, at + 1),
        )
        .with_help(
            "fix the JSON at this place (the agency's file may have been cut or edited by hand)",
        )
        })?;
    if !value.is_object() {
        return Err(Diagnostic::at(
            Code::InvalidFeed,
            "a ninjs document is a JSON object (`{…}`), and this file is not one",
            src.locate(0, 1),
        )
        .with_help("import the agency's ninjs item itself, one object per file"));
    }
    if let Some((path, c)) = forbidden_in(&value, &mut Vec::new()) {
        let (start, end) = span(src, &path).unwrap_or((0, 1));
        return Err(crate::source::forbidden_character(
            c,
            src.locate(start, end),
        ));
    }
    let major = if is_version_2(&value) { 2 } else { 1 };
    validate(src, &value, major)?;
    let mut out = Vec::new();
    collect(src, &value, &mut Vec::new(), major, &mut out)?;
    Ok(out)
}

/// ninjs 2 renamed the singular fields (`headline` → `headlines`, `body_text` → `bodies`) and
/// made `associations` a list.
fn is_version_2(value: &Value) -> bool {
    [
        "headlines",
        "bodies",
        "descriptions",
        "subjects",
        "standard",
        "by",
    ]
    .iter()
    .any(|k| value.get(k).is_some())
        || value.get("associations").is_some_and(Value::is_array)
}

/// A JSON document read only to refuse a key given twice in one object, which serde_json's
/// values would keep the last of, silently.
struct Unique;

impl<'de> serde::Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` is given twice in one object"
                )));
            }
            map.next_value::<Unique>()?;
        }
        Ok(Unique)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }
    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }
}

/// The first key or string value holding a character that is not text (written as an escape,
/// `\u001b`, it passes the file's own check), with its place.
fn forbidden_in(value: &Value, path: &mut Vec<Step>) -> Option<(Vec<Step>, char)> {
    let bad = |s: &str| s.chars().find(|&c| crate::source::forbidden(c));
    match value {
        Value::String(s) => bad(s).map(|c| (path.clone(), c)),
        Value::Array(list) => list.iter().enumerate().find_map(|(i, v)| {
            path.push(Step::Index(i));
            let found = forbidden_in(v, path);
            path.pop();
            found
        }),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            path.push(Step::Key(k.clone()));
            let found = bad(k)
                .map(|c| (path.clone(), c))
                .or_else(|| forbidden_in(v, path));
            path.pop();
            found
        }),
        _ => None,
    }
}

struct Compiled {
    schemas: boon::Schemas,
    one: boon::SchemaIndex,
    two: boon::SchemaIndex,
}

fn compiled() -> Result<&'static Compiled, String> {
    static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let mut schemas = boon::Schemas::new();
            let mut compiler = boon::Compiler::new();
            let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
            let one_url = "http://www.iptc.org/std/ninjs/ninjs-schema_1.6.json";
            let two_url = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json";
            for (url, text) in [
                (one_url, SCHEMA_1),
                (two_url, SCHEMA_2),
                ("https://geojson.org/schema/GeoJSON.json", GEOJSON),
            ] {
                compiler
                    .add_resource(url, parse(text)?)
                    .map_err(|e| e.to_string())?;
            }
            let one = compiler
                .compile(one_url, &mut schemas)
                .map_err(|e| e.to_string())?;
            let two = compiler
                .compile(two_url, &mut schemas)
                .map_err(|e| e.to_string())?;
            Ok(Compiled { schemas, one, two })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The first mistake against the schema, at its place; how many there are in all.
fn validate(src: &SourceText, value: &Value, major: u8) -> Result<(), Diagnostic> {
    let compiled = compiled().map_err(|why| {
        Diagnostic::new(
            Code::InvalidFeed,
            format!("the ninjs schema cannot be read: {why}"),
            None,
        )
    })?;
    let index = if major == 2 {
        compiled.two
    } else {
        compiled.one
    };
    let Err(error) = compiled.schemas.validate(value, index) else {
        return Ok(());
    };
    let mut leaves = Vec::new();
    leaves_of(&error, &mut leaves);
    // ninjs 2 closes its objects with `unevaluatedProperties: false`: one mistake inside makes
    // every property of the object "unevaluated". The mistake itself comes first.
    let real: Vec<_> = leaves
        .iter()
        .copied()
        .filter(|e| !matches!(e.kind, boon::ErrorKind::FalseSchema))
        .collect();
    if !real.is_empty() {
        leaves = real;
    } else {
        // Only "unevaluated" properties: the one the schema names nowhere is the mistake.
        let known = known_fields(major);
        let unknown: Vec<_> = leaves
            .iter()
            .copied()
            .filter(|e| match e.instance_location.tokens.last() {
                Some(boon::InstanceToken::Prop(p)) => !known.contains(p.as_ref()),
                _ => false,
            })
            .collect();
        if !unknown.is_empty() {
            leaves = unknown;
        }
    }
    let mut found: Vec<(usize, usize, String)> = leaves
        .iter()
        .map(|e| {
            let mut path: Vec<Step> = e
                .instance_location
                .tokens
                .iter()
                .map(|t| match t {
                    boon::InstanceToken::Prop(p) => Step::Key(p.to_string()),
                    boon::InstanceToken::Item(i) => Step::Index(*i),
                })
                .collect();
            // An unknown field is shown at its name.
            let unknown_field = match &e.kind {
                boon::ErrorKind::AdditionalProperties { got } => match got.first() {
                    Some(first) => {
                        path.push(Step::Key(first.to_string()));
                        true
                    }
                    None => false,
                },
                boon::ErrorKind::FalseSchema => matches!(path.last(), Some(Step::Key(_))),
                _ => false,
            };
            let value = span(src, &path);
            let key = value
                .filter(|_| unknown_field)
                .and_then(|(start, _)| key_before(&src.text, start));
            let (start, end) = key.or(value).unwrap_or((0, 1));
            let pointer = e.instance_location.to_string();
            let place = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{pointer}`")
            };
            let what = match &e.kind {
                boon::ErrorKind::AdditionalProperties { got } => format!(
                    "`{}` {} ninjs {major}",
                    got.iter()
                        .map(|g| g.to_string())
                        .collect::<Vec<_>>()
                        .join("`, `"),
                    match got.len() {
                        1 => "is not a field of",
                        _ => "are not fields of",
                    }
                ),
                boon::ErrorKind::FalseSchema => match e.instance_location.tokens.last() {
                    Some(boon::InstanceToken::Prop(p)) => {
                        format!("`{p}` is not a field of ninjs {major} here")
                    }
                    _ => "this value is not allowed here".to_string(),
                },
                boon::ErrorKind::Required { want } => {
                    format!("the required field `{}` is missing", want.join("`, `"))
                }
                kind => kind.to_string(),
            };
            (start, end, format!("{what}{place}"))
        })
        .collect();
    found.sort();
    found.dedup();
    let count = found.len();
    let (start, end, message) = found.swap_remove(0);
    let more = if count > 1 {
        format!(
            " ({} against the schema after this one)",
            crate::diagnostic::count((count - 1) as u64, "more mistake", "more mistakes")
        )
    } else {
        String::new()
    };
    Err(Diagnostic::at(
        Code::InvalidFeed,
        format!("the file is not valid ninjs {major}: {message}{more}"),
        src.locate(start, end),
    )
    .with_help(format!(
        "ninjs {major} is defined by IPTC's schema (https://iptc.org/std/ninjs/); fix or remove the value, or ask the agency for a valid file"
    )))
}

/// Every property name the schema of a major version defines, anywhere.
fn known_fields(major: u8) -> std::collections::HashSet<String> {
    fn walk(value: &Value, out: &mut std::collections::HashSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    out.extend(properties.keys().cloned());
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(list) => list.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = std::collections::HashSet::new();
    let text = if major == 2 { SCHEMA_2 } else { SCHEMA_1 };
    if let Ok(schema) = serde_json::from_str::<Value>(text) {
        walk(&schema, &mut out);
    }
    out
}

fn leaves_of<'a, 's, 'v>(
    e: &'a boon::ValidationError<'s, 'v>,
    out: &mut Vec<&'a boon::ValidationError<'s, 'v>>,
) {
    if e.causes.is_empty() {
        out.push(e);
    } else {
        for cause in &e.causes {
            leaves_of(cause, out);
        }
    }
}

/// The byte range of the value a pointer names: walked with serde_json's raw values, which
/// borrow their text from the file.
fn span(src: &SourceText, path: &[Step]) -> Option<(usize, usize)> {
    let mut raw: &RawValue = serde_json::from_str(&src.text).ok()?;
    for step in path {
        raw = match step {
            Step::Key(key) => {
                let map: BTreeMap<String, &RawValue> = serde_json::from_str(raw.get()).ok()?;
                map.get(key).copied()?
            }
            Step::Index(i) => {
                let list: Vec<&RawValue> = serde_json::from_str(raw.get()).ok()?;
                list.get(*i).copied()?
            }
        };
    }
    let start = (raw.get().as_ptr() as usize).checked_sub(src.text.as_ptr() as usize)?;
    let first_line = raw.get().find('\n').unwrap_or(raw.get().len());
    Some((start, start + first_line.max(1)))
}

/// The name of the field whose value starts at `value` (`"name": value`), quotes included.
fn key_before(text: &str, value: usize) -> Option<(usize, usize)> {
    let before = text.get(..value)?.trim_end().strip_suffix(':')?.trim_end();
    let inner = before.strip_suffix('"')?;
    // The opening quote: the last one not escaped (preceded by an even run of backslashes).
    let open = inner
        .char_indices()
        .rev()
        .filter(|&(_, c)| c == '"')
        .map(|(i, _)| i)
        .find(|&i| inner[..i].chars().rev().take_while(|&c| c == '\\').count() % 2 == 0)?;
    Some((open, before.len()))
}

/// The text items of `value` and of its associations, depth first.
fn collect(
    src: &SourceText,
    value: &Value,
    path: &mut Vec<Step>,
    major: u8,
    out: &mut Vec<Item>,
) -> Result<(), Diagnostic> {
    let kind = value.get("type").and_then(Value::as_str);
    let associations: Vec<(Option<String>, &Value)> = match value.get("associations") {
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (Some(k.clone()), v)).collect(),
        Some(Value::Array(list)) => list.iter().map(|v| (None, v)).collect(),
        _ => Vec::new(),
    };
    let pictures: Vec<Picture> = associations
        .iter()
        .filter(|(_, a)| {
            matches!(
                a.get("type").and_then(Value::as_str),
                Some("picture" | "graphic")
            )
        })
        .map(|(_, a)| picture(a, major))
        .collect();
    if matches!(kind, None | Some("text" | "composite")) {
        let item = item(src, value, path, major)?;
        if !item.paragraphs.is_empty() || item.headline.is_some() {
            out.push(Item { pictures, ..item });
        }
    }
    for (i, (key, association)) in associations.iter().enumerate() {
        if !matches!(
            association.get("type").and_then(Value::as_str),
            None | Some("text" | "composite")
        ) {
            continue;
        }
        path.push(Step::Key("associations".into()));
        path.push(match key {
            Some(k) => Step::Key(k.clone()),
            None => Step::Index(i),
        });
        collect(src, association, path, major, out)?;
        path.truncate(path.len() - 2);
    }
    Ok(())
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).and_then(non_empty)
}

/// A 2.x list of `{value, role, contenttype}`: the one with `role`, else the first.
fn by_role(value: &Value, key: &str, role: &str) -> Option<String> {
    let list = value.get(key)?.as_array()?;
    list.iter()
        .find(|v| v.get("role").and_then(Value::as_str) == Some(role))
        .or(list.first())
        .and_then(|v| string(v, "value"))
}

/// Names of a list of concepts (`subject`, `subjects`).
fn names(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| string(s, "name"))
        .collect()
}

fn item(src: &SourceText, value: &Value, path: &[Step], major: u8) -> Result<Item, Diagnostic> {
    let headline = if major == 2 {
        by_role(value, "headlines", "main")
    } else {
        string(value, "headline")
    };
    let summary = if major == 2 {
        by_role(value, "descriptions", "summary")
    } else {
        string(value, "description_text").or_else(|| {
            prefixed(value, "description_")
                .and_then(|t| super::html::blocks(&t).ok())
                .map(|b| b.join(" "))
        })
    };
    let bodies = if major == 2 {
        bodies_2(value)
    } else {
        bodies_1(value)
    };
    let paragraphs = bodies.map_err(|(at, why)| {
        let mut full = path.to_vec();
        full.extend(at);
        let (start, end) = span(src, &full).unwrap_or((0, 1));
        Diagnostic::at(
            Code::InvalidFeed,
            format!("the HTML body cannot be read: {why}"),
            src.locate(start, end),
        )
        .with_help(if major == 2 {
            "depeche reads a body of well-formed XHTML or plain text: ask the agency for either, or give the item a body of `contenttype: text/plain`"
        } else {
            "depeche reads a body of well-formed XHTML or plain text: ask the agency for either, or give the item a `body_text`"
        })
    })?;
    let rights = [
        string(value, "copyrightnotice"),
        string(value, "usageterms"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let sources = if major == 2 {
        "infosources"
    } else {
        "infosource"
    };
    let agency = names(value, sources)
        .into_iter()
        .next()
        .or_else(|| string(value, "copyrightholder"));
    let tags = names(value, if major == 2 { "subjects" } else { "subject" });
    Ok(Item {
        at: span(src, path).map(|(s, _)| src.locate(s, s + 1)),
        id: string(value, "uri"),
        version: value.get("version").and_then(|v| match v {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        }),
        lang: string(value, "language"),
        headline,
        slugline: string(value, "slugline"),
        first_created: string(value, "firstcreated").or_else(|| string(value, "contentcreated")),
        version_created: string(value, "versioncreated"),
        dateline: string(value, "located"),
        byline: string(value, if major == 2 { "by" } else { "byline" }),
        agency,
        summary,
        rights: (!rights.is_empty()).then(|| rights.join(" — ")),
        tags,
        paragraphs,
        pictures: Vec::new(),
        ednote: string(value, "ednote"),
        translated_from: None,
    })
}

/// The first `prefix…` field other than `…_text`.
fn prefixed(value: &Value, prefix: &str) -> Option<String> {
    value.as_object()?.iter().find_map(|(k, v)| {
        (k.starts_with(prefix) && !k.ends_with("_text"))
            .then(|| v.as_str().map(str::to_string))
            .flatten()
    })
}

/// A body that cannot be read: where it is (a pointer under the item), and why.
type Unread = (Vec<Step>, String);

/// A marked-up body: where it is, and its blocks or why they cannot be read.
type Markup = (Vec<Step>, Result<Vec<String>, String>);

/// The better of a plain body and a marked-up one: the one with more paragraphs (a plain body
/// often comes without its breaks). Marked-up text that does not parse is an error only when
/// nothing else gives the text.
fn better(plain: Vec<String>, markup: Option<Markup>) -> Result<Vec<String>, Unread> {
    match markup {
        Some((_, Ok(html))) if html.len() > plain.len() => Ok(html),
        Some((at, Err(why))) if plain.is_empty() => Err((at, why)),
        _ => Ok(plain),
    }
}

/// ninjs 1: `body_text`, and any `body_*` (HTML or XHTML).
fn bodies_1(value: &Value) -> Result<Vec<String>, Unread> {
    let plain = value
        .get("body_text")
        .and_then(Value::as_str)
        .map(plain_paragraphs)
        .unwrap_or_default();
    let markup = value.as_object().and_then(|map| {
        map.iter().find_map(|(k, v)| {
            let html = v.as_str()?;
            (k.starts_with("body_") && k != "body_text")
                .then(|| (vec![Step::Key(k.clone())], super::html::blocks(html)))
        })
    });
    better(plain, markup)
}

/// ninjs 2: the plain body and the marked-up one of `bodies`.
fn bodies_2(value: &Value) -> Result<Vec<String>, Unread> {
    let Some(list) = value.get("bodies").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let kind = |b: &Value| {
        b.get("contenttype")
            .and_then(Value::as_str)
            .unwrap_or("text/plain")
            .to_string()
    };
    let plain = list
        .iter()
        .filter(|b| kind(b).starts_with("text/plain"))
        .filter_map(|b| b.get("value").and_then(Value::as_str))
        .map(plain_paragraphs)
        .max_by_key(Vec::len)
        .unwrap_or_default();
    let markup = list.iter().enumerate().find_map(|(i, b)| {
        let html = b.get("value").and_then(Value::as_str)?;
        kind(b).contains("html").then(|| {
            let at = vec![
                Step::Key("bodies".into()),
                Step::Index(i),
                Step::Key("value".into()),
            ];
            (at, super::html::blocks(html))
        })
    });
    better(plain, markup)
}

fn picture(value: &Value, major: u8) -> Picture {
    let caption = if major == 2 {
        by_role(value, "descriptions", "caption").or_else(|| by_role(value, "headlines", "main"))
    } else {
        string(value, "description_text").or_else(|| string(value, "headline"))
    };
    let by = string(value, if major == 2 { "by" } else { "byline" });
    let credit = match (by, string(value, "copyrightholder")) {
        (Some(by), Some(holder)) if !by.contains(&holder) => Some(format!("{by}/{holder}")),
        (by, holder) => by.or(holder),
    };
    let href = value.get("renditions").and_then(|r| match r {
        Value::Object(map) => map.values().find_map(|v| string(v, "href")),
        Value::Array(list) => list.iter().find_map(|v| string(v, "href")),
        _ => None,
    });
    Picture {
        href: href.or_else(|| string(value, "uri")),
        caption,
        credit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> SourceText {
        SourceText::new("feed.json", text.to_string())
    }

    #[test]
    fn both_schemas_compile() {
        assert!(compiled().is_ok(), "{:?}", compiled().err());
    }

    #[test]
    fn a_mistake_against_the_schema_is_located_at_its_value() {
        let text =
            "{\n  \"uri\": \"urn:x\",\n  \"headline\": \"Titre\",\n  \"urgency\": \"vite\"\n}";
        let d = items(&src(text)).err();
        let line = d
            .as_ref()
            .and_then(|d| d.location.as_ref())
            .map(|l| (l.line, l.col));
        assert_eq!(line, Some((4, 14)), "{d:?}");
    }

    #[test]
    fn an_unknown_field_is_shown_at_its_name() {
        let text = "{\"uri\": \"urn:x\",\n \"headline\": \"T\",\n \"surprise\": 1}";
        let d = items(&src(text)).err();
        let at = d
            .as_ref()
            .and_then(|d| d.location.as_ref())
            .map(|l| (l.line, l.col, l.len));
        assert_eq!(at, Some((3, 2, 10)), "{d:?}");
    }

    #[test]
    fn a_fields_name_is_found_before_its_value() {
        let text = r#"{"a": 1, "b\"c" : 2}"#;
        let value = text.find('2').unwrap();
        let (start, end) = key_before(text, value).unwrap();
        assert_eq!(&text[start..end], r#""b\"c""#);
        assert_eq!(key_before("[1, 2]", 4), None);
    }
}
