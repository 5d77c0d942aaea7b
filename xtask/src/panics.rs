//! Catching a panic of the generator as a value (message, location, backtrace) without
//! printing it: `cargo xtask corpus` reports it as a failed row, the fuzzer as a crash.

use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::panic::AssertUnwindSafe;
use std::sync::Once;

/// A caught panic.
#[derive(Debug)]
pub struct Panic {
    /// The payload's message.
    pub message: String,
    /// `file:line:column`, when the panic had one.
    pub location: String,
    /// Captured at the panic, rendered (symbolized) only if someone asks: that is slow.
    pub backtrace: Option<Backtrace>,
}

thread_local! {
    /// Set while [`catch`] runs on this thread: the hook keeps the details quietly.
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    /// What the hook saw: location and backtrace (the payload only has the message).
    static DETAILS: RefCell<Option<(String, Backtrace)>> = const { RefCell::new(None) };
}

/// Installs, once per process, a panic hook that records panics of threads inside
/// [`catch`] and hands every other panic to the hook it replaced. The hook is never
/// swapped back: other code (tests) may install hooks of its own concurrently, and
/// restoring ours would drop theirs.
fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(Cell::get) {
                return previous(info);
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let backtrace = Backtrace::force_capture();
            DETAILS.with(|details| *details.borrow_mut() = Some((location, backtrace)));
        }));
    });
}

/// Runs `f`, turning a panic into a [`Panic`] without printing anything.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panic> {
    install_hook();
    DETAILS.with(|details| details.borrow_mut().take());
    let was_capturing = CAPTURING.with(|capturing| capturing.replace(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|capturing| capturing.set(was_capturing));
    result.map_err(|payload| {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "(panic payload is not a string)".to_owned()
        };
        // Dropping a payload can panic too (a payload whose `Drop` panics).
        drop(std::panic::catch_unwind(AssertUnwindSafe(move || {
            drop(payload)
        })));
        let (location, backtrace) = DETAILS
            .with(|details| details.borrow_mut().take())
            .map_or((String::new(), None), |(l, b)| (l, Some(b)));
        Panic {
            message,
            location,
            backtrace,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_value_with_its_message_and_location() {
        let caught = catch(|| -> u32 { panic!("boom {}", 7) }).expect_err("it panics");
        assert_eq!(caught.message, "boom 7");
        assert!(
            caught.location.contains("panics.rs:"),
            "{}",
            caught.location
        );
        assert!(caught.backtrace.is_some());
        assert_eq!(catch(|| 5).ok(), Some(5));
    }
}
