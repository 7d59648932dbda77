//! The checker: resolves names, infers types, validates aggregates and windows, and plans each query.

use crate::Dialect;
use crate::ast::*;
use crate::error::{Pos, SqlError};
use crate::eval::{AggFunc, AggSpec, Func, RExpr};
use crate::schema::SourceSchema;
use crate::value::{SqlType, TimeUnit, Value};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// The in-application input stream of a KDA application.
pub const KDA_SOURCE_STREAM: &str = "SOURCE_SQL_STREAM_001";

/// The automatic arrival-time column of KDA input rows.
pub(crate) const ARRIVAL_COLUMN: &str = "APPROXIMATE_ARRIVAL_TIME";

/// A checked application.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) streams: Vec<StreamDef>,
    pub(crate) queries: Vec<Query>,
    /// Queries in an order where every writer comes before its readers.
    pub(crate) order: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct StreamDef {
    pub(crate) name: String,
    pub(crate) columns: Vec<(String, SqlType)>,
    pub(crate) role: Role,
}

#[derive(Clone, Debug)]
pub(crate) enum Role {
    /// `SOURCE_SQL_STREAM_001`, fed from records through the schema.
    KdaSource(SourceSchema),
    /// A stream declared with `CREATE OR REPLACE STREAM`.
    InApp,
    /// A Flink table read from the Kinesis source.
    FlinkSource(FlinkSource),
    /// A Flink table written by `INSERT INTO`.
    FlinkSink,
    /// The results of a bare Flink `SELECT`.
    Results,
}

#[derive(Clone, Debug)]
pub(crate) struct FlinkSource {
    pub(crate) fields: Vec<Field>,
    /// The event-time column and the watermark expression over a row.
    pub(crate) watermark: Option<(u32, RExpr)>,
}

#[derive(Clone, Debug)]
pub(crate) enum Field {
    /// A member of the record's JSON object.
    Json(String),
    /// `METADATA FROM 'timestamp'`: the record's arrival time.
    Arrival,
    /// `name AS expression` over the columns before it.
    Computed(RExpr),
}

#[derive(Clone, Debug)]
pub(crate) struct Query {
    /// The pump's name, or `query_N`.
    pub(crate) name: String,
    pub(crate) source: u32,
    pub(crate) target: u32,
    pub(crate) filter: Option<RExpr>,
    pub(crate) items: Vec<RExpr>,
    /// The target's column types, for conversion on insert.
    pub(crate) target_types: Vec<SqlType>,
    pub(crate) having: Option<RExpr>,
    pub(crate) aggs: Vec<AggSpec>,
    pub(crate) kind: Kind,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// One output row per input row.
    Project,
    /// KDA `GROUP BY ..., STEP(ROWTIME BY ...)` or `FLOOR(ROWTIME TO ...)`.
    Tumbling { groups: Vec<RExpr>, window: RowWindow },
    /// KDA `WINDOWED BY STAGGER`.
    Stagger { groups: Vec<RExpr>, range_ms: i64 },
    /// KDA `OVER` windows: partition keys and frame of each window.
    Sliding { specs: Vec<(Vec<RExpr>, Frame)> },
    /// KDA `TOP_K_ITEMS_TUMBLING`.
    TopK { column: u32, k: u32, window_ms: i64 },
    /// Flink window TVFs.
    Window {
        tvf: TvfKind,
        sizes_ms: Vec<i64>,
        time_column: u32,
        event_time: bool,
        groups: Vec<RExpr>,
        partition: Vec<u32>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowWindow {
    Step(i64),
    Floor(TimeUnit),
}

/// Checks parsed statements; every problem found is returned.
pub(crate) fn check(
    statements: &[Statement],
    dialect: Dialect,
    schema: Option<&SourceSchema>,
) -> Result<Plan, Vec<SqlError>> {
    let mut checker =
        Checker { dialect, streams: Vec::new(), queries: Vec::new(), errors: Vec::new(), query_positions: Vec::new() };
    if dialect == Dialect::Kda {
        let schema =
            schema.cloned().unwrap_or(SourceSchema { format: crate::schema::RecordFormat::Json, columns: Vec::new() });
        let mut columns: Vec<(String, SqlType)> = schema.columns.iter().map(|c| (c.name.clone(), c.sql_type)).collect();
        columns.push((ARRIVAL_COLUMN.to_string(), SqlType::Timestamp));
        checker.streams.push(StreamDef { name: KDA_SOURCE_STREAM.to_string(), columns, role: Role::KdaSource(schema) });
    }
    let insert_targets: Vec<&Name> = statements
        .iter()
        .filter_map(|s| match s {
            Statement::Insert { target, .. } => Some(target),
            _ => None,
        })
        .collect();
    for statement in statements {
        if let Err(e) = checker.statement(statement, &insert_targets) {
            checker.errors.push(e);
        }
    }
    let order = match checker.order() {
        Ok(order) => order,
        Err(e) => {
            checker.errors.push(e);
            Vec::new()
        }
    };
    if checker.errors.is_empty() && checker.queries.is_empty() {
        let what = match dialect {
            Dialect::Kda => "expected at least one pump (CREATE OR REPLACE PUMP ... AS INSERT INTO ...), found none",
            Dialect::Flink => "expected at least one INSERT INTO or SELECT, found none",
        };
        checker.errors.push(SqlError::new(Pos { line: 1, column: 1 }, what));
    }
    if !checker.errors.is_empty() {
        checker.errors.sort_by_key(|e| e.pos);
        return Err(checker.errors);
    }
    Ok(Plan { streams: checker.streams, queries: checker.queries, order })
}

struct Checker {
    dialect: Dialect,
    streams: Vec<StreamDef>,
    queries: Vec<Query>,
    errors: Vec<SqlError>,
    query_positions: Vec<Pos>,
}

fn find_stream(streams: &[StreamDef], name: &Name) -> Option<usize> {
    streams.iter().position(|s| s.name == name.text).or_else(|| streams.iter().position(|s| name.matches(&s.name)))
}

fn assignable(from: SqlType, to: SqlType) -> bool {
    from == to
        || from == SqlType::Null
        || to == SqlType::Varchar
        || (from.is_numeric() && to.is_numeric())
        || (from == SqlType::Integer && to == SqlType::Timestamp)
}

impl Checker {
    fn statement(&mut self, statement: &Statement, insert_targets: &[&Name]) -> Result<(), SqlError> {
        match statement {
            Statement::CreateStream { name, columns } => {
                if find_stream(&self.streams, name).is_some() {
                    return Err(SqlError::new(name.pos, format!("stream \"{}\" is already declared", name.text)));
                }
                let columns = self.columns(columns)?;
                self.streams.push(StreamDef { name: name.text.clone(), columns, role: Role::InApp });
                Ok(())
            }
            Statement::CreateTable(table) => self.create_table(table, insert_targets),
            Statement::CreatePump { name, target, select } => {
                if self.queries.iter().any(|q| name.matches(&q.name)) {
                    return Err(SqlError::new(name.pos, format!("pump \"{}\" is already declared", name.text)));
                }
                let Some(target_index) = find_stream(&self.streams, target) else {
                    return Err(SqlError::new(
                        target.pos,
                        format!("unknown stream \"{}\": {}", target.text, self.stream_list()),
                    ));
                };
                if !matches!(self.streams[target_index].role, Role::InApp) {
                    return Err(SqlError::new(
                        target.pos,
                        format!("a pump cannot insert into the input stream \"{}\"", target.text),
                    ));
                }
                self.query(name.text.clone(), Some(target_index), select)
            }
            Statement::Insert { target, select } => {
                let Some(target_index) = find_stream(&self.streams, target) else {
                    return Err(SqlError::new(
                        target.pos,
                        format!("unknown table `{}`: {}", target.text, self.stream_list()),
                    ));
                };
                let n = self.queries.len() + 1;
                self.query(format!("insert_{n}"), Some(target_index), select)
            }
            Statement::Query(select) => {
                let n = self.queries.len() + 1;
                self.query(format!("query_{n}"), None, select)
            }
        }
    }

    fn stream_list(&self) -> String {
        let names: Vec<String> = self.streams.iter().map(|s| format!("\"{}\"", s.name)).collect();
        if names.is_empty() {
            "nothing is declared yet".into()
        } else {
            format!("declared so far: {}", names.join(", "))
        }
    }

    fn columns(&self, defs: &[ColumnDef]) -> Result<Vec<(String, SqlType)>, SqlError> {
        let mut columns: Vec<(String, SqlType)> = Vec::new();
        for def in defs {
            if columns.iter().any(|(n, _)| def.name.matches(n)) {
                return Err(SqlError::new(def.name.pos, format!("column `{}` is declared twice", def.name.text)));
            }
            columns.push((def.name.text.clone(), def.sql_type));
        }
        Ok(columns)
    }

    fn create_table(&mut self, table: &CreateTable, insert_targets: &[&Name]) -> Result<(), SqlError> {
        if find_stream(&self.streams, &table.name).is_some() {
            return Err(SqlError::new(table.name.pos, format!("table `{}` is already declared", table.name.text)));
        }
        if let Some((key, value)) = table.options.iter().find(|(k, _)| k == "connector")
            && value != "kinesis"
            && value != "print"
            && value != "blackhole"
            && value != "firehose"
        {
            return Err(SqlError::new(
                table.name.pos,
                format!("expected '{key}' = 'kinesis' (or 'firehose', 'print'), found '{value}'"),
            ));
        }
        let is_sink = insert_targets.iter().any(|t| t.matches(&table.name.text) || t.text == table.name.text);
        let mut columns: Vec<(String, SqlType)> = Vec::new();
        let mut fields = Vec::new();
        for column in &table.columns {
            let (name, sql_type, field) = match column {
                TableColumn::Physical(def) => (&def.name, def.sql_type, Field::Json(def.name.text.clone())),
                TableColumn::Metadata { def, key, key_pos } => {
                    if key != "timestamp" {
                        return Err(SqlError::new(
                            *key_pos,
                            format!("expected the metadata key 'timestamp' (the record's arrival time), found '{key}'"),
                        ));
                    }
                    (&def.name, def.sql_type, Field::Arrival)
                }
                TableColumn::Computed { name, expr } => {
                    let mut compiler =
                        Compiler::new(self.dialect, &table.name.text, None, &columns, false, "a computed column");
                    let (rexpr, sql_type) = compiler.compile(expr)?;
                    (name, sql_type, Field::Computed(rexpr))
                }
            };
            if columns.iter().any(|(n, _)| name.matches(n)) {
                return Err(SqlError::new(name.pos, format!("column `{}` is declared twice", name.text)));
            }
            columns.push((name.text.clone(), sql_type));
            fields.push(field);
        }
        let watermark = match &table.watermark {
            None => None,
            Some((column, expr)) => {
                let Some(index) = columns.iter().position(|(n, _)| column.matches(n)) else {
                    return Err(SqlError::new(
                        column.pos,
                        format!("unknown column `{}` in WATERMARK FOR", column.text),
                    ));
                };
                if columns[index].1 != SqlType::Timestamp {
                    return Err(SqlError::new(
                        column.pos,
                        format!(
                            "expected a TIMESTAMP column for the watermark, `{}` is {}",
                            column.text,
                            columns[index].1.name()
                        ),
                    ));
                }
                let mut compiler =
                    Compiler::new(self.dialect, &table.name.text, None, &columns, false, "the watermark");
                let (rexpr, sql_type) = compiler.compile(expr)?;
                if sql_type != SqlType::Timestamp {
                    return Err(SqlError::new(
                        expr.pos,
                        format!("expected a TIMESTAMP watermark expression, found {}", sql_type.name()),
                    ));
                }
                Some((index as u32, rexpr))
            }
        };
        let role = if is_sink { Role::FlinkSink } else { Role::FlinkSource(FlinkSource { fields, watermark }) };
        self.streams.push(StreamDef { name: table.name.text.clone(), columns, role });
        Ok(())
    }

    fn query(&mut self, name: String, target: Option<usize>, select: &Select) -> Result<(), SqlError> {
        let (source_name, alias) = match &select.from {
            From::Named { name, alias } => (name, alias.as_ref()),
            From::TopK { source, .. } => (source, None),
            From::WindowTvf(tvf) => (&tvf.table, None),
        };
        let Some(source) = find_stream(&self.streams, source_name) else {
            return Err(SqlError::new(
                source_name.pos,
                format!("unknown stream or table \"{}\": {}", source_name.text, self.stream_list()),
            ));
        };
        if matches!(self.streams[source].role, Role::FlinkSink) {
            return Err(SqlError::new(
                source_name.pos,
                format!(
                    "table `{}` is written by INSERT INTO; reading it back is not supported here",
                    source_name.text
                ),
            ));
        }
        let columns = self.streams[source].columns.clone();
        let stream_name = self.streams[source].name.clone();
        let window_cols = matches!(select.from, From::WindowTvf(_));
        let mut compiler = Compiler::new(self.dialect, &stream_name, alias, &columns, window_cols, "WHERE");
        let filter = match &select.filter {
            Some(e) => {
                let (rexpr, t) = compiler.compile(e)?;
                if t != SqlType::Boolean && t != SqlType::Null {
                    return Err(SqlError::new(
                        e.pos,
                        format!("expected a BOOLEAN condition in WHERE, found {}", t.name()),
                    ));
                }
                Some(rexpr)
            }
            None => None,
        };
        let has_over = select.items.iter().any(|i| matches!(i, SelectItem::Expr { expr, .. } if has_over(expr)));
        let has_agg = select.items.iter().any(|i| matches!(i, SelectItem::Expr { expr, .. } if has_aggregate(expr)))
            || select.having.as_ref().is_some_and(has_aggregate);
        let mut kind = Kind::Project;
        let mut group_exprs: &[Expr] = &[];
        match &select.from {
            From::TopK { pos, column, column_pos, k, window_secs, .. } => {
                if !matches!(select.items.as_slice(), [SelectItem::Star(_)])
                    || select.filter.is_some()
                    || !select.group_by.is_empty()
                {
                    return Err(SqlError::new(
                        *pos,
                        "expected SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(...)) with no other clauses",
                    ));
                }
                let Some(index) = columns
                    .iter()
                    .position(|(n, _)| n == column)
                    .or_else(|| columns.iter().position(|(n, _)| n.eq_ignore_ascii_case(column)))
                else {
                    return Err(SqlError::new(*column_pos, format!("unknown column '{column}' in \"{stream_name}\"")));
                };
                if !(1..=100_000).contains(k) {
                    return Err(SqlError::new(*pos, format!("expected K from 1 to 100,000, found {k}")));
                }
                if !(1..=3600).contains(window_secs) {
                    return Err(SqlError::new(
                        *pos,
                        format!("expected a window of 1 to 3,600 seconds, found {window_secs}"),
                    ));
                }
                let out_columns = [
                    (columns[index].0.clone(), columns[index].1),
                    ("MOST_FREQUENT_VALUES".to_string(), SqlType::Integer),
                ];
                let items = [RExpr::Group(0), RExpr::Agg(0)];
                let kind = Kind::TopK { column: index as u32, k: *k as u32, window_ms: window_secs * 1000 };
                return self.finish(
                    name,
                    source,
                    target,
                    select,
                    &out_columns,
                    (None, items.to_vec(), None),
                    Vec::new(),
                    kind,
                );
            }
            From::WindowTvf(tvf) => {
                kind = self.window_tvf(tvf, source, &columns, select)?;
                group_exprs = &select.group_by;
            }
            From::Named { .. } => {
                if let Some(stagger) = &select.stagger {
                    if !select.group_by.is_empty() {
                        return Err(SqlError::new(
                            select.group_by[0].pos,
                            "expected no GROUP BY: WINDOWED BY STAGGER replaces it",
                        ));
                    }
                    group_exprs = &stagger.partition_by;
                    if stagger.range_ms <= 0 {
                        return Err(SqlError::new(stagger.pos, "expected a positive stagger window length"));
                    }
                    kind = Kind::Stagger { groups: Vec::new(), range_ms: stagger.range_ms };
                } else if has_over {
                    if !select.group_by.is_empty() {
                        return Err(SqlError::new(
                            select.group_by[0].pos,
                            "expected no GROUP BY in a query with OVER windows",
                        ));
                    }
                    kind = Kind::Sliding { specs: Vec::new() };
                } else if !select.group_by.is_empty() || has_agg {
                    if self.dialect == Dialect::Flink {
                        return Err(SqlError::new(
                            select.pos,
                            "expected FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(...)): a streaming GROUP BY needs a window here",
                        ));
                    }
                    let Some(window) = select.group_by.iter().find_map(rowtime_window) else {
                        let pos = select.group_by.first().map_or(select.pos, |g| g.pos);
                        return Err(SqlError::new(
                            pos,
                            "expected a ROWTIME window in GROUP BY, such as STEP(\"S\".ROWTIME BY INTERVAL '60' SECOND) or FLOOR(\"S\".ROWTIME TO MINUTE)",
                        ));
                    };
                    let window = window?;
                    group_exprs = &select.group_by;
                    kind = Kind::Tumbling { groups: Vec::new(), window };
                }
            }
        }
        // Group expressions are evaluated per input row.
        let mut group_rexprs = Vec::new();
        let mut group_types = Vec::new();
        for g in group_exprs {
            let mut row = Compiler::new(self.dialect, &stream_name, alias, &columns, window_cols, "GROUP BY");
            let (r, t) = row.compile(g)?;
            group_rexprs.push(r);
            group_types.push(t);
        }
        if let Kind::Window { .. } = kind {
            let has = |col: &str| {
                group_exprs.iter().any(|g| matches!(&g.kind, ExprKind::Column { name, .. } if name.matches(col)))
            };
            if !has("window_start") || !has("window_end") {
                return Err(SqlError::new(
                    select.pos,
                    "expected GROUP BY window_start, window_end (and any other keys) over a window TVF",
                ));
            }
        }
        let grouped = !matches!(kind, Kind::Project | Kind::Sliding { .. });
        let mut compiler = Compiler::new(self.dialect, &stream_name, alias, &columns, window_cols, "the select list");
        compiler.mode = if grouped {
            Mode::Grouped
        } else if has_over {
            Mode::Sliding
        } else {
            Mode::Row
        };
        compiler.group_keys = group_exprs.iter().map(canon).collect();
        compiler.groups = group_exprs;
        compiler.group_types = group_types;
        compiler.named_windows = &select.windows;
        let mut items = Vec::new();
        let mut out_columns = Vec::new();
        for (i, item) in select.items.iter().enumerate() {
            match item {
                SelectItem::Star(pos) => {
                    if grouped || has_over {
                        return Err(SqlError::new(
                            *pos,
                            "expected named columns: `*` cannot be used with GROUP BY, windows or OVER",
                        ));
                    }
                    for (c, (col, t)) in columns.iter().enumerate() {
                        items.push(RExpr::Col(c as u32));
                        out_columns.push((col.clone(), *t));
                    }
                }
                SelectItem::Expr { expr, alias } => {
                    let (rexpr, t) = compiler.compile(expr)?;
                    let name = match (alias, &expr.kind) {
                        (Some(a), _) => a.text.clone(),
                        (None, ExprKind::Column { name, .. }) => name.text.clone(),
                        _ => format!("EXPR${i}"),
                    };
                    items.push(rexpr);
                    out_columns.push((name, t));
                }
            }
        }
        let having = match &select.having {
            Some(e) => {
                if !grouped {
                    return Err(SqlError::new(e.pos, "expected GROUP BY or a window before HAVING"));
                }
                compiler.context = "HAVING";
                let (r, t) = compiler.compile(e)?;
                if t != SqlType::Boolean {
                    return Err(SqlError::new(
                        e.pos,
                        format!("expected a BOOLEAN condition in HAVING, found {}", t.name()),
                    ));
                }
                Some(r)
            }
            None => None,
        };
        let aggs = core::mem::take(&mut compiler.aggs);
        let specs = core::mem::take(&mut compiler.specs);
        let kind = match kind {
            Kind::Tumbling { window, .. } => Kind::Tumbling { groups: group_rexprs, window },
            Kind::Stagger { range_ms, .. } => Kind::Stagger { groups: group_rexprs, range_ms },
            Kind::Sliding { .. } => Kind::Sliding { specs },
            Kind::Window { tvf, sizes_ms, time_column, event_time, partition, .. } => {
                Kind::Window { tvf, sizes_ms, time_column, event_time, groups: group_rexprs, partition }
            }
            other => other,
        };
        self.finish(name, source, target, select, &out_columns, (filter, items, having), aggs, kind)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        name: String,
        source: usize,
        target: Option<usize>,
        select: &Select,
        out_columns: &[(String, SqlType)],
        (filter, items, having): (Option<RExpr>, Vec<RExpr>, Option<RExpr>),
        aggs: Vec<AggSpec>,
        kind: Kind,
    ) -> Result<(), SqlError> {
        let target = match target {
            Some(t) => {
                let declared = &self.streams[t].columns;
                if declared.len() != out_columns.len() {
                    return Err(SqlError::new(
                        select.pos,
                        format!(
                            "expected {} columns for \"{}\" ({}), the select list has {}",
                            declared.len(),
                            self.streams[t].name,
                            declared.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", "),
                            out_columns.len()
                        ),
                    ));
                }
                for (i, ((name, to), (_, from))) in declared.iter().zip(out_columns).enumerate() {
                    if !assignable(*from, *to) {
                        let pos = match select.items.get(i) {
                            Some(SelectItem::Expr { expr, .. }) => expr.pos,
                            _ => select.pos,
                        };
                        return Err(SqlError::new(
                            pos,
                            format!("expected {} for column {name}, found {}", to.name(), from.name()),
                        ));
                    }
                }
                t
            }
            None => {
                self.streams.push(StreamDef { name: name.clone(), columns: out_columns.to_vec(), role: Role::Results });
                self.streams.len() - 1
            }
        };
        let target_types = self.streams[target].columns.iter().map(|(_, t)| *t).collect();
        self.query_positions.push(select.pos);
        self.queries.push(Query {
            name,
            source: source as u32,
            target: target as u32,
            filter,
            items,
            target_types,
            having,
            aggs,
            kind,
        });
        Ok(())
    }

    fn window_tvf(
        &self,
        tvf: &WindowTvf,
        source: usize,
        columns: &[(String, SqlType)],
        select: &Select,
    ) -> Result<Kind, SqlError> {
        let _ = select;
        let Some(time_column) = columns.iter().position(|(n, _)| tvf.time_column.matches(n)) else {
            return Err(SqlError::new(
                tvf.time_column.pos,
                format!("unknown column `{}` in DESCRIPTOR", tvf.time_column.text),
            ));
        };
        let Role::FlinkSource(src) = &self.streams[source].role else {
            return Err(SqlError::new(tvf.table.pos, "expected a source table"));
        };
        let event_time = match (&src.watermark, &src.fields[time_column]) {
            (Some((w, _)), _) if *w as usize == time_column => true,
            (_, Field::Computed(RExpr::Func(Func::Now, _))) => false,
            _ => {
                return Err(SqlError::new(
                    tvf.time_column.pos,
                    format!(
                        "expected a time attribute: declare WATERMARK FOR {0} AS {0} - INTERVAL '5' SECOND (event time), or {0} AS PROCTIME() (processing time)",
                        tvf.time_column.text
                    ),
                ));
            }
        };
        let sizes_ms: Vec<i64> = tvf.intervals.iter().map(|(ms, _)| *ms).collect();
        for (ms, pos) in &tvf.intervals {
            if *ms <= 0 {
                return Err(SqlError::new(*pos, "expected a positive interval"));
            }
        }
        match tvf.kind {
            TvfKind::Hop if sizes_ms[1] % sizes_ms[0] != 0 => {
                return Err(SqlError::new(
                    tvf.intervals[1].1,
                    "expected a HOP size that is a whole multiple of the slide",
                ));
            }
            TvfKind::Cumulate if sizes_ms[1] % sizes_ms[0] != 0 => {
                return Err(SqlError::new(
                    tvf.intervals[1].1,
                    "expected a CUMULATE max size that is a whole multiple of the step",
                ));
            }
            TvfKind::Hop | TvfKind::Cumulate if sizes_ms[1] / sizes_ms[0] > 1000 => {
                return Err(SqlError::new(tvf.intervals[1].1, "expected at most 1,000 windows per row"));
            }
            _ => {}
        }
        let mut partition = Vec::new();
        for p in &tvf.partition_by {
            match columns.iter().position(|(n, _)| p.matches(n)) {
                Some(i) => partition.push(i as u32),
                None => return Err(SqlError::new(p.pos, format!("unknown column `{}` in PARTITION BY", p.text))),
            }
        }
        Ok(Kind::Window {
            tvf: tvf.kind,
            sizes_ms,
            time_column: time_column as u32,
            event_time,
            groups: Vec::new(),
            partition,
        })
    }

    /// Writers before readers; a cycle of pumps is an error.
    fn order(&self) -> Result<Vec<u32>, SqlError> {
        let n = self.queries.len();
        let mut done = alloc::vec![false; n];
        let mut order = Vec::new();
        for _ in 0..n {
            let next = (0..n).find(|&q| {
                !done[q] && (0..n).all(|w| done[w] || w == q || self.queries[w].target != self.queries[q].source)
            });
            match next {
                Some(q) => {
                    done[q] = true;
                    order.push(q as u32);
                }
                None => {
                    let q = (0..n).find(|&q| !done[q]).unwrap_or(0);
                    return Err(SqlError::new(
                        self.query_positions.get(q).copied().unwrap_or_default(),
                        format!(
                            "expected pumps without a cycle: \"{}\" reads a stream that it feeds, directly or through other pumps",
                            self.queries[q].name
                        ),
                    ));
                }
            }
        }
        Ok(order)
    }
}

/// A literal's checked form and type.
fn literal(v: &Value) -> (RExpr, SqlType) {
    let t = match v {
        Value::Null => SqlType::Null,
        Value::Bool(_) => SqlType::Boolean,
        Value::Int(_) => SqlType::Integer,
        Value::Float(_) => SqlType::Double,
        Value::Str(_) => SqlType::Varchar,
        Value::Timestamp(_) => SqlType::Timestamp,
        Value::Interval(_) => SqlType::Interval,
    };
    (RExpr::Lit(v.clone()), t)
}

/// `STEP(x.ROWTIME BY INTERVAL ...)` or `FLOOR(x.ROWTIME TO unit)`.
fn rowtime_window(e: &Expr) -> Option<Result<RowWindow, SqlError>> {
    let is_rowtime = |e: &Expr| matches!(&e.kind, ExprKind::Column { name, .. } if name.matches("ROWTIME"));
    match &e.kind {
        ExprKind::Step { expr, by } if is_rowtime(expr) => Some(match by.kind {
            ExprKind::Lit(Value::Interval(ms)) if ms > 0 => Ok(RowWindow::Step(ms)),
            _ => Err(SqlError::new(by.pos, "expected a positive INTERVAL after BY")),
        }),
        ExprKind::Floor { expr, to: Some(unit), ceil: false } if is_rowtime(expr) => Some(Ok(RowWindow::Floor(*unit))),
        _ => None,
    }
}

fn walk(e: &Expr, f: &mut dyn FnMut(&Expr) -> bool) -> bool {
    if f(e) {
        return true;
    }
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Column { .. } => false,
        ExprKind::Neg(a) | ExprKind::Not(a) | ExprKind::IsNull { expr: a, .. } | ExprKind::Cast(a, _) => walk(a, f),
        ExprKind::Extract { expr, .. } | ExprKind::Floor { expr, .. } => walk(expr, f),
        ExprKind::Binary(_, a, b) | ExprKind::Like { expr: a, pattern: b, .. } | ExprKind::Step { expr: a, by: b } => {
            walk(a, f) || walk(b, f)
        }
        ExprKind::Between { expr, low, high, .. } => walk(expr, f) || walk(low, f) || walk(high, f),
        ExprKind::Case { whens, otherwise } => {
            whens.iter().any(|(c, v)| walk(c, f) || walk(v, f)) || otherwise.as_ref().is_some_and(|o| walk(o, f))
        }
        ExprKind::Call { args, .. } => args.iter().any(|a| walk(a, f)),
    }
}

fn has_over(e: &Expr) -> bool {
    walk(e, &mut |e| matches!(&e.kind, ExprKind::Call { over: Some(_), .. }))
}

fn has_aggregate(e: &Expr) -> bool {
    walk(
        e,
        &mut |e| matches!(&e.kind, ExprKind::Call { name, over: None, .. } if AggFunc::lookup(&name.text).is_some() && !name.quoted),
    )
}

/// A position-free text of an expression, to compare select items with GROUP BY keys.
fn canon(e: &Expr) -> String {
    fn name(n: &Name) -> String {
        if n.quoted { n.text.clone() } else { n.text.to_ascii_uppercase() }
    }
    match &e.kind {
        ExprKind::Lit(v) => format!("{v:?}"),
        ExprKind::Column { name: n, .. } => name(n),
        ExprKind::Neg(a) => format!("-({})", canon(a)),
        ExprKind::Not(a) => format!("NOT({})", canon(a)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", canon(a), op.symbol(), canon(b)),
        ExprKind::IsNull { expr, negated } => format!("ISNULL({},{negated})", canon(expr)),
        ExprKind::Like { expr, pattern, negated } => format!("LIKE({},{},{negated})", canon(expr), canon(pattern)),
        ExprKind::Between { expr, low, high, negated } => {
            format!("BETWEEN({},{},{},{negated})", canon(expr), canon(low), canon(high))
        }
        ExprKind::Cast(a, t) => format!("CAST({},{})", canon(a), t.name()),
        ExprKind::Case { whens, otherwise } => {
            let mut s = String::from("CASE");
            for (c, v) in whens {
                s += &format!(" {} {}", canon(c), canon(v));
            }
            if let Some(o) = otherwise {
                s += &format!(" ELSE {}", canon(o));
            }
            s
        }
        ExprKind::Step { expr, by } => format!("STEP({},{})", canon(expr), canon(by)),
        ExprKind::Floor { expr, to, ceil } => format!("FLOOR({},{to:?},{ceil})", canon(expr)),
        ExprKind::Extract { unit, expr } => format!("EXTRACT({unit:?},{})", canon(expr)),
        ExprKind::Call { name: n, args, star, over } => {
            let args: Vec<String> = args.iter().map(canon).collect();
            format!("{}({}{}){:?}", name(n), if *star { "*" } else { "" }, args.join(","), over.is_some())
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Row,
    Grouped,
    Sliding,
}

struct Compiler<'a> {
    dialect: Dialect,
    stream: &'a str,
    alias: Option<&'a Name>,
    columns: &'a [(String, SqlType)],
    window_cols: bool,
    context: &'static str,
    mode: Mode,
    groups: &'a [Expr],
    /// `canon` of each of `groups`, computed once.
    group_keys: Vec<String>,
    group_types: Vec<SqlType>,
    named_windows: &'a [(Name, WindowSpec)],
    aggs: Vec<AggSpec>,
    specs: Vec<(Vec<RExpr>, Frame)>,
    spec_keys: Vec<String>,
}

type Typed = Result<(RExpr, SqlType), SqlError>;

impl<'a> Compiler<'a> {
    fn new(
        dialect: Dialect,
        stream: &'a str,
        alias: Option<&'a Name>,
        columns: &'a [(String, SqlType)],
        window_cols: bool,
        context: &'static str,
    ) -> Self {
        Self {
            dialect,
            stream,
            alias,
            columns,
            window_cols,
            context,
            mode: Mode::Row,
            groups: &[],
            group_keys: Vec::new(),
            group_types: Vec::new(),
            named_windows: &[],
            aggs: Vec::new(),
            specs: Vec::new(),
            spec_keys: Vec::new(),
        }
    }

    fn compile(&mut self, e: &Expr) -> Typed {
        if self.mode == Mode::Grouped {
            let key = canon(e);
            if let Some(i) = self.group_keys.iter().position(|g| *g == key) {
                return Ok((RExpr::Group(i as u32), self.group_types[i]));
            }
        }
        // Each kind is compiled by its own function, so that the frame this recursion repeats per level
        // of the expression stays small.
        match &e.kind {
            ExprKind::Lit(v) => Ok(literal(v)),
            ExprKind::Column { qualifier, name } => self.column(qualifier.as_ref(), name),
            ExprKind::Neg(a) => self.negation(e.pos, a),
            ExprKind::Not(a) => Ok((RExpr::Not(Box::new(self.boolean(a, "NOT")?)), SqlType::Boolean)),
            ExprKind::Binary(op, a, b) => self.binary(e.pos, *op, a, b),
            ExprKind::IsNull { expr, negated } => {
                Ok((RExpr::IsNull(Box::new(self.compile(expr)?.0), *negated), SqlType::Boolean))
            }
            ExprKind::Like { expr, pattern, negated } => self.like(e.pos, expr, pattern, *negated),
            ExprKind::Between { expr, low, high, negated } => self.between(e.pos, expr, low, high, *negated),
            ExprKind::Cast(a, t) => Ok((RExpr::Cast(Box::new(self.compile(a)?.0), *t), *t)),
            ExprKind::Case { whens, otherwise } => self.case(whens, otherwise.as_deref()),
            ExprKind::Step { expr, by } => self.step(e.pos, expr, by),
            ExprKind::Floor { expr, to, ceil } => self.floor(e.pos, expr, *to, *ceil),
            ExprKind::Extract { unit, expr } => self.extract(*unit, expr),
            ExprKind::Call { name, args, star, over } => self.call(e.pos, name, args, *star, over.as_ref()),
        }
    }

    #[inline(never)]
    fn negation(&mut self, pos: Pos, a: &Expr) -> Typed {
        let (r, t) = self.compile(a)?;
        if !t.is_numeric() && t != SqlType::Interval {
            return Err(SqlError::new(pos, format!("expected a number after `-`, found {}", t.name())));
        }
        Ok((RExpr::Neg(Box::new(r)), t))
    }

    #[inline(never)]
    fn binary(&mut self, pos: Pos, op: BinOp, a: &Expr, b: &Expr) -> Typed {
        let (ra, ta) = self.compile(a)?;
        let (rb, tb) = self.compile(b)?;
        let t = binary_type(op, ta, tb).ok_or_else(|| {
            SqlError::new(
                pos,
                format!("expected operands that `{}` accepts, found {} and {}", op.symbol(), ta.name(), tb.name()),
            )
        })?;
        Ok((RExpr::Bin(op, Box::new(ra), Box::new(rb)), t))
    }

    #[inline(never)]
    fn like(&mut self, pos: Pos, expr: &Expr, pattern: &Expr, negated: bool) -> Typed {
        let (r, t) = self.compile(expr)?;
        let (p, tp) = self.compile(pattern)?;
        if !matches!(t, SqlType::Varchar | SqlType::Null) || !matches!(tp, SqlType::Varchar | SqlType::Null) {
            return Err(SqlError::new(
                pos,
                format!("expected VARCHAR operands for LIKE, found {} and {}", t.name(), tp.name()),
            ));
        }
        Ok((RExpr::Like(Box::new(r), Box::new(p), negated), SqlType::Boolean))
    }

    #[inline(never)]
    fn between(&mut self, pos: Pos, expr: &Expr, low: &Expr, high: &Expr, negated: bool) -> Typed {
        let (r, t) = self.compile(expr)?;
        let (l, tl) = self.compile(low)?;
        let (h, th) = self.compile(high)?;
        if binary_type(BinOp::Le, t, tl).is_none() || binary_type(BinOp::Le, t, th).is_none() {
            return Err(SqlError::new(
                pos,
                format!("expected comparable types in BETWEEN, found {}, {} and {}", t.name(), tl.name(), th.name()),
            ));
        }
        Ok((RExpr::Between(Box::new(r), Box::new(l), Box::new(h), negated), SqlType::Boolean))
    }

    #[inline(never)]
    fn case(&mut self, whens: &[(Expr, Expr)], otherwise: Option<&Expr>) -> Typed {
        let mut out = Vec::new();
        let mut result = SqlType::Null;
        for (c, v) in whens {
            let rc = self.boolean(c, "WHEN")?;
            let (rv, tv) = self.compile(v)?;
            result = unify(result, tv).ok_or_else(|| {
                SqlError::new(v.pos, format!("expected {} like the other branches, found {}", result.name(), tv.name()))
            })?;
            out.push((rc, rv));
        }
        let otherwise = match otherwise {
            Some(o) => {
                let (r, t) = self.compile(o)?;
                result = unify(result, t).ok_or_else(|| {
                    SqlError::new(
                        o.pos,
                        format!("expected {} like the other branches, found {}", result.name(), t.name()),
                    )
                })?;
                Some(Box::new(r))
            }
            None => None,
        };
        Ok((RExpr::Case(out, otherwise), result))
    }

    #[inline(never)]
    fn step(&mut self, pos: Pos, expr: &Expr, by: &Expr) -> Typed {
        let (r, t) = self.compile(expr)?;
        let (rb, tb) = self.compile(by)?;
        match (t, tb) {
            (SqlType::Timestamp, SqlType::Interval) | (SqlType::Integer, SqlType::Integer) => {}
            _ => {
                return Err(SqlError::new(
                    pos,
                    format!(
                        "expected STEP(timestamp BY INTERVAL ...) or STEP(integer BY integer), found {} and {}",
                        t.name(),
                        tb.name()
                    ),
                ));
            }
        }
        Ok((RExpr::Step(Box::new(r), Box::new(rb)), t))
    }

    #[inline(never)]
    fn floor(&mut self, pos: Pos, expr: &Expr, to: Option<TimeUnit>, ceil: bool) -> Typed {
        let (r, t) = self.compile(expr)?;
        match (t, to) {
            (SqlType::Timestamp, Some(_)) | (SqlType::Integer | SqlType::Double | SqlType::Null, None) => {}
            _ => {
                return Err(SqlError::new(
                    pos,
                    format!("expected FLOOR(timestamp TO unit) or FLOOR(number), found {}", t.name()),
                ));
            }
        }
        Ok((RExpr::Floor(Box::new(r), to, ceil), t))
    }

    #[inline(never)]
    fn extract(&mut self, unit: TimeUnit, expr: &Expr) -> Typed {
        let (r, t) = self.compile(expr)?;
        if !matches!(t, SqlType::Timestamp | SqlType::Null) {
            return Err(SqlError::new(expr.pos, format!("expected a TIMESTAMP for EXTRACT, found {}", t.name())));
        }
        Ok((RExpr::Extract(unit, Box::new(r)), SqlType::Integer))
    }

    fn boolean(&mut self, e: &Expr, what: &str) -> Result<RExpr, SqlError> {
        let (r, t) = self.compile(e)?;
        if !matches!(t, SqlType::Boolean | SqlType::Null) {
            return Err(SqlError::new(e.pos, format!("expected a BOOLEAN for {what}, found {}", t.name())));
        }
        Ok(r)
    }

    #[inline(never)]
    fn column(&mut self, qualifier: Option<&Name>, name: &Name) -> Typed {
        if let Some(q) = qualifier {
            let ok = q.matches(self.stream) || q.text == self.stream || self.alias.is_some_and(|a| q.matches(&a.text));
            if !ok {
                return Err(SqlError::new(
                    q.pos,
                    format!("expected \"{}\" or its alias before `.`, found \"{}\"", self.stream, q.text),
                ));
            }
        }
        if self.dialect == Dialect::Kda && name.matches("ROWTIME") {
            return Ok((RExpr::Rowtime, SqlType::Timestamp));
        }
        if self.window_cols {
            for (col, r) in [
                ("window_start", RExpr::WindowStart),
                ("window_end", RExpr::WindowEnd),
                ("window_time", RExpr::WindowTime),
            ] {
                if name.matches(col) {
                    return Ok((r, SqlType::Timestamp));
                }
            }
        }
        let index = self
            .columns
            .iter()
            .position(|(c, _)| *c == name.text)
            .or_else(|| self.columns.iter().position(|(c, _)| name.matches(c)));
        let Some(index) = index else {
            let known: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
            return Err(SqlError::new(
                name.pos,
                format!("unknown column `{}` in \"{}\" (columns: {})", name.text, self.stream, known.join(", ")),
            ));
        };
        if self.mode == Mode::Grouped {
            return Err(SqlError::new(
                name.pos,
                format!("expected `{}` in GROUP BY or inside an aggregate", name.text),
            ));
        }
        Ok((RExpr::Col(index as u32), self.columns[index].1))
    }

    #[inline(never)]
    fn call(&mut self, pos: Pos, name: &Name, args: &[Expr], star: bool, over: Option<&Over>) -> Typed {
        if let Some(func) = AggFunc::lookup(&name.text).filter(|_| !name.quoted) {
            let window = match (self.mode, over) {
                (Mode::Row, _) => {
                    return Err(SqlError::new(
                        pos,
                        format!(
                            "expected no aggregate in {}: {} needs GROUP BY, a window or OVER",
                            self.context,
                            name.text.to_ascii_uppercase()
                        ),
                    ));
                }
                (Mode::Grouped, Some(_)) => {
                    return Err(SqlError::new(pos, "expected no OVER in a query with GROUP BY or a window"));
                }
                (Mode::Sliding, None) => {
                    return Err(SqlError::new(
                        pos,
                        format!(
                            "expected OVER after {} in a query with sliding windows",
                            name.text.to_ascii_uppercase()
                        ),
                    ));
                }
                (Mode::Grouped, None) => None,
                (Mode::Sliding, Some(over)) => Some(self.window_spec(over)?),
            };
            let (arg, arg_type) = if star {
                if func != AggFunc::Count {
                    return Err(SqlError::new(
                        pos,
                        format!("expected a column in {}(...), only COUNT takes *", name.text.to_ascii_uppercase()),
                    ));
                }
                (None, SqlType::Integer)
            } else {
                let [arg] = args else {
                    return Err(SqlError::new(
                        pos,
                        format!("expected one argument for {}, found {}", name.text.to_ascii_uppercase(), args.len()),
                    ));
                };
                let outer = self.mode;
                self.mode = Mode::Row;
                let context = self.context;
                self.context = "an aggregate's argument";
                let compiled = self.compile(arg);
                self.mode = outer;
                self.context = context;
                let (r, t) = compiled?;
                if matches!(func, AggFunc::Sum | AggFunc::Avg) && !t.is_numeric() {
                    return Err(SqlError::new(
                        arg.pos,
                        format!("expected a number for {}, found {}", name.text.to_ascii_uppercase(), t.name()),
                    ));
                }
                (Some(r), t)
            };
            let result = match func {
                AggFunc::Count => SqlType::Integer,
                AggFunc::Avg => SqlType::Double,
                _ => arg_type,
            };
            self.aggs.push(AggSpec { func, arg, window });
            return Ok((RExpr::Agg(self.aggs.len() as u32 - 1), result));
        }
        if over.is_some() {
            return Err(SqlError::new(pos, format!("expected an aggregate before OVER, found {}", name.text)));
        }
        let Some((func, min, max)) = Func::lookup(&name.text) else {
            return Err(SqlError::new(name.pos, format!("unknown function `{}`", name.text)));
        };
        if star || args.len() < min || args.len() > max {
            return Err(SqlError::new(
                pos,
                format!(
                    "expected {min} to {max} arguments for {}, found {}",
                    name.text.to_ascii_uppercase(),
                    args.len()
                ),
            ));
        }
        let mut rargs = Vec::new();
        let mut types = Vec::new();
        for a in args {
            let (r, t) = self.compile(a)?;
            rargs.push(r);
            types.push(t);
        }
        let result = func.result_type(&types);
        Ok((RExpr::Func(func, rargs), result))
    }

    fn window_spec(&mut self, over: &Over) -> Result<u32, SqlError> {
        let spec = match over {
            Over::Inline(spec) => spec,
            Over::Named(n) => match self.named_windows.iter().find(|(w, _)| n.matches(&w.text)) {
                Some((_, spec)) => spec,
                None => {
                    return Err(SqlError::new(
                        n.pos,
                        format!("unknown window `{}`: define it with WINDOW {} AS (...)", n.text, n.text),
                    ));
                }
            },
        };
        let key = format!("{:?}|{}", spec.frame, spec.partition_by.iter().map(canon).collect::<Vec<_>>().join(","));
        if let Some(i) = self.spec_keys.iter().position(|k| *k == key) {
            return Ok(i as u32);
        }
        match spec.frame {
            Frame::RangeMs(ms) if ms <= 0 => return Err(SqlError::new(spec.pos, "expected a positive RANGE interval")),
            Frame::Rows(n) if !(0..=100_000).contains(&n) => {
                return Err(SqlError::new(spec.pos, "expected ROWS from 0 to 100,000"));
            }
            _ => {}
        }
        let outer = self.mode;
        self.mode = Mode::Row;
        let mut partition = Vec::new();
        for p in &spec.partition_by {
            let compiled = self.compile(p);
            match compiled {
                Ok((r, _)) => partition.push(r),
                Err(e) => {
                    self.mode = outer;
                    return Err(e);
                }
            }
        }
        self.mode = outer;
        self.specs.push((partition, spec.frame));
        self.spec_keys.push(key);
        Ok(self.specs.len() as u32 - 1)
    }
}

fn unify(a: SqlType, b: SqlType) -> Option<SqlType> {
    match (a, b) {
        (x, y) if x == y => Some(x),
        (SqlType::Null, y) => Some(y),
        (x, SqlType::Null) => Some(x),
        (x, y) if x.is_numeric() && y.is_numeric() => Some(SqlType::Double),
        _ => None,
    }
}

/// The result type of `a op b`, or `None` when the operator does not apply.
fn binary_type(op: BinOp, a: SqlType, b: SqlType) -> Option<SqlType> {
    use SqlType::*;
    match op {
        BinOp::And | BinOp::Or => matches!((a, b), (Boolean | Null, Boolean | Null)).then_some(Boolean),
        BinOp::Concat => Some(Varchar),
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            (a == b || a == Null || b == Null || (a.is_numeric() && b.is_numeric())).then_some(Boolean)
        }
        BinOp::Add | BinOp::Sub => match (a, b) {
            (Timestamp, Interval) => Some(Timestamp),
            (Interval, Timestamp) if op == BinOp::Add => Some(Timestamp),
            (Interval, Interval) => Some(Interval),
            (Integer, Integer) => Some(Integer),
            (x, y) if x.is_numeric() && y.is_numeric() => Some(if x == Null {
                y
            } else if y == Null {
                x
            } else {
                Double
            }),
            _ => None,
        },
        BinOp::Mul | BinOp::Div | BinOp::Rem => match (a, b) {
            (Integer, Integer) => Some(Integer),
            (x, y) if x.is_numeric() && y.is_numeric() => Some(if x == Null {
                y
            } else if y == Null {
                x
            } else {
                Double
            }),
            _ => None,
        },
    }
}
