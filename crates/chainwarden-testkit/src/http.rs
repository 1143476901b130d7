//! A plain HTTP/1.1 server on 127.0.0.1 standing in for what the tests cannot
//! reach (an advisory mirror): it answers a fixed number of requests.

use std::io::{Read, Write};
use std::thread::JoinHandle;

/// The answer to one request.
pub enum Reply {
    /// 200 with a `Content-Length`.
    Body(Vec<u8>),
    /// 200 in `Transfer-Encoding: chunked`, 100 kB chunks.
    Chunked(Vec<u8>),
    /// 404, empty.
    NotFound,
}

/// Serves `requests` requests with `reply(path)`; returns the base URL
/// (`http://127.0.0.1:PORT`) and the thread (join it to see its panics).
pub fn serve(
    requests: usize,
    reply: impl Fn(&str) -> Reply + Send + 'static,
) -> (String, JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut s = stream.expect("connection");
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.ends_with(b"\r\n\r\n") {
                let n = s.read(&mut buf).expect("read request");
                if n == 0 {
                    break;
                }
                req.extend_from_slice(&buf[..n]);
            }
            let req = String::from_utf8_lossy(&req).to_string();
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            match reply(&path) {
                Reply::Body(body) => {
                    write!(
                        s,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .expect("write");
                    s.write_all(&body).expect("write");
                }
                Reply::Chunked(body) => {
                    write!(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .expect("write");
                    for chunk in body.chunks(100_000) {
                        write!(s, "{:x}\r\n", chunk.len()).expect("write");
                        s.write_all(chunk).expect("write");
                        s.write_all(b"\r\n").expect("write");
                    }
                    s.write_all(b"0\r\n\r\n").expect("write");
                }
                Reply::NotFound => s
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .expect("write"),
            }
        }
    });
    (format!("http://{addr}"), handle)
}
