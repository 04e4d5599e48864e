//! Builds an index of a corpus folder (if the index root has none) and serves it: a stand-in
//! for `edusearch serve` while developing the server alone.
//!
//! `cargo run -p edusearch-server --example serve -- serve [--index DIR] [--data DIR] [--addr ADDR]`
//! (defaults: `index-data/index`, `index-data/resolutions`, `127.0.0.1:8080`).

use std::path::PathBuf;

use edusearch_indexer::{BuildOptions, IndexRoot, NoProgress, build_index};
use edusearch_server::{ServerConfig, serve};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut config = ServerConfig {
        index_root: PathBuf::from("index-data/index"),
        data_dir: PathBuf::from("index-data/resolutions"),
        addr: "127.0.0.1:8080".parse()?,
        admin_token: std::env::var("EDUSEARCH_ADMIN_TOKEN").ok(),
        cache_entries: edusearch_server::DEFAULT_CACHE_ENTRIES,
    };
    let mut args = std::env::args().skip(1).filter(|arg| arg != "serve");
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--index" => config.index_root = value.into(),
            "--data" => config.data_dir = value.into(),
            "--addr" => config.addr = value.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    let root = IndexRoot::new(&config.index_root);
    if !root.exists() {
        build_index(&root, &BuildOptions::new(&config.data_dir), &NoProgress)?;
    }
    serve(config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
