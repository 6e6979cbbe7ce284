//! `gazette gen`: realistic posts for benchmarks (see `gazette_core::generate`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct Options {
    /// How many posts to write.
    #[arg(long, default_value_t = 1000)]
    posts: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write the site into.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(_options: &Options) -> Result<ExitCode> {
    anyhow::bail!("gen is not implemented yet")
}
