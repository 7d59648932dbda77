//! Lists the lesson files in `content/`: an author adds a lesson by adding a file, nothing else.
//! Writes `lesson_files.rs` (into OUT_DIR) with every file name and, with the `embedded` feature, their text.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let content = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut names: Vec<String> = fs::read_dir(&content)
        .expect("crates/lessons/content/ is readable")
        .map(|entry| entry.expect("a content entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    let mut out = String::from("/// Every lesson file in `content/`, by file name, in file-name order.\n");
    out.push_str("pub const LESSON_FILE_NAMES: &[&str] = &[\n");
    for name in &names {
        writeln!(out, "    {name:?},").expect("writing to a String");
    }
    out.push_str("];\n\n/// The lesson files, embedded: (file name, text).\n#[cfg(feature = \"embedded\")]\n");
    out.push_str("pub const LESSON_FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = content.join(name);
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lesson_files.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
