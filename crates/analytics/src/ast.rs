//! The parsed form of an application, before names and types are checked.

// The fields of enum variants are the parts of the syntax the variant's doc shows.
#![allow(missing_docs)]

use crate::error::Pos;
use crate::value::{SqlType, TimeUnit, Value};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// A name as written: quoted names keep their case.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The text of the name.
    pub text: String,
    /// Whether it was written in double quotes.
    pub quoted: bool,
    /// Where it starts.
    pub pos: Pos,
}

impl Name {
    /// Whether this name refers to `other` (quoted: exactly; unquoted: ignoring ASCII case).
    pub fn matches(&self, other: &str) -> bool {
        if self.quoted { self.text == other } else { self.text.eq_ignore_ascii_case(other) }
    }
}

/// One statement of an application.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// KDA `CREATE OR REPLACE STREAM name (columns)`.
    CreateStream { name: Name, columns: Vec<ColumnDef> },
    /// KDA `CREATE OR REPLACE PUMP name AS INSERT INTO target SELECT STREAM ...`.
    CreatePump { name: Name, target: Name, select: Select },
    /// Flink `CREATE TABLE name (columns, WATERMARK ...) WITH (...)`.
    CreateTable(CreateTable),
    /// Flink `INSERT INTO target SELECT ...`.
    Insert { target: Name, select: Select },
    /// Flink `SELECT ...` whose rows go to the results table.
    Query(Select),
}

/// A declared column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    /// Its name.
    pub name: Name,
    /// Its type.
    pub sql_type: SqlType,
}

/// Flink `CREATE TABLE`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateTable {
    /// The table's name.
    pub name: Name,
    /// Physical, computed and metadata columns in order.
    pub columns: Vec<TableColumn>,
    /// `WATERMARK FOR column AS expression`.
    pub watermark: Option<(Name, Expr)>,
    /// `WITH ('key' = 'value', ...)`.
    pub options: Vec<(String, String)>,
}

/// A column of a Flink table.
#[derive(Clone, Debug, PartialEq)]
pub enum TableColumn {
    /// Read from the record by name.
    Physical(ColumnDef),
    /// `name AS expression`, such as `proc_time AS PROCTIME()`.
    Computed { name: Name, expr: Expr },
    /// `name TYPE METADATA FROM 'timestamp'`: the record's arrival time.
    Metadata { def: ColumnDef, key: String, key_pos: Pos },
}

/// `SELECT [STREAM] ... FROM ... [WHERE] [WINDOWED BY STAGGER] [GROUP BY] [HAVING] [WINDOW]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// Where `SELECT` starts.
    pub pos: Pos,
    /// Whether `STREAM` followed `SELECT`.
    pub stream: bool,
    /// The select list.
    pub items: Vec<SelectItem>,
    /// The `FROM` clause.
    pub from: From,
    /// `WHERE`.
    pub filter: Option<Expr>,
    /// `WINDOWED BY STAGGER (PARTITION BY ... RANGE INTERVAL ...)`.
    pub stagger: Option<Stagger>,
    /// `GROUP BY`.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
    /// `WINDOW name AS (...)` definitions.
    pub windows: Vec<(Name, WindowSpec)>,
}

/// One entry of the select list.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectItem {
    /// `*`.
    Star(Pos),
    /// An expression and its optional alias.
    Expr { expr: Expr, alias: Option<Name> },
}

/// The `FROM` clause.
#[derive(Clone, Debug, PartialEq)]
pub enum From {
    /// A stream or table, with an optional alias.
    Named { name: Name, alias: Option<Name> },
    /// `TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM s), 'column', k, window_seconds))`.
    TopK { pos: Pos, source: Name, column: String, column_pos: Pos, k: i64, window_secs: i64 },
    /// `TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(c), ...))`.
    WindowTvf(WindowTvf),
}

/// A Flink windowing table-valued function.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowTvf {
    /// Where the function name starts.
    pub pos: Pos,
    /// Which function.
    pub kind: TvfKind,
    /// The table it reads.
    pub table: Name,
    /// `DESCRIPTOR(column)`: the time attribute.
    pub time_column: Name,
    /// `PARTITION BY` columns (session windows only).
    pub partition_by: Vec<Name>,
    /// The intervals, in milliseconds, with their positions.
    pub intervals: Vec<(i64, Pos)>,
}

/// The windowing table-valued functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TvfKind {
    /// `TUMBLE(data, timecol, size)`.
    Tumble,
    /// `HOP(data, timecol, slide, size)`.
    Hop,
    /// `CUMULATE(data, timecol, step, max_size)`.
    Cumulate,
    /// `SESSION(data [PARTITION BY keys], timecol, gap)`.
    Session,
}

/// `WINDOWED BY STAGGER (PARTITION BY keys RANGE INTERVAL ...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Stagger {
    /// Where `WINDOWED` starts.
    pub pos: Pos,
    /// The partition keys: one window per distinct value.
    pub partition_by: Vec<Expr>,
    /// How long each window stays open.
    pub range_ms: i64,
}

/// A sliding window's frame.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowSpec {
    /// Where the specification starts.
    pub pos: Pos,
    /// `PARTITION BY` expressions.
    pub partition_by: Vec<Expr>,
    /// `RANGE INTERVAL ... PRECEDING` or `ROWS n PRECEDING`.
    pub frame: Frame,
}

/// How far back a sliding window reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// Rows whose ROWTIME is within this many milliseconds before the current row's.
    RangeMs(i64),
    /// The current row and this many rows before it.
    Rows(i64),
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
    /// `||`.
    Concat,
    /// `=`.
    Eq,
    /// `<>` or `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `AND`.
    And,
    /// `OR`.
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::Rem => "%",
            Self::Concat => "||",
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::And => "AND",
            Self::Or => "OR",
        }
    }
}

/// How an aggregate reaches its rows.
#[derive(Clone, Debug, PartialEq)]
pub enum Over {
    /// `OVER name`, defined in the `WINDOW` clause.
    Named(Name),
    /// `OVER (PARTITION BY ... RANGE ...)`.
    Inline(WindowSpec),
}

/// An expression, with the position of its first token.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it starts.
    pub pos: Pos,
    /// Levels from here to its deepest leaf: a literal or a column is 1, `a + b + c` is 3.
    pub height: u32,
}

impl Expr {
    /// A node over its sub-expressions, one level taller than the tallest of them.
    pub fn new(kind: ExprKind, pos: Pos) -> Self {
        let mut below = 0;
        kind.each_child(&mut |child| below = below.max(child.height));
        Self { kind, pos, height: below.saturating_add(1) }
    }
}

impl ExprKind {
    /// Calls `f` with each direct sub-expression, including an inline window's `PARTITION BY` keys.
    pub fn each_child(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Self::Lit(_) | Self::Column { .. } => {}
            Self::Neg(a) | Self::Not(a) | Self::IsNull { expr: a, .. } | Self::Cast(a, _) => f(a),
            Self::Extract { expr, .. } | Self::Floor { expr, .. } => f(expr),
            Self::Binary(_, a, b) | Self::Like { expr: a, pattern: b, .. } | Self::Step { expr: a, by: b } => {
                f(a);
                f(b);
            }
            Self::Between { expr, low, high, .. } => {
                f(expr);
                f(low);
                f(high);
            }
            Self::Case { whens, otherwise } => {
                for (condition, value) in whens {
                    f(condition);
                    f(value);
                }
                if let Some(otherwise) = otherwise {
                    f(otherwise);
                }
            }
            Self::Call { args, over, .. } => {
                args.iter().for_each(&mut *f);
                if let Some(Over::Inline(spec)) = over {
                    spec.partition_by.iter().for_each(f);
                }
            }
        }
    }
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(Value),
    /// `column` or `qualifier.column`.
    Column { qualifier: Option<Name>, name: Name },
    /// `-x`.
    Neg(Box<Expr>),
    /// `NOT x`.
    Not(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x IS [NOT] NULL`.
    IsNull { expr: Box<Expr>, negated: bool },
    /// `x [NOT] LIKE pattern` (also `SIMILAR TO`, with the same wildcards).
    Like { expr: Box<Expr>, pattern: Box<Expr>, negated: bool },
    /// `x [NOT] BETWEEN low AND high`.
    Between { expr: Box<Expr>, low: Box<Expr>, high: Box<Expr>, negated: bool },
    /// `CAST(x AS type)`.
    Cast(Box<Expr>, SqlType),
    /// `CASE WHEN c THEN v ... [ELSE e] END`.
    Case { whens: Vec<(Expr, Expr)>, otherwise: Option<Box<Expr>> },
    /// `STEP(x BY interval)`.
    Step { expr: Box<Expr>, by: Box<Expr> },
    /// `FLOOR(x [TO unit])` and `CEIL(x [TO unit])`.
    Floor { expr: Box<Expr>, to: Option<TimeUnit>, ceil: bool },
    /// `EXTRACT(unit FROM x)`.
    Extract { unit: TimeUnit, expr: Box<Expr> },
    /// A function call: aggregates (`COUNT(*)` has no arguments and `star`), scalars, `PROCTIME()`.
    Call { name: Name, args: Vec<Expr>, star: bool, over: Option<Over> },
}
