//! The one integration-test binary: every test runs the real `hivegen` on temp dirs.

// Test helpers are shared across modules of this one binary; `pub` there is for them.
#![allow(unreachable_pub)]

mod support;

mod ci;
mod diagnostics;
mod engine;
mod guard;
mod help;
mod layout;
mod phases;
mod previews;
mod properties;
mod python;
mod regression;
mod snapshots;
mod spec;
mod verify;
