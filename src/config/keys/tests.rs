//! The list of keys against the schema: a deserializer that records every field name serde
//! asks for walks `Settings` (each `Option` as `Some`, each list with one element).

use std::collections::BTreeSet;

use serde::de::{self, value, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::*;
use crate::config::Settings;

type Error = value::Error;

/// Deserializes any type, recording the dotted path of every struct field it meets.
struct Probe<'a> {
    path: String,
    seen: &'a mut BTreeSet<String>,
}

struct Fields<'a> {
    path: String,
    fields: &'static [&'static str],
    next: usize,
    seen: &'a mut BTreeSet<String>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.fields.get(self.next) {
            Some(f) => seed.deserialize((*f).into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let field = self.fields[self.next];
        self.next += 1;
        let path = if self.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.path)
        };
        self.seen.insert(path.clone());
        seed.deserialize(Probe {
            path,
            seen: self.seen,
        })
    }
}

struct One<'a> {
    probe: Option<Probe<'a>>,
}

impl<'de> SeqAccess<'de> for One<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        match self.probe.take() {
            Some(p) => seed.deserialize(p).map(Some),
            None => Ok(None),
        }
    }
}

macro_rules! leaf {
    ($($method:ident => $visit:ident($($v:expr)?)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.$visit($($v)?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Error;
    leaf! {
        deserialize_any => visit_unit(),
        deserialize_bool => visit_bool(false),
        deserialize_i8 => visit_i64(1),
        deserialize_i16 => visit_i64(1),
        deserialize_i32 => visit_i64(1),
        deserialize_i64 => visit_i64(1),
        deserialize_u8 => visit_u64(1),
        deserialize_u16 => visit_u64(1),
        deserialize_u32 => visit_u64(1),
        deserialize_u64 => visit_u64(1),
        deserialize_f32 => visit_f64(1.0),
        deserialize_f64 => visit_f64(1.0),
        deserialize_char => visit_char('x'),
        deserialize_str => visit_str("x"),
        deserialize_string => visit_str("x"),
        deserialize_bytes => visit_bytes(b"x"),
        deserialize_byte_buf => visit_bytes(b"x"),
        deserialize_unit => visit_unit(),
        deserialize_identifier => visit_str("x"),
        deserialize_ignored_any => visit_unit(),
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(One { probe: Some(self) })
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Fields {
            path: self.path,
            fields: &[],
            next: 0,
            seen: self.seen,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Fields {
            path: self.path,
            fields,
            next: 0,
            seen: self.seen,
        })
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let first: value::StrDeserializer<'_, Error> =
            variants.first().copied().unwrap_or("").into_deserializer();
        visitor.visit_enum(first)
    }
}

/// Every key of the schema as `table.key` (`accounts.imap.host`), tables left out.
fn schema_keys() -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    Settings::deserialize(Probe {
        path: String::new(),
        seen: &mut seen,
    })
    .expect("probe the schema");
    let tables: BTreeSet<String> = seen
        .iter()
        .filter(|k| seen.iter().any(|o| o.starts_with(&format!("{k}."))))
        .cloned()
        .collect();
    seen.difference(&tables).cloned().collect()
}

fn listed_keys() -> BTreeSet<String> {
    KEYS.iter()
        .flat_map(|k| {
            k.tables.iter().map(move |t| {
                if t.is_empty() {
                    k.key.to_string()
                } else {
                    format!("{t}.{}", k.key)
                }
            })
        })
        .collect()
}

#[test]
fn every_listed_key_is_in_the_schema() {
    let schema = schema_keys();
    for k in [
        "ui.date_format",
        "accounts.name",
        "accounts.imap.host",
        "accounts.pop3.check_interval",
        "accounts.smtp.password_command",
        "accounts.folders.archive",
    ] {
        assert!(schema.contains(k), "{k}: {schema:?}");
    }
    assert!(!schema.contains("accounts.imap"), "tables are not keys");
    for k in listed_keys() {
        assert!(schema.contains(&k), "{k} is listed but not in the schema");
    }
}

#[test]
fn every_key_of_the_schema_is_listed() {
    let listed = listed_keys();
    for k in schema_keys() {
        // Kept in the schema only to say where it belongs ([accounts.pop3]).
        if k == "accounts.leave_on_server" {
            continue;
        }
        // Server keys for one protocol (POP3's, IMAP's disable_extensions) are listed under it;
        // the validation refuses or ignores them elsewhere.
        let server_key = SERVER_TABLES
            .iter()
            .find_map(|t| k.strip_prefix(&format!("{t}.")));
        if let Some(name) = server_key {
            if SERVER_TABLES
                .iter()
                .any(|t| listed.contains(&format!("{t}.{name}")))
            {
                continue;
            }
        }
        assert!(
            listed.contains(&k),
            "{k} is in the schema but not in config::keys::KEYS"
        );
    }
}

#[test]
fn the_readme_names_every_key() {
    let readme = include_str!("../../../README.md");
    for k in KEYS {
        assert!(
            readme.contains(&format!("{} =", k.key)) || readme.contains(&format!("`{}`", k.key)),
            "README.md does not mention the config key {}",
            k.key
        );
    }
}
