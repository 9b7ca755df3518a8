//! How each role runs until a shutdown signal: `serve` (web), `worker`, and `demo` (both, embedded).

use std::net::TcpListener;
use std::sync::Arc;

use tokio::sync::watch;

use crate::app::{AppContext, http_client};
use crate::demo;
use crate::retention;
use crate::web;
use crate::webhooks::delivery::Deliverer;

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received");
}

fn bind(ctx: &AppContext) -> anyhow::Result<TcpListener> {
    let addr = &ctx.config.settings.server.bind;
    TcpListener::bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} (server.bind): {e}"))
}

/// The web role: serves until a signal, then drains open requests.
pub async fn serve(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let listener = bind(&ctx)?;
    tracing::info!(addr = %listener.local_addr()?, "serving");
    let server = web::server(ctx, listener)?;
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        handle.stop(true).await;
    });
    server.await?;
    Ok(())
}

/// The worker role: sends messages, delivers webhooks and runs the retention schedule until a
/// signal, then finishes what it has in hand.
pub async fn worker(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let worker = ctx.worker(http_client()?)?;
    let deliverer = Deliverer::new(ctx.clone())?;
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = tx.send(true);
    });
    let webhooks = tokio::spawn({
        let rx = rx.clone();
        async move { deliverer.run(rx).await }
    });
    let retention = tokio::spawn(retention::run_periodically(ctx.clone(), rx.clone()));
    worker.run(rx).await;
    let _ = webhooks.await;
    let _ = retention.await;
    Ok(())
}

/// Web and worker in one process on the embedded store, with a demo case and its link printed.
pub async fn demo(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let listener = bind(&ctx)?;
    let link = demo::seed(&ctx).await?;
    let server = web::server(ctx.clone(), listener)?;
    let handle = server.handle();
    let worker = ctx.worker(http_client()?)?;
    let deliverer = Deliverer::new(ctx.clone())?;
    let (tx, rx) = watch::channel(false);
    let webhooks = tokio::spawn({
        let rx = rx.clone();
        async move { deliverer.run(rx).await }
    });
    let retention = tokio::spawn(retention::run_periodically(ctx.clone(), rx.clone()));
    let worker_task = tokio::spawn(async move { worker.run(rx).await });
    println!(
        "\ninnfri demo is running. Open the demo case (as the debtor would from the SMS):\n\n    {link}\n"
    );
    println!(
        "Agency API key for this demo: {}\nStop with Ctrl-C.\n",
        demo::API_KEY
    );
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = tx.send(true);
        handle.stop(true).await;
    });
    server.await?;
    let _ = worker_task.await;
    let _ = webhooks.await;
    let _ = retention.await;
    Ok(())
}
