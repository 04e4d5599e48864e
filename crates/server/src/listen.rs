//! The accept loop: a bound on open connections and a deadline for request headers, so slow
//! or idle clients cannot hold sockets and memory (`axum::serve` sets neither).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Longest time a client may take to send a request's headers; an idle keep-alive connection
/// is closed after the same time (hyper starts the clock when it waits for the next request).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Most connections held open at once; further clients wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;
/// Longest time requests in flight get to finish after shutdown is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The limits of [`serve_connections`].
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets requests in
/// flight finish (at most 10 s).
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection closed with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    /// Reads until the server closes the connection; returns what it sent and how long it took.
    async fn read_until_closed(stream: &mut TcpStream, bound: Duration) -> (String, Duration) {
        let started = Instant::now();
        let mut received = Vec::new();
        let mut buffer = [0_u8; 1024];
        loop {
            match tokio::time::timeout(bound, stream.read(&mut buffer)).await {
                Ok(Ok(0) | Err(_)) => break,
                Ok(Ok(read)) => received.extend_from_slice(&buffer[..read]),
                Err(_) => panic!("the connection was still open after {bound:?}"),
            }
        }
        (
            String::from_utf8_lossy(&received).into_owned(),
            started.elapsed(),
        )
    }

    /// 1,500 sockets sending unfinished headers, and idle keep-alive connections, were all
    /// still held after 52 s. Now both are closed after the header deadline, and connections
    /// past the limit wait until one closes.
    #[tokio::test]
    async fn slow_headers_and_idle_connections_are_closed_and_connections_are_bounded() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "ok" }));
        let limits = ConnectionLimits {
            header_read_timeout: Duration::from_millis(300),
            max_connections: 2,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_connections(listener, app, limits, async {
            let _ = stopped.await;
        }));
        let bound = Duration::from_secs(5);

        // Unfinished headers.
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        // An idle keep-alive connection after one answered request.
        let mut idle = TcpStream::connect(addr).await.unwrap();
        idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        // A third connection waits: the limit is two.
        let mut third = TcpStream::connect(addr).await.unwrap();
        third
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();

        let (nothing, slow_took) = read_until_closed(&mut slow, bound).await;
        assert!(!nothing.contains("200 OK"), "{nothing}");
        assert!(slow_took < bound);
        // Answered, then closed while idle (the read returns only at the close).
        let (answered, _) = read_until_closed(&mut idle, bound).await;
        assert!(answered.starts_with("HTTP/1.1 200 OK"), "{answered}");
        let (late, _) = read_until_closed(&mut third, bound).await;
        assert!(late.starts_with("HTTP/1.1 200 OK"), "{late}");

        stop.send(()).unwrap();
        tokio::time::timeout(bound, server).await.unwrap().unwrap();
    }
}
