//! Trace export over OTLP/HTTP with JSON bodies: the OpenTelemetry SDK's batch processor and
//! OTLP exporter, sending with the service's own reqwest client on a one-thread runtime of
//! its own (the batch processor exports from its own thread, where no runtime of the service
//! is; a runtime of its own also keeps export off the worker's single thread).

use std::time::Duration;

use bytes::Bytes;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{HttpClient, HttpError};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};

/// How long one export may take before it is given up (the batch is dropped, the service
/// goes on).
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// The running export; dropping it sends what is buffered and stops.
pub struct TraceExport {
    provider: SdkTracerProvider,
}

impl TraceExport {
    /// Starts exporting to `url` (the collector's whole traces URL, http or https).
    pub fn start(url: &str) -> Result<TraceExport, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("log.otlp_traces_url: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("log.otlp_traces_url: an http or https URL".into());
        }
        let client = ExportClient::new().map_err(|e| format!("trace export client: {e}"))?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(client)
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(url)
            .with_timeout(EXPORT_TIMEOUT)
            .build()
            .map_err(|e| format!("trace exporter: {e}"))?;
        let provider = SdkTracerProvider::builder()
            .with_resource(Resource::builder().with_service_name("innfri").build())
            .with_batch_exporter(exporter)
            .build();
        Ok(TraceExport { provider })
    }

    pub fn tracer(&self) -> SdkTracer {
        self.provider.tracer("innfri")
    }
}

/// Exports what is still buffered and stops, blocking until done: keep the export until the
/// process ends, outside the runtime. (The tracer in the subscriber holds the provider too, so
/// only this stops it.)
impl Drop for TraceExport {
    fn drop(&mut self) {
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!(error = %e, "the last traces were not exported");
        }
    }
}

/// The OTLP exporter's HTTP client: reqwest, on a runtime of its own.
#[derive(Debug)]
struct ExportClient {
    client: reqwest::Client,
    runtime: Option<tokio::runtime::Runtime>,
}

impl ExportClient {
    fn new() -> std::io::Result<ExportClient> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("trace-export")
            .enable_all()
            .build()?;
        let client = reqwest::Client::builder()
            .timeout(EXPORT_TIMEOUT)
            .build()
            .map_err(std::io::Error::other)?;
        Ok(ExportClient {
            client,
            runtime: Some(runtime),
        })
    }
}

impl Drop for ExportClient {
    fn drop(&mut self) {
        // Allowed anywhere, also where blocking is not (a plain drop of a runtime is not).
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[async_trait::async_trait]
impl HttpClient for ExportClient {
    async fn send_bytes(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let runtime = self
            .runtime
            .as_ref()
            .ok_or("the trace export has stopped")?;
        let (parts, body) = request.into_parts();
        let request = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body);
        // Sent inside the export's runtime: reqwest needs one to start a request in.
        let answer = runtime
            .spawn(async move {
                let response = request.send().await?;
                let status = response.status();
                let headers = response.headers().clone();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, headers, body))
            })
            .await??;
        let (status, headers, body) = answer;
        let mut response = http::Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}
