//! The embedded player (`?embed`) and its host page: the embed snippet the Share panel offers, and the
//! versioned `postMessage` format (docs/embed.md) by which a host plays, pauses, seeks and sets the speed,
//! and the player reports its time and throttles. Plain Rust, tested natively; `embed_bridge` is the glue.
//!
//! A host message is untrusted: it is accepted only if it is a small JSON object of this protocol and
//! version, of a known type, with exactly that type's fields, each in range. Anything else is ignored.
//! Messages are flat objects of strings and numbers, so they are read and written here by hand: the lite
//! module, which plays embedded scenarios, carries no JSON library.

use crate::pacing::SPEEDS_TENTHS;
use crate::runner::Runner;

/// The `protocol` field of every message, both ways.
pub const PROTOCOL: &str = "shardlab-embed";
/// The version this player speaks; messages of other versions are ignored.
pub const VERSION: u64 = 1;
/// A host message longer than this (as JSON) is ignored unread.
pub const MESSAGE_CHARS_MAX: usize = 1_024;
/// The furthest a host may seek: one simulated hour, in ms (the Run to field's own bound is the same order).
pub const SEEK_MS_MAX: u64 = 3_600_000;

/// What a host page can ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostCommand {
    /// Start or resume the run.
    Play,
    /// Pause it.
    Pause,
    /// Move simulated time to `at_ms` (re-running from 0 when it is earlier than now).
    Seek {
        /// Simulated ms, 0 to [`SEEK_MS_MAX`].
        at_ms: u64,
    },
    /// Play at one of the player's speeds.
    SetSpeed {
        /// Tenths of real time, one of [`SPEEDS_TENTHS`].
        speed_tenths: u32,
    },
    /// Report the state now.
    GetState,
}

/// Reads a host message (its JSON text); `None` for anything that is not exactly a command of this version.
pub fn parse_host_message(text: &str) -> Option<HostCommand> {
    if text.len() > MESSAGE_CHARS_MAX {
        return None;
    }
    let fields = flat_object(text)?;
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, value)| value);
    if get("protocol")?.as_str()? != PROTOCOL || get("version")?.as_u64()? != VERSION {
        return None;
    }
    let only = |allowed: &[&str]| {
        fields
            .iter()
            .all(|(k, _)| ["protocol", "version", "type"].contains(&k.as_str()) || allowed.contains(&k.as_str()))
    };
    match get("type")?.as_str()? {
        "play" if only(&[]) => Some(HostCommand::Play),
        "pause" if only(&[]) => Some(HostCommand::Pause),
        "get-state" if only(&[]) => Some(HostCommand::GetState),
        "seek" if only(&["at_ms"]) => {
            let at_ms = get("at_ms")?.as_u64()?;
            (at_ms <= SEEK_MS_MAX).then_some(HostCommand::Seek { at_ms })
        }
        "set-speed" if only(&["speed"]) => {
            speed_tenths(get("speed")?.as_f64()?).map(|speed_tenths| HostCommand::SetSpeed { speed_tenths })
        }
        _ => None,
    }
}

/// A field's value in a host message: the JSON scalars.
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Text(String),
    /// A number written as a whole number from 0 to `u64::MAX`, without a fraction or an exponent.
    Whole(u64),
    /// Any other number.
    Number(f64),
    /// `true`, `false` or `null`.
    Word,
}

impl Scalar {
    fn as_str(&self) -> Option<&str> {
        if let Self::Text(text) = self { Some(text) } else { None }
    }

    fn as_u64(&self) -> Option<u64> {
        if let Self::Whole(n) = self { Some(*n) } else { None }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Whole(n) => Some(*n as f64),
            Self::Number(x) => Some(*x),
            _ => None,
        }
    }
}

/// The fields of `text` if it is one JSON object whose values are all scalars, each key once; `None` for
/// anything else (no message field holds an array or an object).
fn flat_object(text: &str) -> Option<Vec<(String, Scalar)>> {
    let mut reader = Reader { bytes: text.as_bytes(), at: 0 };
    reader.expect(b'{')?;
    let mut fields: Vec<(String, Scalar)> = Vec::new();
    if reader.peek()? == b'}' {
        reader.at += 1;
    } else {
        loop {
            let key = reader.string()?;
            reader.expect(b':')?;
            let value = reader.scalar()?;
            if fields.iter().any(|(k, _)| *k == key) {
                return None;
            }
            fields.push((key, value));
            match reader.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    reader.peek().is_none().then_some(fields)
}

/// Reads JSON text from the start, skipping white space between tokens.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// The next byte that is not white space, left unread.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn scalar(&mut self) -> Option<Scalar> {
        match self.peek()? {
            b'"' => self.string().map(Scalar::Text),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let rest = &self.bytes[self.at..];
                let word = [&b"true"[..], b"false", b"null"].into_iter().find(|w| rest.starts_with(w))?;
                self.at += word.len();
                Some(Scalar::Word)
            }
        }
    }

    /// A number as JSON writes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<Scalar> {
        let start = self.at;
        let digits = |reader: &mut Self| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at - from
        };
        let negative = self.bytes[self.at] == b'-';
        self.at += usize::from(negative);
        let whole_start = self.at;
        let whole = digits(self);
        if whole == 0 || (whole > 1 && self.bytes[whole_start] == b'0') {
            return None;
        }
        let mut plain = !negative;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            plain = false;
            if digits(self) == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            plain = false;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        // Only ASCII digits, signs, `.` and `e` were read, so this is text.
        let token = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        match token.parse::<u64>() {
            Ok(n) if plain => Some(Scalar::Whole(n)),
            _ => crate::format::decimal(token).map(Scalar::Number),
        }
    }

    /// A string, its escapes undone.
    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let rest = std::str::from_utf8(&self.bytes[self.at..]).ok()?;
            let mut chars = rest.char_indices();
            let (i, c) = chars.next()?;
            self.at += i + c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let escape = *self.bytes.get(self.at)?;
                    self.at += 1;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                c if u32::from(c) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    /// The character of a `\uXXXX` escape (a surrogate pair takes two), after its `\u`.
    fn unicode_escape(&mut self) -> Option<char> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high);
        }
        if self.bytes.get(self.at..self.at + 2)? != b"\\u" {
            return None;
        }
        self.at += 2;
        let low = self.hex4()?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
        self.at += 4;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }
}

/// A speed as a multiple of real time (`0.1`, `2`, `1000`) in tenths, if it is one the player offers.
pub fn speed_tenths(speed: f64) -> Option<u32> {
    SPEEDS_TENTHS.into_iter().find(|&tenths| (f64::from(tenths) / 10.0 - speed).abs() < 1e-9)
}

/// What the player reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlayerState {
    /// Simulated ms.
    pub time_ms: u64,
    /// Whether it is playing (or seeking).
    pub playing: bool,
    /// Tenths of real time.
    pub speed_tenths: u32,
    /// Records refused by write limits in the last complete second, over every shard.
    pub write_throttled_per_sec: u64,
    /// GetRecords calls refused by read limits in the last complete second, over every shard.
    pub read_throttled_per_sec: u64,
    /// Shards with refused writes or reads in the last complete second.
    pub throttled_shards: Vec<String>,
}

impl PlayerState {
    /// The state of `runner` (none when the pipeline cannot run).
    pub fn of(runner: Option<&Runner>, playing: bool, speed_tenths: u32) -> Self {
        let mut state = Self { playing, speed_tenths, ..Self::default() };
        let Some(runner) = runner else { return state };
        state.time_ms = runner.sim().now().as_millis();
        for stream in runner.sim().kinesis().streams() {
            for shard in runner.shard_views_of(Some(stream)) {
                state.write_throttled_per_sec += shard.throttled_per_sec;
                state.read_throttled_per_sec += shard.read_throttled_per_sec;
                if shard.throttled_per_sec > 0 || shard.read_throttled_per_sec > 0 {
                    state.throttled_shards.push(shard.shard_id);
                }
            }
        }
        state
    }

    /// The `state` message (JSON text), its fields in the order docs/embed.md lists them.
    pub fn message(&self) -> String {
        let (whole, tenths) = (self.speed_tenths / 10, self.speed_tenths % 10);
        let speed = if tenths == 0 { whole.to_string() } else { format!("{whole}.{tenths}") };
        let shards: Vec<String> = self.throttled_shards.iter().map(|shard| json_string(shard)).collect();
        format!(
            "{{\"protocol\":{},\"version\":{VERSION},\"type\":\"state\",\"time_ms\":{},\"playing\":{},\"speed\":{speed},\
             \"throttles\":{{\"write_records_per_sec\":{},\"read_calls_per_sec\":{},\"shards\":[{}]}}}}",
            json_string(PROTOCOL),
            self.time_ms,
            self.playing,
            self.write_throttled_per_sec,
            self.read_throttled_per_sec,
            shards.join(",")
        )
    }
}

/// How the embedded player starts: the Share panel's options, read back from its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    /// Frame width and height in CSS pixels.
    pub width_px: u32,
    /// Frame height in CSS pixels.
    pub height_px: u32,
    /// Starts playing on load.
    pub autoplay: bool,
    /// Runs to this simulated second first.
    pub start_s: u64,
    /// Tenths of real time.
    pub speed_tenths: u32,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        Self {
            width_px: 720,
            height_px: 480,
            autoplay: false,
            start_s: 0,
            speed_tenths: crate::pacing::SPEED_DEFAULT_TENTHS,
        }
    }
}

/// Frame sizes the snippet allows, in CSS pixels.
pub const FRAME_PX_MIN: u32 = 240;
/// See [`FRAME_PX_MIN`].
pub const FRAME_PX_MAX: u32 = 2_000;

/// The `<iframe>` to paste into a page for the scenario at `link` (a share link: `page#s=…`), titled `title`.
pub fn embed_snippet(link: &str, title: &str, options: &EmbedOptions) -> String {
    let (page, fragment) = link.split_once('#').unwrap_or((link, ""));
    let page = page.trim_end_matches("?embed");
    let separator = if page.contains('?') { '&' } else { '?' };
    let mut src = format!("{page}{separator}embed#{fragment}");
    if options.start_s > 0 {
        src.push_str(&format!("&t={}", options.start_s));
    }
    if options.speed_tenths != crate::pacing::SPEED_DEFAULT_TENTHS {
        src.push_str(&format!("&speed={}", crate::pacing::speed_label(options.speed_tenths).trim_end_matches('×')));
    }
    if options.autoplay {
        src.push_str("&autoplay");
    }
    let width = options.width_px.clamp(FRAME_PX_MIN, FRAME_PX_MAX);
    let height = options.height_px.clamp(FRAME_PX_MIN, FRAME_PX_MAX);
    format!(
        r#"<iframe src="{}" width="{width}" height="{height}" title="{}" loading="lazy" style="border:0"></iframe>"#,
        attribute(&src),
        attribute(&format!("Shardlab: {title}"))
    )
}

/// `text` as a JSON string.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn message(body: &str) -> String {
        format!(r#"{{"protocol":"shardlab-embed","version":1,{body}}}"#)
    }

    #[test]
    fn commands_of_version_1_are_read() {
        assert_eq!(parse_host_message(&message(r#""type":"play""#)), Some(HostCommand::Play));
        assert_eq!(parse_host_message(&message(r#""type":"pause""#)), Some(HostCommand::Pause));
        assert_eq!(parse_host_message(&message(r#""type":"get-state""#)), Some(HostCommand::GetState));
        assert_eq!(
            parse_host_message(&message(r#""type":"seek","at_ms":30000"#)),
            Some(HostCommand::Seek { at_ms: 30_000 })
        );
        assert_eq!(
            parse_host_message(&message(r#""type":"set-speed","speed":0.1"#)),
            Some(HostCommand::SetSpeed { speed_tenths: 1 })
        );
        assert_eq!(
            parse_host_message(&message(r#""type":"set-speed","speed":1000"#)),
            Some(HostCommand::SetSpeed { speed_tenths: 10_000 })
        );
    }

    #[test]
    fn json_spellings_of_the_same_message_are_read_alike() {
        let spaced =
            " { \"protocol\" : \"shardlab-embed\" ,\n\t\"version\" : 1 , \"type\" : \"seek\" , \"at_ms\" : 0 } ";
        assert_eq!(parse_host_message(spaced), Some(HostCommand::Seek { at_ms: 0 }));
        let escaped = r#"{"protocol":"shardlab\u002dembed","version":1,"type":"p\u006cay"}"#;
        assert_eq!(parse_host_message(escaped), Some(HostCommand::Play));
        assert_eq!(
            parse_host_message(&message(r#""type":"set-speed","speed":2e0"#)),
            Some(HostCommand::SetSpeed { speed_tenths: 20 })
        );
    }

    #[test]
    fn anything_else_is_ignored() {
        let ignored = [
            String::from("not json"),
            String::from(r#"["play"]"#),
            String::from(r#"{"type":"play"}"#),
            r#"{"protocol":"shardlab-embed","version":2,"type":"play"}"#.into(),
            r#"{"protocol":"shardlab-embed","version":"1","type":"play"}"#.into(),
            r#"{"protocol":"other","version":1,"type":"play"}"#.into(),
            message(r#""type":"eval","code":"alert(1)""#),
            message(r#""type":"play","html":"<img src=x onerror=alert(1)>""#),
            message(r#""type":"seek""#),
            message(r#""type":"seek","at_ms":-1"#),
            message(r#""type":"seek","at_ms":1.5"#),
            message(r#""type":"seek","at_ms":3600001"#),
            message(r#""type":"seek","at_ms":"30000""#),
            message(r#""type":"set-speed","speed":3"#),
            message(r#""type":"set-speed","speed":1e308"#),
            message(r#""type":"set-speed","speed":"2""#),
            message(r#""type":"seek","at_ms":[30000]"#),
            message(r#""type":"seek","at_ms":{"n":1}"#),
            message(r#""type":"seek","at_ms":030000"#),
            message(r#""type":"seek","at_ms":3e4"#),
            message(r#""type":"play","type":"pause""#),
            message(r#""type":"play","#),
            message(r#""type":"play""#) + "x",
            message(r#""type":"pl\qay""#),
            message(r#""type":"pl\ud800ay""#),
            String::from(r#"{"protocol":"shardlab-embed","version":1,"type":"play""#),
            String::from("{}"),
            String::new(),
            message(&format!(r#""type":"play","pad":"{}""#, "x".repeat(MESSAGE_CHARS_MAX))),
        ];
        for text in &ignored {
            assert_eq!(parse_host_message(text), None, "{text}");
        }
    }

    #[test]
    fn the_state_message_has_the_documented_fields() {
        let state = PlayerState {
            time_ms: 12_000,
            playing: true,
            speed_tenths: 20,
            write_throttled_per_sec: 1_000,
            read_throttled_per_sec: 0,
            throttled_shards: vec!["shardId-000000000001".into()],
        };
        let value: Value = serde_json::from_str(&state.message()).expect("JSON");
        assert_eq!(
            value,
            json!({"protocol": "shardlab-embed", "version": 1, "type": "state", "time_ms": 12000, "playing": true,
                "speed": 2, "throttles": {"write_records_per_sec": 1000, "read_calls_per_sec": 0,
                "shards": ["shardId-000000000001"]}})
        );
        // A tenth of real time, and a shard name that needs escaping, are still JSON.
        let slow = PlayerState { speed_tenths: 1, throttled_shards: vec!["a\"b\\c\n".into()], ..state };
        let value: Value = serde_json::from_str(&slow.message()).expect("JSON");
        assert_eq!(value["speed"], json!(0.1));
        assert_eq!(value["throttles"]["shards"], json!(["a\"b\\c\n"]));
    }

    #[test]
    fn the_snippet_carries_the_options_and_escapes_the_title() {
        let options = EmbedOptions { width_px: 640, height_px: 360, autoplay: true, start_s: 30, speed_tenths: 20 };
        let snippet = embed_snippet("https://example.org/lab/#s=3.abc", r#"Hot "keys" <b>"#, &options);
        assert_eq!(
            snippet,
            r#"<iframe src="https://example.org/lab/?embed#s=3.abc&amp;t=30&amp;speed=2&amp;autoplay" width="640" height="360" title="Shardlab: Hot &quot;keys&quot; &lt;b&gt;" loading="lazy" style="border:0"></iframe>"#
        );
        let plain = embed_snippet(
            "https://example.org/?x=1#s=3.abc",
            "A",
            &EmbedOptions { width_px: 5, ..EmbedOptions::default() },
        );
        assert!(
            plain.starts_with(r#"<iframe src="https://example.org/?x=1&amp;embed#s=3.abc" width="240" height="480""#),
            "{plain}"
        );
    }
}
