//! Installing the tools the build and tests need — only what is missing, at pinned versions:
//! the wasm32 target, trunk, wasm-bindgen-cli (the version in Cargo.lock), the npm packages
//! (wasm-opt from `binaryen`, `puppeteer-core`), Debian's chromium + chromium-driver and
//! firefox-esr, and geckodriver (crates.io) for the browser tests in Firefox.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::run;

/// Trunk's last release that builds with the machine's rustc (0.22 needs a newer one).
const TRUNK_VERSION: &str = "0.21.14";
/// Debian packages for the browser tests (fonts so screenshots show Chinese).
const APT_PACKAGES: &[&str] = &[
    "chromium",
    "chromium-driver",
    "firefox-esr",
    "fonts-noto-cjk",
];
/// The WebDriver server for Firefox: wasm-bindgen-test drives Firefox through it. It is on
/// crates.io, so it installs like the other tools (its GitHub releases are out of reach here).
const GECKODRIVER_VERSION: &str = "0.37.1";

/// Where the tools are, and the PATH that finds them.
pub struct Tools {
    path: String,
    cargo_bin: PathBuf,
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    pub firefox: PathBuf,
    pub geckodriver: PathBuf,
}

impl Tools {
    pub fn locate(root: &Path) -> Tools {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
            });
        let cargo_bin = cargo_home.join("bin");
        let node_bin = root.join("node_modules/.bin");
        let path = std::env::join_paths([cargo_bin.clone(), node_bin].into_iter().chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("PATH entries have no separators")
        .to_string_lossy()
        .into_owned();
        Tools {
            path,
            geckodriver: cargo_bin.join("geckodriver"),
            cargo_bin,
            chromium: PathBuf::from("/usr/bin/chromium"),
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
            firefox: PathBuf::from("/usr/bin/firefox-esr"),
        }
    }

    /// A command with the tools' PATH.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", &self.path);
        command
    }

    /// The first line a tool prints for `--version`, if it runs.
    fn version_of(&self, program: &str) -> Option<String> {
        let output = self.command(program).arg("--version").output().ok()?;
        output.status.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
    }
}

pub fn install_missing(root: &Path, tools: &Tools) -> Result<()> {
    let installed_targets = tools
        .command("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is required")?;
    if !String::from_utf8_lossy(&installed_targets.stdout).contains("wasm32-unknown-unknown") {
        run(tools
            .command("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    cargo_install_missing(tools, "trunk", "trunk", TRUNK_VERSION, Lock::Locked)?;
    // `--locked` fails on one index entry here; the CLI's own dependencies resolve fine without.
    let bindgen = wasm_bindgen_version(root)?;
    cargo_install_missing(
        tools,
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &bindgen,
        Lock::Unlocked,
    )?;
    let node_modules = root.join("node_modules");
    if !node_modules.join(".bin/wasm-opt").exists() || !node_modules.join("puppeteer-core").exists()
    {
        run(tools.command("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    if !tools.chromium.exists() || !tools.chromedriver.exists() || !tools.firefox.exists() {
        install_browser(tools)?;
    }
    cargo_install_missing(
        tools,
        "geckodriver",
        "geckodriver",
        GECKODRIVER_VERSION,
        Lock::Locked,
    )?;
    run(tools.command("cargo").args(["fetch", "--locked"]))
}

/// Whether `cargo install` uses the crate's own lock file.
enum Lock {
    Locked,
    Unlocked,
}

/// `cargo install crate --version version` into the tools' folder, unless `program --version`
/// already says `version`.
fn cargo_install_missing(
    tools: &Tools,
    krate: &str,
    program: &str,
    version: &str,
    lock: Lock,
) -> Result<()> {
    if tools
        .version_of(program)
        .is_some_and(|v| v.contains(version))
    {
        return Ok(());
    }
    let mut command = tools.command("cargo");
    command.args(["install", krate, "--version", version]);
    if matches!(lock, Lock::Locked) {
        command.arg("--locked");
    }
    run(command
        .arg("--root")
        .arg(tools.cargo_bin.parent().expect("bin has a parent")))
}

/// The `wasm-bindgen` version Cargo.lock pins (the CLI must match it exactly).
fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("Cargo.lock is missing")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen entry")
}

fn install_browser(tools: &Tools) -> Result<()> {
    apt_install(tools, APT_PACKAGES, "Chromium or Firefox is missing")
}

/// Installs Debian packages (as root; otherwise says which command to run, and why).
pub fn apt_install(tools: &Tools, packages: &[&str], why: &str) -> Result<()> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        bail!(
            "{why}. Install it once with: sudo apt-get install {} (then rerun this command)",
            packages.join(" ")
        );
    }
    run(tools
        .command("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(tools
        .command("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
