//! An in-memory key-value store for adapters under test.

use crate::lock;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Mutex;
use yunqi_bot::ports::{Kv, StoreResult};

#[derive(Default)]
pub struct MemKv(pub Mutex<HashMap<String, String>>);

impl MemKv {
    pub fn get(&self, key: &str) -> Option<String> {
        lock(&self.0).get(key).cloned()
    }
}

impl Kv for MemKv {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move { Ok(lock(&self.0).get(key).cloned()) })
    }
    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            lock(&self.0).insert(key.to_string(), value.to_string());
            Ok(())
        })
    }
}
