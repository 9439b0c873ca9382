//! Puts the commit depeche is built from into `depeche --version`, when built from a git
//! checkout (a crates.io download has none: the version alone is shown).

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|hash| !hash.is_empty());
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit {
        Some(hash) => format!("{version} ({hash})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=DEPECHE_VERSION={full}");
    // A new commit moves the branch the checkout is on.
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
