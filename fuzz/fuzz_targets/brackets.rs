//! The `[[…]]` scanner on any text: no panic, every report on a bracket pair, in order.
#![no_main]

use depeche::annotate::brackets::{Broken, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut last = None;
    for (at, broken) in scan(text) {
        assert!(last.is_none_or(|l| l < at));
        last = Some(at);
        match broken {
            Broken::Unclosed => assert!(text[at..].starts_with("[[")),
            Broken::StrayClose => assert!(text[at..].starts_with("]]")),
            Broken::Empty { end } => assert!(text[..end].ends_with("]]") && end > at + 2),
        }
    }
});
