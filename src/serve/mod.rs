//! `popm serve`: the backlog in a browser, live. An HTTP server (axum on a tokio runtime of one
//! thread; the reading and writing of files runs on tokio's blocking threads) with
//!
//! - the JSON API of [`api`] under `/api/`, and `/api/events`, a stream of server-sent events
//!   that says when the backlog's files changed ([`watch`]);
//! - the pages of [`pages`], rendered from the files on every request;
//! - the checks of [`guard`] in front of every request.
//!
//! Nothing here prints: the command line says the URL through the `on_listen` callback.

pub mod api;
pub mod guard;
pub mod kanban;
pub mod pages;
pub mod watch;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt as _};

use crate::error::EnvError;
use crate::mcp::tools::Place;
use api::{Change, Reply};
use guard::Bound;
use watch::Change as FileChange;

/// Where to listen.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
}

/// How long a stop waits for requests in flight before it ends them.
const STOP_GRACE: Duration = Duration::from_millis(500);

struct App {
    place: Place,
    bound: Bound,
    changes: broadcast::Sender<FileChange>,
}

/// Serves the backlog of `place` until SIGTERM or Ctrl-C. `on_listen` gets the URL once the
/// socket is bound (the port is known then, also for port 0).
pub fn run(place: Place, options: Options, on_listen: impl FnOnce(&str)) -> Result<(), EnvError> {
    let workspace = place.open()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EnvError::io("start the server", e))?;
    let (changes, _) = broadcast::channel(16);
    let _watch = watch::start(
        &workspace.config,
        changes.clone(),
        Arc::new(AtomicU64::new(0)),
    )?;
    drop(workspace);
    let result = runtime.block_on(async move {
        let address = SocketAddr::new(options.bind, options.port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| EnvError::io(format!("listen on {address}"), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| EnvError::io("read the address listened on", e))?;
        let app = Arc::new(App {
            place,
            bound: Bound(local),
            changes: changes.clone(),
        });
        on_listen(&url(local));
        let stopped = Arc::new(tokio::sync::Notify::new());
        let server = axum::serve(listener, router(app)).with_graceful_shutdown({
            let stopped = stopped.clone();
            async move {
                stop_signal().await;
                // Event streams never end by themselves: end them, or the graceful shutdown waits.
                let _ = changes.send(FileChange::Shutdown);
                stopped.notify_one();
            }
        });
        tokio::select! {
            served = std::future::IntoFuture::into_future(server) => {
                served.map_err(|e| EnvError::io("serve", e))
            }
            // A request that does not finish in time is not waited for.
            _ = async { stopped.notified().await; tokio::time::sleep(STOP_GRACE).await } => Ok(()),
        }
    });
    // A write in flight on a blocking thread gets a moment to finish; it is all-or-nothing anyway.
    runtime.shutdown_timeout(Duration::from_millis(300));
    result
}

/// `http://ADDRESS:PORT/` (an IPv6 address in brackets). Bound to all interfaces, the loopback
/// address: the URL is one to open on this machine.
pub fn url(local: SocketAddr) -> String {
    let mut shown = local;
    if local.ip().is_unspecified() {
        shown.set_ip(match local.ip() {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        });
    }
    format!("http://{shown}/")
}

async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/api/items", get(items))
        .route("/api/items/{id}", get(show))
        .route("/api/items/{id}/move", post(move_item))
        .route("/api/items/{id}/set", post(set_fields))
        .route("/api/backlog", get(backlog))
        .route("/api/pi/{pi}", get(pi_ready))
        .route("/api/check", get(check))
        .route("/api/events", get(events))
        .route("/", get(page))
        .route("/{*path}", get(page))
        // Around every route, and around the 404 and 405 answers too.
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// The checks of [`guard`] before every request, and headers that keep browsers from guessing
/// types or caching answers that change with the files.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = header_text(headers, header::HOST).unwrap_or_default();
    let mut response = if !app.bound.accepts_host(host) {
        plain(
            StatusCode::MISDIRECTED_REQUEST,
            "popm serve answers only to its own address or localhost\n",
        )
    } else if request.method() != Method::GET && request.method() != Method::HEAD {
        let json = header_text(headers, header::CONTENT_TYPE).is_some_and(guard::is_json);
        let origin = header_text(headers, header::ORIGIN)
            .is_some_and(|origin| app.bound.accepts_origin(origin, host));
        if !json {
            plain(
                StatusCode::FORBIDDEN,
                "a change needs Content-Type: application/json\n",
            )
        } else if !origin {
            plain(
                StatusCode::FORBIDDEN,
                "a change must come from a page of this server (Origin)\n",
            )
        } else {
            next.run(request).await
        }
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Runs popm's file work off the runtime's one thread, so that a slow read does not hold up
/// other requests or the event streams.
async fn blocking(work: impl FnOnce() -> Reply + Send + 'static) -> Response {
    let reply = tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Reply::error(500, "internal error"));
    respond(reply)
}

fn respond(reply: Reply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        reply.body,
    )
        .into_response();
    if let Some(version) = reply.version
        && let Ok(value) = HeaderValue::from_str(&format!("\"{version}\""))
    {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

async fn items(State(app): State<Arc<App>>) -> Response {
    blocking(move || api::items(&app.place)).await
}

async fn show(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    blocking(move || api::show(&app.place, &id)).await
}

async fn backlog(State(app): State<Arc<App>>) -> Response {
    blocking(move || api::backlog(&app.place)).await
}

async fn pi_ready(State(app): State<Arc<App>>, Path(pi): Path<String>) -> Response {
    blocking(move || api::pi_ready(&app.place, &pi)).await
}

async fn check(State(app): State<Arc<App>>) -> Response {
    blocking(move || api::check(&app.place)).await
}

async fn move_item(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    write_change(app, id, &headers, &body, |b: &api::MoveBody| {
        Change::Status(&b.status)
    })
    .await
}

async fn set_fields(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    write_change(app, id, &headers, &body, |b: &api::SetBody| {
        Change::Fields(&b.fields)
    })
    .await
}

/// A write request: its JSON body read as `T`, the change it asks for written through the checked
/// edit path on the blocking threads, with the version the client read (`If-Match`).
async fn write_change<T: DeserializeOwned + Send + 'static>(
    app: Arc<App>,
    id: String,
    headers: &HeaderMap,
    body: &[u8],
    change: fn(&T) -> Change<'_>,
) -> Response {
    let body: T = match parse_body(body) {
        Ok(b) => b,
        Err(reply) => return respond(reply),
    };
    let expected = if_match(headers);
    blocking(move || api::write(&app.place, &id, &change(&body), expected.as_deref())).await
}

fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(body).map_err(|e| {
        Reply::error(
            400,
            &format!("the request body is not what it should be: {e}"),
        )
    })
}

/// The version named by `If-Match: "<version>"` (quotes and a weak `W/` prefix allowed).
fn if_match(headers: &HeaderMap) -> Option<String> {
    let value = header_text(headers, header::IF_MATCH)?.trim();
    let value = value.strip_prefix("W/").unwrap_or(value);
    Some(value.trim_matches('"').to_string())
}

async fn events(State(app): State<Arc<App>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(app.changes.subscribe()).map_while(|change| match change {
        Ok(FileChange::Files(n)) => Some(Ok(Event::default().event("change").data(n.to_string()))),
        // Changes were missed: one more change says the same (read everything again).
        Err(BroadcastStreamRecvError::Lagged(_)) => {
            Some(Ok(Event::default().event("change").data("lagged")))
        }
        Ok(FileChange::Shutdown) => None,
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn page(State(app): State<Arc<App>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let reply = tokio::task::spawn_blocking(move || pages::page(&app.place, &path))
        .await
        .unwrap_or_else(|_| pages::Page::not_found());
    (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [
            (header::CONTENT_TYPE, reply.content_type),
            // Pages run popm's own script only, and send nothing anywhere but here.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            ),
        ],
        reply.body,
    )
        .into_response()
}
