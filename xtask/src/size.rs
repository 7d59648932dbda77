//! `cargo xtask size`: where the first download's bytes go (the lite module), by crate.
//!
//! It builds the page's wasm as `cargo xtask dist` does, but keeps the function names, so
//! twiggy can name every function; the names themselves are never shipped and are left out.
//! Sizes are before `wasm-opt` (which inlines across crates and loses the attribution); each
//! crate's share is also applied to the shipped module's gzipped size, as an estimate.

use std::collections::BTreeMap;

use crate::cmd::Ctx;
use crate::setup::WASM_TARGET;

/// The release wasm that cargo writes (before wasm-bindgen and wasm-opt).
const CARGO_WASM: &str = "target/wasm32-unknown-unknown/release/shardlab-web.wasm";
/// Where the profiled copies go.
const OUT_DIR: &str = "target/size";

pub(crate) fn run(ctx: &Ctx) -> Result<(), String> {
    // The first visit's module: the lite build (web/src/modules.rs), as index.html's first `rel="rust"` link builds it.
    ctx.run(ctx.command("cargo").args([
        "build",
        "--release",
        "--target",
        WASM_TARGET,
        "-p",
        "shardlab-web",
        "--bin",
        "shardlab-web",
        "--no-default-features",
    ]))?;
    // wasm-bindgen keeps the name section unless told otherwise; wasm-opt without `-g` drops it.
    ctx.run(ctx.command("wasm-bindgen").args([
        "--target",
        "web",
        "--no-typescript",
        "--out-dir",
        OUT_DIR,
        CARGO_WASM,
    ]))?;
    let named = format!("{OUT_DIR}/shardlab-web_bg.wasm");
    let shipped = format!("{OUT_DIR}/shipped.wasm");
    ctx.run(ctx.command("wasm-opt").args(["-Oz", &named, "-o", &shipped]))?;
    let shipped_gz = crate::trunk::gzipped_size(ctx, &ctx.root.join(&shipped))?;
    let csv = ctx
        .output(ctx.command("twiggy").args(["top", "-n", "100000000", "-f", "csv", &named]))
        .map_err(|err| format!("{err}\n(twiggy profiles the wasm: `cargo install twiggy --version 0.8.0`)"))?;
    let groups = by_crate(&csv)?;
    let total: u64 = groups.values().sum();
    let mut rows: Vec<(&String, &u64)> = groups.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!(
        "  the page's wasm: {} KB of code and data before wasm-opt (names left out); shipped after \
         wasm-opt -Oz: {} KB gzip -9",
        total.div_ceil(1024),
        shipped_gz.div_ceil(1024)
    );
    println!("  {:>10} {:>6} {:>12}  crate", "before opt", "share", "~gzipped");
    // Groups under half a percent are summed on one line.
    let (listed, small): (Vec<_>, Vec<_>) = rows.into_iter().partition(|(_, bytes)| **bytes * 200 >= total);
    let small_bytes: u64 = small.iter().map(|(_, bytes)| **bytes).sum();
    let small_name = format!("({} smaller groups)", small.len());
    for (name, bytes) in listed.into_iter().chain([(&small_name, &small_bytes)]) {
        let share = *bytes as f64 / total as f64;
        println!(
            "  {:>7} KB {:>5.1}% {:>9} KB  {name}",
            bytes.div_ceil(1024),
            share * 100.0,
            (share * shipped_gz as f64 / 1024.0).round()
        );
    }
    Ok(())
}

/// Sums twiggy's `Name,ShallowSize,…` rows by crate, leaving out the name and custom sections.
fn by_crate(csv: &str) -> Result<BTreeMap<String, u64>, String> {
    let mut groups = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let (name, rest) = split_name(line).ok_or_else(|| format!("cannot read twiggy's line: {line}"))?;
        let bytes: u64 = rest
            .split(',')
            .next()
            .and_then(|size| size.parse().ok())
            .ok_or_else(|| format!("cannot read a size in twiggy's line: {line}"))?;
        if let Some(group) = crate_of(&name) {
            *groups.entry(group).or_insert(0) += bytes;
        }
    }
    Ok(groups)
}

/// The first CSV field (quoted or not, `""` inside quotes) and the rest of the line.
fn split_name(line: &str) -> Option<(String, &str)> {
    let Some(quoted) = line.strip_prefix('"') else {
        let (name, rest) = line.split_once(',')?;
        return Some((name.to_string(), rest));
    };
    let mut name = String::new();
    let mut chars = quoted.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '"' {
            if chars.peek().map(|&(_, next)| next) == Some('"') {
                chars.next();
                name.push('"');
            } else {
                return Some((name, quoted[at + 1..].strip_prefix(',')?));
            }
        } else {
            name.push(c);
        }
    }
    None
}

/// The crate a twiggy item belongs to; `None` for what is not shipped (names, custom sections).
/// Generic `core`/`alloc` code made for one of our crates' types counts for that crate.
fn crate_of(name: &str) -> Option<String> {
    if name.starts_with("\"function names\"") || name.starts_with("custom section") {
        return None;
    }
    if name.starts_with("data segment") {
        return Some("(data: strings, tables, vtables)".to_string());
    }
    let bare = name.trim_start_matches(['<', '&', '*']);
    let bare = bare.strip_prefix("mut ").or_else(|| bare.strip_prefix("dyn ")).unwrap_or(bare);
    let bare = bare.strip_prefix("impl ").unwrap_or(bare);
    let first: String = bare.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let group = match first.as_str() {
        "" => "(other)".to_string(),
        "alloc" | "core" | "std" => {
            let owner = ["shardlab_", "yew", "serde_json"]
                .iter()
                .filter_map(|prefix| name.find(prefix).map(|at| (at, &name[at..])))
                .min_by_key(|(at, _)| *at)
                .map(|(_, from)| from.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect());
            owner.unwrap_or_else(|| "Rust core/alloc (generic code, any crate)".to_string())
        }
        // Primitive types' methods (`u64::fmt`, `str::…`) and wasm sections twiggy lists by kind.
        "T" | "A" | "D" | "F" | "I" | "str" | "f64" | "f32" | "u8" | "u16" | "u32" | "u64" | "u128" | "i32" | "i64"
        | "usize" | "char" | "bool" => "Rust core/alloc (generic code, any crate)".to_string(),
        "code" | "type" | "elem" | "table" | "memory" | "global" | "export" | "import" | "wasm" => {
            "(wasm tables, imports, exports)".to_string()
        }
        other => other.to_string(),
    };
    Some(group)
}

#[cfg(test)]
mod tests {
    use super::{by_crate, crate_of, split_name};

    #[test]
    fn items_are_grouped_by_their_crate_and_names_are_left_out() {
        assert_eq!(crate_of("\"function names\" subsection"), None);
        assert_eq!(crate_of("shardlab_engine::sim::Simulation::fire::h00").as_deref(), Some("shardlab_engine"));
        assert_eq!(crate_of("<yew::html::Html as core::clone::Clone>::clone::h00").as_deref(), Some("yew"));
        assert_eq!(
            crate_of("core::ptr::drop_in_place<shardlab_analytics::Application>::h00").as_deref(),
            Some("shardlab_analytics")
        );
        assert_eq!(
            crate_of("alloc::vec::Vec<T,A>::push::h00").as_deref(),
            Some("Rust core/alloc (generic code, any crate)")
        );
    }

    #[test]
    fn twiggy_csv_rows_are_summed() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"\"\"function names\"\" subsection\",900,30.0,,\n\
                   \"data segment \"\".rodata\"\"\",100,3.3,,\n\
                   shardlab_api::handle::h1,40,1.3,,\n\
                   \"<shardlab_api::X as core::fmt::Debug>::fmt::h2\",2,0.1,,\n";
        let groups = by_crate(csv).expect("valid CSV");
        assert_eq!(groups.get("shardlab_api"), Some(&42));
        assert_eq!(groups.get("(data: strings, tables, vtables)"), Some(&100));
        assert_eq!(groups.len(), 2);
        assert_eq!(split_name("\"a,\"\"b\"\"\",7,x"), Some(("a,\"b\"".to_string(), "7,x")));
    }
}
