//! The front-matter splitter and parser on any text: no panic, ranges in order and on
//! character boundaries, locations inside the file.
#![no_main]

use depeche::source::SourceText;
use depeche::load::front_matter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let src = SourceText::new("content/articles/a.fr.md", text);
    match front_matter::split(&src) {
        Ok(split) => {
            assert!(split.yaml_start <= split.yaml_end && split.yaml_end <= split.body_start);
            assert!(split.body_start <= src.text.len());
            assert!(src.text.is_char_boundary(split.yaml_end));
            if let Err(problems) = front_matter::parse(&src, split, "a") {
                for d in problems {
                    let at = d.location.expect("located");
                    assert!(at.line <= src.text.lines().count().max(1));
                }
            }
        }
        Err(d) => assert!(d.location.is_some()),
    }
});
