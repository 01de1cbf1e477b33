//! skillmeat-lsp: the command-line entry point (CLI commands and, later, the language server).

mod cli;

fn main() {
    std::process::exit(cli::main());
}
