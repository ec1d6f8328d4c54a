//! Settings every gate section of `signoff.yml` shares (`advisory`), read beside the gate's
//! own keys without weakening their validation: the shared keys are taken out of the
//! mapping and the rest goes to the gate's own type, which still rejects unknown keys at
//! their line and column.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// A gate's section: the shared settings and the gate's own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section<T> {
    /// Reported and scored, but never rejects the sign-off.
    pub advisory: bool,
    /// The gate's own settings.
    pub settings: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Section<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SectionVisitor(PhantomData))
    }
}

struct SectionVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SectionVisitor<T> {
    type Value = Section<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a mapping of the gate's settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let advisory = Cell::new(None);
        let settings = T::deserialize(de::value::MapAccessDeserializer::new(Shared {
            inner: map,
            advisory: &advisory,
        }))?;
        Ok(Section {
            advisory: advisory.get().unwrap_or(false),
            settings,
        })
    }
}

/// The section's mapping with the shared keys taken out.
struct Shared<'a, A> {
    inner: A,
    advisory: &'a Cell<Option<bool>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Shared<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        loop {
            let Some(key) = self.inner.next_key::<String>()? else {
                return Ok(None);
            };
            if key == "advisory" {
                self.advisory.set(Some(self.inner.next_value::<bool>()?));
                continue;
            }
            let key: de::value::StringDeserializer<A::Error> = key.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        self.inner.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Own {
        lines: Option<f64>,
        branches: Option<f64>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        coverage: Option<Section<Own>>,
    }

    #[test]
    fn shared_keys_beside_the_gates_own() {
        let doc: Doc =
            crate::yaml::from_str("coverage:\n  lines: 80\n  advisory: true\n", "t").unwrap();
        let section = doc.coverage.unwrap();
        assert!(section.advisory);
        assert_eq!(section.settings.lines, Some(80.0));
    }

    #[test]
    fn unknown_keys_keep_their_position() {
        let error =
            crate::yaml::from_str::<Doc>("coverage:\n  lines: 80\n  line: 70\n", "t").unwrap_err();
        assert_eq!((error.problems[0].line, error.problems[0].column), (3, 3));
        let error = crate::yaml::from_str::<Doc>("coverage:\n  lines: 80\n  advisory: yes\n", "t")
            .unwrap_err();
        assert_eq!(error.problems[0].line, 3);
        let error = crate::yaml::from_str::<Doc>("coverage:\n  lines: x\n", "t").unwrap_err();
        assert_eq!(error.problems[0].line, 2);
    }
}
