//! The linear pre-scan of YAML nesting on any text: no panic, and a refusal points at a
//! bracket that opens a collection.
#![no_main]

use depeche::yaml::depth::too_deep;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(at) = too_deep(&text) {
        assert!(matches!(text.as_bytes()[at], b'[' | b'{'), "{at} in {text:?}");
    }
});
