//! The input schema of a KDA application: how records map to the columns of `SOURCE_SQL_STREAM_001`,
//! and schema discovery from sample records.

use crate::eval::from_json;
use crate::value::{SqlType, Value, parse_timestamp};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// How records are read (`RecordFormatType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordFormat {
    /// JSON objects; each column has a JSONPath mapping such as `$.ticker`.
    Json,
    /// Delimited text; columns map by position.
    Csv {
        /// `RecordColumnDelimiter`.
        delimiter: char,
    },
}

/// One column of the input schema (`RecordColumns[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceColumn {
    /// `Name`.
    pub name: String,
    /// `SqlType`.
    pub sql_type: SqlType,
    /// `Mapping`: a JSONPath (`$.a.b`) for JSON; unused for CSV.
    pub mapping: String,
}

/// The input schema of `SOURCE_SQL_STREAM_001`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSchema {
    /// The records' format.
    pub format: RecordFormat,
    /// The columns, in order.
    pub columns: Vec<SourceColumn>,
}

/// Samples looked at by [`discover_schema`], as the console looks at the first records.
pub const DISCOVERY_SAMPLES_MAX: usize = 100;

/// How deep discovery follows nested objects.
const NESTING_MAX: u32 = 4;

/// Infers a schema from sample records: JSON objects give one column per (nested) member, named by its
/// path with `_` and typed by the widest value seen; strings are CSV with `,` and columns `COL1`, `COL2`, ...
pub fn discover_schema(samples: &[serde_json::Value]) -> Result<SourceSchema, String> {
    let samples = &samples[..samples.len().min(DISCOVERY_SAMPLES_MAX)];
    if samples.is_empty() {
        return Err("schema discovery needs at least one sample record".into());
    }
    if samples.iter().all(serde_json::Value::is_string) {
        let mut columns: Vec<SourceColumn> = Vec::new();
        for sample in samples {
            let line = sample.as_str().unwrap_or_default();
            for (i, field) in line.split(',').enumerate() {
                let seen = infer_text(field);
                match columns.get_mut(i) {
                    Some(column) => column.sql_type = widen(column.sql_type, seen),
                    None => columns.push(SourceColumn {
                        name: format!("COL{}", i + 1),
                        sql_type: seen,
                        mapping: String::new(),
                    }),
                }
            }
        }
        for column in &mut columns {
            if column.sql_type == SqlType::Null {
                column.sql_type = SqlType::Varchar;
            }
        }
        return Ok(SourceSchema { format: RecordFormat::Csv { delimiter: ',' }, columns });
    }
    let mut columns: Vec<SourceColumn> = Vec::new();
    for (i, sample) in samples.iter().enumerate() {
        let serde_json::Value::Object(_) = sample else {
            return Err(format!("sample record {} is neither a JSON object nor a CSV line", i + 1));
        };
        collect(sample, "$", "", 0, &mut columns);
    }
    if columns.is_empty() {
        return Err("the sample records have no members to map to columns".into());
    }
    for column in &mut columns {
        if column.sql_type == SqlType::Null {
            column.sql_type = SqlType::Varchar;
        }
    }
    Ok(SourceSchema { format: RecordFormat::Json, columns })
}

fn collect(value: &serde_json::Value, path: &str, prefix: &str, depth: u32, columns: &mut Vec<SourceColumn>) {
    let serde_json::Value::Object(members) = value else { return };
    for (key, member) in members {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}_{key}") };
        let mapping = format!("{path}.{key}");
        if member.is_object() && depth < NESTING_MAX {
            collect(member, &mapping, &name, depth + 1, columns);
            continue;
        }
        let seen = match member {
            serde_json::Value::Null => SqlType::Null,
            serde_json::Value::Bool(_) => SqlType::Boolean,
            serde_json::Value::Number(n) if n.is_i64() => SqlType::Integer,
            serde_json::Value::Number(_) => SqlType::Double,
            serde_json::Value::String(s) if looks_like_timestamp(s) => SqlType::Timestamp,
            _ => SqlType::Varchar,
        };
        match columns.iter_mut().find(|c| c.mapping == mapping) {
            Some(column) => column.sql_type = widen(column.sql_type, seen),
            None => columns.push(SourceColumn { name, sql_type: seen, mapping }),
        }
    }
}

/// `YYYY-MM-DD...` that parses as a timestamp.
fn looks_like_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10 && bytes[4] == b'-' && bytes[7] == b'-' && parse_timestamp(text).is_some()
}

fn infer_text(field: &str) -> SqlType {
    let field = field.trim();
    if field.is_empty() {
        SqlType::Null
    } else if field.parse::<i64>().is_ok() {
        SqlType::Integer
    } else if field.parse::<f64>().is_ok() {
        SqlType::Double
    } else if looks_like_timestamp(field) {
        SqlType::Timestamp
    } else if field.eq_ignore_ascii_case("true") || field.eq_ignore_ascii_case("false") {
        SqlType::Boolean
    } else {
        SqlType::Varchar
    }
}

/// The narrowest type holding values of both types.
fn widen(a: SqlType, b: SqlType) -> SqlType {
    match (a, b) {
        (x, y) if x == y => x,
        (SqlType::Null, y) => y,
        (x, SqlType::Null) => x,
        (SqlType::Integer, SqlType::Double) | (SqlType::Double, SqlType::Integer) => SqlType::Double,
        _ => SqlType::Varchar,
    }
}

impl SourceSchema {
    /// The row of a record; an error names the column that could not be converted.
    pub(crate) fn row(&self, data: &serde_json::Value) -> Result<Vec<Value>, String> {
        let mut row = Vec::with_capacity(self.columns.len());
        match &self.format {
            RecordFormat::Json => {
                let data = match data {
                    // A record may arrive as JSON text (the bytes of a Kinesis record).
                    serde_json::Value::String(text) => serde_json::from_str(text)
                        .map_err(|_| "the record is not JSON, but the input format is JSON".to_string())?,
                    other => other.clone(),
                };
                for column in &self.columns {
                    let field = lookup(&data, &column.mapping);
                    let value = from_json(field.unwrap_or(&serde_json::Value::Null), column.sql_type)
                        .map_err(|e| format!("column {}: {e}", column.name))?;
                    row.push(value);
                }
            }
            RecordFormat::Csv { delimiter } => {
                let line = match data {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                let mut fields = line.split(*delimiter);
                for column in &self.columns {
                    let field = fields.next().map(str::trim).filter(|f| !f.is_empty());
                    let json = field.map_or(serde_json::Value::Null, |f| serde_json::Value::String(f.to_string()));
                    row.push(from_json(&json, column.sql_type).map_err(|e| format!("column {}: {e}", column.name))?);
                }
            }
        }
        Ok(row)
    }
}

/// Follows a `$.a.b` path through objects.
fn lookup<'a>(data: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let rest = path.strip_prefix('$')?;
    let mut node = data;
    for part in rest.split('.').filter(|p| !p.is_empty()) {
        node = node.get(part)?;
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_discovery_widens_and_flattens() {
        let samples = [
            json!({"ticker": "AMZN", "price": 10, "meta": {"venue": "X"}}),
            json!({"ticker": "AAPL", "price": 10.5, "ok": true}),
        ];
        let schema = discover_schema(&samples).unwrap();
        let got: Vec<(&str, SqlType, &str)> =
            schema.columns.iter().map(|c| (c.name.as_str(), c.sql_type, c.mapping.as_str())).collect();
        // serde_json without `preserve_order` keeps members sorted by key.
        assert_eq!(
            got,
            [
                ("meta_venue", SqlType::Varchar, "$.meta.venue"),
                ("price", SqlType::Double, "$.price"),
                ("ticker", SqlType::Varchar, "$.ticker"),
                ("ok", SqlType::Boolean, "$.ok"),
            ]
        );
        assert_eq!(schema.row(&json!({"price": 3, "ticker": "A"})).unwrap()[1], Value::Float(3.0));
    }

    #[test]
    fn csv_discovery_names_columns_by_position() {
        let schema = discover_schema(&[json!("AMZN,10,1.5"), json!("AAPL,11,x")]).unwrap();
        let types: Vec<SqlType> = schema.columns.iter().map(|c| c.sql_type).collect();
        assert_eq!(types, [SqlType::Varchar, SqlType::Integer, SqlType::Varchar]);
        assert_eq!(schema.columns[2].name, "COL3");
        assert_eq!(schema.row(&json!("MSFT,7,y")).unwrap()[1], Value::Int(7));
    }
}
