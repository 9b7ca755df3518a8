//! Logging through `tracing`: text for people, JSON for collectors. Personal data is masked at
//! the source (types print masked), so nothing here needs to scrub.
//!
//! In JSON the event's text is the line's `message` key and every field sits beside it, so no
//! field may be called `message`: the line would carry two `message` keys and a collector keeps
//! only one of them. A message's id is logged as `message_id`.

use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, LogSettings};

mod otlp;

pub use otlp::TraceExport;

/// Whether traces are exported: spans are made only then, so a log line without export looks
/// exactly as it always has (no span context in it) and costs no span.
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether spans are worth making (`log.otlp_traces_url` is set and the exporter started).
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// Installs the log subscriber and, with `log.otlp_traces_url`, the trace export; the returned
/// export is flushed and stopped when dropped (keep it until the process ends).
pub fn init(settings: &LogSettings) -> Option<TraceExport> {
    let export = settings.otlp_traces_url.as_deref().and_then(|url| {
        match TraceExport::start(url) {
            Ok(export) => Some(export),
            Err(e) => {
                // Before the subscriber exists: straight to standard error.
                eprintln!("innfri: traces not exported ({e}); the service runs without them");
                None
            }
        }
    });
    let tracer = export.as_ref().map(TraceExport::tracer);
    // try_init: a second call (tests) keeps the first subscriber.
    let installed =
        subscriber_with_traces(settings.format, filter(settings), std::io::stderr, tracer)
            .try_init();
    if installed.is_ok() && export.is_some() {
        EXPORTING.store(true, Ordering::Relaxed);
        tracing::info!("exporting traces over OTLP");
    }
    export
}

/// `RUST_LOG` when set, else `log.level`.
pub fn filter(settings: &LogSettings) -> EnvFilter {
    EnvFilter::try_from_env("RUST_LOG")
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The subscriber [`init`] installs without trace export, writing each line to `writer`
/// (stderr; a buffer in tests).
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    subscriber_with_traces(format, filter, writer, None)
}

/// As [`subscriber`], with spans also going to `tracer` when there is one (the layer is then
/// the only difference: without it the lines are the same).
fn subscriber_with_traces<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    tracer: Option<opentelemetry_sdk::trace::SdkTracer>,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    // The layer's type depends on the subscriber under it, so each format makes its own.
    match format {
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .finish()
                .with(tracer.map(|t| tracing_opentelemetry::layer().with_tracer(t))),
        ),
        LogFormat::Text => Box::new(
            builder
                .finish()
                .with(tracer.map(|t| tracing_opentelemetry::layer().with_tracer(t))),
        ),
    }
}
