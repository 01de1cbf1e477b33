//! skillmeat-lsp: the binary's entry point — the CLI commands, and `serve`, the language server.

mod cli;
mod json;
mod lsp;

fn main() {
    std::process::exit(cli::main());
}
