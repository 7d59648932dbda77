//! What the page opens: a shared link (`#s=<version>.<data>`), a preset (`#preset=<id>`), the autosaved
//! work, or the first-minute scenario; and whether it is embedded (`?embed` or `#…&embed`). A bad link
//! is explained and never replaces the learner's saved work.

use shardlab_scenario::{LinkError, Scenario, decode_link, preset, preset_ids};

/// What the URL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlRequest {
    /// A link fragment (`s=1.…`) to open.
    pub link: Option<String>,
    /// A preset id to open.
    pub preset: Option<String>,
    /// A lesson to open beside the scenario (its starting scenario unless a link comes with it).
    pub lesson: Option<String>,
    /// The compact read-only player.
    pub embed: bool,
}

/// Reads `location.hash` and `location.search`.
pub fn parse_url(hash: &str, search: &str) -> UrlRequest {
    let mut request = UrlRequest::default();
    for part in hash.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
        if part.starts_with("s=") {
            request.link = Some(part.to_string());
        } else if let Some(id) = part.strip_prefix("preset=") {
            request.preset = Some(id.to_string());
        } else if let Some(id) = part.strip_prefix("lesson=") {
            request.lesson = Some(id.to_string());
        } else if part == "embed" || part == "embed=1" {
            request.embed = true;
        }
    }
    request.embed |= search.trim_start_matches('?').split('&').any(|p| p == "embed" || p == "embed=1");
    request
}

/// The scenario to open and, when the URL's could not be opened, why (shown to the learner as text).
pub fn choose(request: &UrlRequest, saved: Option<Result<Scenario, String>>) -> (Scenario, Option<String>) {
    let fallback = |notice: String, saved: Option<Result<Scenario, String>>| match saved {
        Some(Ok(scenario)) => (scenario, Some(format!("{notice} Your own work is open instead, unchanged."))),
        _ => (Scenario::default(), Some(format!("{notice} The first-minute scenario is open instead."))),
    };
    if let Some(link) = &request.link {
        return match decode_link(link) {
            Ok(scenario) => (scenario, None),
            Err(error) => fallback(link_notice(&error), saved),
        };
    }
    if let Some(id) = &request.preset {
        return match preset(id) {
            Some(p) => (p.scenario(), None),
            None => {
                fallback(format!("There is no preset \"{id}\"; the presets are {}.", preset_ids().join(", ")), saved)
            }
        };
    }
    match saved {
        Some(Ok(scenario)) => (scenario, None),
        Some(Err(why)) => (Scenario::default(), Some(why)),
        None => (Scenario::default(), None),
    }
}

fn link_notice(error: &LinkError) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    let sentence = chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default();
    format!("The link did not open: {sentence}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shardlab_scenario::encode_link;

    #[test]
    fn urls_name_a_link_a_preset_and_the_embed_mode() {
        let r = parse_url("#s=1.abc&embed", "");
        assert_eq!((r.link.as_deref(), r.embed), (Some("s=1.abc"), true));
        assert_eq!(parse_url("#preset=hot-key", "").preset.as_deref(), Some("hot-key"));
        let attempt = parse_url("#s=1.abc&lesson=hot-keys", "");
        assert_eq!((attempt.link.as_deref(), attempt.lesson.as_deref()), (Some("s=1.abc"), Some("hot-keys")));
        assert!(parse_url("", "?embed").embed);
        assert_eq!(parse_url("#", ""), UrlRequest::default());
    }

    #[test]
    fn a_good_link_opens_exactly() {
        let scenario = Scenario { seed: 7, ..Scenario::default() };
        let request = parse_url(&format!("#{}", encode_link(&scenario)), "");
        assert_eq!(choose(&request, None), (scenario, None));
    }

    #[test]
    fn a_cut_link_is_explained_and_saved_work_stays() {
        let link = encode_link(&Scenario::default());
        let cut = &link[..link.len() - 12];
        let mine = Scenario { name: "Mine".into(), ..Scenario::empty() };
        let (opened, notice) = choose(&parse_url(&format!("#{cut}"), ""), Some(Ok(mine.clone())));
        assert_eq!(opened, mine);
        let notice = notice.expect("a notice");
        assert!(notice.starts_with("The link did not open: This link is"), "{notice}");
        assert!(notice.ends_with("Your own work is open instead, unchanged."), "{notice}");
    }

    #[test]
    fn hostile_text_is_refused_as_text() {
        let (opened, notice) = choose(&parse_url("#s=1.<script>alert(1)</script>", ""), None);
        assert_eq!(opened, Scenario::default());
        assert!(notice.expect("a notice").contains("damaged"));
        let (_, notice) = choose(&parse_url("#s=99.AAAA", ""), None);
        assert!(notice.expect("a notice").contains("newer version"));
        let (_, notice) = choose(&parse_url("#preset=nope", ""), None);
        assert!(notice.expect("a notice").contains(r#"There is no preset "nope""#));
    }
}
