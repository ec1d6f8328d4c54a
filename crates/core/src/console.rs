//! Writing to the console without ever panicking: `println!` panics when stdout is a
//! closed pipe (`signoff check | head`), which would turn a verdict into exit 101. These
//! macros write the line and drop the error: a reader that went away ends the output,
//! never the run, so the exit code stays the verdict's.

/// Prints a line to stdout; a closed pipe or full disk is ignored.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::console::out_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::console::out_line(format_args!($($arg)*))
    };
}

/// Prints a line to stderr; errors are ignored.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::err_line(format_args!($($arg)*))
    };
}

/// Writes one line to stdout, ignoring errors.
pub fn out_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"));
}

/// Writes one line to stderr, ignoring errors; a progress line on the terminal is cleared
/// first so the two never mix.
pub fn err_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    crate::progress::clear_line();
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}
