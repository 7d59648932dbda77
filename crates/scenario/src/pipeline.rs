//! The pipeline graph: nodes, edges, and the rules for which connections make sense on AWS.

use crate::model::{
    AgentParams, AnalyticsParams, CameraParams, ConsumerParams, DestinationParams, FirehoseParams, ProducerParams,
    StreamParams, VideoConsumerParams, VideoStreamParams,
};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

/// A node's id: unique within its pipeline, never reused while the node exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a node is, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A client writing records.
    Producer(ProducerParams),
    /// A Kinesis data stream.
    DataStream(StreamParams),
    /// An application reading a data stream.
    Consumer(ConsumerParams),
    /// A Kinesis Agent tailing a log file.
    KinesisAgent(AgentParams),
    /// A Firehose delivery stream.
    Firehose(FirehoseParams),
    /// An Analytics application.
    Analytics(AnalyticsParams),
    /// An S3 bucket, Redshift table, OpenSearch index or HTTP endpoint.
    Destination(DestinationParams),
    /// A Kinesis video stream (format 5).
    VideoStream(VideoStreamParams),
    /// A camera sending video with PutMedia (format 5).
    Camera(CameraParams),
    /// A reader of a video stream: GetMedia, HLS, a clip, image extraction or Rekognition Video (format 5).
    VideoConsumer(VideoConsumerParams),
}

impl NodeKind {
    /// A producer with default parameters.
    pub fn producer() -> Self {
        Self::Producer(ProducerParams::default())
    }
    /// A data stream with default parameters.
    pub fn data_stream() -> Self {
        Self::DataStream(StreamParams::default())
    }
    /// A polling consumer with default parameters.
    pub fn consumer() -> Self {
        Self::Consumer(ConsumerParams::default())
    }
    /// A Kinesis Agent with default parameters.
    pub fn kinesis_agent() -> Self {
        Self::KinesisAgent(AgentParams::default())
    }
    /// A Firehose delivery stream with default parameters.
    pub fn firehose() -> Self {
        Self::Firehose(FirehoseParams::default())
    }
    /// An Analytics application with default parameters.
    pub fn analytics() -> Self {
        Self::Analytics(AnalyticsParams::default())
    }
    /// An S3 bucket destination.
    pub fn destination() -> Self {
        Self::Destination(DestinationParams::default())
    }
    /// A video stream keeping 24 hours.
    pub fn video_stream() -> Self {
        Self::VideoStream(VideoStreamParams::default())
    }
    /// A 2 Mbps camera.
    pub fn camera() -> Self {
        Self::Camera(CameraParams::default())
    }
    /// A live HLS viewer.
    pub fn video_consumer() -> Self {
        Self::VideoConsumer(VideoConsumerParams::default())
    }

    /// Whether it belongs to Kinesis Video Streams (which connects only among its own kinds).
    pub fn is_video(&self) -> bool {
        matches!(self, Self::VideoStream(_) | Self::Camera(_) | Self::VideoConsumer(_))
    }

    /// A short lowercase word for the kind, used in default names (`stream-1`).
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Producer(_) => "producer",
            Self::DataStream(_) => "stream",
            Self::Consumer(_) => "consumer",
            Self::KinesisAgent(_) => "agent",
            Self::Firehose(_) => "firehose",
            Self::Analytics(_) => "analytics",
            Self::Destination(_) => "destination",
            Self::VideoStream(_) => "video-stream",
            Self::Camera(_) => "camera",
            Self::VideoConsumer(_) => "video-consumer",
        }
    }

    /// A label for palettes and headings ("Firehose delivery stream").
    pub fn label(&self) -> &'static str {
        match self {
            Self::Producer(_) => "Producer",
            Self::DataStream(_) => "Data stream",
            Self::Consumer(_) => "Consumer",
            Self::KinesisAgent(_) => "Kinesis Agent",
            Self::Firehose(_) => "Firehose delivery stream",
            Self::Analytics(_) => "Analytics application",
            Self::Destination(_) => "Destination",
            Self::VideoStream(_) => "Video stream",
            Self::Camera(_) => "Camera",
            Self::VideoConsumer(_) => "Video consumer",
        }
    }

    /// The kind in words, for messages ("a Firehose delivery stream").
    pub fn noun(&self) -> &'static str {
        match self {
            Self::Producer(_) => "a producer",
            Self::DataStream(_) => "a data stream",
            Self::Consumer(_) => "a consumer",
            Self::KinesisAgent(_) => "a Kinesis Agent",
            Self::Firehose(_) => "a Firehose delivery stream",
            Self::Analytics(_) => "an Analytics application",
            Self::Destination(_) => "a destination",
            Self::VideoStream(_) => "a video stream",
            Self::Camera(_) => "a camera",
            Self::VideoConsumer(_) => "a video consumer",
        }
    }

    /// The longest name AWS allows for this kind of resource.
    pub fn name_chars_max(&self) -> usize {
        match self {
            Self::Firehose(_) => 64,
            Self::VideoStream(_) => shardlab_engine::video::STREAM_NAME_CHARS_MAX,
            _ => 128,
        }
    }
}

/// One component of the pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Its id.
    pub id: NodeId,
    /// Its name: the AWS resource name for streams, consumers, delivery streams and applications.
    pub name: String,
    /// What it is.
    pub kind: NodeKind,
}

/// Data flows from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// The writer or the source.
    pub from: NodeId,
    /// The reader or the target.
    pub to: NodeId,
}

/// Why a connection was refused, in plain English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectError {
    /// The reason, a sentence without a final period ("a consumer reads from one data stream").
    pub reason: String,
}

impl ConnectError {
    fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into() }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl core::error::Error for ConnectError {}

/// The components and how data flows between them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pipeline {
    /// The components, in the order they were added.
    pub nodes: Vec<Node>,
    /// The connections.
    pub edges: Vec<Edge>,
}

impl Pipeline {
    /// Adds a node with a free default name (`producer-1`, `stream-1`, …) and returns its id.
    /// Beyond [`crate::NODES_MAX`] nodes it is added too (so an editor can show it) but fails validation; see
    /// [`Self::try_add_node`].
    pub fn add_node(&mut self, kind: NodeKind) -> NodeId {
        let next = self.nodes.iter().map(|n| n.id.0).max().map_or(1, |max| max.saturating_add(1));
        // After a hostile file's id u32::MAX, take the smallest free id instead.
        let id = if self.nodes.iter().any(|n| n.id.0 == next) {
            NodeId((1..).find(|id| self.nodes.iter().all(|n| n.id.0 != *id)).unwrap_or(0))
        } else {
            NodeId(next)
        };
        let slug = kind.slug();
        let name = (1u32..)
            .map(|n| format!("{slug}-{n}"))
            .find(|name| self.nodes.iter().all(|node| node.name != *name))
            .unwrap_or_default(); // The range is infinite and names are finite, so `find` always finds one.
        self.nodes.push(Node { id, name, kind });
        id
    }

    /// Adds a node, or refuses a node beyond [`crate::NODES_MAX`].
    pub fn try_add_node(&mut self, kind: NodeKind) -> Result<NodeId, ConnectError> {
        if self.nodes.len() >= crate::NODES_MAX {
            return Err(ConnectError::new(format!("a scenario has at most {} nodes", crate::NODES_MAX)));
        }
        Ok(self.add_node(kind))
    }

    /// Removes a node and its edges; returns it, or `None` if there is no such node.
    pub fn remove_node(&mut self, id: NodeId) -> Option<Node> {
        let index = self.nodes.iter().position(|n| n.id == id)?;
        self.edges.retain(|e| e.from != id && e.to != id);
        Some(self.nodes.remove(index))
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The node with this id, for editing.
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The nodes that `id` writes to.
    pub fn targets(&self, id: NodeId) -> impl Iterator<Item = &Node> {
        self.edges.iter().filter(move |e| e.from == id).filter_map(|e| self.node(e.to))
    }

    /// The nodes that write to `id`.
    pub fn sources(&self, id: NodeId) -> impl Iterator<Item = &Node> {
        self.edges.iter().filter(move |e| e.to == id).filter_map(|e| self.node(e.from))
    }

    /// Connects `from` to `to`, or says why that connection does not exist on AWS.
    pub fn connect(&mut self, from: NodeId, to: NodeId) -> Result<(), ConnectError> {
        self.check_connect(from, to)?;
        self.edges.push(Edge { from, to });
        Ok(())
    }

    /// Whether [`Self::connect`] would accept this connection (for highlighting valid targets while dragging).
    pub fn check_connect(&self, from: NodeId, to: NodeId) -> Result<(), ConnectError> {
        let source = self.node(from).ok_or_else(|| ConnectError::new(format!("there is no node {from}")))?;
        let target = self.node(to).ok_or_else(|| ConnectError::new(format!("there is no node {to}")))?;
        if from == to {
            return Err(ConnectError::new("a node cannot connect to itself"));
        }
        if self.edges.iter().any(|e| e.from == from && e.to == to) {
            return Err(ConnectError::new(format!("'{}' is already connected to '{}'", source.name, target.name)));
        }
        if self.edges.iter().any(|e| e.from == to && e.to == from) {
            return Err(ConnectError::new(format!(
                "'{}' already sends to '{}'; data cannot flow back",
                target.name, source.name
            )));
        }
        allowed(&source.kind, &target.kind)?;
        self.check_degrees(source, target)
    }

    /// Removes the connection from `from` to `to`; returns whether there was one.
    pub fn disconnect(&mut self, from: NodeId, to: NodeId) -> bool {
        let before = self.edges.len();
        self.edges.retain(|e| !(e.from == from && e.to == to));
        self.edges.len() != before
    }

    /// How many inputs and outputs each side may have.
    fn check_degrees(&self, source: &Node, target: &Node) -> Result<(), ConnectError> {
        use NodeKind as K;
        let has_target = self.targets(source.id).next().is_some();
        match source.kind {
            K::Producer(_) if has_target => {
                return Err(ConnectError::new("a producer writes to one data stream or Firehose delivery stream"));
            }
            K::KinesisAgent(_) if has_target => {
                return Err(ConnectError::new(
                    "a Kinesis Agent flow sends to one data stream or Firehose delivery stream",
                ));
            }
            K::Firehose(_) if has_target => {
                return Err(ConnectError::new("a Firehose delivery stream delivers to one destination"));
            }
            K::Consumer(_) if has_target => {
                return Err(ConnectError::new(
                    "a consumer writes its results to one data stream or Firehose delivery stream",
                ));
            }
            K::Analytics(_) if has_target => {
                return Err(ConnectError::new(
                    "an Analytics application here sends its output to one data stream, Firehose delivery stream or destination",
                ));
            }
            K::Camera(_) if has_target => {
                return Err(ConnectError::new("a camera sends to one video stream"));
            }
            _ => {}
        }
        let mut inputs = self.sources(target.id);
        match target.kind {
            K::Consumer(_) if inputs.next().is_some() => {
                Err(ConnectError::new("a consumer reads from one data stream"))
            }
            K::Analytics(_) if inputs.next().is_some() => {
                Err(ConnectError::new("an Analytics application reads from one data stream"))
            }
            K::VideoConsumer(_) if inputs.next().is_some() => {
                Err(ConnectError::new("a video consumer reads from one video stream"))
            }
            K::Firehose(_) => {
                let stream_input = self.sources(target.id).any(|n| matches!(n.kind, K::DataStream(_)));
                let any_input = self.sources(target.id).next().is_some();
                match source.kind {
                    K::DataStream(_) if stream_input => {
                        Err(ConnectError::new("a Firehose delivery stream can read from one data stream"))
                    }
                    K::DataStream(_) if any_input => Err(ConnectError::new(
                        "a Firehose delivery stream with Direct PUT writers cannot also read from a data stream",
                    )),
                    _ if stream_input => Err(ConnectError::new(
                        "a Firehose delivery stream with a data stream as its source cannot also take Direct PUT producers",
                    )),
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

/// Whether data can flow from a `source` kind to a `target` kind at all.
fn allowed(source: &NodeKind, target: &NodeKind) -> Result<(), ConnectError> {
    use NodeKind as K;
    if source.is_video() || target.is_video() {
        return allowed_video(source, target);
    }
    let ok = matches!(
        (source, target),
        (K::Producer(_) | K::KinesisAgent(_) | K::Consumer(_), K::DataStream(_) | K::Firehose(_))
            | (K::DataStream(_), K::Consumer(_) | K::Firehose(_) | K::Analytics(_))
            | (K::Firehose(_), K::Destination(_))
            | (K::Analytics(_), K::DataStream(_) | K::Firehose(_) | K::Destination(_))
    );
    if ok {
        return Ok(());
    }
    let reason = match (source, target) {
        (_, K::Destination(_)) => "a destination receives from a Firehose delivery stream or an Analytics application",
        (_, K::Consumer(_)) => "a consumer reads from a data stream",
        (_, K::Analytics(_)) => "an Analytics application reads from a data stream",
        (K::Producer(_), _) => "a producer writes to a data stream or a Firehose delivery stream",
        (K::KinesisAgent(_), _) => "a Kinesis Agent sends to a data stream or a Firehose delivery stream",
        (K::DataStream(_), _) => {
            "a data stream is read by consumers, Firehose delivery streams and Analytics applications"
        }
        (K::Consumer(_), _) => "a consumer writes its results to a data stream or a Firehose delivery stream",
        (K::Firehose(_), _) => {
            "a Firehose delivery stream delivers to a destination (S3, Redshift, OpenSearch or HTTP)"
        }
        (K::Analytics(_), _) => {
            "an Analytics application writes to a data stream, a Firehose delivery stream or a destination"
        }
        (K::Destination(_), _) => "a destination is the end of a pipeline: it has no outputs",
        // Video kinds were answered above.
        (K::VideoStream(_) | K::Camera(_) | K::VideoConsumer(_), _) => "",
    };
    Err(ConnectError::new(reason))
}

/// Kinesis Video Streams' rules: cameras send media to video streams with PutMedia, and video consumers read
/// video streams (GetMedia, HLS, GetClip, GetImages); nothing else connects to or from them.
fn allowed_video(source: &NodeKind, target: &NodeKind) -> Result<(), ConnectError> {
    use NodeKind as K;
    if matches!((source, target), (K::Camera(_), K::VideoStream(_)) | (K::VideoStream(_), K::VideoConsumer(_))) {
        return Ok(());
    }
    let reason = match (source, target) {
        (K::VideoStream(_), K::Firehose(_)) => {
            "a video stream cannot feed a Firehose delivery stream: Firehose reads records from data streams, and a \
             video stream holds media fragments read with GetMedia, HLS or GetClip"
        }
        (K::VideoStream(_), K::Consumer(_) | K::Analytics(_)) => {
            "a video stream has no shards to read with GetRecords: connect a video consumer (GetMedia, HLS, clip, \
             image extraction or Rekognition) instead"
        }
        (K::VideoStream(_), _) => "a video stream is read only by video consumers",
        (K::Producer(_) | K::KinesisAgent(_) | K::Consumer(_) | K::Analytics(_), K::VideoStream(_)) => {
            "a video stream takes media from cameras through PutMedia, not records from PutRecord"
        }
        (_, K::VideoStream(_)) => "a video stream takes media only from cameras",
        (K::Camera(_), _) => "a camera sends media with PutMedia to a video stream only",
        (_, K::Camera(_)) => "a camera is a source: nothing sends to it",
        (K::VideoConsumer(_), _) => "a video consumer is the end of a video pipeline: it has no outputs",
        (_, K::VideoConsumer(_)) => "a video consumer reads from a video stream",
        _ => "these kinds do not connect",
    };
    Err(ConnectError::new(reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> (Pipeline, NodeId, NodeId, NodeId) {
        let mut p = Pipeline::default();
        let producer = p.add_node(NodeKind::producer());
        let stream = p.add_node(NodeKind::data_stream());
        let consumer = p.add_node(NodeKind::consumer());
        (p, producer, stream, consumer)
    }

    #[test]
    fn default_names_count_up_per_kind_and_ids_are_fresh() {
        let (mut p, producer, stream, consumer) = three();
        let second = p.add_node(NodeKind::producer());
        assert_eq!(p.node(producer).map(|n| n.name.as_str()), Some("producer-1"));
        assert_eq!(p.node(stream).map(|n| n.name.as_str()), Some("stream-1"));
        assert_eq!(p.node(second).map(|n| n.name.as_str()), Some("producer-2"));
        assert_eq!([producer, stream, consumer, second], [NodeId(1), NodeId(2), NodeId(3), NodeId(4)]);
    }

    #[test]
    fn a_simple_path_connects() {
        let (mut p, producer, stream, consumer) = three();
        assert_eq!(p.connect(producer, stream), Ok(()));
        assert_eq!(p.connect(stream, consumer), Ok(()));
        assert_eq!(p.edges.len(), 2);
    }

    #[test]
    fn wrong_directions_are_refused_with_a_reason() {
        let (mut p, producer, stream, consumer) = three();
        let err = p.connect(producer, consumer).unwrap_err();
        assert_eq!(err.reason, "a consumer reads from a data stream");
        let err = p.connect(consumer, producer).unwrap_err();
        assert_eq!(err.reason, "a consumer writes its results to a data stream or a Firehose delivery stream");
        let bucket = p.add_node(NodeKind::destination());
        let err = p.connect(stream, bucket).unwrap_err();
        assert_eq!(err.reason, "a destination receives from a Firehose delivery stream or an Analytics application");
        assert!(p.edges.is_empty());
    }

    #[test]
    fn self_loops_duplicates_and_cycles_are_refused() {
        let (mut p, producer, stream, _) = three();
        assert_eq!(p.connect(stream, stream).unwrap_err().reason, "a node cannot connect to itself");
        p.connect(producer, stream).unwrap();
        assert!(p.connect(producer, stream).unwrap_err().reason.contains("already connected"));
        assert!(p.connect(stream, producer).is_err());
        assert_eq!(p.edges.len(), 1);
    }

    #[test]
    fn firehose_reads_one_stream_or_takes_direct_put_but_not_both() {
        let (mut p, producer, stream, _) = three();
        let firehose = p.add_node(NodeKind::firehose());
        p.connect(stream, firehose).unwrap();
        let err = p.connect(producer, firehose).unwrap_err();
        assert_eq!(
            err.reason,
            "a Firehose delivery stream with a data stream as its source cannot also take Direct PUT producers"
        );
        let mut direct = Pipeline::default();
        let a = direct.add_node(NodeKind::producer());
        let b = direct.add_node(NodeKind::producer());
        let f = direct.add_node(NodeKind::firehose());
        direct.connect(a, f).unwrap();
        direct.connect(b, f).unwrap();
        let s = direct.add_node(NodeKind::data_stream());
        assert!(direct.connect(s, f).is_err());
    }

    #[test]
    fn firehose_delivers_to_one_destination() {
        let mut p = Pipeline::default();
        let f = p.add_node(NodeKind::firehose());
        let one = p.add_node(NodeKind::destination());
        let two = p.add_node(NodeKind::destination());
        p.connect(f, one).unwrap();
        assert_eq!(p.connect(f, two).unwrap_err().reason, "a Firehose delivery stream delivers to one destination");
    }

    #[test]
    fn a_consumer_reads_one_stream() {
        let (mut p, _, stream, consumer) = three();
        p.connect(stream, consumer).unwrap();
        let other = p.add_node(NodeKind::data_stream());
        assert_eq!(p.connect(other, consumer).unwrap_err().reason, "a consumer reads from one data stream");
    }

    #[test]
    fn streams_are_added_freely_up_to_the_node_bound() {
        let (mut p, ..) = three();
        assert!(p.try_add_node(NodeKind::data_stream()).is_ok(), "a second stream is a node like any other");
        while p.nodes.len() < crate::NODES_MAX {
            p.add_node(NodeKind::data_stream());
        }
        assert_eq!(p.try_add_node(NodeKind::consumer()).unwrap_err().reason, "a scenario has at most 100 nodes");
    }

    #[test]
    fn outputs_flow_on_to_streams_and_delivery_streams_once() {
        let (mut p, _, stream, consumer) = three();
        let second = p.add_node(NodeKind::data_stream());
        let firehose = p.add_node(NodeKind::firehose());
        let analytics = p.add_node(NodeKind::analytics());
        p.connect(stream, consumer).unwrap();
        p.connect(stream, analytics).unwrap();
        // The enrichment pattern: a consumer writes its results to another stream.
        assert_eq!(p.connect(consumer, second), Ok(()));
        assert_eq!(
            p.connect(consumer, firehose).unwrap_err().reason,
            "a consumer writes its results to one data stream or Firehose delivery stream"
        );
        assert_eq!(p.connect(analytics, second), Ok(()));
        assert!(p.connect(analytics, firehose).unwrap_err().reason.starts_with("an Analytics application here sends"));
        assert!(p.connect(second, stream).is_err(), "a stream does not write to a stream");
    }

    #[test]
    fn ids_stay_unique_after_the_largest_id() {
        let mut p = Pipeline::default();
        p.nodes.push(Node { id: NodeId(u32::MAX), name: "far".into(), kind: NodeKind::producer() });
        let a = p.add_node(NodeKind::consumer());
        let b = p.add_node(NodeKind::consumer());
        assert_eq!((a, b), (NodeId(1), NodeId(2)));
    }

    #[test]
    fn removing_a_node_removes_its_edges_and_disconnect_reports() {
        let (mut p, producer, stream, consumer) = three();
        p.connect(producer, stream).unwrap();
        p.connect(stream, consumer).unwrap();
        assert!(p.disconnect(producer, stream));
        assert!(!p.disconnect(producer, stream));
        assert_eq!(p.remove_node(stream).map(|n| n.name), Some("stream-1".into()));
        assert!(p.edges.is_empty());
        assert_eq!(p.remove_node(stream), None);
        assert_eq!(p.connect(NodeId(99), consumer).unwrap_err().reason, "there is no node 99");
    }
}
