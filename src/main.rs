fn main() -> std::process::ExitCode {
    popm::cli::main()
}
