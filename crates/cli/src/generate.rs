//! `gazette gen`: writes a realistic, deterministic Jekyll site (see
//! `gazette_import::generate`) for benchmarks and scale tests.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use gazette_import::generate::{config_yml, generate_post, sources, GenerateOptions};
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;

#[derive(Args, Debug)]
pub struct Options {
    /// How many posts to write.
    #[arg(long, default_value_t = 1000)]
    posts: usize,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many news sources (categories), at most.
    #[arg(long, default_value_t = 2000)]
    categories: usize,
    /// Probability of each anomaly per post (broken YAML, empty title, missing date, CRLF, BOM,
    /// a copy in old_post/, …).
    #[arg(long, default_value_t = 0.02)]
    anomaly_rate: f64,
    /// Folder to write the site into (created; must not hold a `_posts/` already).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(options: &Options) -> Result<ExitCode> {
    if options.out.join("_posts").exists() {
        anyhow::bail!(
            "{} already holds a _posts/ folder; choose an empty folder",
            options.out.display()
        );
    }
    let generate = GenerateOptions {
        posts: options.posts,
        seed: options.seed,
        categories: options.categories,
        anomaly_rate: options.anomaly_rate,
    };
    let sources = sources(&generate);
    for folder in ["_posts", "old_post"] {
        let path = options.out.join(folder);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    std::fs::write(options.out.join("_config.yml"), config_yml())
        .with_context(|| format!("cannot write {}", options.out.display()))?;
    let progress = ProgressBar::new(options.posts as u64).with_style(
        ProgressStyle::with_template("{spinner} 生成 {pos}/{len} posts {wide_bar} {eta}")
            .expect("valid template"),
    );
    (0..options.posts)
        .into_par_iter()
        .progress_with(progress.clone())
        .try_for_each(|index| {
            for file in generate_post(&generate, &sources, index) {
                let path = options.out.join(&file.path);
                std::fs::write(&path, &file.bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            anyhow::Ok(())
        })?;
    progress.finish_and_clear();
    eprintln!(
        "wrote {} posts from {} sources to {} (build it with: gazette build {} {} --out …)",
        options.posts,
        sources.len(),
        options.out.display(),
        options.out.display(),
        options.out.join("old_post").display()
    );
    Ok(ExitCode::SUCCESS)
}
