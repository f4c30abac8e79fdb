//! The `hivegen` binary: everything is in the library; see `hivegen --help`.

fn main() -> std::process::ExitCode {
    hivegen::main()
}
