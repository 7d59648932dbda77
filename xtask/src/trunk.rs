//! The web app through Trunk: a dev server, and the release site in `dist/`.

use std::fs;
use std::path::Path;

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
    // `--public-url ./` makes Trunk write `./name-hash.js` instead of `/name-hash.js`.
    ctx.run(ctx.command("trunk").args(["build", "--release", "--public-url", "./", "--offline"]))?;
    let dist = ctx.root.join("dist");
    let index = fs::read_to_string(dist.join("index.html"))
        .map_err(|err| format!("Trunk finished but dist/index.html cannot be read: {err}"))?;
    check_relative_urls(&index)?;
    let (files, bytes) = tree_size(&dist)?;
    println!("  dist: {} ({files} files, {} KB)", dist.display(), bytes.div_ceil(1024));
    download_report(ctx, &dist)?;
    println!(
        "  hosting: copy dist/ to any static web server, at any path (open it with a trailing \
         slash, e.g. /shardlab/); .wasm must be served as application/wasm"
    );
    Ok(())
}

/// Prints what a first visit downloads, gzipped as a static host would serve it (gzip -9).
fn download_report(ctx: &Ctx, dist: &Path) -> Result<(), String> {
    let mut parts = Vec::new();
    let entries = fs::read_dir(dist).map_err(|err| format!("reading {}: {err}", dist.display()))?;
    for entry in entries {
        let path = entry.map_err(|err| format!("reading {}: {err}", dist.display()))?.path();
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js") => "JS",
            Some("css") => "CSS",
            Some("html") => "HTML",
            _ => continue,
        };
        let output = ctx
            .command("gzip")
            .args(["-9", "-c"])
            .arg(&path)
            .output()
            .map_err(|err| format!("gzip {}: {err}", path.display()))?;
        if !output.status.success() {
            return Err(format!("gzip {} failed", path.display()));
        }
        parts.push((kind, output.stdout.len() as u64));
    }
    parts.sort();
    let total: u64 = parts.iter().map(|(_, b)| b).sum();
    let listed: Vec<String> = parts.iter().map(|(k, b)| format!("{k} {} KB", b.div_ceil(1024))).collect();
    println!("  download (gzip -9): {} = {} KB (goal: under 400 KB)", listed.join(" + "), total.div_ceil(1024));
    Ok(())
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
    use super::check_relative_urls;

    #[test]
    fn relative_asset_urls_pass_and_absolute_ones_fail() {
        let relative = r#"<link rel="modulepreload" href="./app-1.js"><script type="module">
            import init from './app-1.js'; init({ module_or_path: './app-1_bg.wasm' });</script>"#;
        assert!(check_relative_urls(relative).is_ok());
        let absolute = r#"<script type="module">import init from '/app-1.js';</script>"#;
        assert!(check_relative_urls(absolute).is_err());
    }
}
