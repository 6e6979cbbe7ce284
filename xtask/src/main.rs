//! Project automation, the `cargo xtask` way: one Rust program instead of shell scripts.
//!
//! - `cargo xtask setup` — install whatever is missing, at pinned versions;
//! - `cargo xtask demo`  — rebuild the demo archive `static/archive` from the fixtures;
//! - `cargo xtask dist`  — setup + demo + `trunk build --release --offline` into `dist/`;
//! - `cargo xtask serve` — dist, then serve it at http://127.0.0.1:8080;
//! - `cargo xtask test`  — setup, then every check: fmt, clippy, native tests, browser tests
//!   of the sanitizer (wasm-bindgen-test, in Chromium and in Firefox), and end-to-end tests of
//!   the built app;
//! - `cargo xtask bundle [ARCHIVE] [OUT.html]` — one self-contained HTML file (app, styles and
//!   archive, default the demo) that works when opened from disk (`file://`), offline;
//! - `cargo xtask bench [--sizes 1000,10000,100000,200000] [--no-jekyll] [--smoke]` — every
//!   figure of BENCHMARKS.md from one run: builder, app in Chromium, peers, recall, precision
//!   and recall per query class, Jekyll (see `bench.rs`). `test` runs `bench --smoke` (1,000
//!   posts) to keep the harness working.

mod bench;
mod bundle;
mod setup;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = project_root();
    std::env::set_current_dir(&root)?;
    let tools = setup::Tools::locate(&root);
    match task.as_str() {
        "setup" => setup::install_missing(&root, &tools),
        "demo" => demo_archive(&tools),
        "dist" => {
            setup::install_missing(&root, &tools)?;
            dist(&tools, "dist")
        }
        "serve" => {
            setup::install_missing(&root, &tools)?;
            dist(&tools, "dist")?;
            println!("Gazette is at http://127.0.0.1:8080/ (Ctrl-C stops it)");
            // No auto-reload: its inline script would break the page's own CSP.
            run(tools.command("trunk").args([
                "serve",
                "--release",
                "--offline",
                "--no-autoreload",
                "--address",
                "127.0.0.1",
                "--port",
                "8080",
            ]))
        }
        "test" => {
            setup::install_missing(&root, &tools)?;
            test(&tools)
        }
        "bundle" => {
            setup::install_missing(&root, &tools)?;
            let archive = std::env::args()
                .nth(2)
                .unwrap_or_else(|| "static/archive".into());
            let out = std::env::args()
                .nth(3)
                .unwrap_or_else(|| "dist-single/gazette.html".into());
            if archive == "static/archive" {
                demo_archive(&tools)?;
            }
            bundle::single_file(&tools, Path::new(&archive), Path::new(&out))
        }
        "bench" => {
            setup::install_missing(&root, &tools)?;
            let args: Vec<String> = std::env::args().skip(2).collect();
            bench::bench(&tools, &bench::Plan::from_args(&args)?)
        }
        _ => {
            eprintln!("usage: cargo xtask <setup|demo|dist|serve|test|bundle [ARCHIVE] [OUT.html]|bench [--sizes N,N…] [--no-jekyll] [--smoke]>");
            bail!("unknown task {task:?}")
        }
    }
}

/// The workspace root, found when the task runs: `cargo run` (which `cargo xtask` is) tells
/// the running program where its manifest is, and failing that the folders above the current
/// one are searched. Never the path compiled in: a `target/` restored at another path (a CI
/// cache) would point at the old checkout.
fn project_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    start
        .ancestors()
        .find(|folder| {
            folder.join("xtask/Cargo.toml").is_file() && folder.join("Cargo.toml").is_file()
        })
        .map(Path::to_path_buf)
        .unwrap_or(start)
}

/// Runs a command, failing with its command line when it fails.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    eprintln!("xtask: {shown}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// The demo archive: the real finews fixture posts (with their `old_post/` copies).
fn demo_archive(tools: &setup::Tools) -> Result<()> {
    run(tools.command("cargo").args([
        "run",
        "--quiet",
        "--profile",
        "tool",
        "--package",
        "gazette-cli",
        "--",
        "build",
        "tests/fixtures/finews",
        "tests/fixtures/finews/old_post",
        "--out",
        "static/archive",
        "--quiet",
    ]))
}

fn dist(tools: &setup::Tools, dist: &str) -> Result<()> {
    demo_archive(tools)?;
    run(tools
        .command("trunk")
        .args(["build", "--release", "--offline", "--dist", dist]))
}

fn test(tools: &setup::Tools) -> Result<()> {
    run(tools.command("cargo").args(["fmt", "--all", "--check"]))?;
    run(tools.command("cargo").args([
        "clippy",
        "--workspace",
        "--exclude",
        "gazette-app",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(tools.command("cargo").args([
        "clippy",
        "--package",
        "gazette-app",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(tools
        .command("cargo")
        .args(["test", "--workspace", "--exclude", "gazette-app"]))?;
    // The browser tests of the app (the sanitizer, and its differential test against
    // ammonia) in Chromium, then in Firefox: wasm-bindgen-test picks the browser from the
    // driver it is given. The differential test runs 10,000 inputs (10-25 s here); the
    // runner's default limit for a whole test file is 20 s.
    // The runner takes GECKODRIVER before CHROMEDRIVER: each run clears the other one.
    for (driver_variable, driver, other) in [
        ("CHROMEDRIVER", &tools.chromedriver, "GECKODRIVER"),
        ("GECKODRIVER", &tools.geckodriver, "CHROMEDRIVER"),
    ] {
        run(tools
            .command("cargo")
            .args([
                "test",
                "--package",
                "gazette-app",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env(driver_variable, driver)
            .env_remove(other)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300"))?;
    }
    dist(tools, "dist")?;
    bundle::single_file(
        tools,
        Path::new("static/archive"),
        Path::new("dist-single/gazette.html"),
    )?;
    // The end-to-end suite once per browser (puppeteer-core drives Chromium over CDP and
    // Firefox over WebDriver BiDi; `GAZETTE_BROWSER` picks one, see tests/e2e/browser.mjs).
    for browser in ["chromium", "firefox"] {
        run(tools
            .command("node")
            .args(["--test", "--test-concurrency=1", "tests/e2e/"])
            .env("GAZETTE_BROWSER", browser)
            .env("CHROMIUM", &tools.chromium)
            .env("FIREFOX", &tools.firefox))?;
    }
    // The benchmark harness end to end at 1,000 posts (Gazette, the peers, recall, report),
    // so it keeps working; its figures are not checked.
    bench::bench(tools, &bench::Plan::from_args(&["--smoke".to_string()])?)
}
