//! Article records, [`PER_PACK`] to a file. Each record is compressed on its own (raw
//! deflate, which browsers inflate with `DecompressionStream`), and the file starts with
//! each one's length, so the search page reads a record with two range requests (the
//! header, then the record) instead of a file per article.
//!
//! A pack is `PER_PACK` little-endian `u16` lengths (record `i` starts after the header and
//! the records before it; the slots past a short last pack are 0), then the records in order.
//! A record is less than 64 KiB by construction (see `doc::record`), and a header of lengths
//! is half one of offsets: it is what a search transfers uncompressed for each pack it reads.

use libdeflater::{CompressionLvl, Compressor};

/// Records in a pack: the files of the index stay few (20,000 articles make 313 packs) and a
/// pack that an edit rewrites stays small (about 130 KB).
pub(crate) const PER_PACK: usize = 64;

/// The bytes of a pack's header.
const HEADER: usize = 2 * PER_PACK;

/// libdeflate's level: its fastest. For 20,000 records (97 MB) it wrote 40.4 MB in 1.3 s, its
/// level 6 40.1 MB in 1.8 s, miniz_oxide's level 6 40.0 MB in 3.2 s.
const LEVEL: i32 = 1;

thread_local! {
    /// Each thread's compressor: making one allocates its tables.
    static COMPRESSOR: std::cell::RefCell<Option<Compressor>> =
        const { std::cell::RefCell::new(None) };
}

fn compressor() -> Compressor {
    Compressor::new(CompressionLvl::new(LEVEL).unwrap_or_default())
}

/// The pack holding article `n`, and its slot there.
pub(crate) fn slot(n: usize) -> (usize, usize) {
    (n / PER_PACK, n % PER_PACK)
}

/// How many records pack `pack` holds when there are `articles`.
pub(crate) fn len(pack: usize, articles: usize) -> usize {
    articles.saturating_sub(pack * PER_PACK).min(PER_PACK)
}

/// A record as a pack holds it.
pub(crate) fn compress(record: &str) -> Vec<u8> {
    COMPRESSOR.with_borrow_mut(|held| {
        let compressor = held.get_or_insert_with(compressor);
        let mut out = vec![0; compressor.deflate_compress_bound(record.len())];
        let written = compressor
            .deflate_compress(record.as_bytes(), &mut out)
            .expect("libdeflate's bound holds what it writes");
        out.truncate(written);
        out
    })
}

/// A pack of `records` (compressed), in their order.
pub(crate) fn assemble<R: AsRef<[u8]>>(records: &[R]) -> Vec<u8> {
    debug_assert!(records.len() <= PER_PACK);
    let body: usize = records.iter().map(|r| r.as_ref().len()).sum();
    let mut out = Vec::with_capacity(HEADER + body);
    for slot in 0..PER_PACK {
        let len = records.get(slot).map_or(0, |r| r.as_ref().len());
        debug_assert!(len <= usize::from(u16::MAX), "a record of {len} bytes");
        out.extend_from_slice(&(len as u16).to_le_bytes());
    }
    for record in records {
        out.extend_from_slice(record.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record `slot` of a pack, read as `search.js` reads it.
    fn read(pack: &[u8], slot: usize) -> String {
        let len = |i: usize| usize::from(u16::from_le_bytes([pack[2 * i], pack[2 * i + 1]]));
        let start = HEADER + (0..slot).map(len).sum::<usize>();
        let bytes = &pack[start..start + len(slot)];
        String::from_utf8(miniz_oxide::inflate::decompress_to_vec(bytes).unwrap()).unwrap()
    }

    #[test]
    fn each_record_of_a_pack_reads_back_alone() {
        let records: Vec<String> = (0..PER_PACK)
            .map(|n| format!("{{\"t\":\"Alep, {n}\",\"p\":[\"{}\"]}}", "mot ".repeat(n)))
            .collect();
        let pack = assemble(&records.iter().map(|r| compress(r)).collect::<Vec<_>>());
        for (i, record) in records.iter().enumerate() {
            assert_eq!(&read(&pack, i), record);
        }
        assert!(pack.len() < records.iter().map(String::len).sum::<usize>());
        // A compressor reused for each record writes what a new one writes.
        for record in &records {
            let mut new = compressor();
            let mut fresh = vec![0; new.deflate_compress_bound(record.len())];
            let written = new.deflate_compress(record.as_bytes(), &mut fresh).unwrap();
            assert_eq!(compress(record), fresh[..written]);
        }
    }

    #[test]
    fn a_short_last_pack_has_empty_slots_and_the_same_bytes_every_time() {
        let records = [compress("{\"t\":\"Idleb\"}"), compress("{\"t\":\"HTS\"}")];
        let pack = assemble(&records);
        assert_eq!(read(&pack, 1), "{\"t\":\"HTS\"}");
        assert!(
            pack[4..HEADER].iter().all(|&b| b == 0),
            "empty slots are 0 long"
        );
        assert_eq!(HEADER + records[0].len() + records[1].len(), pack.len());
        assert_eq!(pack, assemble(&records.clone()));
        assert_eq!((slot(130), len(2, 130)), ((2, 2), 2));
        assert_eq!((len(0, 130), len(3, 130)), (PER_PACK, 0));
    }
}
