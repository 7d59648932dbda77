//! View components. Each takes plain data as props and knows nothing of the engine's rules.

mod event_log;
mod meter;
mod number_field;
mod shard_card;

pub use event_log::EventLog;
pub use meter::Meter;
pub use number_field::NumberField;
pub use shard_card::ShardCard;
