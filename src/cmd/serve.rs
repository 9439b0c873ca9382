use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use depeche::report::Format;
use depeche::serve::{self, ServeError};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Port to listen on (0 picks a free one and prints it).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on; anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated after today (left out until their date otherwise).
    #[arg(long)]
    future: bool,
    /// Base URL to serve under instead of site.yaml's (its path is honoured locally).
    #[arg(long)]
    base_url: Option<String>,
}

pub(crate) fn run(root: &Path, args: Args) -> ExitCode {
    let options = serve::Options {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
        base_url: args.base_url,
        drafts: args.drafts,
        future: args.future,
        open: args.open,
    };
    match serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Build(err)) => {
            super::print(&err.diagnostics, Format::Human);
            eprintln!("error: {err}; fix it and start serve again");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
