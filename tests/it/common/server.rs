//! A running `depeche serve` for tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use super::TestSite;

/// A running `depeche serve`, stopped when dropped.
pub(crate) struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn serve(site: &TestSite, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_depeche"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start depeche serve");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in stdout.lines() {});
    Server { child, port }
}
