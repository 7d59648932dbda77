//! What the page opens: a shared link (`#s=<version>.<data>`), a preset (`#preset=<id>`), the autosaved
//! work, or the first-minute scenario; and whether it is embedded (`?embed` or `#…&embed`). A bad link
//! is explained and never replaces the learner's saved work.

use shardlab_scenario::{LinkError, Scenario, decode_current_link, decode_link, preset, preset_ids};

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
    /// `t=<seconds>`: run to this simulated time first (at most an hour; anything else is ignored).
    pub start_ms: Option<u64>,
    /// `speed=<multiple>`: one of the player's speeds (anything else is ignored).
    pub speed_tenths: Option<u32>,
    /// `autoplay`: start playing.
    pub autoplay: bool,
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
        } else if let Some(seconds) = part.strip_prefix("t=") {
            request.start_ms = seconds
                .parse::<u64>()
                .ok()
                .and_then(|s| s.checked_mul(1_000))
                .filter(|&ms| ms <= crate::embed::SEEK_MS_MAX);
        } else if let Some(speed) = part.strip_prefix("speed=") {
            request.speed_tenths = crate::format::decimal(speed).and_then(crate::embed::speed_tenths);
        } else if part == "autoplay" || part == "autoplay=1" {
            request.autoplay = true;
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
        // The lite module converts no older format (`crate::modules::Need::Link`), so leaves their code out.
        let decoded = if crate::modules::FULL { decode_link(link) } else { decode_current_link(link) };
        return match decoded {
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
    // The errors' texts are English and start with an ASCII letter: no Unicode case table is needed.
    let mut sentence = error.to_string();
    if let Some(first) = sentence.get_mut(..1) {
        first.make_ascii_uppercase();
    }
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
    fn an_embed_link_carries_its_start_time_speed_and_autoplay() {
        let r = parse_url("#s=3.abc&t=30&speed=2&autoplay", "?embed");
        assert_eq!((r.start_ms, r.speed_tenths, r.autoplay, r.embed), (Some(30_000), Some(20), true, true));
        // Out of range or malformed options are ignored, never an error.
        let bad = parse_url("#s=3.abc&t=-5&speed=3&t=99999999999999999999", "");
        assert_eq!((bad.start_ms, bad.speed_tenths, bad.autoplay), (None, None, false));
        assert_eq!(parse_url("#t=3601", "").start_ms, None, "an hour is the most");
        assert_eq!(parse_url("#speed=0.1", "").speed_tenths, Some(1));
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
