//! `CompressionFormat`: real bytes for GZIP and ZIP (deflate by `miniz_oxide`), and for Snappy and
//! Hadoop-Snappy (a hand-written Snappy raw-format encoder: no maintained `no_std` crate does it).

use alloc::vec::Vec;

/// How an S3 object's bytes are compressed (`CompressionFormat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Compression {
    /// `UNCOMPRESSED` (the default).
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "UNCOMPRESSED"))]
    Uncompressed,
    /// `GZIP`: one gzip member.
    #[cfg_attr(feature = "serde", serde(rename = "GZIP"))]
    Gzip,
    /// `ZIP`: a zip archive of one deflated entry.
    #[cfg_attr(feature = "serde", serde(rename = "ZIP"))]
    Zip,
    /// `Snappy`: the Snappy framing format.
    #[cfg_attr(feature = "serde", serde(rename = "Snappy"))]
    Snappy,
    /// `HADOOP_SNAPPY`: Hadoop's block format around raw Snappy.
    #[cfg_attr(feature = "serde", serde(rename = "HADOOP_SNAPPY"))]
    HadoopSnappy,
}

impl Compression {
    /// The API's name for it.
    pub const fn aws_name(self) -> &'static str {
        match self {
            Self::Uncompressed => "UNCOMPRESSED",
            Self::Gzip => "GZIP",
            Self::Zip => "ZIP",
            Self::Snappy => "Snappy",
            Self::HadoopSnappy => "HADOOP_SNAPPY",
        }
    }

    /// Parses the API's name.
    pub fn from_aws_name(name: &str) -> Option<Self> {
        [Self::Uncompressed, Self::Gzip, Self::Zip, Self::Snappy, Self::HadoopSnappy]
            .into_iter()
            .find(|c| c.aws_name() == name)
    }

    /// The S3 object's default file extension.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Uncompressed => "",
            Self::Gzip => ".gz",
            Self::Zip => ".zip",
            Self::Snappy => ".snappy",
            Self::HadoopSnappy => ".hsnappy",
        }
    }

    /// `data` compressed in this format.
    pub fn compress(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Uncompressed => data.to_vec(),
            Self::Gzip => gzip(data),
            Self::Zip => zip(data),
            Self::Snappy => snappy_framed(data),
            Self::HadoopSnappy => hadoop_snappy(data),
        }
    }

    /// Undoes [`Self::compress`], refusing output beyond `limit_bytes`; `None` if `data` is not valid.
    pub fn decompress(self, data: &[u8], limit_bytes: usize) -> Option<Vec<u8>> {
        match self {
            Self::Uncompressed => (data.len() <= limit_bytes).then(|| data.to_vec()),
            Self::Gzip => {
                let body = data.get(10..data.len().checked_sub(8)?)?;
                let out = miniz_oxide::inflate::decompress_to_vec_with_limit(body, limit_bytes).ok()?;
                let crc = u32::from_le_bytes(data[data.len() - 8..data.len() - 4].try_into().ok()?);
                (crc == crc32(&out)).then_some(out)
            }
            Self::Zip => {
                let csize = u32::from_le_bytes(data.get(18..22)?.try_into().ok()?) as usize;
                let name_len = u16::from_le_bytes(data.get(26..28)?.try_into().ok()?) as usize;
                let start = 30 + name_len;
                let body = data.get(start..start.checked_add(csize)?)?;
                miniz_oxide::inflate::decompress_to_vec_with_limit(body, limit_bytes).ok()
            }
            Self::Snappy => {
                let mut i = 10;
                if data.get(..10)? != STREAM_IDENTIFIER {
                    return None;
                }
                let mut out = Vec::new();
                while i < data.len() {
                    let kind = data[i];
                    let len = usize::from(*data.get(i + 1)?)
                        | usize::from(*data.get(i + 2)?) << 8
                        | usize::from(*data.get(i + 3)?) << 16;
                    let chunk = data.get(i + 4..i + 4 + len)?;
                    let crc = u32::from_le_bytes(chunk.get(..4)?.try_into().ok()?);
                    let block = match kind {
                        0x00 => snappy_decompress(&chunk[4..], limit_bytes - out.len())?,
                        0x01 => chunk[4..].to_vec(),
                        _ => return None,
                    };
                    if crc != masked_crc32c(&block) || out.len() + block.len() > limit_bytes {
                        return None;
                    }
                    out.extend_from_slice(&block);
                    i += 4 + len;
                }
                Some(out)
            }
            Self::HadoopSnappy => {
                let mut i = 0;
                let mut out = Vec::new();
                while i < data.len() {
                    let raw = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize;
                    let clen = u32::from_be_bytes(data.get(i + 4..i + 8)?.try_into().ok()?) as usize;
                    let block = snappy_decompress(data.get(i + 8..i + 8 + clen)?, limit_bytes - out.len())?;
                    if block.len() != raw {
                        return None;
                    }
                    out.extend_from_slice(&block);
                    i += 8 + clen;
                }
                Some(out)
            }
        }
    }
}

/// Deflate level 6, zlib's default.
const DEFLATE_LEVEL: u8 = 6;

fn gzip(data: &[u8]) -> Vec<u8> {
    // Magic, deflate, no flags, no mtime (deterministic), no extra flags, OS "unknown".
    let mut out = alloc::vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(data, DEFLATE_LEVEL));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The name of the one entry in a ZIP object.
const ZIP_ENTRY_NAME: &[u8] = b"data";

fn zip(data: &[u8]) -> Vec<u8> {
    let body = miniz_oxide::deflate::compress_to_vec(data, DEFLATE_LEVEL);
    let crc = crc32(data);
    let (csize, usize_) = (body.len() as u32, data.len() as u32);
    // DOS date 1980-01-01 00:00: no clock is read.
    let fields = |out: &mut Vec<u8>| {
        out.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0x21, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&csize.to_le_bytes());
        out.extend_from_slice(&usize_.to_le_bytes());
        out.extend_from_slice(&(ZIP_ENTRY_NAME.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
    };
    let mut out = Vec::with_capacity(body.len() + 100);
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    fields(&mut out);
    out.extend_from_slice(ZIP_ENTRY_NAME);
    out.extend_from_slice(&body);
    let central = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&[20, 0]);
    fields(&mut out);
    out.extend_from_slice(&[0; 12]); // comment length, disk, internal and external attributes, offset 0
    out.extend_from_slice(ZIP_ENTRY_NAME);
    let central_len = out.len() as u32 - central;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

const STREAM_IDENTIFIER: &[u8] = b"\xff\x06\x00\x00sNaPpY";
/// Uncompressed bytes per Snappy block (the framing format's chunk limit and the raw format's block).
const SNAPPY_BLOCK_BYTES: usize = 65_536;

fn snappy_framed(data: &[u8]) -> Vec<u8> {
    let mut out = STREAM_IDENTIFIER.to_vec();
    for block in data.chunks(SNAPPY_BLOCK_BYTES) {
        let compressed = snappy_compress(block);
        let len = (compressed.len() + 4) as u32;
        out.extend_from_slice(&[0x00, len as u8, (len >> 8) as u8, (len >> 16) as u8]);
        out.extend_from_slice(&masked_crc32c(block).to_le_bytes());
        out.extend_from_slice(&compressed);
    }
    out
}

fn hadoop_snappy(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for block in data.chunks(SNAPPY_BLOCK_BYTES) {
        let compressed = snappy_compress(block);
        out.extend_from_slice(&(block.len() as u32).to_be_bytes());
        out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        out.extend_from_slice(&compressed);
    }
    out
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn push_literal(out: &mut Vec<u8>, lit: &[u8]) {
    if lit.is_empty() {
        return;
    }
    let n = lit.len() - 1;
    if n < 60 {
        out.push((n as u8) << 2);
    } else {
        let bytes = (usize::BITS - n.leading_zeros()).div_ceil(8) as usize;
        out.push(((59 + bytes) as u8) << 2);
        out.extend_from_slice(&n.to_le_bytes()[..bytes]);
    }
    out.extend_from_slice(lit);
}

fn push_copy(out: &mut Vec<u8>, offset: usize, mut len: usize) {
    while len > 0 {
        // Leave at least 4 bytes for the last copy (a copy is 1 to 64 bytes).
        let take = if len > 64 { if len - 64 < 4 { 60 } else { 64 } } else { len };
        out.push((((take - 1) as u8) << 2) | 2);
        out.extend_from_slice(&(offset as u16).to_le_bytes());
        len -= take;
    }
}

/// One raw-format Snappy block: a varint length, then literals and copies found by a 4-byte hash.
pub fn snappy_compress(block: &[u8]) -> Vec<u8> {
    const TABLE_BITS: u32 = 14;
    let mut out = Vec::with_capacity(block.len() / 2 + 16);
    push_varint(&mut out, block.len() as u64);
    let mut table = alloc::vec![u32::MAX; 1 << TABLE_BITS];
    let hash = |i: usize| {
        let v = u32::from_le_bytes([block[i], block[i + 1], block[i + 2], block[i + 3]]);
        (v.wrapping_mul(0x1e35_a7bd) >> (32 - TABLE_BITS)) as usize
    };
    let (mut i, mut literal_start) = (0, 0);
    while i + 4 <= block.len() {
        let h = hash(i);
        let candidate = table[h] as usize;
        table[h] = i as u32;
        if candidate != u32::MAX as usize
            && i - candidate <= u16::MAX as usize
            && block[candidate..candidate + 4] == block[i..i + 4]
        {
            let mut len = 4;
            while i + len < block.len() && block[candidate + len] == block[i + len] {
                len += 1;
            }
            push_literal(&mut out, &block[literal_start..i]);
            push_copy(&mut out, i - candidate, len);
            i += len;
            literal_start = i;
        } else {
            i += 1;
        }
    }
    push_literal(&mut out, &block[literal_start..]);
    out
}

/// Decodes one raw-format Snappy block; `None` if it is malformed or longer than `limit_bytes`.
pub fn snappy_decompress(data: &[u8], limit_bytes: usize) -> Option<Vec<u8>> {
    let (mut len, mut shift, mut i) = (0u64, 0, 0);
    loop {
        let b = *data.get(i)?;
        i += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
        if shift > 35 {
            return None;
        }
    }
    let len = usize::try_from(len).ok().filter(|l| *l <= limit_bytes)?;
    let mut out = Vec::with_capacity(len);
    while i < data.len() {
        let tag = data[i];
        i += 1;
        let (offset, n) = match tag & 3 {
            0 => {
                let mut n = usize::from(tag >> 2);
                if n >= 60 {
                    let bytes = n - 59;
                    let raw = data.get(i..i + bytes)?;
                    n = raw.iter().rev().fold(0, |acc, b| (acc << 8) | usize::from(*b));
                    i += bytes;
                }
                let lit = data.get(i..i.checked_add(n + 1)?)?;
                out.extend_from_slice(lit);
                i += n + 1;
                if out.len() > len {
                    return None;
                }
                continue;
            }
            1 => {
                let b = usize::from(*data.get(i)?);
                i += 1;
                ((usize::from(tag >> 5) << 8) | b, usize::from((tag >> 2) & 7) + 4)
            }
            2 => {
                let o = usize::from(u16::from_le_bytes(data.get(i..i + 2)?.try_into().ok()?));
                i += 2;
                (o, usize::from(tag >> 2) + 1)
            }
            _ => {
                let o = u32::from_le_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize;
                i += 4;
                (o, usize::from(tag >> 2) + 1)
            }
        };
        if offset == 0 || offset > out.len() || out.len() + n > len {
            return None;
        }
        let start = out.len() - offset;
        for k in 0..n {
            out.push(out[start + k]);
        }
    }
    (out.len() == len).then_some(out)
}

const fn crc_table(poly: u32) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { poly ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

static CRC32_TABLE: [u32; 256] = crc_table(0xEDB8_8320);
static CRC32C_TABLE: [u32; 256] = crc_table(0x82F6_3B78);

fn crc_with(table: &[u32; 256], data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, b| table[((c ^ u32::from(*b)) & 0xff) as usize] ^ (c >> 8))
}

/// CRC-32 (IEEE), as gzip and zip use.
pub fn crc32(data: &[u8]) -> u32 {
    crc_with(&CRC32_TABLE, data)
}

/// The Snappy framing format's masked CRC-32C.
pub fn masked_crc32c(data: &[u8]) -> u32 {
    let crc = crc_with(&CRC32C_TABLE, data);
    (crc.rotate_right(15)).wrapping_add(0xa282_ead8)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const ALL: [Compression; 5] = [
        Compression::Uncompressed,
        Compression::Gzip,
        Compression::Zip,
        Compression::Snappy,
        Compression::HadoopSnappy,
    ];

    #[test]
    fn checksums_match_their_published_check_values() {
        // The standard check value of each CRC is its checksum of "123456789".
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc_with(&CRC32C_TABLE, b"123456789"), 0xE306_9283);
    }

    #[test]
    fn every_format_round_trips_and_repetitive_data_shrinks() {
        let mut data = Vec::new();
        for i in 0..5_000u32 {
            data.extend_from_slice(alloc::format!("{{\"user\":\"u{}\",\"page\":\"/home\"}}\n", i % 50).as_bytes());
        }
        for format in ALL {
            let packed = format.compress(&data);
            assert_eq!(format.decompress(&packed, data.len()).as_deref(), Some(&data[..]), "{format:?}");
            if format != Compression::Uncompressed {
                assert!(packed.len() * 4 < data.len(), "{format:?}: {} of {}", packed.len(), data.len());
            }
        }
        // Empty and tiny payloads too.
        for format in ALL {
            for payload in [&b""[..], b"a", b"abcabcabcabcabcabc"] {
                assert_eq!(format.decompress(&format.compress(payload), 100).as_deref(), Some(payload));
            }
        }
    }

    #[test]
    fn gzip_has_the_rfc_1952_header_and_trailer() {
        let packed = Compression::Gzip.compress(b"hello");
        assert_eq!(&packed[..3], &[0x1f, 0x8b, 8]);
        assert_eq!(&packed[packed.len() - 4..], &5u32.to_le_bytes());
    }

    #[test]
    fn snappy_decoding_refuses_garbage_and_bombs() {
        assert_eq!(snappy_decompress(&[0xff, 0xff, 0xff, 0xff, 0x7f], 1_000), None);
        assert_eq!(snappy_decompress(&[5, 0x0a], 1_000), None); // copy before any output
        let big = Compression::Snappy.compress(&alloc::vec![0u8; 100_000]);
        assert_eq!(Compression::Snappy.decompress(&big, 1_000), None);
    }
}
