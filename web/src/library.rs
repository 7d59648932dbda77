//! The learner's saved scenarios: a list kept in the browser's localStorage as JSON, with rename,
//! duplicate, delete and undo of the last delete. Pure data here (tested natively); `storage` reads and
//! writes it.

use serde::{Deserialize, Serialize};
use shardlab_scenario::Scenario;

/// Longest name a saved scenario may have.
pub const NAME_CHARS_MAX: usize = 200;

/// One saved scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Unique within the library.
    pub id: u64,
    /// Its name in the list.
    pub name: String,
    /// When it was saved, wall-clock ms since the Unix epoch.
    pub saved_unix_ms: u64,
    /// The scenario as a JSON file would hold it.
    pub scenario_json: String,
}

/// The saved scenarios, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// The entries.
    pub entries: Vec<Entry>,
    /// The last deleted entry and where it was, for undo (not stored).
    #[serde(skip)]
    deleted: Option<(usize, Entry)>,
}

impl Library {
    /// The library stored as `text`, or what is wrong with it.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("the saved scenario list is damaged ({e})"))
    }

    /// The library as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn next_id(&self) -> u64 {
        self.entries.iter().map(|e| e.id + 1).max().unwrap_or(1)
    }

    /// Saves `scenario` under `name` at the top of the list; returns its id.
    pub fn save(&mut self, name: &str, scenario: &Scenario, now_unix_ms: u64) -> Result<u64, String> {
        let name = check_name(name)?;
        let id = self.next_id();
        self.entries.insert(0, Entry { id, name, saved_unix_ms: now_unix_ms, scenario_json: scenario.to_json() });
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
        let name: String = format!("{} (copy)", original.name).chars().take(NAME_CHARS_MAX).collect();
        let copy =
            Entry { id: copy_id, name, saved_unix_ms: now_unix_ms, scenario_json: original.scenario_json.clone() };
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

    /// The scenario an entry holds, checked as a file would be.
    pub fn scenario(&self, id: u64) -> Result<Scenario, String> {
        Scenario::from_json(&self.entry(id)?.scenario_json).map_err(|e| e.to_string())
    }
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
        assert_eq!(Library::from_json(&library.to_json()), Ok(library.clone()));
        let damaged = Library::from_json("{\"entries\": 7}").expect_err("not a list");
        assert!(damaged.starts_with("the saved scenario list is damaged"), "{damaged}");
        let long = "x".repeat(NAME_CHARS_MAX + 1);
        assert!(library.save(&long, &Scenario::default(), 6).is_err());
    }

    #[test]
    fn an_entry_with_a_broken_scenario_says_so_instead_of_opening() {
        let mut library = Library::default();
        let id = library.save("Broken", &Scenario::default(), 5).expect("saved");
        library.entries[0].scenario_json = "{\"format_version\": 99}".into();
        let error = library.scenario(id).expect_err("newer format");
        assert!(error.contains("newer version"), "{error}");
    }
}
