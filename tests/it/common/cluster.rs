//! A three-master Redis Cluster for this test binary, on free loopback ports, started once:
//! three `redis-server --cluster-enabled yes` in a temporary folder, joined by
//! `redis-cli --cluster create … --cluster-replicas 0`, ready when every node reports
//! `cluster_state:ok`. Each stops when this process ends (a watchdog shell per node, as for the
//! single Redis). `INNFRI_TEST_REDIS_CLUSTER_NODES` (comma-separated `redis://` URLs) uses one
//! that runs already instead.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

const MASTERS: usize = 3;

/// The cluster's node URLs.
pub fn nodes() -> &'static [String] {
    static NODES: OnceLock<Vec<String>> = OnceLock::new();
    NODES.get_or_init(|| {
        if let Ok(list) = std::env::var("INNFRI_TEST_REDIS_CLUSTER_NODES") {
            return list.split(',').map(|s| s.trim().to_owned()).collect();
        }
        start()
    })
}

/// The cluster's nodes for `backend` Cluster, none for the others (not starting it for them).
pub fn nodes_if(backend: super::Backend) -> &'static [String] {
    match backend {
        super::Backend::Cluster => nodes(),
        _ => &[],
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn start() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("redis-cluster-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("cluster dir");
    let pid = std::process::id();
    // Cluster ports must leave their +10000 bus port free too.
    let mut ports = Vec::new();
    while ports.len() < MASTERS {
        let port = free_port();
        if port < 55_000 && !ports.contains(&port) {
            ports.push(port);
        }
    }
    for port in &ports {
        let script = format!(
            "cd '{dir}' && redis-server --port {port} --bind 127.0.0.1 --cluster-enabled yes \
             --cluster-config-file nodes-{port}.conf --cluster-node-timeout 5000 \
             --save '' --appendonly no --loglevel warning & R=$!; \
             while kill -0 {pid} 2>/dev/null && kill -0 $R 2>/dev/null; do sleep 0.5; done; kill $R 2>/dev/null",
            dir = dir.display()
        );
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (scripts/test installs it)");
        std::thread::spawn(move || watchdog.wait());
    }
    for port in &ports {
        wait_for(
            || std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok(),
            "node up",
        );
    }
    let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let created = Command::new("redis-cli")
        .arg("--cluster")
        .arg("create")
        .args(&addresses)
        .args(["--cluster-replicas", "0", "--cluster-yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("redis-cli must be installed (scripts/test installs redis-tools)");
    assert!(created.success(), "redis-cli --cluster create failed");
    for port in &ports {
        wait_for(
            || {
                Command::new("redis-cli")
                    .args(["-p", &port.to_string(), "cluster", "info"])
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("cluster_state:ok"))
                    .unwrap_or(false)
            },
            "cluster_state:ok",
        );
    }
    ports
        .iter()
        .map(|p| format!("redis://127.0.0.1:{p}"))
        .collect()
}

fn wait_for(ready: impl Fn() -> bool, what: &str) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("Redis Cluster: {what} not reached in 10 s");
}

/// A connection of a test's own, to look at keys the store wrote: one Redis or the cluster.
#[derive(Clone)]
pub enum RawRedis {
    Single(::redis::aio::MultiplexedConnection),
    Cluster(::redis::cluster_async::ClusterConnection),
}

impl RawRedis {
    pub async fn open(cluster: bool) -> RawRedis {
        if cluster {
            let client = ::redis::cluster::ClusterClient::new(nodes().to_vec()).expect("client");
            RawRedis::Cluster(client.get_async_connection().await.expect("connection"))
        } else {
            let client = ::redis::Client::open(super::redis_url()).expect("client");
            RawRedis::Single(
                client
                    .get_multiplexed_async_connection()
                    .await
                    .expect("connection"),
            )
        }
    }

    pub async fn query<T: ::redis::FromRedisValue>(&self, cmd: &::redis::Cmd) -> T {
        match self.clone() {
            RawRedis::Single(mut conn) => cmd.query_async(&mut conn).await.expect("redis"),
            RawRedis::Cluster(mut conn) => cmd.query_async(&mut conn).await.expect("redis"),
        }
    }
}
