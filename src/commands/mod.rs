//! One module per subcommand; each returns the run's [`Exit`](crate::exit::Exit).

pub mod phase;
pub mod spec;
