//! Share links and scenario files.
//!
//! A link's fragment is `s=<format version>.<payload>`, where the payload is base64url (no padding) of raw
//! deflate of the scenario's postcard encoding. A JSON file carries its version in `format_version`.
//! Each released format version keeps its own decode path in [`decode_versioned`] (formats 1 and 2 through the
//! frozen types of `v1.rs` and `v2.rs`), so old links and files open forever.

use crate::{FORMAT_VERSION, Problem, Scenario};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, NO_PAD, URL_SAFE_NO_PAD};

/// Decodes links, ignoring the unused bits of a last character: a link cut mid-character then fails as
/// cut short (its compressed data ends early) rather than as damaged.
const LINK_DECODER: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, NO_PAD.with_decode_allow_trailing_bits(true));
use core::fmt;
use miniz_oxide::inflate::TINFLStatus;

/// Longest link text read; anything longer is refused before decoding (Chrome's URL limit is about 2 MB).
pub const LINK_CHARS_MAX: usize = 2_000_000;
/// Most scenario bytes a link may inflate to (1 MiB, far above any real scenario): a zip bomb stops here.
pub const LINK_DECODED_BYTES_MAX: usize = 1 << 20;
/// Longest scenario file read (4 MiB).
pub const FILE_BYTES_MAX: usize = 4 << 20;
/// Links longer than this may not survive chat apps (Discord's 2,000-character messages); the page warns.
pub const LINK_CHARS_WARN: usize = 2_000;
/// Links longer than this are too long for address bars to show; the page offers a file download instead.
pub const LINK_CHARS_FILE_INSTEAD: usize = 32_000;

/// Why a link did not open, in words for the person who pasted it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkError {
    /// There is no `s=<version>.<data>` part.
    NotShardlab,
    /// The data ends early: the link was cut when it was copied.
    CutShort,
    /// The data is not what Shardlab writes (a bad character, bad compression, or bad encoding).
    Damaged(String),
    /// A newer Shardlab made it.
    Newer {
        /// The link's format version.
        format: u32,
    },
    /// It is larger than any scenario could be.
    TooLarge,
    /// It decoded, but the scenario breaks these rules.
    Invalid(Vec<Problem>),
    /// A `preset=<id>` link names no preset.
    UnknownPreset(String),
    /// An older format, intact, that [`decode_current_link`] leaves to [`decode_link`].
    Older {
        /// The link's format version.
        format: u32,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotShardlab => f.write_str(
                "this is not a Shardlab link: a scenario link ends in #s= followed by a version, a dot and the data",
            ),
            Self::CutShort => f.write_str("this link is cut short: copy the whole link and open it again"),
            Self::Damaged(why) => write!(f, "this link is damaged ({why}): copy the whole link and open it again"),
            Self::Newer { format } => write!(
                f,
                "this link was made by a newer version of Shardlab (format {format}); this one reads up to {FORMAT_VERSION}: \
                 reload the page to get the newest version"
            ),
            Self::Older { format } => write!(
                f,
                "this link has format {format}, which this part of the page does not convert: the full page opens it"
            ),
            Self::TooLarge => write!(
                f,
                "this link holds more than {LINK_DECODED_BYTES_MAX} bytes of scenario, more than any Shardlab scenario; it was not opened"
            ),
            Self::UnknownPreset(id) => {
                let ids: Vec<&str> = crate::presets().iter().map(|p| p.id).collect();
                write!(f, "this link names a preset '{id}' that does not exist; presets: {}", ids.join(", "))
            }
            Self::Invalid(problems) => {
                write!(f, "this link's scenario has {} problem(s): ", problems.len())?;
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl core::error::Error for LinkError {}

/// Why a scenario file did not load.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileError {
    /// Not JSON, or not the shape of a scenario (the text says where).
    Format(String),
    /// A newer Shardlab wrote it.
    Newer {
        /// The file's format version.
        format: u32,
    },
    /// Larger than [`FILE_BYTES_MAX`].
    TooLarge,
    /// It loaded, but the scenario breaks these rules.
    Invalid(Vec<Problem>),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(why) => write!(f, "this is not a Shardlab scenario file: {why}"),
            Self::Newer { format } => write!(
                f,
                "this file was made by a newer version of Shardlab (format {format}); this one reads up to {FORMAT_VERSION}"
            ),
            Self::TooLarge => {
                write!(f, "this file is larger than {FILE_BYTES_MAX} bytes, more than any Shardlab scenario")
            }
            Self::Invalid(problems) => {
                write!(f, "this scenario has {} problem(s): ", problems.len())?;
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl core::error::Error for FileError {}

/// The short link fragment for a preset: `preset=<id>` (put it after `#`); [`decode_link`] opens it.
pub fn preset_link(id: &str) -> String {
    format!("preset={id}")
}

/// The link fragment for `scenario`: `s=<version>.<payload>` (put it after `#`).
/// It records this format and this engine's version, whatever the scenario was loaded from.
pub fn encode_link(scenario: &Scenario) -> String {
    format!("s={FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(compress(&encode_binary(&stamped(scenario)))))
}

/// The scenario as this app writes it: the current format and engine version.
fn stamped(scenario: &Scenario) -> Scenario {
    let mut out = scenario.clone();
    out.format_version = FORMAT_VERSION;
    out.engine_version = crate::engine_stamp();
    out
}

/// The scenario in a link, a fragment or a whole URL (`https://…/#s=1.…&embed`), checked by
/// [`Scenario::validate`].
pub fn decode_link(link: &str) -> Result<Scenario, LinkError> {
    let scenario = decode_link_unchecked(link)?;
    scenario.validate().map_err(LinkError::Invalid)?;
    Ok(scenario)
}

/// [`decode_link`] for a page that opens links of the current format ([`FORMAT_VERSION`]) only, and so leaves
/// the frozen types and migrations of formats 1 to 4 out of its code: an intact older link is
/// [`LinkError::Older`], for a page that has [`decode_link`] to open (the web page's full module).
pub fn decode_current_link(link: &str) -> Result<Scenario, LinkError> {
    let scenario = decode_link_with(link, |format, bytes| match format {
        FORMAT_VERSION => decode_versioned(format, bytes).map_err(LinkError::Damaged),
        _ => Err(LinkError::Older { format }),
    })?;
    scenario.validate().map_err(LinkError::Invalid)?;
    Ok(scenario)
}

/// The scenario in a link, decoded but not validated (for tools that show the problems themselves).
pub fn decode_link_unchecked(link: &str) -> Result<Scenario, LinkError> {
    decode_link_with(link, |format, bytes| decode_versioned(format, bytes).map_err(LinkError::Damaged))
}

/// A link's format and inflated payload, handed to `decode`.
fn decode_link_with(
    link: &str,
    decode: impl FnOnce(u32, &[u8]) -> Result<Scenario, LinkError>,
) -> Result<Scenario, LinkError> {
    if link.len() > LINK_CHARS_MAX {
        return Err(LinkError::TooLarge);
    }
    let fragment = link.trim().rsplit_once('#').map_or(link.trim(), |(_, fragment)| fragment);
    let Some(value) = fragment.split('&').find_map(|part| part.strip_prefix("s=")) else {
        let id = fragment.split('&').find_map(|part| part.strip_prefix("preset=")).ok_or(LinkError::NotShardlab)?;
        return crate::preset(id)
            .map(crate::Preset::scenario)
            .ok_or_else(|| LinkError::UnknownPreset(id.chars().take(64).collect()));
    };
    let Some((version, payload)) = value.split_once('.') else {
        // `s=1` alone: the dot and the data were lost.
        return Err(if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            LinkError::CutShort
        } else {
            LinkError::NotShardlab
        });
    };
    if version.is_empty() || version.len() > 9 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::NotShardlab);
    }
    // Nine digits at most, so this fits a u32.
    let format: u32 = version.parse().map_err(|_| LinkError::NotShardlab)?;
    if format == 0 {
        return Err(LinkError::Damaged("format 0 does not exist".into()));
    }
    if format > FORMAT_VERSION {
        return Err(LinkError::Newer { format });
    }
    if payload.is_empty() {
        return Err(LinkError::CutShort);
    }
    let compressed = LINK_DECODER.decode(payload).map_err(|err| match err {
        base64::DecodeError::InvalidLength(_) => LinkError::CutShort,
        base64::DecodeError::InvalidByte(_, _) => {
            LinkError::Damaged("it has characters that do not belong in it".into())
        }
        _ => LinkError::Damaged("its last characters are wrong".into()),
    })?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, LINK_DECODED_BYTES_MAX).map_err(
        |err| match err.status {
            TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => LinkError::CutShort,
            _ => LinkError::Damaged("its compressed data is broken".into()),
        },
    )?;
    decode(format, &bytes)
}

/// The scenario's binary encoding (postcard), before compression.
pub fn encode_binary(scenario: &Scenario) -> Vec<u8> {
    // Serializing plain data into a growable vector has no failure case: no maps with non-string keys,
    // no sequences of unknown length.
    postcard::to_allocvec(scenario).unwrap_or_default()
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    // Level 9: the best ratio of standard deflate; scenarios are small, so speed does not matter.
    miniz_oxide::deflate::compress_to_vec(bytes, 9)
}

/// Decodes the binary encoding of format `format`, migrating it to the current model.
///
/// Adding a format: freeze the types that change as they are now in a `vN` module (see `v1.rs`), decode
/// `N =>` through them and convert with a `From` impl, then bump [`FORMAT_VERSION`] and add its fixtures.
pub(crate) fn decode_versioned(format: u32, bytes: &[u8]) -> Result<Scenario, String> {
    let mut scenario = match format {
        1 => Scenario::from(take_all::<crate::v1::Scenario>(bytes)?),
        2 => Scenario::from(take_all::<crate::v2::Scenario>(bytes)?),
        3 => Scenario::from(take_all::<crate::v3::Scenario>(bytes)?),
        4 => Scenario::from(take_all::<crate::v4::Scenario>(bytes)?),
        5 => take_all::<Scenario>(bytes)?,
        _ => return Err(format!("format {format} is not known")),
    };
    scenario.format_version = FORMAT_VERSION;
    Ok(scenario)
}

/// Decodes one value that must fill `bytes` exactly.
fn take_all<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    let (value, rest) = postcard::take_from_bytes::<T>(bytes).map_err(binary_error)?;
    if rest.is_empty() { Ok(value) } else { Err(format!("{} unexpected bytes follow the scenario", rest.len())) }
}

fn binary_error(err: postcard::Error) -> String {
    match err {
        postcard::Error::DeserializeUnexpectedEnd => "its scenario data ends early".into(),
        postcard::Error::DeserializeBadUtf8 => "a text in it is not UTF-8".into(),
        postcard::Error::DeserializeBadEnum => "it names a component kind or choice that does not exist".into(),
        _ => "its scenario data is not a Shardlab scenario".into(),
    }
}

impl Scenario {
    /// The scenario as pretty JSON, for a file download, recording this format and engine version.
    pub fn to_json(&self) -> String {
        // Plain data with string keys only: serialization cannot fail.
        serde_json::to_string_pretty(&stamped(self)).unwrap_or_default()
    }

    /// A warning when the scenario was saved by an engine whose runs may differ from this one's (another
    /// behaviour version, or one from before behaviour versions were recorded).
    pub fn engine_note(&self) -> Option<String> {
        let here = shardlab_engine::BEHAVIOUR_VERSION;
        match self.behaviour_version() {
            Some(saved) if saved == here => None,
            Some(saved) => Some(format!(
                "this scenario was saved by an engine of behaviour version {saved}; this page runs behaviour \
                 version {here}, so it may now play differently from the run that was shared"
            )),
            None => Some(format!(
                "this scenario was saved with engine {}, before behaviour versions were recorded; this page runs \
                 behaviour version {here}, so it may now play differently from the run that was shared",
                self.engine_version
            )),
        }
    }

    /// A scenario from a JSON file, migrated to the current format and validated.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let scenario = Self::from_json_unchecked(text)?;
        scenario.validate().map_err(FileError::Invalid)?;
        Ok(scenario)
    }

    /// A scenario from a JSON file, migrated but not validated.
    pub fn from_json_unchecked(text: &str) -> Result<Self, FileError> {
        if text.len() > FILE_BYTES_MAX {
            return Err(FileError::TooLarge);
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|err| FileError::Format(format!("{err}")))?;
        let format = value
            .get("format_version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| FileError::Format("it has no whole-number \"format_version\"".into()))?;
        let format = u32::try_from(format).unwrap_or(u32::MAX);
        if format > FORMAT_VERSION {
            return Err(FileError::Newer { format });
        }
        let mut scenario: Self = match format {
            1 => Self::from(
                serde_json::from_str::<crate::v1::Scenario>(text).map_err(|err| FileError::Format(format!("{err}")))?,
            ),
            2 => Self::from(
                serde_json::from_str::<crate::v2::Scenario>(text).map_err(|err| FileError::Format(format!("{err}")))?,
            ),
            3..=5 => serde_json::from_str(text).map_err(|err| FileError::Format(located(&value, err)))?,
            _ => return Err(FileError::Format(format!("format {format} does not exist; versions start at 1"))),
        };
        scenario.format_version = FORMAT_VERSION;
        Ok(scenario)
    }
}

/// Why a current-format file does not read, naming the part that is wrong (`pipeline.nodes[2] ("web")`) when it
/// is a node, an edge or a scheduled event: serde stops at the first problem, which it locates only by line.
fn located(value: &serde_json::Value, err: serde_json::Error) -> String {
    fn first_bad<T: serde::de::DeserializeOwned>(
        value: &serde_json::Value,
        pointer: &str,
        path: &str,
    ) -> Option<String> {
        let list = value.pointer(pointer)?.as_array()?;
        list.iter().enumerate().find_map(|(i, item)| {
            // Read from the item's own text, through the deserializer the whole file uses: `from_value` would
            // compile every node and action type's deserializer a second time into the page's wasm. serde's
            // "at line 1 column N" would point into that text, so it is left out.
            let err = serde_json::from_str::<T>(&format!("{item}")).err()?;
            let message = format!("{err}");
            let position = format!(" at line {} column {}", err.line(), err.column());
            let message = message.strip_suffix(&position).unwrap_or(&message);
            let name = item.get("name").and_then(serde_json::Value::as_str);
            let name = name.map(|n| format!(" ({n:?})")).unwrap_or_default();
            Some(format!("{path}[{i}]{name}: {message}"))
        })
    }
    first_bad::<crate::pipeline::Node>(value, "/pipeline/nodes", "pipeline.nodes")
        .or_else(|| first_bad::<crate::pipeline::Edge>(value, "/pipeline/edges", "pipeline.edges"))
        .or_else(|| first_bad::<crate::ScheduledEvent>(value, "/scheduled", "scheduled"))
        .unwrap_or_else(|| format!("{err}"))
}
