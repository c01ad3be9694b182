//! Byte decoding: UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM.

use super::SyntaxError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

#[derive(Debug)]
pub struct DecodeError {
    pub error: SyntaxError,
    pub encoding: Encoding,
    /// A lossy rendering of the input, so the report can still show the place.
    pub lossy_text: String,
}

/// Decodes a file's bytes to text. Offsets in errors are byte offsets into `lossy_text`.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), Box<DecodeError>> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest, Encoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, Encoding::Utf16Le, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, Encoding::Utf16Be, u16::from_be_bytes);
    }
    if looks_like_utf16_without_bom(bytes) {
        let lossy = String::from_utf8_lossy(bytes).replace('\0', "");
        return Err(Box::new(DecodeError {
            error: SyntaxError {
                offset: 0,
                message: "the file looks like UTF-16 without a byte order mark; save it as UTF-8 \
                          (or UTF-16 with a BOM)"
                    .into(),
            },
            encoding: Encoding::Utf8,
            lossy_text: lossy,
        }));
    }
    utf8(bytes, Encoding::Utf8)
}

fn utf8(bytes: &[u8], encoding: Encoding) -> Result<(String, Encoding), Box<DecodeError>> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), encoding)),
        Err(e) => {
            let offset = e.valid_up_to();
            Err(Box::new(DecodeError {
                error: SyntaxError {
                    offset,
                    message: format!(
                        "invalid UTF-8 (byte 0x{:02X} at byte offset {offset}); \
                         save the file as UTF-8 or UTF-16 with a BOM",
                        bytes.get(offset).copied().unwrap_or(0)
                    ),
                },
                encoding,
                lossy_text: String::from_utf8_lossy(bytes).into_owned(),
            }))
        }
    }
}

fn utf16(
    bytes: &[u8],
    encoding: Encoding,
    unit: fn([u8; 2]) -> u16,
) -> Result<(String, Encoding), Box<DecodeError>> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => out.push(c),
            Err(e) => {
                let offset = out.len();
                out.push(char::REPLACEMENT_CHARACTER);
                return Err(Box::new(DecodeError {
                    error: SyntaxError {
                        offset,
                        message: format!(
                            "invalid UTF-16: unpaired surrogate 0x{:04X}",
                            e.unpaired_surrogate()
                        ),
                    },
                    encoding,
                    lossy_text: out,
                }));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let offset = out.len();
        return Err(Box::new(DecodeError {
            error: SyntaxError {
                offset,
                message: "UTF-16 text ends in half a code unit".into(),
            },
            encoding,
            lossy_text: out,
        }));
    }
    Ok((out, encoding))
}

/// UTF-16 ASCII text without a BOM has a NUL in every other byte of its first characters.
fn looks_like_utf16_without_bom(bytes: &[u8]) -> bool {
    if bytes.len() < 4 {
        return false;
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    let even_nul = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let half = head.len() / 2;
    (even_nul * 10 >= half * 9 && odd_nul == 0) || (odd_nul * 10 >= half * 9 && even_nul == 0)
}
