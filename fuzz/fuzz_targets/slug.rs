//! Slug validation: an accepted slug is one short, plain path segment.
#![no_main]

use std::path::{Component, Path};

use depeche::load::front_matter::check_segment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|slug: &str| {
    if check_segment(slug).is_ok() {
        assert!(!slug.is_empty() && slug.len() <= 140);
        let path = depeche::urls::article_path("fr", slug);
        let parts: Vec<Component> = Path::new(&path).components().collect();
        assert_eq!(parts.len(), 4, "{path}");
        assert!(parts.iter().all(|c| matches!(c, Component::Normal(_))));
    }
});
