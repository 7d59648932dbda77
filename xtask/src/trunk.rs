//! The web app through Trunk: a dev server, and the release site in `dist/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::Ctx;

const SERVE_URL: &str = "http://127.0.0.1:8080/";

/// `trunk serve`: a dev build with live reload, until Ctrl-C. It builds into target/trunk-serve/
/// so that it never replaces the release site in dist/ with a dev build.
pub(crate) fn serve(ctx: &Ctx) -> Result<(), String> {
    println!("\n==> Shardlab dev server: {SERVE_URL}   (Ctrl-C stops it)\n");
    ctx.run(ctx.command("trunk").args([
        "serve",
        "--address",
        "127.0.0.1",
        "--port",
        "8080",
        "--dist",
        "target/trunk-serve",
        "--disable-address-lookup",
        "--offline",
    ]))
}

/// `trunk build --release` into `dist/`, with relative asset URLs so the site works from any path.
pub(crate) fn dist(ctx: &Ctx) -> Result<(), String> {
    modules_share_dependencies(ctx)?;
    // `--public-url ./` makes Trunk write `./name-hash.js` instead of `/name-hash.js`.
    ctx.run(ctx.command("trunk").args(["build", "--release", "--public-url", "./", "--offline"]))?;
    let dist = ctx.root.join("dist");
    let index = fs::read_to_string(dist.join("index.html"))
        .map_err(|err| format!("Trunk finished but dist/index.html cannot be read: {err}"))?;
    check_relative_urls(&index)?;
    let index = name_full_module(&dist, &index)?;
    fs::write(dist.join("index.html"), index).map_err(|err| format!("writing dist/index.html: {err}"))?;
    write_service_worker(&dist)?;
    let (files, bytes) = tree_size(&dist)?;
    println!("  dist: {} ({files} files, {} KB)", dist.display(), bytes.div_ceil(1024));
    download_report(ctx, &dist)?;
    println!(
        "  hosting: copy dist/ to any static web server, at any path (open it with a trailing \
         slash, e.g. /shardlab/); .wasm must be served as application/wasm"
    );
    Ok(())
}

/// The full module's files as Trunk writes them (a `data-type="worker"` link: named after the binary, not
/// hashed) and the lines of index.html's loader that name them.
const FULL_JS: &str = "shardlab-full.js";
const FULL_WASM: &str = "shardlab-full_bg.wasm";
const FULL_JS_LINE: &str = "const FULL_MODULE = './shardlab-full.js';";
const FULL_WASM_LINE: &str = "const FULL_WASM = './shardlab-full_bg.wasm';";

/// Gives the full module (web/src/modules.rs) content-hashed names, like every other file the page loads,
/// so hosts can cache it for ever, and writes them into index.html's loader; returns the new index.html.
fn name_full_module(dist: &Path, index: &str) -> Result<String, String> {
    let read = |name: &str| {
        fs::read(dist.join(name)).map_err(|err| format!("dist/{name} cannot be read ({err}): index.html builds it"))
    };
    let (js, wasm) = (read(FULL_JS)?, read(FULL_WASM)?);
    let mut hash = Fnv64::default();
    hash.write(&js);
    hash.write(&wasm);
    let stem = format!("shardlab-full-{:016x}", hash.0);
    let (js_name, wasm_name) = (format!("{stem}.js"), format!("{stem}_bg.wasm"));
    fs::rename(dist.join(FULL_JS), dist.join(&js_name)).map_err(|err| format!("renaming {FULL_JS}: {err}"))?;
    fs::rename(dist.join(FULL_WASM), dist.join(&wasm_name)).map_err(|err| format!("renaming {FULL_WASM}: {err}"))?;
    fill_full_module(index, &js_name, &wasm_name)
}

/// `index` with the loader's two lines naming `js` and `wasm`.
fn fill_full_module(index: &str, js: &str, wasm: &str) -> Result<String, String> {
    if !index.contains(FULL_JS_LINE) || !index.contains(FULL_WASM_LINE) {
        return Err(format!("index.html must contain the lines `{FULL_JS_LINE}` and `{FULL_WASM_LINE}`"));
    }
    Ok(index
        .replace(FULL_JS_LINE, &format!("const FULL_MODULE = './{js}';"))
        .replace(FULL_WASM_LINE, &format!("const FULL_WASM = './{wasm}';")))
}

/// Fails unless the lite and the full module (web/src/modules.rs) build every dependency with the same
/// features but [`FEATURES_FULL_ONLY`]: the full module's engine and scenario crate have `pipelines` (Firehose
/// and Analytics) and `video` (Video Streams), the lite module's do not. The lite page hands every scenario with
/// them to the full module, and its engine and scenario crate refuse them rather than run them differently;
/// every other crate is compiled alike, so a scenario's run is the same whichever module runs it.
fn modules_share_dependencies(ctx: &Ctx) -> Result<(), String> {
    let tree = |lite: bool| -> Result<BTreeMap<String, BTreeSet<String>>, String> {
        let mut command = ctx.command("cargo");
        command.args(["tree", "-p", "shardlab-web", "--target", crate::setup::WASM_TARGET]);
        // One line per package with the features it is built with (`-e features` leaves out the features the
        // web crate's own features turn on).
        command.args(["-e", "normal", "--prefix", "none", "--format", "{p} [{f}]"]);
        if lite {
            command.arg("--no-default-features");
        }
        let text = ctx.output(&mut command)?;
        dependency_features(&text)
    };
    let (full, lite) = (tree(false)?, tree(true)?);
    match features_differ(&full, &lite) {
        None => {
            println!("  ok: the lite and full modules build {} packages alike but {FEATURES_FULL_ONLY:?}", full.len());
            Ok(())
        }
        Some(differ) => Err(format!(
            "the web crate's `full` feature changes its dependencies beyond {FEATURES_FULL_ONLY:?}, so the two \
             modules could run different engine or scenario code: {differ}"
        )),
    }
}

/// The dependency features the full module has and the lite module leaves out, by package: the engine's and
/// the scenario crate's.
const FEATURES_FULL_ONLY: [(&str, [&str; 2]); 2] =
    [("shardlab-engine", ["pipelines", "video"]), ("shardlab-scenario", ["pipelines", "video"])];

/// `cargo tree --format "{p} [{f}]"` lines as package -> features, leaving out the web crate itself.
fn dependency_features(tree: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut packages = BTreeMap::new();
    for line in tree.lines().map(|line| line.trim_end_matches(" (*)").trim()).filter(|line| !line.is_empty()) {
        let (package, features) = line
            .strip_suffix(']')
            .and_then(|line| line.rsplit_once(" ["))
            .ok_or_else(|| format!("cannot read cargo tree's line: {line}"))?;
        if package.starts_with("shardlab-web ") {
            continue;
        }
        let features: BTreeSet<String> = features.split(',').filter(|f| !f.is_empty()).map(String::from).collect();
        packages.insert(package.to_string(), features);
    }
    Ok(packages)
}

/// What differs between the full and the lite module's packages beyond [`FEATURES_FULL_ONLY`] (which the full
/// module's packages must have and the lite one's must not).
fn features_differ(
    full: &BTreeMap<String, BTreeSet<String>>,
    lite: &BTreeMap<String, BTreeSet<String>>,
) -> Option<String> {
    let mut expected = full.clone();
    for (name, features) in FEATURES_FULL_ONLY {
        let prefix = format!("{name} ");
        let Some((_, has)) = expected.iter_mut().find(|(package, _)| package.starts_with(&prefix)) else {
            return Some(format!("the full module has no {name}"));
        };
        for feature in features {
            if !has.remove(feature) {
                return Some(format!("the full module's {name} lacks `{feature}`"));
            }
        }
    }
    if expected == *lite {
        return None;
    }
    let packages: BTreeSet<&String> = expected.keys().chain(lite.keys()).collect();
    let differ: Vec<String> = packages
        .into_iter()
        .filter(|package| expected.get(*package) != lite.get(*package))
        .map(|package| format!("{package}: full {:?}, lite {:?}", full.get(package), lite.get(package)))
        .collect();
    Some(differ.join("; "))
}

/// The first visit's budget, gzipped, before the page is usable (issue 21).
const FIRST_VISIT_KB_MAX: u64 = 400;

/// Prints what a first visit downloads before the page is usable (index.html and the files it loads:
/// JS, wasm, CSS), and what comes later (the full module, lessons, the service worker, the AWS reference),
/// gzipped as a static host would serve them (gzip -9).
fn download_report(ctx: &Ctx, dist: &Path) -> Result<(), String> {
    let mut first = Vec::new();
    let mut later: Vec<(String, u64)> = Vec::new();
    for path in files_under(dist)? {
        let relative = path.strip_prefix(dist).map_err(|err| err.to_string())?.to_string_lossy().replace('\\', "/");
        let top_level = !relative.contains('/');
        let full_module = relative.starts_with("shardlab-full-");
        let kind = match path.extension().and_then(|e| e.to_str()) {
            _ if full_module => "",
            Some("wasm") if top_level => "wasm",
            Some("css") if top_level => "CSS",
            Some("html") if relative == "index.html" => "HTML",
            Some("js") if top_level && relative != "sw.js" => "JS",
            _ => "",
        };
        let gzipped = gzipped_size(ctx, &path)?;
        if kind.is_empty() {
            let group = match relative.split_once('/') {
                Some((dir, _)) => format!("{dir}/"),
                None if full_module => {
                    format!("full module ({})", if relative.ends_with(".wasm") { "wasm" } else { "JS" })
                }
                None => relative.clone(),
            };
            match later.iter_mut().find(|(g, _)| *g == group) {
                Some((_, bytes)) => *bytes += gzipped,
                None => later.push((group, gzipped)),
            }
        } else {
            first.push((kind, gzipped));
        }
    }
    first.sort();
    later.sort();
    let total: u64 = first.iter().map(|(_, b)| b).sum();
    let listed: Vec<String> = first.iter().map(|(k, b)| format!("{k} {} KB", b.div_ceil(1024))).collect();
    println!(
        "  first visit (gzip -9): {} = {} KB (goal: at most {FIRST_VISIT_KB_MAX} KB)",
        listed.join(" + "),
        total.div_ceil(1024)
    );
    let listed: Vec<String> = later.iter().map(|(g, b)| format!("{g} {} KB", b.div_ceil(1024))).collect();
    println!("  later, on first use (gzip -9): {}", listed.join(", "));
    within_first_visit_budget(total)
}

/// The build fails when the first visit outgrows its budget, so no change adds to it unnoticed.
fn within_first_visit_budget(first_visit_bytes: u64) -> Result<(), String> {
    if first_visit_bytes <= FIRST_VISIT_KB_MAX * 1024 {
        return Ok(());
    }
    Err(format!(
        "the first visit is {} KB gzipped, over its budget of {FIRST_VISIT_KB_MAX} KB (issue 21): `cargo xtask size` \
         shows where the lite module's bytes go; move what the first minute does not need to the full module \
         (web/src/modules.rs)",
        first_visit_bytes.div_ceil(1024)
    ))
}

/// The size of `path` compressed with `gzip -9`, as a server would send it.
pub(crate) fn gzipped_size(ctx: &Ctx, path: &Path) -> Result<u64, String> {
    let output = ctx
        .command("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|err| format!("gzip {}: {err}", path.display()))?;
    if !output.status.success() {
        return Err(format!("gzip {} failed", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|err| format!("reading {}: {err}", dir.display()))?.path();
        if path.is_dir() {
            files.extend(files_under(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Fills dist/sw.js with this deployment's id (a hash of every other file) and its file list, so a new
/// deployment is a changed service worker that the page can offer.
fn write_service_worker(dist: &Path) -> Result<(), String> {
    let worker = dist.join("sw.js");
    let source = fs::read_to_string(&worker)
        .map_err(|err| format!("dist/sw.js cannot be read ({err}): index.html copies it"))?;
    let mut files = Vec::new();
    let mut hash = Fnv64::default();
    for path in files_under(dist)? {
        let relative = path.strip_prefix(dist).map_err(|err| err.to_string())?.to_string_lossy().replace('\\', "/");
        if relative == "sw.js" {
            continue;
        }
        let bytes = fs::read(&path).map_err(|err| format!("reading {}: {err}", path.display()))?;
        hash.write(relative.as_bytes());
        hash.write(&bytes);
        files.push(format!("'./{relative}'"));
    }
    let filled = fill_service_worker(&source, &format!("{:016x}", hash.0), &files)?;
    fs::write(&worker, filled).map_err(|err| format!("writing dist/sw.js: {err}"))
}

/// `source` with its `BUILD` and `FILES` lines set.
fn fill_service_worker(source: &str, build: &str, files: &[String]) -> Result<String, String> {
    const BUILD_LINE: &str = "const BUILD = 'dev';";
    const FILES_LINE: &str = "const FILES = [];";
    if !source.contains(BUILD_LINE) || !source.contains(FILES_LINE) {
        return Err(format!("web/sw.js must contain the lines `{BUILD_LINE}` and `{FILES_LINE}`"));
    }
    Ok(source
        .replace(BUILD_LINE, &format!("const BUILD = '{build}';"))
        .replace(FILES_LINE, &format!("const FILES = [{}];", files.join(", "))))
}

/// FNV-1a, 64 bits: a deployment id, not a security measure.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Fails if index.html loads anything from an absolute path (`/x.js`), which would break when
/// the site is served from a sub-path.
fn check_relative_urls(index: &str) -> Result<(), String> {
    let absolute: Vec<&str> = ["href=\"/", "src=\"/", "from '/", "from \"/", "('/", "(\"/"]
        .into_iter()
        .filter(|pattern| index.contains(*pattern))
        .collect();
    if absolute.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "dist/index.html refers to absolute paths ({}), so it only works at the site root",
            absolute.join(" ")
        ))
    }
}

fn tree_size(dir: &Path) -> Result<(u64, u64), String> {
    let mut files = 0;
    let mut bytes = 0;
    let entries = fs::read_dir(dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|err| format!("reading {}: {err}", dir.display()))?;
        let meta = entry.metadata().map_err(|err| format!("reading {}: {err}", entry.path().display()))?;
        if meta.is_dir() {
            let (sub_files, sub_bytes) = tree_size(&entry.path())?;
            files += sub_files;
            bytes += sub_bytes;
        } else {
            files += 1;
            bytes += meta.len();
        }
    }
    Ok((files, bytes))
}

#[cfg(test)]
mod tests {
    use super::{
        check_relative_urls, dependency_features, features_differ, fill_full_module, fill_service_worker,
        within_first_visit_budget,
    };

    #[test]
    fn a_first_visit_over_400_kib_gzipped_fails_the_build() {
        assert_eq!(within_first_visit_budget(400 * 1024), Ok(()));
        let over = within_first_visit_budget(400 * 1024 + 1).expect_err("one byte over the budget");
        assert!(over.contains("401 KB gzipped, over its budget of 400 KB"), "{over}");
    }

    #[test]
    fn the_modules_may_differ_only_by_the_engine_s_and_scenario_s_pipelines_and_video() {
        let trees = |engine: &str, scenario: &str, serde: &str| {
            let text = format!(
                "shardlab-web v0.1.0 (/w/web) [default,full]\nshardlab-engine v0.1.0 (/w/crates/engine) [{engine}]\n\
                 shardlab-scenario v0.1.0 (/w/crates/scenario) [{scenario}]\n\
                 serde v1.0.229 [{serde}]\nserde v1.0.229 [{serde}] (*)\n"
            );
            dependency_features(&text).expect("cargo tree lines")
        };
        let tree =
            |engine: &str, serde: &str| trees(engine, if engine.is_empty() { "" } else { "pipelines,video" }, serde);
        let full = tree("pipelines,video", "alloc,derive");
        assert_eq!(full.len(), 3, "the web crate's own line is left out: {full:?}");
        assert_eq!(features_differ(&full, &tree("", "alloc,derive")), None);
        // The scenario crate's features likewise: both in the full module, neither in the lite one.
        let lite = trees("", "", "alloc,derive");
        assert!(features_differ(&trees("pipelines,video", "pipelines", "alloc,derive"), &lite).is_some());
        assert!(features_differ(&full, &trees("", "video", "alloc,derive")).is_some());
        assert!(features_differ(&trees("pipelines,video", "pipelines,video,default", "alloc,derive"), &lite).is_some());
        // The full module's engine must have both features, the lite one's neither, and nothing else may differ.
        assert!(features_differ(&tree("", "alloc,derive"), &tree("", "alloc,derive")).is_some());
        assert!(features_differ(&tree("pipelines", "alloc,derive"), &tree("", "alloc,derive")).is_some());
        assert!(features_differ(&full, &tree("pipelines", "alloc,derive")).is_some());
        assert!(features_differ(&full, &tree("video", "alloc,derive")).is_some());
        assert!(features_differ(&full, &tree("", "alloc,derive,std")).is_some());
        assert!(features_differ(&tree("pipelines,video,serde", "alloc"), &tree("", "alloc")).is_some());
        assert!(dependency_features("serde v1.0.229\n").is_err());
    }

    #[test]
    fn the_loader_gets_the_full_module_s_hashed_names() {
        let index = "<script>\n      const FULL_MODULE = './shardlab-full.js';\n      const FULL_WASM = './shardlab-full_bg.wasm';\n</script>";
        let filled =
            fill_full_module(index, "shardlab-full-00ff.js", "shardlab-full-00ff_bg.wasm").expect("both lines");
        assert_eq!(
            filled,
            "<script>\n      const FULL_MODULE = './shardlab-full-00ff.js';\n      const FULL_WASM = './shardlab-full-00ff_bg.wasm';\n</script>"
        );
        assert!(fill_full_module("<script></script>", "a.js", "a_bg.wasm").is_err());
    }

    #[test]
    fn the_service_worker_gets_the_deployment_and_its_files() {
        let source = "const BUILD = 'dev';\nconst FILES = [];\n";
        let files = ["'./index.html'".to_string(), "'./lessons/01-a.json'".to_string()];
        let filled = fill_service_worker(source, "00ff", &files).expect("both lines are there");
        assert_eq!(filled, "const BUILD = '00ff';\nconst FILES = ['./index.html', './lessons/01-a.json'];\n");
        assert!(fill_service_worker("const FILES = [];", "00ff", &files).is_err());
    }

    #[test]
    fn relative_asset_urls_pass_and_absolute_ones_fail() {
        let relative = r#"<link rel="modulepreload" href="./app-1.js"><script type="module">
            import init from './app-1.js'; init({ module_or_path: './app-1_bg.wasm' });</script>"#;
        assert!(check_relative_urls(relative).is_ok());
        let absolute = r#"<script type="module">import init from '/app-1.js';</script>"#;
        assert!(check_relative_urls(absolute).is_err());
    }
}
