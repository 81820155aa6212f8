//! Small durable values adapters keep between runs (a pull cursor, a cached token).

use super::StoreResult;
use futures::future::BoxFuture;

pub trait Kv: Send + Sync + 'static {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>>;
    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>>;
}
