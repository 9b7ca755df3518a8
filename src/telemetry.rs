//! Logging through `tracing`: text for people, JSON for collectors. Personal data is masked at
//! the source (types print masked), so nothing here needs to scrub.
//!
//! In JSON the event's text is the line's `message` key and every field sits beside it, so no
//! field may be called `message`: the line would carry two `message` keys and a collector keeps
//! only one of them. A message's id is logged as `message_id`.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, LogSettings};

pub fn init(settings: &LogSettings) {
    // try_init: a second call (tests) keeps the first subscriber.
    let _ = subscriber(settings.format, filter(settings), std::io::stderr).try_init();
}

/// `RUST_LOG` when set, else `log.level`.
pub fn filter(settings: &LogSettings) -> EnvFilter {
    EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The subscriber [`init`] installs, writing each line to `writer` (stderr; a buffer in tests).
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Json => Box::new(builder.json().flatten_event(true).finish()),
        LogFormat::Text => Box::new(builder.finish()),
    }
}
