//! The event log's words for Kinesis Video Streams: what the account observed about cameras, video streams and
//! their consumers, each problem with the limit, the numbers and the fixes.

use crate::narration::{Explanation, LogLine};
use shardlab_engine::account::Observed;
use shardlab_engine::video::{
    FRAGMENT_BYTES_MAX, FRAGMENT_DURATION_MAX_MS, FRAGMENT_DURATION_MIN_MS, PUT_MEDIA_BYTES_PER_SEC_MAX, SDK_BUFFER_MS,
};

/// A video observation in words, or `None` for any other observation.
pub fn narrate(at_ms: u64, what: &Observed) -> Option<LogLine> {
    let camera_line = |camera: &str| (format!("camera {camera}"), Some(camera.to_string()));
    let line = match what {
        Observed::VideoConnectionRefused { camera, stream } => {
            let (component, node) = camera_line(camera);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!("Camera {camera} could not open PutMedia on {stream}: ConnectionLimitExceededException."),
                Explanation {
                    limit: "A video stream takes one PutMedia connection at a time.".into(),
                    numbers: format!("Another producer already sends to {stream}."),
                    fixes: vec!["Give each camera its own video stream"],
                },
            )
        }
        Observed::VideoConnectionDropped { camera, stream, fragments_to_resend } => {
            let (component, node) = camera_line(camera);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Camera {camera} lost its PutMedia connection to {stream}; the Producer SDK will reconnect and \
                     send {} again.",
                    crate::format::count(u64::from(*fragments_to_resend), "fragment", "fragments")
                ),
                Explanation {
                    limit: "What the service had not received whole is lost; the producer keeps every fragment \
                            until it is acknowledged PERSISTED, and resends from the oldest that is not."
                        .into(),
                    numbers: format!(
                        "The SDK holds up to {} s of media while it cannot send.",
                        crate::format::thousands(SDK_BUFFER_MS / 1_000)
                    ),
                    fixes: vec!["Nothing to do: the stream misses nothing if the network returns in time"],
                },
            )
        }
        Observed::VideoFragmentRefused {
            camera,
            stream,
            error_id,
            error_code,
            fragment_duration_ms,
            fragment_bytes,
        } => {
            let (component, node) = camera_line(camera);
            let id = error_id.map_or_else(String::new, |id| format!(" (ErrorId {id})"));
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "{stream} answered camera {camera}'s fragment with an ERROR acknowledgement: {error_code}{id}."
                ),
                Explanation {
                    limit: format!(
                        "A fragment lasts {} to {} s and holds at most {} MB.",
                        FRAGMENT_DURATION_MIN_MS / 1_000,
                        FRAGMENT_DURATION_MAX_MS / 1_000,
                        FRAGMENT_BYTES_MAX / 1_000_000
                    ),
                    numbers: format!(
                        "Its fragments last {} ms and hold {}.",
                        crate::format::thousands(u64::from(*fragment_duration_ms)),
                        crate::format::bytes_size(*fragment_bytes)
                    ),
                    fixes: vec![
                        "Set the key-frame interval (the fragment duration) between 1 and 20 seconds",
                        "Lower the bitrate so a fragment stays under the size limit",
                    ],
                },
            )
        }
        Observed::VideoIngestBehind { camera, stream, bitrate_kbps } => {
            let (component, node) = camera_line(camera);
            LogLine::warning(
                at_ms,
                component,
                node,
                format!(
                    "Camera {camera} records faster than PutMedia takes it into {stream}: its SDK dropped fragments."
                ),
                Explanation {
                    limit: format!(
                        "PutMedia takes at most {}.{} MB/s per stream.",
                        PUT_MEDIA_BYTES_PER_SEC_MAX / 1_000_000,
                        PUT_MEDIA_BYTES_PER_SEC_MAX / 100_000 % 10
                    ),
                    numbers: format!("The camera sends {} kbps.", crate::format::thousands(u64::from(*bitrate_kbps))),
                    fixes: vec!["Lower the camera's bitrate", "Split the cameras' video across streams"],
                },
            )
        }
        Observed::VideoConsumerRefused { consumer, stream, error } => LogLine::warning(
            at_ms,
            format!("video consumer {consumer}"),
            Some(consumer.clone()),
            format!("Video consumer {consumer} was refused by {stream}: {error}"),
            Explanation {
                limit: "HLS and clips read stored media (retention above 0); a stream takes 3 GetMedia \
                        connections and 5 HLS sessions; a clip needs fragments in its range."
                    .into(),
                numbers: error.clone(),
                fixes: vec![
                    "Give the stream a data retention above 0",
                    "Choose a range the stream still keeps",
                    "Close another reader first",
                ],
            },
        ),
        _ => return None,
    };
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_fragment_quotes_aws_error_and_the_documented_fragment_limits() {
        let what = Observed::VideoFragmentRefused {
            camera: "door-camera".into(),
            stream: "front-door".into(),
            error_id: Some(4002),
            error_code: "MAX_FRAGMENT_DURATION_REACHED",
            fragment_duration_ms: 30_000,
            fragment_bytes: 7_500_000,
        };
        let line = narrate(5_000, &what).expect("a line");
        assert!(line.is_warning);
        assert!(line.text.contains("MAX_FRAGMENT_DURATION_REACHED (ErrorId 4002)"), "{}", line.text);
        let why = line.explanation.expect("an explanation");
        // AWS: fragments of 1 to 20 seconds, at most 50 MB.
        assert_eq!(why.limit, "A fragment lasts 1 to 20 s and holds at most 50 MB.");
        assert_eq!(line.node.as_deref(), Some("door-camera"));
    }

    #[test]
    fn ingest_past_put_media_quotes_its_rate_and_other_observations_are_not_video() {
        let what = Observed::VideoIngestBehind { camera: "c".into(), stream: "s".into(), bitrate_kbps: 200_000 };
        let why = narrate(0, &what).and_then(|l| l.explanation).expect("an explanation");
        // AWS: 12.5 MB/s (100 Mbps) per stream.
        assert_eq!(why.limit, "PutMedia takes at most 12.5 MB/s per stream.");
        let other = Observed::StreamCreated { stream: "s".into(), shard_count: 1 };
        assert_eq!(narrate(0, &other), None);
    }
}
