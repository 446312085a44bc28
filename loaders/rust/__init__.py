"""Rust: Cargo.toml and Cargo.lock."""
