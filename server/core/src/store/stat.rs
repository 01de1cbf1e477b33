//! Persistence of the stat cache between runs.

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::params;

use super::Store;
use crate::error::Result;
use crate::statcache::{Entry, StatCache};

impl Store {
    /// Loads every stat cache row; damaged rows are dropped (they will simply be re-hashed).
    pub fn load_stat_cache(&self) -> Result<StatCache> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT path, hash, stats, recorded_ns, meta FROM stat_cache")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut map = HashMap::new();
        for r in rows {
            let (path, hash, stats, recorded_ns, meta) = r.map_err(|e| self.err(e))?;
            if let Some(stats) = Entry::decode_stats(&stats) {
                map.insert(
                    PathBuf::from(path),
                    Entry {
                        hash,
                        meta,
                        stats,
                        recorded_ns,
                    },
                );
            }
        }
        Ok(StatCache::from_entries(map))
    }

    /// Forgets every stat cache row, so the next drift check hashes everything (benchmarks, repair).
    pub fn clear_stat_cache(&self) -> Result<()> {
        self.conn()
            .execute("DELETE FROM stat_cache", [])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Writes the entries that changed since the last save.
    pub fn save_stat_cache(&self, cache: &mut StatCache) -> Result<()> {
        let dirty = cache.take_dirty();
        if dirty.is_empty() {
            return Ok(());
        }
        self.in_tx(|| {
            let c = self.conn();
            let mut put = c
                .prepare_cached("INSERT OR REPLACE INTO stat_cache (path, hash, stats, recorded_ns, meta) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(|e| self.err(e))?;
            let mut del = c
                .prepare_cached("DELETE FROM stat_cache WHERE path = ?1")
                .map_err(|e| self.err(e))?;
            for (path, entry) in &dirty {
                let p = path.to_string_lossy();
                match entry {
                    Some(e) => put.execute(params![p, e.hash, e.encode_stats(), e.recorded_ns, e.meta]),
                    None => del.execute([p]),
                }
                .map_err(|e| self.err(e))?;
            }
            Ok(())
        })
    }
}
