//! A local server for `scripts/bench/health.py`: the integration tests' server on
//! 127.0.0.1, on one or many ports. It prints one `127.0.0.1:PORT` line per port, then
//! serves until `--lifetime` seconds pass (it always stops by itself).
//!
//! ```text
//! health-bench-server [--ports N] [--healthy-after SECS] [--hang] [--lifetime SECS]
//! ```
#![allow(clippy::unwrap_used)]

#[path = "../tests/integration/server.rs"]
mod server;

use std::io::Write;
use std::time::Duration;

use server::{Reply, Server};

fn main() {
    let mut ports = 1usize;
    let mut healthy_after = 0.0f64;
    let mut hang = false;
    let mut lifetime = 120.0f64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--ports" => ports = value().parse().unwrap(),
            "--healthy-after" => healthy_after = value().parse().unwrap(),
            "--hang" => hang = true,
            "--lifetime" => lifetime = value().parse().unwrap(),
            other => panic!("unknown argument {other}"),
        }
    }
    let after = Duration::from_secs_f64(healthy_after);
    let servers: Vec<Server> = (0..ports)
        .map(|_| {
            Server::start(move |_, _, since| {
                if hang {
                    Reply::Hang
                } else if since < after {
                    Reply::status(503, "{\"status\":\"starting\"}")
                } else {
                    Reply::json("{\"status\":\"healthy\",\"checks\":[{\"ok\":true}]}")
                }
            })
        })
        .collect();
    let mut out = std::io::stdout().lock();
    for server in &servers {
        writeln!(out, "{}", server.addr).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    std::thread::sleep(Duration::from_secs_f64(lifetime));
}
