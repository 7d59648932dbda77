//! The learner's saved scenarios: a list kept in the browser's localStorage, with rename, duplicate, delete
//! and undo of the last delete. Pure data here (tested natively); `storage` reads and writes it.
//!
//! The stored form ([`Library::to_text`]) is one line per entry, `id TAB saved_unix_ms TAB name TAB scenario`,
//! newest first, with `\`, tab, newline and carriage return in a field written `\\`, `\t`, `\n`, `\r`; the
//! scenario is its share link (`s=…`), which both modules read. The older form (JSON, each scenario as a file
//! would hold it) is read by the full module only ([`Library::from_json`]), which rewrites it.

use crate::modules::FULL;
use shardlab_scenario::{FORMAT_VERSION, Scenario};

/// Longest name a saved scenario may have.
pub const NAME_CHARS_MAX: usize = 200;

/// The name the learner's own scenario is kept under when a link or a preset replaces it: "<name> (autosaved)",
/// cut to [`NAME_CHARS_MAX`] so that a long name is still kept.
pub fn autosaved_name(name: &str) -> String {
    suffixed(name, " (autosaved)")
}

/// `name` followed by `suffix`, cut to [`NAME_CHARS_MAX`] characters.
fn suffixed(name: &str, suffix: &str) -> String {
    name.chars().chain(suffix.chars()).take(NAME_CHARS_MAX).collect()
}

/// One saved scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Unique within the library.
    pub id: u64,
    /// Its name in the list.
    pub name: String,
    /// When it was saved, wall-clock ms since the Unix epoch.
    pub saved_unix_ms: u64,
    /// The scenario as a share link (`s=…`). An entry of the older JSON form whose scenario did not open keeps
    /// that JSON text here as it was, so nothing is lost; opening it says why it does not open.
    pub scenario: String,
}

impl Entry {
    /// Whether the lite module reads this entry: a share link of the current format.
    pub fn is_current(&self) -> bool {
        link_format(&self.scenario) == Some(FORMAT_VERSION)
    }
}

/// The format of a share link (`s=<format>.…`), if `text` is one.
pub fn link_format(text: &str) -> Option<u32> {
    let (format, _) = text.strip_prefix("s=")?.split_once('.')?;
    format.parse().ok()
}

/// The saved scenarios, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Library {
    /// The entries.
    pub entries: Vec<Entry>,
    /// The last deleted entry and where it was, for undo (not stored).
    deleted: Option<(usize, Entry)>,
}

/// The older stored form of the library (JSON), read by the full module only.
#[derive(serde::Deserialize)]
struct OlderLibrary {
    entries: Vec<OlderEntry>,
}

#[derive(serde::Deserialize)]
struct OlderEntry {
    id: u64,
    name: String,
    saved_unix_ms: u64,
    scenario_json: String,
}

impl Library {
    /// The library stored as `text` ([`Self::to_text`]), or what is wrong with it.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let damaged = |line: usize, why: &str| format!("the saved scenario list is damaged (line {}: {why})", line + 1);
        let mut entries = Vec::new();
        for (line, fields) in text.lines().enumerate() {
            let fields: Vec<&str> = fields.split('\t').collect();
            let [id, saved, name, scenario] = fields[..] else {
                return Err(damaged(line, "it does not have four fields"));
            };
            entries.push(Entry {
                id: id.parse().map_err(|_| damaged(line, "its id is not a number"))?,
                saved_unix_ms: saved.parse().map_err(|_| damaged(line, "its time is not a number"))?,
                name: unescape(name).ok_or_else(|| damaged(line, "its name has a broken escape"))?,
                scenario: unescape(scenario).ok_or_else(|| damaged(line, "its scenario has a broken escape"))?,
            });
        }
        Ok(Self { entries, deleted: None })
    }

    /// The library as stored.
    pub fn to_text(&self) -> String {
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| format!("{}\t{}\t{}\t{}", e.id, e.saved_unix_ms, escape(&e.name), escape(&e.scenario)))
            .collect();
        lines.join("\n")
    }

    /// The library in its older stored form (JSON), each scenario rewritten as a share link; a scenario that
    /// does not open is kept as its JSON text. The full module only (`None` in the lite one).
    pub fn from_json(text: &str) -> Option<Result<Self, String>> {
        if !FULL {
            return None;
        }
        let older: OlderLibrary = match serde_json::from_str(text) {
            Ok(older) => older,
            Err(e) => return Some(Err(format!("the saved scenario list is damaged ({e})"))),
        };
        let entries = older
            .entries
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                name: e.name,
                saved_unix_ms: e.saved_unix_ms,
                scenario: Scenario::from_json(&e.scenario_json)
                    .map_or(e.scenario_json, |scenario| shardlab_scenario::encode_link(&scenario)),
            })
            .collect();
        Some(Ok(Self { entries, deleted: None }))
    }

    /// Whether an entry holds a link of an older format, which only the full module opens: the lite page hands
    /// such a library over, and the full module [`Self::upgrade`]s it.
    pub fn has_older_links(&self) -> bool {
        self.entries.iter().any(|e| link_format(&e.scenario).is_some_and(|format| format != FORMAT_VERSION))
    }

    /// Rewrites each entry whose link is of an older format as a current link (the full module only, which
    /// reads them); returns whether any changed.
    pub fn upgrade(&mut self) -> bool {
        let mut changed = false;
        for entry in self.entries.iter_mut().filter(|e| FULL && link_format(&e.scenario).is_some() && !e.is_current()) {
            if let Ok(scenario) = shardlab_scenario::decode_link(&entry.scenario) {
                entry.scenario = shardlab_scenario::encode_link(&scenario);
                changed = true;
            }
        }
        changed
    }

    fn next_id(&self) -> u64 {
        self.entries.iter().map(|e| e.id + 1).max().unwrap_or(1)
    }

    /// Saves `scenario` under `name` at the top of the list; returns its id.
    pub fn save(&mut self, name: &str, scenario: &Scenario, now_unix_ms: u64) -> Result<u64, String> {
        let name = check_name(name)?;
        let id = self.next_id();
        self.entries.insert(
            0,
            Entry { id, name, saved_unix_ms: now_unix_ms, scenario: shardlab_scenario::encode_link(scenario) },
        );
        Ok(id)
    }

    /// The entry with this id.
    pub fn entry(&self, id: u64) -> Result<&Entry, String> {
        self.entries.iter().find(|e| e.id == id).ok_or_else(|| format!("there is no saved scenario {id}"))
    }

    /// Renames an entry.
    pub fn rename(&mut self, id: u64, name: &str) -> Result<(), String> {
        let name = check_name(name)?;
        let entry =
            self.entries.iter_mut().find(|e| e.id == id).ok_or_else(|| format!("there is no saved scenario {id}"))?;
        entry.name = name;
        Ok(())
    }

    /// Copies an entry as "<name> (copy)" right above it; returns the copy's id.
    pub fn duplicate(&mut self, id: u64, now_unix_ms: u64) -> Result<u64, String> {
        let index =
            self.entries.iter().position(|e| e.id == id).ok_or_else(|| format!("there is no saved scenario {id}"))?;
        let copy_id = self.next_id();
        let original = &self.entries[index];
        let name = suffixed(&original.name, " (copy)");
        let copy = Entry { id: copy_id, name, saved_unix_ms: now_unix_ms, scenario: original.scenario.clone() };
        self.entries.insert(index, copy);
        Ok(copy_id)
    }

    /// Deletes an entry (undo with [`Self::undo_delete`]); returns its name.
    pub fn delete(&mut self, id: u64) -> Result<String, String> {
        let index =
            self.entries.iter().position(|e| e.id == id).ok_or_else(|| format!("there is no saved scenario {id}"))?;
        let entry = self.entries.remove(index);
        let name = entry.name.clone();
        self.deleted = Some((index, entry));
        Ok(name)
    }

    /// The name of the entry [`Self::undo_delete`] would bring back.
    pub fn deleted_name(&self) -> Option<&str> {
        self.deleted.as_ref().map(|(_, e)| e.name.as_str())
    }

    /// Brings the last deleted entry back where it was; returns its name.
    pub fn undo_delete(&mut self) -> Option<String> {
        let (index, entry) = self.deleted.take()?;
        let name = entry.name.clone();
        self.entries.insert(index.min(self.entries.len()), entry);
        Some(name)
    }

    /// The scenario an entry holds, checked as a link or a file would be.
    pub fn scenario(&self, id: u64) -> Result<Scenario, String> {
        let stored = &self.entry(id)?.scenario;
        if link_format(stored).is_none() {
            // Kept from the older JSON form because it did not open (the full module says why).
            return if FULL {
                Scenario::from_json(stored).map_err(|e| e.to_string())
            } else {
                Err("this saved scenario is kept in the older file form because it did not open".into())
            };
        }
        let opened =
            if FULL { shardlab_scenario::decode_link(stored) } else { shardlab_scenario::decode_current_link(stored) };
        opened.map_err(|e| e.to_string())
    }
}

/// `text` with `\`, tab, newline and carriage return escaped, so it fits one field of one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] undone; `None` for an escape it does not write.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => match chars.next()? {
                '\\' => '\\',
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                _ => return None,
            },
            c => c,
        });
    }
    Some(out)
}

fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("a saved scenario needs a name".into()),
        n if n > NAME_CHARS_MAX => Err(format!("a name has at most {NAME_CHARS_MAX} characters; this one has {n}")),
        _ => Ok(name.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_still_kept_as_autosaved() {
        let scenario = Scenario::default();
        let long = "n".repeat(NAME_CHARS_MAX);
        let name = autosaved_name(&long);
        assert_eq!(name.chars().count(), NAME_CHARS_MAX, "200 characters, the most a name has");
        let mut library = Library::default();
        assert!(library.save(&name, &scenario, 1).is_ok());
        assert_eq!(autosaved_name("orders"), "orders (autosaved)");
    }

    #[test]
    fn save_rename_duplicate_delete_and_undo() {
        let mut library = Library::default();
        let first = library.save("First", &Scenario::default(), 1_000).expect("saved");
        let second = library.save("  Second  ", &Scenario::empty(), 2_000).expect("saved");
        assert_eq!(library.entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["Second", "First"]);
        library.rename(first, "Hot shard").expect("renamed");
        assert_eq!(library.rename(first, "   ").expect_err("empty"), "a saved scenario needs a name");
        assert!(library.rename(99, "x").is_err());
        let copy = library.duplicate(first, 3_000).expect("copied");
        assert_eq!(library.entry(copy).map(|e| e.name.as_str()), Ok("Hot shard (copy)"));
        assert_eq!(library.scenario(copy), Ok(Scenario::default()));
        assert_eq!(library.delete(second), Ok("Second".into()));
        assert_eq!(library.entries.len(), 2);
        assert_eq!(library.undo_delete().as_deref(), Some("Second"));
        assert_eq!(library.entries[0].id, second, "back where it was");
        assert_eq!(library.undo_delete(), None, "one undo per delete");
    }

    #[test]
    fn the_stored_form_round_trips_and_damage_is_reported() {
        let mut library = Library::default();
        library.save("Mine", &Scenario::default(), 5).expect("saved");
        library.save("Tabs\tnew\nlines \\ and\r returns", &Scenario::empty(), 6).expect("saved");
        let text = library.to_text();
        assert_eq!(text.lines().count(), 2, "one line per entry: {text}");
        assert_eq!(Library::from_text(&text), Ok(library.clone()));
        assert_eq!(library.scenario(library.entries[0].id), Ok(Scenario::empty()));
        assert_eq!(Library::from_text(""), Ok(Library::default()));
        for (damaged, why) in [
            ("7", "line 1: it does not have four fields"),
            ("x\t5\tMine\ts=5.abc", "line 1: its id is not a number"),
            ("1\t5\tMine\ts=5.abc\n2\t-1\tOther\ts=5.abc", "line 2: its time is not a number"),
            ("1\t5\tMi\\ne\\q\ts=5.abc", "line 1: its name has a broken escape"),
        ] {
            let error = Library::from_text(damaged).expect_err(damaged);
            assert_eq!(error, format!("the saved scenario list is damaged ({why})"));
        }
        let long = "x".repeat(NAME_CHARS_MAX + 1);
        assert!(library.save(&long, &Scenario::default(), 6).is_err());
    }

    #[test]
    fn the_older_json_form_is_read_and_rewritten_as_links() {
        let older = format!(
            r#"{{"entries":[{{"id":3,"name":"Hot \"shard\"","saved_unix_ms":9,"scenario_json":{}}},
                {{"id":1,"name":"Broken","saved_unix_ms":8,"scenario_json":"{{\"format_version\": 99}}"}}]}}"#,
            serde_json::to_string(&Scenario::default().to_json()).expect("a string")
        );
        let library = Library::from_json(&older).expect("the full module reads it").expect("intact");
        assert_eq!(library.entries.len(), 2);
        let first = &library.entries[0];
        assert_eq!((first.id, first.name.as_str(), first.saved_unix_ms), (3, "Hot \"shard\"", 9));
        assert!(first.is_current(), "{}", first.scenario);
        assert_eq!(library.scenario(3), Ok(Scenario::default()));
        // What did not open is kept as it was, and says why when opened.
        assert_eq!(library.entries[1].scenario, "{\"format_version\": 99}");
        assert!(library.scenario(1).expect_err("newer format").contains("newer version"));
        assert!(!library.has_older_links());
        assert_eq!(Library::from_text(&library.to_text()), Ok(library.clone()), "the new form keeps it all");
        let damaged = Library::from_json("{\"entries\": 7}").expect("read").expect_err("not a list");
        assert!(damaged.starts_with("the saved scenario list is damaged"), "{damaged}");
    }

    #[test]
    fn an_older_link_in_the_library_is_upgraded_by_the_full_module() {
        // The scenario crate's format 4 fixtures: a link and the file of the same scenario.
        let v4_link = include_str!("../../crates/scenario/tests/fixtures/v4.link").trim();
        let v4_file = Scenario::from_json(include_str!("../../crates/scenario/tests/fixtures/v4.json"))
            .expect("the fixture opens");
        let mut library = Library::default();
        library.save("Now", &Scenario::default(), 5).expect("saved");
        assert!(!library.has_older_links());
        library.entries.push(Entry { id: 7, name: "Then".into(), saved_unix_ms: 1, scenario: v4_link.into() });
        assert!(library.has_older_links());
        assert!(library.upgrade(), "the format 4 link is rewritten");
        assert!(!library.has_older_links() && library.entries.iter().all(Entry::is_current));
        // The same scenario, now stamped with this engine's version as every link written today is.
        let upgraded = library.scenario(7).expect("opens");
        assert_eq!(
            Scenario { engine_version: String::new(), ..upgraded },
            Scenario { engine_version: String::new(), ..v4_file }
        );
        assert!(!library.upgrade(), "nothing left to rewrite");
    }

    #[test]
    fn an_entry_with_a_broken_scenario_says_so_instead_of_opening() {
        let mut library = Library::default();
        let id = library.save("Broken", &Scenario::default(), 5).expect("saved");
        library.entries[0].scenario = "s=99.abc".into();
        let error = library.scenario(id).expect_err("newer format");
        assert!(error.contains("newer"), "{error}");
    }
}
