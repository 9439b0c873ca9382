//! A cell of the open data's CSV files on any text: quoted with `'` exactly when a
//! spreadsheet would run it as a formula, and written and read back as that one field.
#![no_main]

use depeche::render::spreadsheet_safe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let safe = spreadsheet_safe(&text);
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && text.trim().parse::<f64>().is_err() {
        assert_eq!(safe, format!("'{text}"));
    } else {
        assert_eq!(safe, text);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([safe.as_str(), "x"]).unwrap();
    let bytes = writer.into_inner().unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[0], safe.as_str());
});
