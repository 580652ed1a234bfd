//! Compiled plans, cached by scheme, scheme version, variant and profile hash: saving an
//! answer or viewing a page builds no plan once the first one is built. A plan borrows its
//! scheme (the catalog lives as long as the process) and its profile (special indicators
//! of I-10 live in it); profiles are therefore interned by hash for the life of the process,
//! each distinct profile once (a few kilobytes each). At most [`MAX_PLANS`] plans are kept;
//! past that the plan cache starts again empty (only the next use of each pays to rebuild).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use tianping_core::pack::Layout;
use tianping_core::{Plan, Profile, Scheme};

use crate::Error;

/// Plans kept at most.
pub const MAX_PLANS: usize = 1024;

type Key = (String, String, Option<String>, Option<String>);
type Entry = (Arc<Plan<'static>>, Arc<PackLayout>);

/// A plan's pack layout (`tianping_core::pack`): its stored text and digest, computed once.
#[derive(Debug)]
pub struct PackLayout {
    pub layout: Layout,
    pub text: String,
    pub digest: String,
}

#[derive(Default)]
pub struct PlanCache {
    plans: RwLock<HashMap<Key, Entry>>,
    profiles: RwLock<HashMap<String, &'static Profile>>,
    /// Layouts this process has written (or found) in the database.
    stored_layouts: RwLock<HashSet<String>>,
}

impl PlanCache {
    /// The plan of `scheme` for `variant` and the profile whose text is `profile_text` (its
    /// hash `profile_hash`, as stored with the assessment).
    pub fn get(
        &self,
        scheme: &'static Scheme,
        variant: Option<&str>,
        profile_text: Option<&str>,
        profile_hash: Option<&str>,
    ) -> Result<Arc<Plan<'static>>, Error> {
        Ok(self
            .get_packed(scheme, variant, profile_text, profile_hash)?
            .0)
    }

    /// [`PlanCache::get`] with the plan's pack layout.
    pub fn get_packed(
        &self,
        scheme: &'static Scheme,
        variant: Option<&str>,
        profile_text: Option<&str>,
        profile_hash: Option<&str>,
    ) -> Result<Entry, Error> {
        let key: Key = (
            scheme.id.clone(),
            scheme.version.clone(),
            variant.map(str::to_string),
            profile_hash.map(str::to_string),
        );
        if let Some((p, l)) = self
            .plans
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok((p.clone(), l.clone()));
        }
        let profile = match profile_text {
            Some(t) => Some(self.profile(t)?),
            None => None,
        };
        let plan = Arc::new(Plan::new(scheme, variant, profile).map_err(|e| Error::Internal(e.0))?);
        let layout = Layout::of(&plan);
        let layout = Arc::new(PackLayout {
            text: layout.text(),
            digest: layout.digest(),
            layout,
        });
        let mut map = self.plans.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_PLANS {
            map.clear();
        }
        map.insert(key, (plan.clone(), layout.clone()));
        Ok((plan, layout))
    }

    /// Whether this process has not yet seen `digest` stored (then it is written with the
    /// pack; an insert that finds it already there changes nothing).
    pub fn layout_maybe_new(&self, digest: &str) -> bool {
        !self
            .stored_layouts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(digest)
    }

    /// Note that `digest` is stored (after the transaction that wrote it committed).
    pub fn layout_stored(&self, digest: &str) {
        self.stored_layouts
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(digest.to_string());
    }

    /// A profile parsed once per distinct text (by its hash) and kept.
    fn profile(&self, text: &str) -> Result<&'static Profile, Error> {
        let parsed = Profile::parse("profile", text).map_err(Error::Internal)?;
        let mut map = self.profiles.write().unwrap_or_else(|e| e.into_inner());
        Ok(*map
            .entry(parsed.hash.clone())
            .or_insert_with(|| Box::leak(Box::new(parsed))))
    }

    /// How many plans are cached (tests, statistics).
    pub fn len(&self) -> usize {
        self.plans.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_built_once_per_scheme_variant_and_profile() {
        let catalog: &'static tianping_catalog::Catalog =
            Box::leak(Box::new(tianping_catalog::Catalog::load(None).unwrap()));
        let scheme = catalog.get("t11-aii-001-2020").unwrap();
        let cache = PlanCache::default();
        let a = cache.get(scheme, Some("odm-oem"), None, None).unwrap();
        let b = cache.get(scheme, Some("odm-oem"), None, None).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = cache.get(scheme, Some("tech-service"), None, None).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(cache.len(), 2);
        let bad = cache.get(scheme, Some("no-such-type"), None, None);
        assert!(matches!(bad, Err(Error::Internal(_))));
        assert_eq!(cache.len(), 2);
    }
}
