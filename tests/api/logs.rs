//! The logs the in-process servers write, kept in memory so that a test can
//! look for what must never be logged (names, e-mail addresses, tokens).
//! One subscriber for the whole test binary: tests run side by side, so a
//! capture holds their lines too — harmless for a test that looks for its
//! own unique strings.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

static LOGS: OnceLock<Buffer> = OnceLock::new();

/// The log lines written from now on.
pub struct Capture {
    from: usize,
}

/// Starts capturing (at debug level for our crate, info for the others).
pub fn capture() -> Capture {
    let buffer = LOGS.get_or_init(|| {
        let buffer = Buffer::default();
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("info,werkplaats=debug,tower_http=debug"))
            .with_writer(buffer.clone())
            .with_ansi(false)
            .init();
        buffer
    });
    Capture {
        from: buffer.0.lock().unwrap().len(),
    }
}

impl Capture {
    pub fn text(&self) -> String {
        let buffer = LOGS.get().expect("capturing").0.lock().unwrap();
        String::from_utf8_lossy(&buffer[self.from..]).into_owned()
    }
}
