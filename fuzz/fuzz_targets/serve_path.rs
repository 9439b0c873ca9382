//! The preview server's request path validator: what it accepts never leaves the site.
#![no_main]

use std::path::{Component, Path};

use depeche::serve::file_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|path: &str| {
    if let Some(key) = file_key(path) {
        assert!(!key.starts_with('/') && !key.contains(['\\', '\0']));
        assert!(key.split('/').all(|s| !s.is_empty() && s != "." && s != ".."));
        assert!(Path::new(&key).components().all(|c| matches!(c, Component::Normal(_))));
    }
});
