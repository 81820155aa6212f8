//! Small named values the core keeps between runs (e.g. when the last digest went out).

use super::StoreResult;

#[trait_variant::make(Send)]
pub trait MetaTx {
    async fn meta_get(&mut self, key: &str) -> StoreResult<Option<String>>;
    async fn meta_put(&mut self, key: &str, value: &str) -> StoreResult<()>;
}
