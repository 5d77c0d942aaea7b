//! File content sent by a request: a binary body, or a file part of a
//! `multipart/form-data` body. An [`Upload`] is bytes in memory, a file read as a stream
//! when the request is sent, or any stream of bytes, with the file name and content
//! type to announce.

use ::bytes::Bytes;
use ::futures_core::Stream;
use ::std::fmt;
use ::std::path::{Path, PathBuf};
use ::std::pin::Pin;
use ::std::sync::{Arc, Mutex};

/// A boxed stream of body pieces.
pub type UploadStream =
    Pin<Box<dyn Stream<Item = Result<Bytes, Box<dyn ::std::error::Error + Send + Sync>>> + Send>>;

/// Content to upload, with the file name and content type to announce.
///
/// `Upload::path("photos/cat.png")` is read as a stream when sent (announced as `cat.png`,
/// `image/png`); `Upload::bytes("hello").with_file_name("note.txt")` is bytes in memory.
///
/// Bytes and files can be sent again (a retry re-reads the file); a [`stream`](Self::stream)
/// is read once, so a call that uploads one is never retried.
#[derive(Clone)]
pub struct Upload {
    source: UploadSource,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// Where an [`Upload`]'s bytes come from.
#[derive(Clone)]
pub enum UploadSource {
    /// In memory.
    Bytes(Bytes),
    /// A file, opened and read as a stream each time the request is sent.
    Path(PathBuf),
    /// A stream, taken by the first send (`None` once taken).
    Stream(Arc<Mutex<Option<UploadStream>>>),
}

impl Upload {
    /// Bytes in memory, with no file name and no content type of their own.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        Self {
            source: UploadSource::Bytes(data.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// The file at `path`, read as a stream when the request is sent (so it never sits
    /// in memory whole); its file name is the path's last component. A file that
    /// cannot be read fails the call before anything is sent.
    pub fn path(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        Self {
            file_name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            source: UploadSource::Path(path.to_path_buf()),
            content_type: None,
        }
    }

    /// Any stream of bytes (a body being received elsewhere, say). Read once: a call
    /// that sends it is not retried.
    pub fn stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn ::std::error::Error + Send + Sync>> + 'static,
    {
        let stream = MapErr {
            inner: Box::pin(stream),
        };
        Self {
            source: UploadSource::Stream(Arc::new(Mutex::new(Some(Box::pin(stream))))),
            file_name: None,
            content_type: None,
        }
    }

    /// The same upload announced under `file_name`.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// The same upload announced with no file name.
    pub fn without_file_name(mut self) -> Self {
        self.file_name = None;
        self
    }

    /// The same upload announced with `content_type` (by default the one its file
    /// name's extension implies, else `application/octet-stream`).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name to announce, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type set with [`with_content_type`](Self::with_content_type).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Where the bytes come from.
    pub fn source(&self) -> &UploadSource {
        &self.source
    }

    /// Whether the content can be sent more than once (bytes and files can, a stream
    /// cannot).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, UploadSource::Stream(_))
    }
}

impl From<Bytes> for Upload {
    fn from(data: Bytes) -> Self {
        Self::bytes(data)
    }
}

impl From<Vec<u8>> for Upload {
    fn from(data: Vec<u8>) -> Self {
        Self::bytes(data)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(data: &'static [u8]) -> Self {
        Self::bytes(data)
    }
}

impl<const N: usize> From<&'static [u8; N]> for Upload {
    fn from(data: &'static [u8; N]) -> Self {
        Self::bytes(&data[..])
    }
}

impl From<&'static str> for Upload {
    fn from(data: &'static str) -> Self {
        Self::bytes(data)
    }
}

impl From<String> for Upload {
    fn from(data: String) -> Self {
        Self::bytes(data)
    }
}

impl PartialEq for Upload {
    /// Same name, type and source: equal bytes, the same path, or the same stream.
    fn eq(&self, other: &Self) -> bool {
        self.file_name == other.file_name
            && self.content_type == other.content_type
            && match (&self.source, &other.source) {
                (UploadSource::Bytes(a), UploadSource::Bytes(b)) => a == b,
                (UploadSource::Path(a), UploadSource::Path(b)) => a == b,
                (UploadSource::Stream(a), UploadSource::Stream(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        match &self.source {
            UploadSource::Bytes(data) => debug.field("bytes", &data.len()),
            UploadSource::Path(path) => debug.field("path", path),
            UploadSource::Stream(_) => debug.field("stream", &format_args!("..")),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// A stream with its errors boxed (the stream itself boxed too, so this one is `Unpin`
/// whatever the caller's is).
struct MapErr<S> {
    inner: Pin<Box<S>>,
}

impl<S, E> Stream for MapErr<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Box<dyn ::std::error::Error + Send + Sync>>,
{
    type Item = Result<Bytes, Box<dyn ::std::error::Error + Send + Sync>>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut ::std::task::Context<'_>,
    ) -> ::std::task::Poll<Option<Self::Item>> {
        self.get_mut()
            .inner
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|result| result.map_err(Into::into)))
    }
}
