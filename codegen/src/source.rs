//! What a spec text is written in, and positions in it: the one home of
//! [`SourceFormat`] and [`LineCol`], used by the loader, the locator, the diagnostics
//! and the fuzzer alike.

use std::path::Path;

/// Source format of a spec text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Json,
    Yaml,
}

impl SourceFormat {
    /// The format a file's extension names (`.json`, `.yaml`, `.yml`, any case).
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            _ => None,
        }
    }

    /// The format of `text` read from `file_name`: the extension when it names one,
    /// otherwise JSON when the text starts with `{`, YAML else.
    pub fn detect(file_name: &str, text: &str) -> Self {
        Self::from_path(Path::new(file_name)).unwrap_or_else(|| {
            if text.trim_start().starts_with('{') {
                Self::Json
            } else {
                Self::Yaml
            }
        })
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Yaml => "yaml",
        }
    }
}

/// 1-based line and column (the column counts `char`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineCol {
    /// The line and column of byte `offset` in `text`. Line breaks are `\n`, `\r\n` and
    /// a lone `\r`, as in YAML; an offset past the end counts to the end.
    pub fn at_offset(text: &str, offset: usize) -> Self {
        let bytes = text.as_bytes();
        let before = bytes.get(..offset).unwrap_or(bytes);
        let mut line = 1;
        let mut line_start = 0;
        for (i, &b) in before.iter().enumerate() {
            let is_break = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if is_break {
                line += 1;
                line_start = i + 1;
            }
        }
        let column = before
            .get(line_start..)
            .unwrap_or(&[])
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
            + 1;
        Self { line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_then_text() {
        assert_eq!(SourceFormat::detect("a.JSON", "x"), SourceFormat::Json);
        assert_eq!(SourceFormat::detect("a.yml", "{"), SourceFormat::Yaml);
        assert_eq!(
            SourceFormat::detect("spec", "  {\"a\":1}"),
            SourceFormat::Json
        );
        assert_eq!(SourceFormat::detect("spec", "a: 1"), SourceFormat::Yaml);
        assert_eq!(SourceFormat::from_path(Path::new("a.txt")), None);
        assert_eq!(SourceFormat::Yaml.extension(), "yaml");
    }

    #[test]
    fn offsets_count_lines_and_chars() {
        let at = |text, offset| {
            let LineCol { line, column } = LineCol::at_offset(text, offset);
            (line, column)
        };
        assert_eq!(at("ab\ncd", 4), (2, 2));
        assert_eq!(at("a\r\nb", 3), (2, 1));
        assert_eq!(at("a\rb", 2), (2, 1));
        assert_eq!(at("é: x", 2), (1, 2), "columns count chars");
        assert_eq!(at("ab", 99), (1, 3));
    }
}
