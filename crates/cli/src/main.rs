//! `gazette`: turns folders of Jekyll posts into the archive the Gazette viewer loads (and
//! searches such an archive from the shell).
//! A thin shell: flags in, calls into `gazette-import` (the builder), `gazette-archive` (the
//! format and its query engine, for `search`) and this crate's I/O modules, exit codes out (0
//! success, 1 failure, 2 unusable arguments).

mod build;
mod generate;
mod git;
mod output;
mod pages;
mod prefetch;
mod search;
mod sources;
mod spill;
mod state;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The builder allocates tens of millions of small strings and vectors from two threads at
/// once; mimalloc's thread-local free lists make that markedly cheaper than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "Build browsable archives from Jekyll news sites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read Jekyll posts and write the archive the viewer loads.
    Build {
        /// Jekyll site roots (their `_posts/` is read) or loose folders of posts.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The archive folder to write (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        options: build::Options,
    },
    /// Read and validate posts like `build`, without writing an archive.
    /// Exits 1 when any file had to be rejected.
    Check {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        options: build::Options,
    },
    /// Check that a site folder (the app and its archive, e.g. `dist/`) fits GitHub Pages:
    /// at most 1 GB in all and 100 MB a file. Exits 1 when it does not.
    PagesCheck(pages::Options),
    /// Search a built archive with the viewer's query engine, from the shell.
    Search(search::Options),
    /// Write realistic, deterministic Jekyll posts for benchmarks and scale tests.
    Gen(generate::Options),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build { dirs, out, options } => build::run(&dirs, Some(&out), &options),
        Command::Check { dirs, options } => build::run(&dirs, None, &options),
        Command::PagesCheck(options) => pages::run(&options),
        Command::Search(options) => search::run(&options),
        Command::Gen(options) => generate::run(&options),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("gazette: {error:#}");
            ExitCode::FAILURE
        }
    }
}
