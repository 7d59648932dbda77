//! Which engine entities each pipeline node runs as, so the page, the lessons and the CLI find a node's
//! figures by its id, never by counting or by its name in a sentence.

use crate::NodeId;
use alloc::string::String;
use alloc::vec::Vec;
use shardlab_engine::sorted_map::SortedMap;

/// What one pipeline node runs as in the engine's [`SimConfig`](shardlab_engine::SimConfig).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    /// A data stream, by name (`Simulation::stream_named`).
    Stream {
        /// `StreamName`.
        stream_name: String,
    },
    /// A producer writing to a data stream: `SimConfig::producers[index]`.
    Producer {
        /// Its position in `SimConfig::producers` (and `Simulation::producers`).
        index: usize,
    },
    /// A producer writing straight to a delivery stream: one of its Direct PUT feeds.
    DirectPutFeed {
        /// The delivery stream's name.
        delivery_stream: String,
        /// Its position in that delivery stream's `feeds` (and `feed_totals`).
        feed: usize,
    },
    /// A Kinesis Agent: `SimConfig::agents[index]`.
    Agent {
        /// Its position in `SimConfig::agents` (and `Simulation::agents`).
        index: usize,
    },
    /// A consumer application: `SimConfig::consumers[index]`.
    Consumer {
        /// Its position in `SimConfig::consumers` (and `Simulation::consumers`).
        index: usize,
    },
    /// A Firehose delivery stream, by name (`Firehose::delivery_stream`).
    DeliveryStream {
        /// `DeliveryStreamName`.
        name: String,
    },
    /// An Analytics application: `SimConfig::analytics[index]`.
    Analytics {
        /// Its position in `SimConfig::analytics` (and `Simulation::analytics`).
        index: usize,
    },
    /// A destination: what the delivery streams that deliver to it received.
    Destination {
        /// The delivery streams delivering to it, in edge order (for an Analytics application connected
        /// straight to it, the delivery stream its rows go through).
        delivery_streams: Vec<String>,
    },
    /// A Kinesis video stream, by name (`Simulation::video().stream`).
    VideoStream {
        /// `StreamName`.
        stream_name: String,
    },
    /// A camera: `SimConfig::video.cameras[index]`.
    Camera {
        /// Its position in `SimConfig::video.cameras` (and `Simulation::video().cameras()`).
        index: usize,
    },
    /// A video consumer: `SimConfig::video.consumers[index]`.
    VideoConsumer {
        /// Its position in `SimConfig::video.consumers` (and `Simulation::video().consumers()`).
        index: usize,
    },
}

/// From every simulated pipeline node to its engine entity. A node that does not run (see
/// [`Scenario::not_simulated`](crate::Scenario::not_simulated)) has no entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeMap {
    entities: SortedMap<NodeId, Entity>,
}

impl NodeMap {
    pub(crate) fn insert(&mut self, node: NodeId, entity: Entity) {
        self.entities.insert(node, entity);
    }

    /// The entity node `id` runs as, if it runs.
    pub fn get(&self, id: NodeId) -> Option<&Entity> {
        self.entities.get(&id)
    }

    /// Every simulated node with its entity, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Entity)> {
        self.entities.iter().map(|(id, entity)| (*id, entity))
    }

    /// How many nodes run.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether no node runs.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The data stream node `id` is.
    pub fn stream(&self, id: NodeId) -> Option<&str> {
        match self.get(id)? {
            Entity::Stream { stream_name } => Some(stream_name),
            _ => None,
        }
    }

    /// The position of the producer node `id` in `SimConfig::producers` (a producer writing to a stream).
    pub fn producer(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::Producer { index } => Some(*index),
            _ => None,
        }
    }

    /// The delivery stream and feed position of the producer node `id`, when it writes to a delivery stream.
    pub fn direct_put_feed(&self, id: NodeId) -> Option<(&str, usize)> {
        match self.get(id)? {
            Entity::DirectPutFeed { delivery_stream, feed } => Some((delivery_stream, *feed)),
            _ => None,
        }
    }

    /// The position of the Kinesis Agent node `id` in `SimConfig::agents`.
    pub fn agent(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::Agent { index } => Some(*index),
            _ => None,
        }
    }

    /// The position of the consumer node `id` in `SimConfig::consumers`.
    pub fn consumer(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::Consumer { index } => Some(*index),
            _ => None,
        }
    }

    /// The delivery stream node `id` is.
    pub fn delivery_stream(&self, id: NodeId) -> Option<&str> {
        match self.get(id)? {
            Entity::DeliveryStream { name } => Some(name),
            _ => None,
        }
    }

    /// The position of the Analytics node `id` in `SimConfig::analytics`.
    pub fn analytics(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::Analytics { index } => Some(*index),
            _ => None,
        }
    }

    /// The delivery streams delivering to the destination node `id`.
    pub fn destination(&self, id: NodeId) -> Option<&[String]> {
        match self.get(id)? {
            Entity::Destination { delivery_streams } => Some(delivery_streams),
            _ => None,
        }
    }

    /// The video stream node `id` is.
    pub fn video_stream(&self, id: NodeId) -> Option<&str> {
        match self.get(id)? {
            Entity::VideoStream { stream_name } => Some(stream_name),
            _ => None,
        }
    }

    /// The position of the camera node `id` in `SimConfig::video.cameras`.
    pub fn camera(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::Camera { index } => Some(*index),
            _ => None,
        }
    }

    /// The position of the video consumer node `id` in `SimConfig::video.consumers`.
    pub fn video_consumer(&self, id: NodeId) -> Option<usize> {
        match self.get(id)? {
            Entity::VideoConsumer { index } => Some(*index),
            _ => None,
        }
    }

    /// The node that runs as the producer at `index` of `SimConfig::producers` (the inverse of
    /// [`Self::producer`]).
    pub fn producer_node(&self, index: usize) -> Option<NodeId> {
        self.iter().find_map(|(id, e)| matches!(e, Entity::Producer { index: i } if *i == index).then_some(id))
    }

    /// The node that runs as the consumer at `index` of `SimConfig::consumers`.
    pub fn consumer_node(&self, index: usize) -> Option<NodeId> {
        self.iter().find_map(|(id, e)| matches!(e, Entity::Consumer { index: i } if *i == index).then_some(id))
    }
}

/// A node that does not run, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotSimulated {
    /// The node.
    pub node: NodeId,
    /// Why, as a sentence naming the node ("'reader' does not read a data stream, so it does not run").
    pub reason: String,
}

impl core::fmt::Display for NotSimulated {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.reason)
    }
}
