//! View components. Each takes plain data as props and knows nothing of the engine's rules.

mod api_console;
mod consumer_card;
mod cost_meter;
mod event_log;
mod meter;
mod number_field;
mod record_browser;
mod shard_card;

pub use api_console::{ApiConsole, ApiConsoleProps, example_body};
pub use consumer_card::{ConsumerCard, ConsumerCardProps};
pub use cost_meter::{CostMeter, CostMeterProps, dollars, per_month};
pub use event_log::{EventLog, EventLogProps};
pub use meter::{Meter, MeterProps};
pub use number_field::{NumberField, NumberFieldProps};
pub use record_browser::{RecordBrowser, RecordBrowserProps};
pub use shard_card::{ShardCard, ShardCardProps};
