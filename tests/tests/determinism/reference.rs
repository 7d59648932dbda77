//! `docs/aws-behaviour.md` is the project's reference for AWS's rules: every limit the engine names is listed
//! there with its value and source, the page ships it and links to it, and no file of the project points at a
//! document outside the repository.

use std::path::{Path, PathBuf};

const LIMITS_RS: &str = include_str!("../../../crates/engine/src/limits.rs");
const VIDEO_RS: &str = include_str!("../../../crates/engine/src/video.rs");
const REFERENCE_MD: &str = include_str!("../../../docs/aws-behaviour.md");
const INDEX_HTML: &str = include_str!("../../../index.html");
const HELP_PANEL_RS: &str = include_str!("../../../web/src/components/help_panel.rs");

/// Directories that hold build output, dependencies or history, not the project's own files.
const SKIPPED_DIRS: [&str; 5] = [".git", "target", "node_modules", "dist", "pkg"];
/// The walk stops here; the repository has a few hundred files.
const FILES_MAX: usize = 20_000;

/// `(name, value)` of every `pub const NAME: TYPE = VALUE;` whose value is a number.
fn numeric_constants(source: &str) -> Vec<(&str, u64)> {
    source
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("pub const ")?;
            let (name, rest) = rest.split_once(':')?;
            let value = rest.split_once('=')?.1.trim().strip_suffix(';')?.replace('_', "");
            Some((name.trim(), value.parse().ok()?))
        })
        .collect()
}

/// Every number written in `text`, reading `1,048,576`, `1_048_576` and `1048576` alike.
fn numbers_in(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().collect();
    let mut numbers = Vec::new();
    let mut digits = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let separates_digits =
            (c == ',' || c == '_') && !digits.is_empty() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !separates_digits && !digits.is_empty() {
            numbers.extend(digits.parse::<u64>().ok());
            digits.clear();
        }
    }
    numbers.extend(digits.parse::<u64>().ok());
    numbers
}

#[test]
fn numbers_are_read_whatever_their_separators() {
    assert_eq!(numbers_in("1,048,576 B (1 MiB)"), vec![1_048_576, 1]);
    assert_eq!(numbers_in("| 1_000 records/s, 5 calls |"), vec![1_000, 5]);
    assert_eq!(numbers_in("24 to 8760, then 10"), vec![24, 8_760, 10]);
}

#[test]
fn every_limit_appears_in_the_reference_with_its_source() {
    let constants = numeric_constants(LIMITS_RS);
    // limits.rs names more than twenty limits; a parser that found none would pass vacuously.
    assert!(constants.len() >= 20, "found only {constants:?} in limits.rs");
    assert_listed(constants);
}

#[test]
fn every_video_limit_appears_in_the_reference_with_its_source() {
    let constants = numeric_constants(VIDEO_RS);
    // The Video Streams module names more than twenty limits and choices.
    assert!(constants.len() >= 20, "found only {constants:?} in video.rs");
    assert_listed(constants);
}

fn assert_listed(constants: Vec<(&str, u64)>) {
    let mut missing = Vec::new();
    for (name, value) in constants {
        let tag = format!("`{name}`");
        let listed = REFERENCE_MD.lines().any(|line| {
            let sourced = line.contains("https://") || line.contains("Shardlab's own bound");
            line.contains(&tag) && sourced && numbers_in(line).contains(&value)
        });
        if !listed {
            missing.push(format!("{name} = {value}"));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/aws-behaviour.md needs a line with each constant's name in backticks, its value and its source \
         (an https:// address, or \"Shardlab's own bound\"): {missing:?}"
    );
}

/// Every file below `dir` that is the project's own, at most `FILES_MAX`.
fn project_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if files.len() >= FILES_MAX {
            return;
        }
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !SKIPPED_DIRS.iter().any(|skipped| name == *skipped) {
                project_files(&path, files);
            }
        } else {
            files.push(path);
        }
    }
}

#[test]
fn no_file_points_at_a_document_outside_the_repository() {
    let root = workspace_root();
    let mut files = Vec::new();
    project_files(root, &mut files);
    assert!(files.len() < FILES_MAX, "the walk reached {FILES_MAX} files; is a build directory not skipped?");
    assert!(files.iter().any(|f| f.ends_with("docs/aws-behaviour.md")), "the walk must see the reference");
    // Spelled in pieces so that this file does not match itself.
    let outside = [["kinesis", "-facts"].concat(), ["../", "shared"].concat(), ["/work/", "shared"].concat()];
    let retired_name = ["facts", " sheet"].concat();
    let mut offenders = Vec::new();
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in outside.iter().chain([&retired_name]) {
            if text.contains(needle.as_str()) {
                offenders.push(format!("{} mentions {needle:?}", file.strip_prefix(root).unwrap_or(file).display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "cite docs/aws-behaviour.md (and its section) instead of a document outside the repository: {offenders:#?}"
    );
}

#[test]
fn the_page_ships_the_reference_and_its_help_panel_links_to_it() {
    // Trunk copies the file next to index.html in dist/, under its own name...
    assert!(
        INDEX_HTML.contains(r#"<link data-trunk rel="copy-file" href="docs/aws-behaviour.md" />"#),
        "index.html must copy docs/aws-behaviour.md into dist/"
    );
    // ...where the help panel's relative link finds it.
    assert!(
        HELP_PANEL_RS.contains(r#"pub const AWS_REFERENCE_HREF: &str = "aws-behaviour.md";"#),
        "the help panel must link to aws-behaviour.md beside the page"
    );
    assert!(HELP_PANEL_RS.contains("How Shardlab matches AWS"), "the link says what it opens");
}

/// The workspace root, where the reference's paths start.
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace root")
}

/// Every `` `path` `test_name`, `test_name` `` citation in the reference: (path, test names).
fn cited_tests(reference: &str) -> Vec<(&str, Vec<&str>)> {
    let mut cited = Vec::new();
    for line in reference.lines() {
        // Splitting on backticks leaves code spans at odd indexes and the text between them at even ones.
        let parts: Vec<&str> = line.split('`').collect();
        let mut i = 1;
        while i < parts.len() {
            let path = parts[i];
            let is_source = path.ends_with(".rs") && !path.contains(' ');
            let mut names = Vec::new();
            let mut j = i + 2;
            // A name follows its path after one space, further names after ", ".
            while is_source && j < parts.len() && matches!(parts[j - 1], " " | ", ") {
                let name = parts[j];
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                    break;
                }
                names.push(name);
                j += 2;
            }
            if names.is_empty() {
                i += 2;
            } else {
                cited.push((path, names));
                i = j;
            }
        }
    }
    cited
}

#[test]
fn citations_are_found_in_reference_lines() {
    let line =
        "| rule | KDS quotas | `crates/a.rs` | `crates/b.rs` `first_test`, `second_test`; `crates/c.rs` `third` |";
    assert_eq!(
        cited_tests(line),
        vec![("crates/b.rs", vec!["first_test", "second_test"]), ("crates/c.rs", vec!["third"])]
    );
}

#[test]
fn every_cited_test_exists_where_the_reference_says() {
    let cited = cited_tests(REFERENCE_MD);
    // The reference pins well over a hundred rules; a parser that found few would pass vacuously.
    assert!(cited.len() >= 100, "found only {} citations", cited.len());
    let mut missing = Vec::new();
    for (path, names) in cited {
        let Ok(source) = std::fs::read_to_string(workspace_root().join(path)) else {
            missing.push(format!("{path} (no such file)"));
            continue;
        };
        for name in names {
            let defined = source.match_indices(&format!("fn {name}(")).next().is_some();
            if !defined {
                missing.push(format!("{path}: fn {name}"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/aws-behaviour.md cites tests that are not there: {missing:#?}");
}
