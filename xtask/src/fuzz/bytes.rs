//! Byte-level mutations of a serialized input (truncation, flips, YAML/JSON syntax tokens).

use super::random::{choose, weird_string, TEXT_TOKENS};

pub(super) fn mutate_text(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.usize(1..=3) {
        let len = bytes.len();
        match rng.u8(..9) {
            0 => bytes.truncate(rng.usize(..=len)),
            1 if len > 0 => {
                let i = rng.usize(..len);
                bytes[i] ^= 1 << rng.u8(..8);
            }
            2 | 3 => {
                let token = if rng.u8(..3) == 0 {
                    weird_string(rng)
                } else {
                    choose(rng, TEXT_TOKENS).to_owned()
                };
                let at = rng.usize(..=len);
                bytes.splice(at..at, token.bytes());
            }
            4 if len > 0 => {
                let start = rng.usize(..len);
                let end = (start + rng.usize(1..=32)).min(len);
                bytes.drain(start..end);
            }
            5 if len > 0 => {
                let start = rng.usize(..len);
                let end = (start + rng.usize(1..=256)).min(len);
                let chunk = bytes[start..end].to_vec();
                let at = rng.usize(..=len);
                bytes.splice(at..at, chunk);
            }
            6 if len > 0 => {
                let i = rng.usize(..len);
                bytes[i] = rng.u8(..);
            }
            7 => {
                // Lines: duplicate, delete or swap.
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                let (a, b) = (rng.usize(..n), rng.usize(..n));
                match rng.u8(..3) {
                    0 => {
                        let line = lines[a].clone();
                        lines.insert(b, line);
                    }
                    1 => {
                        lines.remove(a);
                    }
                    _ => lines.swap(a, b),
                }
                bytes = lines.join(&b'\n');
            }
            _ => {
                // Indentation.
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                let line = &mut lines[rng.usize(..n)];
                match rng.u8(..3) {
                    0 => {
                        let indent: &[u8] = [&b" "[..], b"  ", b"\t", b"    "][rng.usize(..4)];
                        line.splice(0..0, indent.iter().copied());
                    }
                    1 => {
                        if line.first() == Some(&b' ') {
                            line.remove(0);
                        }
                    }
                    _ => {
                        if let Some(at) = line.iter().position(|&b| b == b' ') {
                            line[at] = b'\t';
                        }
                    }
                }
                bytes = lines.join(&b'\n');
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
