//! `cargo xtask bench`: every figure of BENCHMARKS.md from one run, side by side.
//!
//! For each archive size (default 1k, 10k, 100k, 200k posts, made by `gazette gen --seed 1`;
//! `--sizes 1000,10000,100000,200000,2000000` adds two million, issue 18's size: about 25
//! more minutes and 30 GB of disk): the builder's time and peak memory, then the app in
//! headless Chromium (`tests/bench/gazette.mjs`: home at every size; search, keystrokes and
//! memory from 100k up). At 10k and 100k posts the peers (Pagefind, FlexSearch, MiniSearch,
//! installed at pinned versions by `npm ci` in `tests/bench/peers/`) run on the same posts and
//! queries, and the recall of every engine is checked against the posts' text. Up to 200k
//! posts, precision and recall per query class (`tests/bench/precision.mjs`: CJK,
//! Latin/digits, mixed, quoted, multi-word; a query set sampled from the posts) for Gazette,
//! and for the peers where they run. At every size, what adding the newest day's posts to an
//! archive of the rest rewrites (`tests/bench/churn.mjs`: files and bytes written, by family;
//! issue 18). With `jekyll` installed, `jekyll build` and `gazette build` run on the same
//! 10,000 posts.
//!
//! Results: `target/bench/results.json`, and the tables of BENCHMARKS.md in
//! `target/bench/report.md` (`tests/bench/report.mjs`). `--smoke` runs the whole chain at
//! 1,000 posts without Jekyll, to show that the harness works (CI runs it; speed is never
//! asserted).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

use crate::setup::{apt_install, Tools};
use crate::{dist, run};

/// What to run.
pub struct Plan {
    /// Archive sizes, in posts.
    sizes: Vec<u32>,
    /// Sizes at which search, keystrokes and memory are measured (home is measured at all).
    full_at: Vec<u32>,
    /// Sizes at which the peers run.
    peers_at: Vec<u32>,
    jekyll: bool,
}

impl Plan {
    pub fn from_args(args: &[String]) -> Result<Plan> {
        let (mut smoke, mut jekyll, mut sizes) = (false, true, None);
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--smoke" => smoke = true,
                "--no-jekyll" => jekyll = false,
                "--sizes" => {
                    let list = rest
                        .next()
                        .context("--sizes needs a list: --sizes 1000,10000")?;
                    sizes = Some(
                        list.split(',')
                            .map(|s| s.trim().parse::<u32>().context("--sizes takes numbers"))
                            .collect::<Result<Vec<_>>>()?,
                    );
                }
                other => bail!(
                    "cargo xtask bench: unknown argument {other:?}; \
                     usage: cargo xtask bench [--sizes N,N…] [--no-jekyll] [--smoke]"
                ),
            }
        }
        if smoke {
            return Ok(Plan {
                sizes: vec![1000],
                full_at: vec![1000],
                peers_at: vec![1000],
                jekyll: false,
            });
        }
        let sizes = sizes.unwrap_or_else(|| vec![1_000, 10_000, 100_000, 200_000]);
        // Pagefind indexes 10k posts but not 100k on 24 GB: run the peers at both.
        let peers_at: Vec<u32> = sizes
            .iter()
            .copied()
            .filter(|&n| n == 10_000 || n == 100_000)
            .collect();
        // Gazette's search is measured wherever the peers run, and at every large size.
        let mut full_at: Vec<u32> = sizes
            .iter()
            .copied()
            .filter(|&n| n >= 100_000 || peers_at.contains(&n))
            .collect();
        if full_at.is_empty() {
            full_at.extend(sizes.iter().max());
        }
        Ok(Plan {
            full_at,
            peers_at,
            jekyll,
            sizes,
        })
    }
}

/// The largest archive whose precision and recall are measured: the ground truth
/// (`tests/bench/precision.mjs`) holds every post's text in one Node process, which at two
/// million posts would pass Node's heap.
const PRECISION_MAX_POSTS: u32 = 200_000;

pub fn bench(tools: &Tools, plan: &Plan) -> Result<()> {
    let work = PathBuf::from("target/bench");
    // The previous run's files (gigabytes, hundreds of thousands of files) are moved aside
    // and deleted at the end: deleted here, they slowed this run's first builds several times
    // over (at 10k posts 2.3-2.9 s instead of 0.55-0.76 s), as the file system caught up.
    let previous = PathBuf::from(PREVIOUS_RUN);
    if previous.exists() {
        std::fs::remove_dir_all(&previous)?;
    }
    if work.exists() {
        std::fs::rename(&work, &previous)?;
    }
    std::fs::create_dir_all(&work)?;
    run(tools.command("cargo").args([
        "build",
        "--quiet",
        "--profile",
        "tool",
        "--package",
        "gazette-cli",
    ]))?;
    let gazette = Path::new("target/tool/gazette").canonicalize()?;
    let dist_dir = work.join("dist");
    dist(tools, dist_dir.to_str().context("UTF-8 path")?)?;
    std::fs::remove_dir_all(dist_dir.join("archive"))?;
    if !plan.peers_at.is_empty() {
        run(tools.command("npm").args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--prefix",
            "tests/bench/peers",
        ]))?;
    }

    let mut results = Map::new();
    results.insert("machine".into(), machine(tools));
    let mut sizes = Map::new();
    for &posts in &plan.sizes {
        let site = work.join(format!("site-{posts}"));
        let archive = work.join(format!("archive-{posts}"));
        run(tools
            .command(gazette.to_str().context("UTF-8 path")?)
            .args(["gen", "--posts", &posts.to_string(), "--seed", "1", "--out"])
            .arg(&site))?;
        let build = timed_build(tools, &gazette, &[&site, &site.join("old_post")], &archive)?;
        // The app reads the archive from dist/archive: swap in this size's archive.
        let mounted = dist_dir.join("archive");
        std::fs::rename(&archive, &mounted)?;
        let mut app_args = vec![dist_dir.to_str().context("UTF-8 path")?.to_string()];
        if !plan.full_at.contains(&posts) {
            app_args.push("--home-only".into());
        }
        let app = node_json(tools, "tests/bench/gazette.mjs", &app_args)?;
        std::fs::rename(&mounted, &archive)?;
        let mut entry = json!({ "builder": build, "app": app });
        let peers_work = work.join(format!("peers-{posts}"));
        let with_peers = plan.peers_at.contains(&posts);
        if with_peers {
            entry["recall_gazette"] = gazette_recall(tools, &gazette, &archive)?;
            let archive_arg = archive.to_str().context("UTF-8 path")?.to_string();
            let peers_arg = peers_work.to_str().context("UTF-8 path")?.to_string();
            entry["peers_prepare"] = node_json(
                tools,
                "tests/bench/peers/prepare.mjs",
                &[archive_arg.clone(), peers_arg.clone()],
            )?;
            entry["peers"] = node_json(
                tools,
                "tests/bench/peers/run.mjs",
                &[archive_arg, peers_arg],
            )?;
        }
        if posts <= PRECISION_MAX_POSTS {
            entry["precision"] = precision(
                tools,
                &gazette,
                &archive,
                &work.join(format!("precision-queries-{posts}.json")),
                with_peers.then_some(peers_work.as_path()),
            )?;
        }
        if with_peers {
            set_aside(&work, &peers_work)?;
        }
        entry["update"] = update_churn(tools, &gazette, &work, &site, &archive, posts)?;
        sizes.insert(posts.to_string(), entry);
        set_aside(&work, &site)?;
        set_aside(&work, &archive)?;
        write_results(&work, &results, &sizes)?;
    }
    if plan.jekyll {
        let comparison = jekyll_comparison(tools, &gazette, &work)?;
        results.insert("jekyll".into(), comparison);
    }
    write_results(&work, &results, &sizes)?;
    let report = std::process::Command::new("node")
        .arg("tests/bench/report.mjs")
        .arg(work.join("results.json"))
        .output()
        .context("cannot run tests/bench/report.mjs")?;
    if !report.status.success() {
        bail!(
            "tests/bench/report.mjs failed: {}",
            String::from_utf8_lossy(&report.stderr)
        );
    }
    std::fs::write(work.join("report.md"), &report.stdout)?;
    for done in [work.join(TRASH), previous] {
        if done.exists() {
            std::fs::remove_dir_all(done)?;
        }
    }
    println!("{}", String::from_utf8_lossy(&report.stdout));
    eprintln!("xtask: results in target/bench/results.json and target/bench/report.md");
    Ok(())
}

/// Where the previous run's `target/bench` waits until this run has measured everything.
const PREVIOUS_RUN: &str = "target/bench-previous";

/// Where [`set_aside`] puts finished sites and archives (about 4 GB by the end of a full run).
const TRASH: &str = "trash";

/// Moves a finished folder out of the way; the run deletes them all at its end. Deleting
/// 100,000 files just before the next size's build would slow that build's own file writes
/// (ext4 steps over recently freed inodes when it allocates new ones: at 100k posts the
/// write phase took 3.8 s right after a large delete and 0.7 s otherwise).
fn set_aside(work: &Path, folder: &Path) -> Result<()> {
    let trash = work.join(TRASH);
    std::fs::create_dir_all(&trash)?;
    let name = folder.file_name().context("a folder name")?;
    std::fs::rename(folder, trash.join(name))?;
    Ok(())
}

fn write_results(
    work: &Path,
    results: &Map<String, Value>,
    sizes: &Map<String, Value>,
) -> Result<()> {
    let mut all = results.clone();
    all.insert("sizes".into(), Value::Object(sizes.clone()));
    std::fs::write(
        work.join("results.json"),
        serde_json::to_string_pretty(&Value::Object(all))?,
    )?;
    Ok(())
}

/// The machine and tool versions, for the report's header.
fn machine(tools: &Tools) -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let field = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split(':').nth(1))
            .map(|v| v.trim().to_string())
    };
    let version = |program: &str, arg: &str| {
        tools
            .command(program)
            .arg(arg)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    json!({
        "cpu": field(&cpuinfo, "model name"),
        "cores": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "memory": field(&meminfo, "MemTotal"),
        "rustc": version("rustc", "--version"),
        "node": version("node", "--version"),
        "chromium": version(tools.chromium.to_str().unwrap_or("chromium"), "--version"),
        "date": std::process::Command::new("date").arg("-u").arg("+%Y-%m-%d").output().ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()),
    })
}

/// How many times each builder measurement is repeated; the median run is reported.
const BUILD_RUNS: usize = 3;

/// `gazette build` timed [`BUILD_RUNS`] times, each into a fresh folder after `sync`; the
/// median run (by wall time) is reported, with every run's wall time beside it.
///
/// Why: one run right after `gazette gen` wrote hundreds of megabytes measured the kernel
/// flushing the generator's dirty pages as much as the builder (on a virtual disk, single
/// runs at 100,000 posts varied by 2× in kernel time). The last run's output is `out`; the
/// earlier runs' folders are left in place, since deleting them here would make the disk
/// busy during the next measurement (they go when the next bench run clears `target/bench`).
fn timed_build(tools: &Tools, gazette: &Path, inputs: &[&Path], out: &Path) -> Result<Value> {
    let mut runs = Vec::with_capacity(BUILD_RUNS);
    for number in 1..=BUILD_RUNS {
        let target = if number == BUILD_RUNS {
            out.to_path_buf()
        } else {
            let mut name = out.as_os_str().to_owned();
            name.push(format!(".run{number}"));
            PathBuf::from(name)
        };
        run(&mut tools.command("sync"))?;
        runs.push(timed_build_once(tools, gazette, inputs, &target)?);
    }
    let wall = |run: &Value| run["wall_s"].as_f64().unwrap_or(0.0);
    runs.sort_by(|a, b| wall(a).total_cmp(&wall(b)));
    let walls: Vec<f64> = runs.iter().map(wall).collect();
    let mut median = runs.swap_remove(runs.len() / 2);
    median["runs_wall_s"] = json!(walls);
    Ok(median)
}

/// One `gazette build` under `/usr/bin/time`: wall time, peak memory, and its phase timings.
fn timed_build_once(tools: &Tools, gazette: &Path, inputs: &[&Path], out: &Path) -> Result<Value> {
    let time_file = out.with_extension("time");
    let start = Instant::now();
    let output = tools
        .command("/usr/bin/time")
        .args(["-f", TIME_FORMAT, "-o"])
        .arg(&time_file)
        .arg(gazette)
        .arg("build")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--timings", "--report"])
        .arg(out.with_extension("report.json"))
        .output()
        .context("cannot run gazette build")?;
    let wall = start.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "gazette build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let measured = TimeRecord::read(&time_file)?;
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("report.json"))?)?;
    let phases: Map<String, Value> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| {
            // "timing: import       4.21s (total 4.53s)"
            let rest = line.strip_prefix("timing:")?;
            let mut words = rest.split_whitespace();
            let phase = words.next()?;
            let value = words.next()?;
            Some((phase.to_string(), json!(parse_duration(value)?)))
        })
        .collect();
    let written = report["written"].as_u64().unwrap_or(0);
    Ok(json!({
        "wall_s": wall,
        "peak_mb": measured.peak_mb,
        "posts_written": written,
        "files_read": report["read"],
        "posts_per_s": written as f64 / wall,
        "phases_s": phases,
        "user_s": measured.user_s,
        "kernel_s": measured.kernel_s,
    }))
}

/// What `/usr/bin/time` records: wall seconds, peak memory in KB, user and kernel CPU
/// seconds. CPU time sits beside wall time because on a shared VM the two move apart: it
/// tells a slower host (more CPU for the same work) from waiting on the disk.
const TIME_FORMAT: &str = "%e %M %U %S";

/// What a [`TIME_FORMAT`] file says of one process (a field it lacks reads as 0).
struct TimeRecord {
    peak_mb: f64,
    user_s: f64,
    kernel_s: f64,
}

impl TimeRecord {
    fn read(time_file: &Path) -> Result<TimeRecord> {
        let text = std::fs::read_to_string(time_file)?;
        let fields: Vec<f64> = text
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(0.0))
            .collect();
        let field = |n: usize| fields.get(n).copied().unwrap_or(0.0);
        Ok(TimeRecord {
            peak_mb: field(1) / 1024.0,
            user_s: field(2),
            kernel_s: field(3),
        })
    }
}

/// `4.21s`, `320.76ms` → seconds.
fn parse_duration(text: &str) -> Option<f64> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.parse::<f64>().ok().map(|v| v / 1000.0);
    }
    if let Some(us) = text.strip_suffix("µs") {
        return us.parse::<f64>().ok().map(|v| v / 1e6);
    }
    text.strip_suffix('s')?.parse().ok()
}

/// Runs a Node script that prints one JSON object.
fn node_json(tools: &Tools, script: &str, args: &[String]) -> Result<Value> {
    eprintln!("xtask: node {script} {}", args.join(" "));
    let output = tools
        .command("node")
        .arg(script)
        .args(args)
        .env("CHROMIUM", &tools.chromium)
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {script}"))?;
    if !output.status.success() {
        bail!("{script} failed ({})", output.status);
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("{script} did not print one JSON object"))
}

/// Gazette's hits for every query (`gazette search`, the viewer's engine) checked against
/// the posts' text by the same code that checks the peers.
fn gazette_recall(tools: &Tools, gazette: &Path, archive: &Path) -> Result<Value> {
    node_json(
        tools,
        "tests/bench/gazette-recall.mjs",
        &[
            archive.to_str().context("UTF-8 path")?.to_string(),
            gazette.to_str().context("UTF-8 path")?.to_string(),
        ],
    )
}

/// Precision and recall per query class (`tests/bench/precision.mjs`): Gazette's hits
/// (`gazette search`) and, when `peers` names a folder prepared by `peers/prepare.mjs`, the
/// peers' hits, on one query set sampled from the archive's posts (written to `queries`, so
/// that a run can be repeated on the same set), checked against the posts' text. Low figures
/// are reported, never an error: the benchmark measures, the tests assert.
fn precision(
    tools: &Tools,
    gazette: &Path,
    archive: &Path,
    queries: &Path,
    peers: Option<&Path>,
) -> Result<Value> {
    let path = |p: &Path| p.to_str().context("UTF-8 path").map(str::to_string);
    let mut args = vec![
        path(archive)?,
        "--gazette".to_string(),
        path(gazette)?,
        "--write-queries".to_string(),
        path(queries)?,
    ];
    if let Some(peers) = peers {
        args.extend(["--peers-dir".to_string(), path(peers)?]);
    }
    node_json(tools, "tests/bench/precision.mjs", &args)
}

/// What a one-day update rewrites: the site without its newest day's posts (a copy made of
/// hard links) is built, and `tests/bench/churn.mjs` compares that archive with the full one
/// (files and bytes written anew, by family). The newest day is the latest `YYYY-MM-DD`
/// file-name prefix in `_posts/`; its files leave `old_post/` too.
fn update_churn(
    tools: &Tools,
    gazette: &Path,
    work: &Path,
    site: &Path,
    archive: &Path,
    posts: u32,
) -> Result<Value> {
    let day_of = |name: &str| {
        let b = name.as_bytes();
        (b.len() > 11
            && b[..10].iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            }))
        .then(|| name[..10].to_string())
    };
    let names: Vec<String> = std::fs::read_dir(site.join("_posts"))?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_>>()?;
    let newest = names
        .iter()
        .filter_map(|n| day_of(n))
        .max()
        .context("no dated post file")?;
    let held: std::collections::HashSet<&str> = names
        .iter()
        .filter(|n| day_of(n).as_deref() == Some(&newest))
        .map(String::as_str)
        .collect();
    let before_site = work.join(format!("site-{posts}-before"));
    link_tree(site, &before_site, &|name| held.contains(name))?;
    let before = work.join(format!("archive-{posts}-before"));
    let state = work.join(format!("state-{posts}/gazette.state"));
    let build = |quiet: bool| {
        let mut command = tools.command(gazette.to_str().context("UTF-8 path")?);
        command
            .arg("build")
            .arg(&before_site)
            .arg(before_site.join("old_post"))
            .arg("--out")
            .arg(&before)
            .arg("--state")
            .arg(&state);
        if quiet {
            command.arg("--quiet");
        }
        anyhow::Ok(command)
    };
    run(&mut build(true)?)?;
    let path = |p: &Path| p.to_str().context("UTF-8 path").map(str::to_string);
    let mut churn = node_json(
        tools,
        "tests/bench/churn.mjs",
        &[path(&before)?, path(archive)?, "--json".to_string()],
    )?;
    churn["day"] = json!(newest);
    churn["posts_added"] = json!(held.len());
    // The update itself: the day's files join the site, and `gazette build --state` updates
    // the archive in place; it must be the full build's archive, byte for byte.
    link_tree(site, &before_site, &|name| !held.contains(name))?;
    run(&mut tools.command("sync"))?;
    let time_file = work.join(format!("update-{posts}.time"));
    let mut command = tools.command("/usr/bin/time");
    command
        .args(["-f", TIME_FORMAT, "-o"])
        .arg(&time_file)
        .arg(gazette)
        .args(build(false)?.get_args());
    let start = Instant::now();
    let output = command
        .output()
        .context("cannot run gazette build --state")?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("gazette build --state failed: {stderr}");
    }
    let summary = stderr
        .lines()
        .find(|line| line.starts_with("updated in place:"))
        .with_context(|| format!("the build with --state did not update in place: {stderr}"))?;
    // "updated in place: 2782 post files imported (… unchanged since the last build, 0 of them
    // by git's word; 1152 of them read again …), 3974 archive files written (29.8 MB), 5394
    // made again unchanged, 342059 kept, 640 removed"
    let numbers: Vec<f64> = summary
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|n| n.parse().ok())
        .collect();
    let [imported, reused, by_git, again, written, written_mb, unchanged, kept, removed] =
        numbers[..]
    else {
        bail!("unexpected update summary: {summary}");
    };
    if !same_tree(&before, archive)? {
        bail!(
            "the updated archive {} differs from the full build {}",
            before.display(),
            archive.display()
        );
    }
    let measured = TimeRecord::read(&time_file)?;
    churn["in_place"] = json!({
        "wall_s": seconds,
        "peak_mb": measured.peak_mb,
        "imported": imported,
        "reused": reused,
        "read_again": again,
        "unchanged_by_git": by_git,
        "written": written,
        "written_mb": written_mb,
        "unchanged": unchanged,
        "kept": kept,
        "removed": removed,
        "identical": true,
    });
    set_aside(work, &before_site)?;
    set_aside(work, &before)?;
    set_aside(work, &work.join(format!("state-{posts}")))?;
    Ok(churn)
}

/// Whether the folders `a` and `b` hold the same files with the same bytes.
fn same_tree(a: &Path, b: &Path) -> Result<bool> {
    fn files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                files(root, &entry.path(), out)?;
            } else {
                out.push(entry.path().strip_prefix(root)?.to_path_buf());
            }
        }
        Ok(())
    }
    let (mut left, mut right) = (Vec::new(), Vec::new());
    files(a, a, &mut left)?;
    files(b, b, &mut right)?;
    left.sort();
    right.sort();
    if left != right {
        return Ok(false);
    }
    for relative in &left {
        if std::fs::read(a.join(relative))? != std::fs::read(b.join(relative))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Copies the tree `from` to `to` as hard links, leaving out files whose name `skip` accepts.
fn link_tree(from: &Path, to: &Path, skip: &dyn Fn(&str) -> bool) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            link_tree(&entry.path(), &target, skip)?;
        } else if !skip(&entry.file_name().to_string_lossy()) {
            std::fs::hard_link(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// `gazette build` and `jekyll build` on the same 10,000 posts with a one-line layout.
fn jekyll_comparison(tools: &Tools, gazette: &Path, work: &Path) -> Result<Value> {
    let version = match jekyll_version(tools) {
        Some(version) => version,
        None => {
            // The peer is Debian's Jekyll (the distribution pins its version); the harness
            // installs it like the npm peers, so every run compares against it.
            apt_install(
                tools,
                &["jekyll"],
                "Jekyll, the build-speed peer, is missing",
            )?;
            jekyll_version(tools).context("jekyll does not run after apt-get install jekyll")?
        }
    };
    let site = work.join("jekyll-10000");
    run(tools
        .command(gazette.to_str().context("UTF-8 path")?)
        .args(["gen", "--posts", "10000", "--seed", "1", "--out"])
        .arg(&site))?;
    std::fs::remove_dir_all(site.join("old_post"))?;
    std::fs::create_dir_all(site.join("_layouts"))?;
    std::fs::write(
        site.join("_layouts/post.html"),
        "<!doctype html><html><body>{{ content }}</body></html>\n",
    )?;
    let gazette_run = timed_build(tools, gazette, &[&site], &work.join("jekyll-10000-archive"))?;
    let time_file = work.join("jekyll.time");
    run(&mut tools.command("sync"))?;
    let start = Instant::now();
    run(tools
        .command("/usr/bin/time")
        .args(["-f", TIME_FORMAT, "-o"])
        .arg(&time_file)
        .args(["jekyll", "build", "--quiet", "--source"])
        .arg(&site)
        .arg("--destination")
        .arg(work.join("jekyll-10000-site")))?;
    let wall = start.elapsed().as_secs_f64();
    let peak_mb = TimeRecord::read(&time_file)?.peak_mb;
    let pages = count_files(&work.join("jekyll-10000-site"), "html");
    Ok(json!({
        "posts": 10000,
        "gazette": gazette_run,
        "jekyll": { "version": version, "wall_s": wall, "peak_mb": peak_mb, "html_pages": pages },
    }))
}

/// What `jekyll --version` prints (`jekyll 4.3.1`), or `None` when Jekyll does not run.
fn jekyll_version(tools: &Tools) -> Option<String> {
    tools
        .command("jekyll")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn count_files(dir: &Path, extension: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                count_files(&path, extension)
            } else {
                usize::from(path.extension().is_some_and(|x| x == extension))
            }
        })
        .sum()
}
