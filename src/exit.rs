//! Exit codes: the contract scripts and CI rely on.

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Done, clean, up to date.
    Success,
    /// Refused, violations found, or out of date.
    Failure,
    /// hivegen could not do its job: bad arguments, spec, template, I/O.
    Error,
}

impl Exit {
    /// The process exit code: 0, 1 or 2.
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Error => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(
            [Exit::Success, Exit::Failure, Exit::Error].map(Exit::code),
            [0, 1, 2]
        );
    }
}
