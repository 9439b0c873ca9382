//! `depeche import`: feed files in, articles out, and nothing written for a feed that cannot
//! be read.

use std::path::PathBuf;
use std::process::Output;

use crate::common::{TestSite, repo, snapshot};

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/wire")
        .join(name)
        .display()
        .to_string()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn import(site: &TestSite, args: &[&str]) -> String {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let o = site.depeche(&all);
    assert!(o.status.success(), "import failed:\n{}", out(&o));
    out(&o)
}

/// Imports that must fail, leave every file as it was, and say where in the feed.
fn refused(site: &TestSite, args: &[&str], at: &str, says: &str) {
    let before = snapshot(site.root());
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let o = site.depeche(&all);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains(at), "expected {at:?} in:\n{text}");
    assert!(text.contains(says), "expected {says:?} in:\n{text}");
    assert!(text.contains("no file was written"), "{text}");
    assert_eq!(snapshot(site.root()), before, "the site changed");
}

fn check_passes(site: &TestSite) {
    let o = site.depeche(&["check"]);
    assert!(o.status.success(), "{}", out(&o));
}

#[test]
fn a_newsml_message_makes_one_article_in_two_languages() {
    let site = TestSite::shipped();
    let said = import(&site, &[&fixture("aleppo.newsml.xml")]);
    let fr = site.read("content/articles/syrie-conflit-alep.fr.md");
    let en = site.read("content/articles/syrie-conflit-alep.en.md");
    for field in [
        "title: Les rebelles contrôlent la majeure partie d'Alep, selon l'OSDH\n",
        "date: 2024-11-30T14:05:00+01:00\n",
        "dateline: Beyrouth, 30 nov 2024\n",
        "byline: Le bureau de Beyrouth\n",
        "agency: Dépêches exemple\n",
        "rights: © 2024 Dépêches exemple — Reproduction réservée aux abonnés.\n",
        "summary: HTS et ses alliés ont pris la majeure partie de la deuxième ville de Syrie.\n",
        "- conflit, guerre et paix\n- Syrie\n",
        "  id: urn:newsml:depeche.example:20241130:aleppo-fr\n  version: 1\n",
        "original_language: fr\n",
    ] {
        assert!(fr.contains(field), "{field:?} not in:\n{fr}");
    }
    assert!(en.contains("original_language: fr\n"), "{en}");
    assert!(en.contains("title: Rebels control most of Aleppo, says the SOHR\n"));
    // The agency's words and straight quotes, annotated where an entity is known.
    assert!(
        fr.contains("[[hts|Hayat Tahrir al-Sham]] ([[hts|HTS]]) et des factions alliées ont pris \"la majeure partie\" d'[[aleppo|Alep]], a indiqué samedi"),
        "{fr}"
    );
    // The picture is recorded, not downloaded.
    assert!(fr.contains("#   address: https://images.depeche.example/aleppo-29-11.jpg\n"));
    assert!(fr.contains("#   credit: Dépêches exemple/Photographe\n"));
    assert!(!fr.contains("\nimage:"), "{fr}");
    // Names no entity claims are offered as entities to create.
    assert!(
        said.contains("Rami Abdel Rahmane (1×): depeche new entity rami-abdel-rahmane --type"),
        "{said}"
    );
    assert!(!said.contains("Saturday"), "{said}");
    check_passes(&site);
    site.build_ok(&[]);
    assert!(
        site.public("fr/articles/syrie-conflit-alep/index.html")
            .contains("Dépêches exemple")
    );
}

#[test]
fn a_newer_version_is_a_correction_recorded_only_when_asked() {
    let site = TestSite::shipped();
    import(&site, &[&fixture("aleppo.newsml.xml")]);
    let path = "content/articles/syrie-conflit-alep.fr.md";
    let first = site.read(path);
    let said = import(&site, &[&fixture("aleppo-v2.newsml.xml")]);
    assert!(
        said.contains("this is version 2 of its item; the article records version 1"),
        "{said}"
    );
    assert!(said.contains("--update"), "{said}");
    assert_eq!(site.read(path), first);

    let said = import(&site, &[&fixture("aleppo-v2.newsml.xml"), "--update"]);
    assert!(said.contains("recorded version 2"), "{said}");
    // The agency's changed paragraph is shown; the editor's text is kept.
    assert!(said.contains("-Selon l'OSDH, 311 personnes"), "{said}");
    let now = site.read(path);
    assert!(
        now.contains("updates:\n- date: 2024-11-30T17:20:00+01:00\n  note:\n    fr: Corrige le nombre de civils tués (28, et non 26).\n"),
        "{now}"
    );
    assert!(
        now.contains("updated: 2024-11-30T17:20:00+01:00\n"),
        "{now}"
    );
    assert!(now.contains("  version: 2\n"), "{now}");
    assert!(now.contains("#   address: https://images.depeche.example/aleppo-29-11.jpg"));
    assert_eq!(
        now.split("\n---\n").nth(1),
        first.split("\n---\n").nth(1),
        "the body changed"
    );
    check_passes(&site);
    let said = import(&site, &[&fixture("aleppo.newsml.xml")]);
    assert!(
        said.contains("newer than this one (1); nothing to do"),
        "{said}"
    );
}

#[test]
fn ninjs_2_items_and_their_text_associations_are_imported() {
    let site = TestSite::shipped();
    import(&site, &[&fixture("idlib.ninjs2.json")]);
    let en = site.read("content/articles/syria-conflict-idlib.en.md");
    let fr = site.read("content/articles/syria-conflict-idlib.fr.md");
    assert!(en.contains("date: 2024-12-01T09:30:00Z\n"), "{en}");
    assert!(en.contains("byline: The Beirut desk\n"), "{en}");
    assert!(en.contains("agency: Example Dispatches\n"), "{en}");
    assert!(
        en.contains("#   credit: Photographer/Example Dispatches\n"),
        "{en}"
    );
    // The marked-up body has the paragraphs the plain one lost.
    assert!(
        en.contains(
            "residents said.\n\nShops had been closed since Wednesday, when [[hts|HTS]] launched"
        ),
        "{en}"
    );
    assert!(
        fr.contains("title: Le calme revient à Idleb après l'offensive\n"),
        "{fr}"
    );
    assert!(
        fr.contains("à [[idlib-city|Idleb]], selon des habitants.\n\nLes commerces"),
        "{fr}"
    );
    check_passes(&site);
}

#[test]
fn ninjs_1_and_plain_text_are_imported() {
    let site = TestSite::shipped();
    import(&site, &[&fixture("hama.ninjs1.json")]);
    let hama = site.read("content/articles/les-rebelles-entrent-dans-hama.fr.md");
    assert!(
        hama.contains("summary: Les rebelles sont entrés jeudi dans Hama.\n"),
        "{hama}"
    );
    assert!(
        hama.contains("L'armée dit s'être redéployée hors de la ville."),
        "{hama}"
    );
    let said = import(&site, &["--lang", "fr", &fixture("homs.txt")]);
    let homs = site.read("content/articles/les-rebelles-aux-portes-de-homs.fr.md");
    assert!(homs.contains("date: 2024-12-07\n"), "{homs}");
    assert!(
        homs.contains("\n---\nLes rebelles sont arrivés samedi"),
        "{homs}"
    );
    assert!(said.contains("depeche new entity homs --type"), "{said}");
    check_passes(&site);
}

#[test]
fn a_plain_text_without_a_day_is_a_draft_dated_today() {
    let site = TestSite::shipped();
    let file = site.dir.path().join("alep.txt");
    std::fs::write(&file, "date 2024-11 Un titre\n\nUn paragraphe.\n").unwrap();
    let said = import(&site, &["--lang", "fr", &file.display().to_string()]);
    let text = site.read("content/articles/un-titre.fr.md");
    assert!(text.contains("draft: true\n"), "{text}");
    assert!(said.contains("the feed gives no date"), "{said}");
}

#[test]
fn an_existing_article_is_never_overwritten() {
    let site = TestSite::shipped();
    let file = site.dir.path().join("alep.txt");
    std::fs::write(
        &file,
        "date 2024-11-30 Alep offensive HTS\n\nUn paragraphe.\n",
    )
    .unwrap();
    let name = file.display().to_string();
    refused(
        &site,
        &["--lang", "fr", &name],
        "content/articles/alep-offensive-hts.fr.md already exists",
        "--key",
    );
    import(&site, &["--lang", "fr", "--key", "alep-bis", &name]);
    assert!(site.path("content/articles/alep-bis.fr.md").is_file());
}

#[test]
fn hostile_feeds_are_refused_with_their_place() {
    let site = TestSite::shipped();
    refused(
        &site,
        &[&fixture("entities.xml")],
        "entities.xml:2:1",
        "DTD",
    );
    refused(
        &site,
        &[&fixture("unknown-field.ninjs1.json")],
        "unknown-field.ninjs1.json:7:3",
        "`priority_score` is not a field of ninjs 1",
    );
    let dir = site.dir.path();
    // In ninjs 2 too, whose schema says it otherwise: at the field's name.
    let ninjs2 = std::fs::read_to_string(fixture("idlib.ninjs2.json")).unwrap();
    let (head, tail) = ninjs2.split_once('{').unwrap();
    let unknown = dir.join("unknown-field.ninjs2.json");
    std::fs::write(
        &unknown,
        format!("{head}{{\n  \"priority_score\": 7,{tail}"),
    )
    .unwrap();
    refused(
        &site,
        &[&unknown.display().to_string()],
        "unknown-field.ninjs2.json:2:3",
        "`priority_score` is not a field of ninjs 2",
    );
    let bad = dir.join("bad.xml");
    let mut bytes = b"<newsItem>\n  <headline>Alep \xE9".to_vec();
    bytes.extend_from_slice(b"</headline>\n</newsItem>\n");
    std::fs::write(&bad, bytes).unwrap();
    refused(&site, &[&bad.display().to_string()], "bad.xml:2:", "UTF-8");
    let big: PathBuf = dir.join("big.json");
    let mut text = String::from("{\"uri\": \"urn:x\", \"headline\": \"T\", \"body_text\": \"");
    text.push_str(&"a".repeat(50 * 1024 * 1024));
    text.push_str("\"}");
    std::fs::write(&big, text).unwrap();
    refused(
        &site,
        &[&big.display().to_string()],
        "big.json",
        "larger than 4 MiB",
    );
    let cut = dir.join("cut.json");
    std::fs::write(&cut, "{\n  \"uri\": \"urn:x\",\n  \"headline\": \"T\n").unwrap();
    refused(
        &site,
        &[&cut.display().to_string()],
        "cut.json:3:",
        "not valid JSON",
    );
    // One bad file among good ones: none is imported.
    refused(
        &site,
        &[&fixture("hama.ninjs1.json"), &fixture("entities.xml")],
        "entities.xml:2:1",
        "DTD",
    );
}

#[test]
fn an_alias_two_entities_claim_is_listed_not_annotated() {
    let site = TestSite::shipped();
    site.write(
        "content/entities/hama-club.yaml",
        "type: organization\nname:\n  fr: Club de Hama\n  en: Hama Club\naliases:\n  fr: [Hama]\n",
    );
    let said = import(&site, &[&fixture("hama.ninjs1.json")]);
    let hama = site.read("content/articles/les-rebelles-entrent-dans-hama.fr.md");
    assert!(!hama.contains("|Hama]]"), "{hama}");
    assert!(
        said.contains("`Hama` may name `hama` or `hama-club`"),
        "{said}"
    );
}

#[test]
fn an_html_body_keeps_every_word_and_its_entities() {
    let site = TestSite::shipped();
    let file = site.dir.path().join("html.json");
    std::fs::write(
        &file,
        r#"{"uri": "urn:x:html", "type": "text", "language": "fr", "headline": "Titre",
 "body_html": "<p>Un &mdash; deux&nbsp;: &eacute;t&eacute;<br/>suite</p><h2>Intertitre</h2><ul><li>point un</li></ul><blockquote><p>cité</p></blockquote>"}"#,
    )
    .unwrap();
    import(&site, &["--key", "html", &file.display().to_string()]);
    let text = site.read("content/articles/html.fr.md");
    let body = text.split("\n---\n").nth(1).unwrap_or_default();
    assert_eq!(
        body, "Un — deux\u{a0}: été suite\n\nIntertitre\n\npoint un\n\ncité\n\n",
        "{text}"
    );
}

#[test]
fn a_feed_that_only_looks_readable_is_refused_where_it_goes_wrong() {
    let site = TestSite::shipped();
    let dir = site.dir.path();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    // Named as JSON or XML: never read as plain text.
    let nobrace = write(
        "nobrace.json",
        "\"uri\": \"x\", \"headline\": \"Broken\"}\n",
    );
    refused(
        &site,
        &["--lang", "en", &nobrace],
        "nobrace.json:1:",
        "not valid JSON",
    );
    let array = write("array.json", "[{\"uri\": \"x\"}]\n");
    refused(
        &site,
        &["--lang", "en", &array],
        "array.json:1:1",
        "a ninjs document is a JSON object",
    );
    let garbage = write(
        "lead.xml",
        "garbage before <?xml version=\"1.0\"?><newsItem/>\n",
    );
    refused(
        &site,
        &["--lang", "en", &garbage],
        "lead.xml:1:",
        "not well-formed XML",
    );
    // Written as an escape, a control or bidi character is refused where it is written.
    let escaped = write(
        "ctrl.json",
        "{\"uri\": \"x\", \"language\": \"en\",\n \"headline\": \"Bell\\u0007 and \\u202eevil\"}\n",
    );
    refused(&site, &[&escaped], "ctrl.json:2:14", "is not text");
    let reference = write(
        "bidi.xml",
        "<newsItem guid=\"x\" xml:lang=\"en\">\n<contentMeta><headline>Plain &#x202E;evil</headline></contentMeta></newsItem>\n",
    );
    refused(&site, &[&reference], "bidi.xml:2:", "is not text");
    // A key given twice: which headline is meant is not the importer's to guess.
    let twice = write(
        "twice.json",
        "{\"uri\": \"x\", \"language\": \"en\",\n \"headline\": \"One\",\n \"headline\": \"Two\"}\n",
    );
    refused(
        &site,
        &[&twice],
        "twice.json:3:",
        "the key `headline` is given twice",
    );
    // One mistake in a ninjs 2 association: shown there, not at every field of the item.
    let one = write(
        "one.json",
        "{\"uri\": \"x\", \"language\": \"en\", \"headlines\": [{\"value\": \"T\"}],\n \"associations\": [{\"name\": \"photo\", \"uri\": \"y\",\n   \"type\": \"image\"}]}\n",
    );
    refused(&site, &[&one], "one.json:3:12", "/associations/0/type");
    // Markup that is not well-formed, and no plain body: refused at the body.
    let html = write(
        "html.json",
        "{\"uri\": \"urn:x\", \"language\": \"en\", \"headline\": \"T\",\n \"body_html\": \"<p>one<p>two\"}\n",
    );
    refused(
        &site,
        &[&html],
        "html.json:2:15",
        "the HTML body cannot be read",
    );
}

#[test]
fn newsml_html_written_as_data_is_read_as_html() {
    let site = TestSite::shipped();
    let file = site.dir.path().join("data.xml");
    std::fs::write(
        &file,
        "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" guid=\"urn:x:data\" version=\"1\" xml:lang=\"fr\">\n<contentMeta><headline>Titre</headline></contentMeta>\n<contentSet><inlineData contenttype=\"text/html\">&lt;p&gt;Alpha&amp;nbsp;&amp;mdash; b&amp;eacute;ta&lt;/p&gt;&lt;h2&gt;Inter&lt;/h2&gt;</inlineData></contentSet>\n</newsItem>\n",
    )
    .unwrap();
    import(&site, &["--key", "data", &file.display().to_string()]);
    let text = site.read("content/articles/data.fr.md");
    assert!(
        text.ends_with("---\nAlpha\u{a0}— béta\n\nInter\n\n"),
        "{text}"
    );
}

#[test]
fn an_unknown_field_of_a_ninjs_2_association_is_named() {
    let site = TestSite::shipped();
    let file = site.dir.path().join("assoc.json");
    std::fs::write(
        &file,
        "{\"uri\": \"urn:x\", \"language\": \"en\", \"headlines\": [{\"value\": \"T\"}],\n \"associations\": [{\"name\": \"photo\", \"uri\": \"urn:y\", \"type\": \"picture\",\n   \"colour\": \"red\"}]}\n",
    )
    .unwrap();
    refused(
        &site,
        &[&file.display().to_string()],
        "assoc.json:3:4",
        "`colour` is not a field of ninjs 2",
    );
}

#[test]
fn a_correction_is_recorded_around_the_editors_comments_or_not_at_all() {
    let site = TestSite::shipped();
    import(&site, &[&fixture("aleppo.newsml.xml")]);
    let path = "content/articles/syrie-conflit-alep.fr.md";
    site.edit(
        path,
        "wire:\n",
        "updates:\n- date: 2024-11-30T15:00:00+01:00\n# Première correction, à la main.\n- date: 2024-11-30T16:00:00+01:00\nwire:\n",
    );
    import(&site, &["--update", &fixture("aleppo-v2.newsml.xml")]);
    let text = site.read(path);
    assert!(
        text.contains("- date: 2024-11-30T15:00:00+01:00\n"),
        "{text}"
    );
    assert!(
        text.contains("- date: 2024-11-30T16:00:00+01:00\n"),
        "{text}"
    );
    assert!(
        text.contains("- date: 2024-11-30T17:20:00+01:00\n"),
        "{text}"
    );
    let out = site.depeche(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
