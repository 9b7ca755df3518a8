//! How each role runs until a shutdown signal: `serve` (web), `worker`, and `demo` (both, embedded).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use tokio::sync::watch;

use super::demo;
use super::{AppContext, http_client, metrics};
use crate::http;
use crate::http::health::{self, WorkerProbes};
use crate::messaging::Worker;
use crate::service::retention;

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
    let server = http::server(ctx, listener)?;
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        handle.stop(true).await;
    });
    server.await?;
    Ok(())
}

/// The worker's probe listener, when `messaging.health_bind` names one.
pub fn bind_worker_probes(ctx: &AppContext) -> anyhow::Result<Option<TcpListener>> {
    let addr = &ctx.config.settings.messaging.health_bind;
    if addr.is_empty() {
        return Ok(None);
    }
    TcpListener::bind(addr)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr} (messaging.health_bind): {e}"))
}

/// Serves the worker's `/healthz`, `/readyz` and `/metrics` on `listener` until the handle stops it.
fn start_worker_probes(
    ctx: &AppContext,
    worker: &Worker,
    listener: TcpListener,
) -> anyhow::Result<ServerHandle> {
    tracing::info!(addr = %listener.local_addr()?, "worker probes listening");
    let probes = WorkerProbes {
        store: ctx.store.clone(),
        heartbeat: worker.heartbeat(),
        stale_after: worker.stale_after(),
        metrics: ctx.metrics.clone(),
    };
    let server = health::worker_server(probes, listener)?;
    let handle = server.handle();
    tokio::spawn(server);
    Ok(handle)
}

/// The worker role: sends messages, delivers webhooks and runs the retention schedule until a
/// signal, then finishes what it has in hand.
pub async fn worker(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let probes = bind_worker_probes(&ctx)?;
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = tx.send(true);
    });
    run_worker(ctx, probes, rx).await
}

/// The worker role until `shutdown` turns true: the send loop, webhook delivery, the retention
/// schedule and, on `probes`, the liveness and readiness listener.
pub async fn run_worker(
    ctx: Arc<AppContext>,
    probes: Option<TcpListener>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let worker = ctx.worker(http_client()?)?;
    let deliverer = ctx.deliverer()?;
    let probes = match probes {
        Some(listener) => Some(start_worker_probes(&ctx, &worker, listener)?),
        None => None,
    };
    // The loops stop on their own signal: the caller's shutdown, or one of them ending early.
    let (stop, stopped) = watch::channel(false);
    let webhooks = tokio::spawn({
        let rx = stopped.clone();
        async move { deliverer.run(rx).await }
    });
    let retention = tokio::spawn(retention::run_periodically(ctx.clone(), stopped.clone()));
    let gauges = tokio::spawn(metrics::refresh_queue_periodically(
        ctx.clone(),
        stopped.clone(),
    ));
    let sending = tokio::spawn(async move { worker.run(stopped).await });
    let mut shutdown = shutdown;
    let ended = supervise(
        vec![sending, webhooks, retention, gauges],
        async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        },
        move || {
            let _ = stop.send(true);
        },
    )
    .await;
    if let Some(probes) = probes {
        probes.stop(true).await;
    }
    match ended {
        Some(name) => anyhow::bail!("the {name} task stopped unexpectedly"),
        None => Ok(()),
    }
}

/// The names of the background loops, in the order [`supervise`] is given them.
const BACKGROUND: [&str; 4] = ["worker", "webhook delivery", "retention", "queue gauges"];

/// Waits for `shutdown` or for one of `tasks` to end, whichever comes first, then runs `stop`
/// (which must make the others end) and waits for the rest. Names the task that ended before
/// the shutdown, if one did: a loop that stops by itself (a panic, most likely) must not leave
/// the rest of the process running without it.
async fn supervise(
    mut tasks: Vec<tokio::task::JoinHandle<()>>,
    shutdown: impl std::future::Future<Output = ()>,
    stop: impl FnOnce(),
) -> Option<&'static str> {
    let ended = tokio::select! {
        _ = shutdown => None,
        (_, index, _) = futures::future::select_all(tasks.iter_mut()) => Some(index),
    };
    let name = ended.map(|index| BACKGROUND.get(index).copied().unwrap_or("background"));
    if let Some(name) = name {
        tracing::error!(task = name, "a background task stopped; shutting down");
    }
    stop();
    for (index, task) in tasks.into_iter().enumerate() {
        // A finished handle must not be awaited twice.
        if Some(index) != ended {
            let _ = task.await;
        }
    }
    name
}

/// Web and worker in one process on the embedded store, with a demo case and its link printed.
pub async fn demo(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let listener = bind(&ctx)?;
    let demo::DemoCase { link, timeline } = demo::seed(&ctx).await?;
    let logins = demo::staff_logins(&ctx).await?;
    let console = format!(
        "{}/console/login",
        ctx.config.settings.server.public_base_url
    );
    let started = move || {
        println!(
            "\ninnfri demo is running. Open the demo case (as the debtor would from the SMS):\n\n    {link}\n"
        );
        if !timeline.is_empty() {
            println!("The demo case's journey, if it is not paid:\n");
            for line in &timeline {
                println!("    {line}");
            }
            println!();
        }
        println!("The staff console: {console}");
        for login in &logins {
            println!(
                "  {}: e-mail {}  password {}  TOTP secret {}",
                login.role, login.email, login.password, login.totp_secret
            );
        }
        println!("  (add the TOTP secret to an authenticator app for the code)\n");
        println!(
            "Agency API key for this demo: {}\nStop with Ctrl-C.\n",
            demo::API_KEY
        );
    };
    web_and_worker(ctx, listener, started).await
}

/// Web and worker in one process, with the configured store and no demo case: the single
/// binary for a store file (`store.path`, which only one process may open) or a small Redis.
pub async fn all(ctx: Arc<AppContext>) -> anyhow::Result<()> {
    let listener = bind(&ctx)?;
    let addr = listener.local_addr()?;
    web_and_worker(ctx, listener, move || {
        tracing::info!(%addr, "serving, and sending in the same process");
    })
    .await
}

/// The web server, the send loop, webhook delivery and the retention schedule on one context,
/// until a signal; `started` runs once everything is up.
async fn web_and_worker(
    ctx: Arc<AppContext>,
    listener: TcpListener,
    started: impl FnOnce(),
) -> anyhow::Result<()> {
    let server = http::server(ctx.clone(), listener)?;
    let handle = server.handle();
    let worker = ctx.worker(http_client()?)?;
    let deliverer = ctx.deliverer()?;
    // The web server's probes cover both; the worker's own only when configured.
    let probes = match bind_worker_probes(&ctx)? {
        Some(listener) => Some(start_worker_probes(&ctx, &worker, listener)?),
        None => None,
    };
    let (tx, rx) = watch::channel(false);
    let webhooks = tokio::spawn({
        let rx = rx.clone();
        async move { deliverer.run(rx).await }
    });
    let retention = tokio::spawn(retention::run_periodically(ctx.clone(), rx.clone()));
    let gauges = tokio::spawn(metrics::refresh_queue_periodically(ctx.clone(), rx.clone()));
    let worker_task = tokio::spawn(async move { worker.run(rx).await });
    started();
    // A background loop that ends before the signal stops the web server too, and the process
    // exits with an error so that whatever supervises it restarts the whole.
    let supervisor = tokio::spawn(async move {
        let ended = supervise(
            vec![worker_task, webhooks, retention, gauges],
            shutdown_signal(),
            move || {
                let _ = tx.send(true);
            },
        )
        .await;
        handle.stop(true).await;
        ended
    });
    server.await?;
    let ended = supervisor.await.unwrap_or(Some("supervisor"));
    if let Some(probes) = probes {
        probes.stop(true).await;
    }
    match ended {
        Some(name) => anyhow::bail!("the {name} task stopped unexpectedly"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loop that waits for the stop signal, like the real ones.
    fn waits_for_stop(mut stopped: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
    }

    #[tokio::test]
    async fn a_loop_that_panics_stops_the_others_and_is_named() {
        let (stop, stopped) = watch::channel(false);
        let panics = tokio::spawn(async { panic!("the send loop failed") });
        let ended = supervise(
            vec![
                waits_for_stop(stopped.clone()),
                panics,
                waits_for_stop(stopped),
            ],
            std::future::pending(),
            move || {
                let _ = stop.send(true);
            },
        )
        .await;
        assert_eq!(ended, Some("webhook delivery"));
    }

    #[tokio::test]
    async fn a_shutdown_stops_every_loop_and_names_none() {
        let (stop, stopped) = watch::channel(false);
        let ended = supervise(
            vec![
                waits_for_stop(stopped.clone()),
                waits_for_stop(stopped.clone()),
                waits_for_stop(stopped),
            ],
            async {},
            move || {
                let _ = stop.send(true);
            },
        )
        .await;
        assert_eq!(ended, None);
    }
}
