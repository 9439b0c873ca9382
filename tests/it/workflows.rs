//! The GitHub workflows: the project's own and the one `depeche init` writes into a new site.
//! Each is validated against GitHub's workflow schema (SchemaStore's, vendored: offline), and
//! the shell steps that matter are run here for real: the release workflow packages a binary,
//! the new site's workflow downloads it, verifies its checksum, and checks and builds the site.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;
use serde_json::Value;

const SCHEMA_ID: &str = "https://json.schemastore.org/github-workflow.json";

fn parse(yaml: &str) -> Value {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("a workflow is YAML");
    serde_json::to_value(value).expect("a workflow maps to JSON")
}

/// GitHub's workflow schema, compiled.
fn workflow_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("tests/data/schemas/github-workflow.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(SCHEMA_ID, schema).unwrap();
    let index = compiler.compile(SCHEMA_ID, &mut schemas).unwrap();
    (schemas, index)
}

fn validate(name: &str, workflow: &Value) {
    let (schemas, index) = workflow_schema();
    if let Err(e) = schemas.validate(workflow, index) {
        panic!("{name} is not a valid GitHub workflow:\n{e:#}");
    }
}

fn project_workflows() -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    found.sort();
    found
}

/// The new site's workflow, as `depeche init` writes it.
fn init_workflow(dir: &Path) -> String {
    init_site(dir);
    fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap()
}

#[test]
fn every_workflow_is_valid_for_github() {
    let workflows = project_workflows();
    let names: Vec<&str> = workflows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["ci.yml", "pages.yml", "release.yml"]);
    for (name, text) in &workflows {
        validate(name, &parse(text));
    }
    let tmp = tempfile::tempdir().unwrap();
    validate(
        "the workflow of `depeche init`",
        &parse(&init_workflow(&tmp.path().join("site"))),
    );
    validate(
        "the workflow of `depeche init --host s3`",
        &parse(&s3_workflow(&tmp.path().join("s3"))),
    );
}

/// The new site's workflow for a bucket, as `depeche init --host s3` writes it.
fn s3_workflow(dir: &Path) -> String {
    init_site_with(dir, &["--host", "s3"]);
    assert!(!dir.join(".github/workflows/pages.yml").exists());
    assert!(
        fs::read_to_string(dir.join("site.yaml"))
            .unwrap()
            .contains("\nhost: s3\n")
    );
    fs::read_to_string(dir.join(".github/workflows/s3.yml")).unwrap()
}

#[test]
fn the_schema_catches_a_broken_workflow() {
    // Guards the guard: a misspelt key and a job without steps must both be refused.
    let broken = parse("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    step: []\n");
    let (schemas, index) = workflow_schema();
    assert!(schemas.validate(&broken, index).is_err());
}

/// Every `uses:` of a workflow, e.g. `actions/checkout@v7`.
fn actions(workflow: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for job in workflow["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().into_iter().flatten() {
            if let Some(uses) = step["uses"].as_str() {
                found.push(uses.to_string());
            }
        }
    }
    found
}

#[test]
fn the_workflows_agree_on_each_action_and_publish_on_pull_requests_too() {
    let tmp = tempfile::tempdir().unwrap();
    let site = parse(&init_workflow(&tmp.path().join("site")));
    let mut every = actions(&site);
    for (_, text) in project_workflows() {
        every.extend(actions(&parse(&text)));
    }
    // One version of each action across every workflow, and only GitHub's own actions.
    let mut versions = std::collections::BTreeMap::new();
    for uses in &every {
        let (action, version) = uses.split_once('@').unwrap();
        assert!(
            action.starts_with("actions/"),
            "{uses}: a third-party action"
        );
        let seen = versions
            .entry(action.to_string())
            .or_insert(version.to_string());
        assert_eq!(seen, version, "{action} is used at two versions");
    }
    for (name, workflow) in [
        ("init", site),
        (
            "pages.yml",
            parse(&fs::read_to_string(repo().join(".github/workflows/pages.yml")).unwrap()),
        ),
    ] {
        let on = &workflow["on"];
        assert!(
            on.get("pull_request").is_some(),
            "{name} checks pull requests"
        );
        assert!(on.get("push").is_some(), "{name} publishes on push");
        let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
        let check = run_of(steps, "Check the content");
        assert_eq!(
            check.trim(),
            "depeche check --format github --deny-warnings --allow near-host-limit"
        );
        // Only the default branch is published; a pull request is checked and built only.
        let publish = run_of(steps, "Publish?");
        assert!(publish.contains("github.event_name != 'pull_request'"));
        assert!(publish.contains("github.event.repository.default_branch"));
        assert_eq!(
            workflow["jobs"]["deploy"]["if"], "needs.build.outputs.publish == 'true'",
            "{name}"
        );
    }
}

fn run_of<'a>(steps: &'a [Value], name: &str) -> &'a str {
    steps
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step named {name}"))["run"]
        .as_str()
        .unwrap()
}

fn steps_of(workflow: &Value, job: &str) -> Vec<Value> {
    workflow["jobs"][job]["steps"].as_array().unwrap().clone()
}

/// Runs a step's script as GitHub does (`bash -e`), in `dir`, with `env`.
fn run_step(script: &str, dir: &Path, env: &[(&str, &str)]) -> Output {
    assert!(
        !script.contains("${{"),
        "a step run here must take its inputs from the environment:\n{script}"
    );
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn have_tools() -> bool {
    let ok = ["curl", "tar", "sha256sum"].iter().all(|tool| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !ok {
        skip("the release round trip needs curl, tar and sha256sum");
    }
    ok
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

/// What the release workflow attaches for this machine: `releases/v<version>/<archive>` and its
/// checksum, made by the release workflow's own Package step around the binary under test.
fn release(tmp: &Path) -> (PathBuf, String) {
    let version = env!("CARGO_PKG_VERSION");
    let checkout = tmp.join("checkout");
    let binary_dir = checkout.join("target").join(target()).join("release");
    fs::create_dir_all(&binary_dir).unwrap();
    // A launcher for the binary under test rather than a copy: the debug binary is over 100 MB
    // and compressing it would take most of this test's time without testing anything more.
    let launcher = binary_dir.join("depeche");
    fs::write(
        &launcher,
        format!(
            "#!/bin/sh\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_depeche")
        ),
    )
    .unwrap();
    make_executable(&launcher);
    for file in ["README.md", "LICENSE"] {
        fs::copy(repo().join(file), checkout.join(file)).unwrap();
    }
    let workflow =
        parse(&fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap());
    let outputs = tmp.join("github-output");
    let out = run_step(
        run_of(&steps_of(&workflow, "build"), "Package"),
        &checkout,
        &[
            ("TARGET", &target()),
            ("GITHUB_REF_NAME", &format!("v{version}")),
            ("GITHUB_OUTPUT", outputs.to_str().unwrap()),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = format!("depeche-{version}-{}", target());
    assert_eq!(
        fs::read_to_string(&outputs).unwrap().trim(),
        format!("files=dist/{name}.tar.gz dist/{name}.tar.gz.sha256")
    );
    let releases = tmp.join("releases");
    let tagged = releases.join(format!("v{version}"));
    fs::create_dir_all(&tagged).unwrap();
    for file in [format!("{name}.tar.gz"), format!("{name}.tar.gz.sha256")] {
        fs::rename(checkout.join("dist").join(&file), tagged.join(&file)).unwrap();
    }
    (releases, name)
}

/// Runs the new site's "Install depeche" step with releases served from `releases`.
fn install(site_workflow: &Value, releases: &Path, tmp: &Path, path: &str) -> (Output, String) {
    let runner_temp = tmp.join("runner-temp");
    fs::create_dir_all(&runner_temp).unwrap();
    let github_path = tmp.join("github-path");
    fs::write(&github_path, "").unwrap();
    let env = site_workflow["env"].as_object().unwrap();
    let out = run_step(
        run_of(&steps_of(site_workflow, "build"), "Install depeche"),
        tmp,
        &[
            ("DEPECHE_VERSION", env["DEPECHE_VERSION"].as_str().unwrap()),
            (
                "DEPECHE_REPOSITORY",
                env["DEPECHE_REPOSITORY"].as_str().unwrap(),
            ),
            (
                "DEPECHE_DOWNLOAD_URL",
                &format!("file://{}", releases.display()),
            ),
            ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
            ("GITHUB_PATH", github_path.to_str().unwrap()),
            ("PATH", path),
        ],
    );
    (out, fs::read_to_string(&github_path).unwrap())
}

#[test]
fn a_new_site_installs_the_released_binary_then_checks_and_builds() {
    if !have_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let workflow = parse(&init_workflow(&site));
    assert_eq!(
        workflow["env"]["DEPECHE_VERSION"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(workflow["env"]["DEPECHE_REPOSITORY"], "depeche/depeche");
    let (releases, name) = release(tmp.path());

    let system_path = std::env::var("PATH").unwrap();
    let (out, added) = install(&workflow, &releases, tmp.path(), &system_path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin_dir = PathBuf::from(added.trim());
    assert!(bin_dir.ends_with(&name), "{added}");
    let version = Command::new(bin_dir.join("depeche"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&version.stdout)
            .starts_with(&format!("depeche {}", env!("CARGO_PKG_VERSION"))),
        "{version:?}"
    );
    for file in ["README.md", "LICENSE"] {
        assert!(bin_dir.join(file).is_file(), "the archive carries {file}");
    }

    // The next steps, with the installed depeche first on PATH, as GitHub puts it there.
    let path = format!("{}:{system_path}", bin_dir.display());
    let steps = steps_of(&workflow, "build");
    let check = run_step(
        run_of(&steps, "Check the content"),
        &site,
        &[("PATH", &path)],
    );
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let build = run_of(&steps, "Build the site");
    let base = "https://user.github.io/aleppo";
    let out = run_step(build, &site, &[("PATH", &path), ("BASE_URL", base)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("https://user.github.io/aleppo/"),
        "the Pages base URL is used"
    );
    let uploaded = workflow["jobs"]["build"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Upload the site")
        .unwrap()["with"]["path"]
        .clone();
    assert!(
        site.join(uploaded.as_str().unwrap())
            .join("index.html")
            .is_file()
    );
    // On a pull request there is no Pages URL: the site builds with its own base_url.
    let out = run_step(build, &site, &[("PATH", &path), ("BASE_URL", "")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_tampered_archive_stops_the_workflow() {
    if !have_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let workflow = parse(&init_workflow(&tmp.path().join("site")));
    let (releases, name) = release(tmp.path());
    let archive = releases
        .join(format!("v{}", env!("CARGO_PKG_VERSION")))
        .join(format!("{name}.tar.gz"));
    // A well-formed archive of the same name whose binary is not the released one.
    let rogue = tmp.path().join("rogue");
    fs::create_dir_all(rogue.join(&name)).unwrap();
    fs::write(rogue.join(&name).join("depeche"), "#!/bin/sh\necho rogue\n").unwrap();
    make_executable(&rogue.join(&name).join("depeche"));
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg(&name)
        .current_dir(&rogue)
        .status()
        .unwrap();
    assert!(tar.success());
    let (out, added) = install(
        &workflow,
        &releases,
        tmp.path(),
        &std::env::var("PATH").unwrap(),
    );
    assert!(!out.status.success(), "a wrong checksum must fail the step");
    assert_eq!(added, "", "nothing is put on PATH");
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAILED"));
}

#[test]
fn without_a_released_archive_depeche_is_built_from_the_tagged_source() {
    if !have_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let workflow = parse(&init_workflow(&tmp.path().join("site")));
    let empty = tmp.path().join("no-releases");
    fs::create_dir_all(&empty).unwrap();
    // A stand-in `cargo` that records how it was called.
    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let calls = tmp.path().join("cargo-calls");
    fs::write(
        bin.join("cargo"),
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", calls.display()),
    )
    .unwrap();
    make_executable(&bin.join("cargo"));
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let (out, added) = install(&workflow, &empty, tmp.path(), &path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(added, "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning::"));
    assert_eq!(
        fs::read_to_string(calls).unwrap().trim(),
        format!(
            "install --locked --git https://github.com/depeche/depeche --tag v{} depeche",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// The shipped site's own Pages workflow.
fn project_pages() -> Value {
    parse(&fs::read_to_string(repo().join(".github/workflows/pages.yml")).unwrap())
}

/// Runs a step of that workflow's build job in the site, with the depeche under test on PATH
/// and `BASE_URL` set as the workflow sets it from `actions/configure-pages`.
fn run_project_step(site: &TestSite, name: &str, base_url: &str) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_depeche")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let steps = steps_of(&project_pages(), "build");
    run_step(
        run_of(&steps, name),
        site.root(),
        &[("PATH", &path), ("BASE_URL", base_url)],
    )
}

#[test]
fn workflow_deploys_with_the_official_actions() {
    let yaml = project_pages();
    let uses = |job: &str| -> Vec<String> {
        steps_of(&yaml, job)
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_string))
            .collect()
    };
    let (build, deploy) = (uses("build"), uses("deploy"));
    for action in ["actions/configure-pages@", "actions/upload-pages-artifact@"] {
        assert!(
            build.iter().any(|u| u.starts_with(action)),
            "{action} in {build:?}"
        );
    }
    assert!(
        deploy
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    // Only the deploy job may publish; the workflow as a whole reads the repository only.
    assert_eq!(yaml["permissions"]["contents"], "read");
    assert_eq!(yaml["jobs"]["deploy"]["permissions"]["pages"], "write");
    assert_eq!(yaml["jobs"]["deploy"]["permissions"]["id-token"], "write");
    assert_eq!(yaml["jobs"]["build"]["permissions"]["pages"], "read");
}

#[test]
fn workflow_check_and_build_steps_work_on_the_shipped_site() {
    let site = TestSite::shipped();
    let out = run_project_step(&site, "Check the content", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run_project_step(&site, "Build the site", "https://user.github.io/aleppo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = site.html("fr/index.html");
    let css = &select(&doc, "link[rel=stylesheet]")[0];
    assert_eq!(attr(css, "href"), "/aleppo/style.css");
    assert!(site.path("public/.nojekyll").is_file());
}

#[test]
fn a_broken_article_fails_the_check_step_with_inline_annotations() {
    let site = TestSite::frozen();
    site.edit(
        "content/articles/alep-offensive-hts.fr.md",
        "[[aleppo|Alep]] après",
        "[[alepo|Alep]] après",
    );
    let out = run_project_step(&site, "Check the content", "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("::error file=content/articles/alep-offensive-hts.fr.md,line=6,col=64")
    );
}

/// A local S3 server (moto, from PyPI; `.ci/run` installs it under `target/s3`), stopped
/// when dropped.
struct LocalS3 {
    server: std::process::Child,
    endpoint: String,
    python_path: PathBuf,
}

impl LocalS3 {
    fn start() -> Option<LocalS3> {
        let python_path = repo().join("target/s3");
        if !python_path.join("moto").is_dir() || !python_path.join("awscli").is_dir() {
            skip(
                "the S3 upload test needs moto and the AWS CLI in target/s3 (`.ci/run` installs them)",
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("PYTHONPATH", &python_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let s3 = LocalS3 {
            server,
            endpoint: format!("http://127.0.0.1:{port}"),
            python_path,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "moto did not start");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Some(s3)
    }

    /// What a step runs with: the AWS CLI as `aws`, depeche on the path, test credentials.
    fn env(&self, bin: &Path, bucket: &str, runner_temp: &Path) -> Vec<(String, String)> {
        let depeche = Path::new(env!("CARGO_BIN_EXE_depeche")).parent().unwrap();
        let path = format!(
            "{}:{}:{}",
            bin.display(),
            depeche.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        [
            ("PATH", path),
            ("PYTHONPATH", self.python_path.display().to_string()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("S3_BUCKET", bucket.into()),
            ("S3_ENDPOINT_URL", self.endpoint.clone()),
            ("RUNNER_TEMP", runner_temp.display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

impl Drop for LocalS3 {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Runs `aws` (the CLI from `bin`) against the local server; its standard output.
fn aws(env: &[(String, String)], args: &[&str]) -> String {
    let endpoint = &env.iter().find(|(k, _)| k == "S3_ENDPOINT_URL").unwrap().1;
    let out = Command::new("aws")
        .arg("--endpoint-url")
        .arg(endpoint)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The upload step of `init --host s3`'s workflow, run for real against a local S3 server:
/// the first run uploads every file with its content type and cache policy; after a
/// one-article edit, the next uploads exactly the files whose content changed and deletes
/// the file the site no longer has.
#[test]
fn the_s3_workflow_uploads_only_what_changed_and_deletes_what_is_gone() {
    let Some(s3) = LocalS3::start() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let workflow = parse(&s3_workflow(&site));
    let upload = run_of(
        workflow["jobs"]["build"]["steps"].as_array().unwrap(),
        "Upload what changed",
    )
    .to_string();
    let bin = tmp.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(
        bin.join("aws"),
        "#!/bin/sh\nexec python3 -m awscli \"$@\"\n",
    )
    .unwrap();
    make_executable(&bin.join("aws"));

    let env = s3.env(&bin, "news", &tmp.path().join("runner-1"));
    aws(&env, &["s3", "mb", "s3://news"]);
    fs::create_dir_all(site.join("static")).unwrap();
    fs::write(site.join("static/old.txt"), "soon gone\n").unwrap();
    assert!(depeche_in(&site, &["build"]).status.success());
    let step = |env: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        fs::create_dir_all(pairs.iter().find(|(k, _)| *k == "RUNNER_TEMP").unwrap().1).unwrap();
        let out = run_step(&upload, &site, &pairs);
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = step(&env);
    let first = snapshot(&site.join("public"));
    assert!(
        said.contains(&format!("{} files to upload", first.len() - 1)),
        "{said}"
    );

    let keys = |env: &[(String, String)]| -> std::collections::BTreeSet<String> {
        let listed: Value = serde_json::from_str(&aws(
            env,
            &[
                "s3api",
                "list-objects-v2",
                "--bucket",
                "news",
                "--output",
                "json",
            ],
        ))
        .unwrap();
        listed["Contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["Key"].as_str().unwrap().to_string())
            .collect()
    };
    let expected: std::collections::BTreeSet<String> = first.keys().cloned().collect();
    assert_eq!(
        keys(&env),
        expected,
        "the bucket holds the output, manifest included"
    );
    let head = |key: &str| -> Value {
        serde_json::from_str(&aws(
            &env,
            &[
                "s3api",
                "head-object",
                "--bucket",
                "news",
                "--key",
                key,
                "--output",
                "json",
            ],
        ))
        .unwrap()
    };
    let page = head("fr/index.html");
    assert_eq!(page["ContentType"], "text/html; charset=utf-8");
    assert_eq!(page["CacheControl"], depeche::changes::REVALIDATE);
    let style = head("style.css");
    assert_eq!(style["ContentType"], "text/css; charset=utf-8");
    assert_eq!(style["CacheControl"], depeche::changes::ASSET);
    assert_eq!(
        head("fr/atom.xml")["CacheControl"],
        depeche::changes::REVALIDATE
    );

    // One article's title edited, one file of static/ removed.
    let article = fs::read_dir(site.join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".en.md"))
        .unwrap();
    let text = fs::read_to_string(&article).unwrap();
    let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
    fs::write(
        &article,
        text.replacen(title, &format!("{title} (updated)"), 1),
    )
    .unwrap();
    fs::remove_file(site.join("static/old.txt")).unwrap();
    assert!(depeche_in(&site, &["build"]).status.success());
    let second = snapshot(&site.join("public"));
    let changed: std::collections::BTreeSet<String> = second
        .iter()
        .filter(|(path, bytes)| *path != ".depeche-manifest" && first.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(changed.contains("en/index.html"), "{changed:?}");
    assert!(
        changed.len() < second.len() / 2,
        "{} of {}",
        changed.len(),
        second.len()
    );

    let runner = tmp.path().join("runner-2");
    let env = s3.env(&bin, "news", &runner);
    let said = step(&env);
    let uploaded: std::collections::BTreeSet<String> = snapshot(&runner.join("changes/upload"))
        .into_keys()
        .map(|path| path.split_once('/').unwrap().1.to_string())
        .collect();
    assert_eq!(
        uploaded, changed,
        "only the files whose content changed are uploaded"
    );
    assert!(
        said.contains(&format!("{} files to upload", changed.len())),
        "{said}"
    );
    assert_eq!(
        fs::read_to_string(runner.join("changes/delete.txt")).unwrap(),
        "old.txt\n"
    );
    let expected: std::collections::BTreeSet<String> = second.keys().cloned().collect();
    assert_eq!(
        keys(&env),
        expected,
        "the bucket holds the new output, and no more"
    );
    let home = aws(&env, &["s3", "cp", "s3://news/en/index.html", "-"]);
    assert_eq!(home.as_bytes(), &second["en/index.html"][..]);

    // A run that stops before its end (here, at the last manifest), then a revert of the
    // edit it was publishing: the next run puts the reverted pages back.
    let edited = fs::read_to_string(&article).unwrap();
    fs::write(&article, edited.replacen("(updated)", "(updated again)", 1)).unwrap();
    assert!(depeche_in(&site, &["build"]).status.success());
    let failing = tmp.path().join("failing");
    fs::create_dir_all(&failing).unwrap();
    fs::write(
        failing.join("aws"),
        "#!/bin/sh\ncase \"$*\" in *changes/manifest*) echo 'connection lost' >&2; exit 1;; esac\nexec python3 -m awscli \"$@\"\n",
    )
    .unwrap();
    make_executable(&failing.join("aws"));
    let env = s3.env(&failing, "news", &tmp.path().join("runner-3"));
    fs::create_dir_all(tmp.path().join("runner-3")).unwrap();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert!(!run_step(&upload, &site, &pairs).status.success());
    let uploaded = aws(&env, &["s3", "cp", "s3://news/en/index.html", "-"]);
    assert!(
        uploaded.contains("(updated again)"),
        "the new pages went up"
    );
    fs::write(&article, &edited).unwrap();
    assert!(depeche_in(&site, &["build"]).status.success());
    let env = s3.env(&bin, "news", &tmp.path().join("runner-4"));
    step(&env);
    let third = snapshot(&site.join("public"));
    assert_eq!(third["en/index.html"], second["en/index.html"]);
    let home = aws(&env, &["s3", "cp", "s3://news/en/index.html", "-"]);
    assert_eq!(
        home.as_bytes(),
        &third["en/index.html"][..],
        "the revert is published"
    );
    let expected: std::collections::BTreeSet<String> = third.keys().cloned().collect();
    assert_eq!(keys(&env), expected);
}
