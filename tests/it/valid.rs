//! Every page is valid HTML to the Nu Html Checker (vnu.jar, the W3C's validator): the shipped
//! site, the three-language fixture and a generated site.

use std::path::PathBuf;
use std::process::Command;

use crate::common::*;

/// The checker's jar, from its npm package (`.ci/run` installs it under `target/nu`, or
/// `DEPECHE_TEST_VNU` names it), and a Java to run it; `None`, said, where either is missing.
fn nu_checker() -> Option<PathBuf> {
    let jar = std::env::var("DEPECHE_TEST_VNU").map_or_else(
        |_| repo().join("target/nu/node_modules/vnu-jar/build/dist/vnu.jar"),
        PathBuf::from,
    );
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !jar.is_file() || !java {
        skip(&format!(
            "the HTML validity test did not run: no Java or no {} (apt-get install default-jre-headless; npm install --prefix target/nu vnu-jar)",
            jar.display()
        ));
        return None;
    }
    Some(jar)
}

#[test]
fn every_page_of_three_sites_is_valid_to_the_nu_checker() {
    let Some(jar) = nu_checker() else {
        return;
    };
    let sites = [
        TestSite::shipped(),
        TestSite::fixture("trilingual"),
        TestSite::generated(),
    ];
    let mut outputs = Vec::new();
    for site in &sites {
        site.build_ok(&[]);
        outputs.push(site.path("public"));
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
        .args(&outputs)
        .output()
        .unwrap();
    let report =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.trim().is_empty(), "{report}");
    // It did read the pages: a page made invalid is reported.
    let page = outputs[0].join("fr/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, html.replacen("<main", "<main><p><div></p>", 1)).unwrap();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the checker found nothing wrong in a broken page"
    );
}
