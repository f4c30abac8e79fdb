//! `hivegen verify`: exit codes, formats, and the self-check of `phase d`.
