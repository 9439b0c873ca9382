//! Article records, [`PER_PACK`] to a file. Each record is compressed on its own (raw
//! deflate, which browsers inflate with `DecompressionStream`), and the file starts with
//! where each one starts, so the search page reads a record with two range requests (the
//! header, then the record) instead of a file per article.
//!
//! A pack is `PER_PACK + 1` little-endian `u32` offsets from the start of the file (record
//! `i` is bytes `offsets[i]..offsets[i + 1]`; the slots past a short last pack are empty),
//! then the records in order.

use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress_to_output, create_comp_flags_from_zip_params,
};

/// Records in a pack: the files of the index stay few (20,000 articles make 313 packs) and a
/// pack that an edit rewrites stays small (about 130 KB).
pub(crate) const PER_PACK: usize = 64;

/// The bytes of a pack's header.
const HEADER: usize = 4 * (PER_PACK + 1);

/// Deflate's level: at 1 (its fastest path) the records come out a fifth bigger (48 MB
/// instead of 40 for 20,000) and take a fifth less time to compress.
const LEVEL: u8 = 6;

thread_local! {
    /// Each thread's compressor, reset for each record: a new one allocates and clears a
    /// third of a megabyte of tables, which took longer than compressing a 5 KB record.
    static COMPRESSOR: std::cell::RefCell<Option<Box<CompressorOxide>>> =
        const { std::cell::RefCell::new(None) };
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
    COMPRESSOR.with_borrow_mut(|compressor| {
        let compressor = compressor.get_or_insert_with(|| {
            let flags = create_comp_flags_from_zip_params(LEVEL.into(), 0, 0);
            Box::new(CompressorOxide::new(flags))
        });
        compressor.reset();
        let mut out = Vec::with_capacity(record.len() / 2 + 64);
        let (status, _) =
            compress_to_output(compressor, record.as_bytes(), TDEFLFlush::Finish, |chunk| {
                out.extend_from_slice(chunk);
                true
            });
        // `Done` is how a whole input ends; anything else would be miniz_oxide's bug, and its
        // own function (which panics on one) says so.
        if status != TDEFLStatus::Done {
            return miniz_oxide::deflate::compress_to_vec(record.as_bytes(), LEVEL);
        }
        out
    })
}

/// A pack of `records` (compressed), in their order.
pub(crate) fn assemble<R: AsRef<[u8]>>(records: &[R]) -> Vec<u8> {
    debug_assert!(records.len() <= PER_PACK);
    let body: usize = records.iter().map(|r| r.as_ref().len()).sum();
    let mut out = Vec::with_capacity(HEADER + body);
    let mut at = HEADER;
    for slot in 0..=PER_PACK {
        out.extend_from_slice(&(at as u32).to_le_bytes());
        if let Some(record) = records.get(slot) {
            at += record.as_ref().len();
        }
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
        let offset = |i: usize| u32::from_le_bytes(pack[4 * i..4 * i + 4].try_into().unwrap());
        let bytes = &pack[offset(slot) as usize..offset(slot + 1) as usize];
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
            let fresh = miniz_oxide::deflate::compress_to_vec(record.as_bytes(), LEVEL);
            assert_eq!(compress(record), fresh);
        }
    }

    #[test]
    fn a_short_last_pack_has_empty_slots_and_the_same_bytes_every_time() {
        let records = [compress("{\"t\":\"Idleb\"}"), compress("{\"t\":\"HTS\"}")];
        let pack = assemble(&records);
        assert_eq!(read(&pack, 1), "{\"t\":\"HTS\"}");
        let offset = |i: usize| &pack[4 * i..4 * i + 4];
        assert!((2..=PER_PACK).all(|i| offset(i) == offset(2)));
        assert_eq!(
            u32::from_le_bytes(offset(2).try_into().unwrap()) as usize,
            pack.len()
        );
        assert_eq!(pack, assemble(&records.clone()));
        assert_eq!((slot(130), len(2, 130)), ((2, 2), 2));
        assert_eq!((len(0, 130), len(3, 130)), (PER_PACK, 0));
    }
}
