//! Serving the router over HTTP/1.1, with graceful shutdown and connections that can be
//! dropped on purpose (the `drop` fault).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

use crate::config::Config;
use crate::engine::Engine;
use crate::http::{DropConnection, PeerAddr, router};
use crate::model::Role;
use crate::seed::{SeedError, SeedOutcome};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("signing key {path}: {reason}")]
    SigningKey { path: String, reason: String },
    #[error("webhooks: {0}")]
    Webhooks(String),
    #[error(
        "{path} is in use by another emulator (or clerkctl --local): stop it, or pick another data file"
    )]
    Locked { path: String },
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: String,
        source: std::io::Error,
    },
}

/// A running emulator. Dropping it stops the server; [`Emulator::shutdown`] waits for open
/// requests to finish first.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    engine: Arc<Engine>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    webhook_secret: Option<WebhookSecretSource>,
    /// Held while the emulator runs, with a data file: two emulators never share one.
    _lock: Option<std::fs::File>,
}

/// Where the webhook signing secret came from, when webhooks are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookSecretSource {
    /// Given in the configuration.
    Given,
    /// Made by the emulator (and kept in the data file, if any); the caller shows it.
    Generated(String),
}

/// The data file's marker holding a generated webhook signing secret.
const WEBHOOK_SECRET_META: &str = "webhook_secret";

/// Locks the data file for this process: `DATA.lock` beside it (as `clerkctl --local` does),
/// created private. Another emulator on the same file is refused, saying which file.
pub fn lock_data(path: &std::path::Path) -> Result<std::fs::File, StartError> {
    let lock_path = path.with_extension("lock");
    // The data file's directory is made when missing, as opening the data file does.
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StartError::Lock {
            path: lock_path.display().to_string(),
            source,
        })?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&lock_path)
        .map_err(|source| StartError::Lock {
            path: lock_path.display().to_string(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::Locked {
            path: path.display().to_string(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::Lock {
            path: lock_path.display().to_string(),
            source,
        }),
    }
}

/// Builds the engine a configuration asks for: in memory or on a data file, then seeded.
/// A seed fills an empty instance only: a data file that already holds records was seeded
/// when it was new, and seeding it again would refuse every seeded identifier as taken.
pub fn engine_for(config: &Config) -> Result<Engine, StartError> {
    let engine = match &config.data {
        Some(path) => Engine::open(path, Role::defaults())?,
        None => Engine::in_memory(Role::defaults()),
    }
    .with_settings(config.settings.clone());
    let seeds: Vec<std::path::PathBuf> = config
        .seed
        .iter()
        .chain(&config.more_seeds)
        .cloned()
        .collect();
    if !seeds.is_empty() && engine.load_seed_files(&seeds)? == SeedOutcome::RolesOnly {
        // Roles live in the seed, not the data file: they were added all the same.
        tracing::info!(seed = %seeds[0].display(), "the data file holds records; seed not applied again");
    }
    if let Some(path) = &config.signing_key {
        let err = |reason: String| StartError::SigningKey {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let key = crate::keys::SigningKey::from_pem(&text).map_err(|e| err(e.to_string()))?;
        engine.set_signing_key(key);
    }
    Ok(engine)
}

/// Starts the engine's webhooks when the configuration names endpoints: the secret given,
/// else the one the data file keeps, else a new one (kept in the data file).
fn start_webhooks(
    engine: &Arc<Engine>,
    config: &Config,
) -> Result<Option<WebhookSecretSource>, StartError> {
    let options = &config.webhooks;
    if options.endpoints.is_empty() {
        return Ok(None);
    }
    let fail = |e: String| StartError::Webhooks(e);
    let (secret, source) = match &options.secret {
        Some(s) => (s.expose().to_owned(), WebhookSecretSource::Given),
        None => {
            let kept = engine
                .meta(WEBHOOK_SECRET_META)
                .map_err(|e| fail(e.to_string()))?;
            let secret = match kept {
                Some(s) => s,
                None => {
                    let s = crate::webhooks::generate_secret();
                    engine
                        .set_meta(WEBHOOK_SECRET_META, &s)
                        .map_err(|e| fail(e.to_string()))?;
                    s
                }
            };
            (secret.clone(), WebhookSecretSource::Generated(secret))
        }
    };
    // Clerk's `instance_id` and its tokens' `kid` are the same value.
    let key = engine.signing_key().map_err(|e| fail(e.to_string()))?;
    crate::webhooks::Webhooks::start(engine, options, &secret, key.kid()).map_err(fail)?;
    Ok(Some(source))
}

/// The error an injected drop makes the connection end with.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

impl Emulator {
    /// Builds the engine from `config` and starts serving.
    pub async fn start(config: Config) -> Result<Emulator, StartError> {
        let lock = config.data.as_deref().map(lock_data).transpose()?;
        let engine = Arc::new(engine_for(&config)?);
        let secret = start_webhooks(&engine, &config)?;
        let mut emulator = Emulator::serve(engine, &config).await?;
        emulator.webhook_secret = secret;
        emulator._lock = lock;
        Ok(emulator)
    }

    /// Serves an existing engine (the CLI's `--local` mode shares one). The engine keeps its
    /// own settings; `config`'s rate limits apply to the requests.
    pub async fn serve(engine: Arc<Engine>, config: &Config) -> Result<Emulator, StartError> {
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        let app = router(engine.clone(), config, &format!("http://{addr}"));
        let (stop, stopped) = oneshot::channel();
        let limits = Limits {
            header_read_timeout: config.header_read_timeout,
            connections: Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1))),
        };
        let task = tokio::spawn(accept_loop(listener, app, limits, stopped));
        Ok(Emulator {
            addr,
            engine,
            stop: Some(stop),
            task: Some(task),
            webhook_secret: None,
            _lock: None,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the origin clients point at (`/v1` is the API's path).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Where the webhook signing secret came from (`None` without webhooks).
    pub fn webhook_secret(&self) -> Option<&WebhookSecretSource> {
        self.webhook_secret.as_ref()
    }

    /// Stops accepting, lets open requests finish (up to 5 s), then returns. Webhook
    /// deliveries stop too; with a data file, those pending resume at the next start.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Some(hooks) = self.engine.webhooks() {
            hooks.stop();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(hooks) = self.engine.webhooks() {
            hooks.stop();
        }
    }
}

/// What one client may hold of the server.
struct Limits {
    header_read_timeout: Duration,
    connections: Arc<tokio::sync::Semaphore>,
}

/// The answer to a connection over the cap: Clerk's clients retry a 503.
fn busy() -> Vec<u8> {
    let body = r#"{"errors":[{"message":"too many connections","long_message":"The emulator is serving as many connections as it allows; try again.","code":"unavailable"}]}"#;
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    mut stopped: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    // HTTP/1.1 only (Clerk's clients speak it over http://): hyper's version check before
    // HTTP/1.1 would wait for a silent connection without a timeout.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stopped => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = limits.connections.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "too many connections: answered 503");
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let mut stream = stream;
                let _ = stream.write_all(&busy()).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let app = app.clone();
            async move {
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(PeerAddr(peer));
                let resp = app
                    .oneshot(req)
                    .await
                    .unwrap_or_else(|never| match never {});
                if resp.extensions().get::<DropConnection>().is_some() {
                    // An error from the service makes hyper close the connection unanswered.
                    return Err(Dropped);
                }
                Ok(resp)
            }
        });
        let conn = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _permit = permit;
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
