//! A hand-written recursive-descent parser with Pratt expressions.
//!
//! Every error names what was expected and what was found, at the found token's line and column.

use crate::Dialect;
use crate::ast::*;
use crate::error::{Pos, SqlError};
use crate::lexer::{Tok, tokenize};
use crate::value::{SqlType, TimeUnit, Value, parse_timestamp};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// How deeply expressions and queries may nest, so that no input can exhaust the stack.
const DEPTH_MAX: u32 = 64;

/// How tall an expression tree may be, counting every operator of a chain (`a + b + c` is 3 levels
/// tall): the checker and the evaluator recurse once per level, so this bounds their stack.
pub const EXPR_HEIGHT_MAX: u32 = 200;

/// Words that never start an alias or a column name when written without quotes.
#[rustfmt::skip]
const RESERVED: [&str; 31] = [
    "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "WINDOWED", "AS", "BY", "ON", "AND", "OR", "NOT",
    "INSERT", "INTO", "CREATE", "UNION", "ORDER", "PARTITION", "RANGE", "ROWS", "OVER", "JOIN", "LEFT", "RIGHT",
    "INNER", "OUTER", "FULL", "CROSS", "LIMIT", "DISTINCT",
];

type Result<T> = core::result::Result<T, SqlError>;

/// Parses a whole application: statements separated by semicolons.
pub fn parse(text: &str, dialect: Dialect) -> Result<Vec<Statement>> {
    let toks = tokenize(text)?;
    let mut parser = Parser { toks, at: 0, dialect, depth: 0 };
    parser.script()
}

struct Parser {
    toks: Vec<(Tok, Pos)>,
    at: usize,
    dialect: Dialect,
    depth: u32,
}

/// How a token reads in a message.
fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident { name, quoted: true } => format!("\"{name}\""),
        Tok::Ident { name, quoted: false } => format!("`{name}`"),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Int(i) => format!("`{i}`"),
        Tok::Float(x) => format!("`{x}`"),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::Eof => "the end of the text".to_string(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        // The token list always ends with Eof and `at` never passes it.
        &self.toks[self.at.min(self.toks.len() - 1)].0
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.at + ahead).min(self.toks.len() - 1)].0
    }

    fn pos(&self) -> Pos {
        self.toks[self.at.min(self.toks.len() - 1)].1
    }

    fn bump(&mut self) -> (Tok, Pos) {
        let item = self.toks[self.at.min(self.toks.len() - 1)].clone();
        if self.at < self.toks.len() - 1 {
            self.at += 1;
        }
        item
    }

    fn error<T>(&self, expected: &str) -> Result<T> {
        Err(SqlError::new(self.pos(), format!("expected {expected}, found {}", describe(self.peek()))))
    }

    fn is_kw(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Ident { name, quoted: false } if name.eq_ignore_ascii_case(word))
    }

    fn is_kw_at(&self, ahead: usize, word: &str) -> bool {
        matches!(self.peek_at(ahead), Tok::Ident { name, quoted: false } if name.eq_ignore_ascii_case(word))
    }

    fn eat_kw(&mut self, word: &str) -> bool {
        let found = self.is_kw(word);
        if found {
            self.bump();
        }
        found
    }

    fn expect_kw(&mut self, word: &str) -> Result<Pos> {
        let pos = self.pos();
        if self.eat_kw(word) { Ok(pos) } else { self.error(word) }
    }

    fn is_sym(&self, sym: &str) -> bool {
        matches!(self.peek(), Tok::Sym(s) if *s == sym)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        let found = self.is_sym(sym);
        if found {
            self.bump();
        }
        found
    }

    fn expect_sym(&mut self, sym: &str) -> Result<()> {
        if self.eat_sym(sym) { Ok(()) } else { self.error(&format!("`{sym}`")) }
    }

    fn is_name(&self) -> bool {
        match self.peek() {
            Tok::Ident { quoted: true, .. } => true,
            Tok::Ident { name, quoted: false } => !RESERVED.iter().any(|r| name.eq_ignore_ascii_case(r)),
            _ => false,
        }
    }

    fn name(&mut self, what: &str) -> Result<Name> {
        if !self.is_name() {
            return self.error(what);
        }
        match self.bump() {
            (Tok::Ident { name, quoted }, pos) => Ok(Name { text: name, quoted, pos }),
            // is_name() just checked that this is an identifier.
            _ => self.error(what),
        }
    }

    fn string(&mut self, what: &str) -> Result<(String, Pos)> {
        match self.peek().clone() {
            Tok::Str(s) => Ok((s, self.bump().1)),
            _ => self.error(what),
        }
    }

    fn integer(&mut self, what: &str) -> Result<(i64, Pos)> {
        match *self.peek() {
            Tok::Int(i) => Ok((i, self.bump().1)),
            _ => self.error(what),
        }
    }

    fn nest(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > DEPTH_MAX {
            return Err(SqlError::new(self.pos(), format!("expected at most {DEPTH_MAX} levels of nesting")));
        }
        Ok(())
    }

    fn script(&mut self) -> Result<Vec<Statement>> {
        let mut statements = Vec::new();
        loop {
            while self.eat_sym(";") {}
            if *self.peek() == Tok::Eof {
                break;
            }
            statements.push(self.statement()?);
            if !self.eat_sym(";") && *self.peek() != Tok::Eof {
                return self.error("`;` after the statement");
            }
        }
        if statements.is_empty() {
            let what = match self.dialect {
                Dialect::Kda => "a statement (CREATE OR REPLACE STREAM or CREATE OR REPLACE PUMP)",
                Dialect::Flink => "a statement (CREATE TABLE, INSERT INTO or SELECT)",
            };
            return self.error(what);
        }
        Ok(statements)
    }

    fn statement(&mut self) -> Result<Statement> {
        if self.is_kw("CREATE") {
            self.bump();
            let or_replace = self.eat_kw("OR");
            if or_replace {
                self.expect_kw("REPLACE")?;
            }
            return match self.dialect {
                Dialect::Kda if self.is_kw("STREAM") => {
                    self.bump();
                    self.create_stream()
                }
                Dialect::Kda if self.is_kw("PUMP") => {
                    self.bump();
                    self.create_pump()
                }
                Dialect::Kda if self.is_kw("TABLE") => Err(SqlError::new(
                    self.pos(),
                    "expected STREAM or PUMP: CREATE TABLE is Flink SQL (use --dialect flink); KDA SQL declares in-application streams",
                )),
                Dialect::Kda => self.error("STREAM or PUMP after CREATE OR REPLACE"),
                Dialect::Flink if self.is_kw("TABLE") => {
                    self.bump();
                    self.create_table()
                }
                Dialect::Flink if self.is_kw("STREAM") || self.is_kw("PUMP") => Err(SqlError::new(
                    self.pos(),
                    "expected TABLE: streams and pumps are KDA SQL (use --dialect kda); Flink SQL uses CREATE TABLE and INSERT INTO",
                )),
                Dialect::Flink => self.error("TABLE after CREATE"),
            };
        }
        match self.dialect {
            Dialect::Kda if self.is_kw("SELECT") || self.is_kw("INSERT") => Err(SqlError::new(
                self.pos(),
                "expected CREATE OR REPLACE PUMP: in KDA SQL a query runs inside a pump \
                 (CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"S\" SELECT STREAM ...)",
            )),
            Dialect::Kda => self.error("CREATE OR REPLACE STREAM or CREATE OR REPLACE PUMP"),
            Dialect::Flink if self.is_kw("INSERT") => {
                self.bump();
                self.expect_kw("INTO")?;
                let target = self.name("the name of the table to insert into")?;
                let select = self.select()?;
                Ok(Statement::Insert { target, select })
            }
            Dialect::Flink if self.is_kw("SELECT") => Ok(Statement::Query(self.select()?)),
            Dialect::Flink => self.error("CREATE TABLE, INSERT INTO or SELECT"),
        }
    }

    fn create_stream(&mut self) -> Result<Statement> {
        let name = self.name("the stream's name")?;
        self.expect_sym("(")?;
        let mut columns = Vec::new();
        loop {
            let column = self.name("a column name")?;
            let sql_type = self.sql_type()?;
            columns.push(ColumnDef { name: column, sql_type });
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")")?;
        Ok(Statement::CreateStream { name, columns })
    }

    fn create_pump(&mut self) -> Result<Statement> {
        let name = self.name("the pump's name")?;
        self.expect_kw("AS")?;
        self.expect_kw("INSERT")?;
        self.expect_kw("INTO")?;
        let target = self.name("the name of the in-application stream to insert into")?;
        let select = self.select()?;
        Ok(Statement::CreatePump { name, target, select })
    }

    fn create_table(&mut self) -> Result<Statement> {
        let name = self.name("the table's name")?;
        self.expect_sym("(")?;
        let mut columns = Vec::new();
        let mut watermark = None;
        loop {
            if self.is_kw("WATERMARK") {
                self.bump();
                self.expect_kw("FOR")?;
                let column = self.name("the event-time column of the watermark")?;
                self.expect_kw("AS")?;
                watermark = Some((column, self.expr()?));
            } else {
                let column = self.name("a column name or WATERMARK")?;
                if self.eat_kw("AS") {
                    columns.push(TableColumn::Computed { name: column, expr: self.expr()? });
                } else {
                    let sql_type = self.sql_type()?;
                    let def = ColumnDef { name: column, sql_type };
                    if self.eat_kw("METADATA") {
                        let (key, key_pos) = if self.eat_kw("FROM") {
                            self.string("the metadata key in single quotes, such as 'timestamp'")?
                        } else {
                            (def.name.text.clone(), def.name.pos)
                        };
                        self.eat_kw("VIRTUAL");
                        columns.push(TableColumn::Metadata { def, key, key_pos });
                    } else {
                        columns.push(TableColumn::Physical(def));
                    }
                }
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_sym(")")?;
        let mut options = Vec::new();
        if self.eat_kw("WITH") {
            self.expect_sym("(")?;
            loop {
                let (key, _) = self.string("an option name in single quotes, such as 'connector'")?;
                self.expect_sym("=")?;
                let (value, _) = self.string("the option's value in single quotes")?;
                options.push((key, value));
                if !self.eat_sym(",") {
                    break;
                }
            }
            self.expect_sym(")")?;
        }
        Ok(Statement::CreateTable(CreateTable { name, columns, watermark, options }))
    }

    fn sql_type(&mut self) -> Result<SqlType> {
        let word = match self.peek() {
            Tok::Ident { name, quoted: false } => name.to_ascii_uppercase(),
            _ => return self.error("a type, such as INTEGER, DOUBLE, VARCHAR(16) or TIMESTAMP"),
        };
        let sql_type = match word.as_str() {
            "INTEGER" | "INT" | "BIGINT" | "SMALLINT" | "TINYINT" => SqlType::Integer,
            "DOUBLE" | "REAL" | "FLOAT" | "DECIMAL" | "NUMERIC" | "DEC" => SqlType::Double,
            "VARCHAR" | "CHAR" | "CHARACTER" | "STRING" => SqlType::Varchar,
            "BOOLEAN" => SqlType::Boolean,
            "TIMESTAMP" | "TIMESTAMP_LTZ" => SqlType::Timestamp,
            _ => return self.error("a type, such as INTEGER, DOUBLE, VARCHAR(16) or TIMESTAMP"),
        };
        self.bump();
        if word == "DOUBLE" {
            self.eat_kw("PRECISION");
        }
        if word == "CHARACTER" {
            self.eat_kw("VARYING");
        }
        if self.eat_sym("(") {
            self.integer("a length or precision")?;
            if self.eat_sym(",") {
                self.integer("a scale")?;
            }
            self.expect_sym(")")?;
        }
        if sql_type == SqlType::Timestamp && self.eat_kw("WITH") {
            self.expect_kw("LOCAL")?;
            self.expect_kw("TIME")?;
            self.expect_kw("ZONE")?;
        }
        if self.is_kw("NOT") && self.is_kw_at(1, "NULL") {
            self.bump();
            self.bump();
        }
        Ok(sql_type)
    }

    fn select(&mut self) -> Result<Select> {
        self.nest()?;
        let pos = self.expect_kw("SELECT")?;
        let stream = self.eat_kw("STREAM");
        match self.dialect {
            Dialect::Kda if !stream => {
                return self.error("STREAM after SELECT (a pump reads a stream: SELECT STREAM ...)");
            }
            Dialect::Flink if stream => {
                return Err(SqlError::new(
                    self.toks[self.at - 1].1,
                    "expected a select list: SELECT STREAM is KDA SQL, Flink SQL writes SELECT",
                ));
            }
            _ => {}
        }
        if self.is_kw("DISTINCT") {
            return self.error("a select list: SELECT DISTINCT is not supported here");
        }
        let mut items = Vec::new();
        loop {
            if self.is_sym("*") {
                items.push(SelectItem::Star(self.bump().1));
            } else {
                let expr = self.expr()?;
                let alias = if self.eat_kw("AS") {
                    Some(self.name("an alias after AS")?)
                } else if self.is_name() {
                    Some(self.name("an alias")?)
                } else {
                    None
                };
                items.push(SelectItem::Expr { expr, alias });
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_kw("FROM")?;
        let from = self.from()?;
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        let stagger = if self.is_kw("WINDOWED") {
            let pos = self.bump().1;
            self.expect_kw("BY")?;
            self.expect_kw("STAGGER")?;
            self.expect_sym("(")?;
            self.expect_kw("PARTITION")?;
            self.expect_kw("BY")?;
            let partition_by = self.expr_list()?;
            self.expect_kw("RANGE")?;
            let (range_ms, _) = self.interval()?;
            self.expect_sym(")")?;
            Some(Stagger { pos, partition_by, range_ms })
        } else {
            None
        };
        let group_by = if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            self.expr_list()?
        } else {
            Vec::new()
        };
        let having = if self.eat_kw("HAVING") { Some(self.expr()?) } else { None };
        let mut windows = Vec::new();
        if self.eat_kw("WINDOW") {
            loop {
                let name = self.name("a window name")?;
                self.expect_kw("AS")?;
                windows.push((name, self.window_spec()?));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(Select { pos, stream, items, from, filter, stagger, group_by, having, windows })
    }

    fn expr_list(&mut self) -> Result<Vec<Expr>> {
        let mut list = vec_of(self.expr()?);
        while self.eat_sym(",") {
            list.push(self.expr()?);
        }
        Ok(list)
    }

    fn window_spec(&mut self) -> Result<WindowSpec> {
        let pos = self.pos();
        self.expect_sym("(")?;
        let partition_by = if self.eat_kw("PARTITION") {
            self.expect_kw("BY")?;
            self.expr_list()?
        } else {
            Vec::new()
        };
        // Flink writes ORDER BY a time attribute; rows are taken in arrival order either way.
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            self.expr()?;
        }
        let frame = if self.eat_kw("RANGE") {
            let between = self.eat_kw("BETWEEN");
            let frame = Frame::RangeMs(self.interval()?.0);
            self.frame_end(between)?;
            frame
        } else if self.eat_kw("ROWS") {
            let between = self.eat_kw("BETWEEN");
            let frame = Frame::Rows(self.integer("a number of rows")?.0);
            self.frame_end(between)?;
            frame
        } else {
            return self.error("RANGE INTERVAL '...' unit PRECEDING or ROWS n PRECEDING");
        };
        self.expect_sym(")")?;
        Ok(WindowSpec { pos, partition_by, frame })
    }

    /// `PRECEDING`, and `AND CURRENT ROW` after `BETWEEN`.
    fn frame_end(&mut self, between: bool) -> Result<()> {
        self.expect_kw("PRECEDING")?;
        if between {
            self.expect_kw("AND")?;
            self.expect_kw("CURRENT")?;
            self.expect_kw("ROW")?;
        }
        Ok(())
    }

    /// `INTERVAL 'n' unit`, in milliseconds.
    fn interval(&mut self) -> Result<(i64, Pos)> {
        let pos = self.expect_kw("INTERVAL")?;
        let amount_pos = self.pos();
        let amount: i64 = match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                s.trim().parse().map_err(|_| {
                    SqlError::new(amount_pos, format!("expected a whole number in the interval's quotes, found '{s}'"))
                })?
            }
            Tok::Int(i) => {
                self.bump();
                i
            }
            _ => return self.error("the interval's length in quotes, such as '10'"),
        };
        let unit_pos = self.pos();
        let unit = match self.peek() {
            Tok::Ident { name, quoted: false } => TimeUnit::parse(name),
            _ => None,
        };
        let Some(unit) = unit else {
            return self.error("an interval unit: SECOND, MINUTE, HOUR or DAY");
        };
        self.bump();
        let Some(unit_ms) = unit.fixed_ms() else {
            return Err(SqlError::new(
                unit_pos,
                "expected SECOND, MINUTE, HOUR or DAY: month and year intervals are not supported here",
            ));
        };
        let ms = amount
            .checked_mul(unit_ms)
            .ok_or_else(|| SqlError::new(amount_pos, "expected an interval that fits in 64 bits of milliseconds"))?;
        Ok((ms, pos))
    }

    fn from(&mut self) -> Result<From> {
        if self.is_kw("TABLE") {
            self.bump();
            self.expect_sym("(")?;
            let pos = self.pos();
            let word = match self.peek() {
                Tok::Ident { name, quoted: false } => name.to_ascii_uppercase(),
                _ => String::new(),
            };
            let from = match (word.as_str(), self.dialect) {
                ("TOP_K_ITEMS_TUMBLING", Dialect::Kda) => {
                    self.bump();
                    self.expect_sym("(")?;
                    self.expect_kw("CURSOR")?;
                    self.expect_sym("(")?;
                    self.expect_kw("SELECT")?;
                    self.expect_kw("STREAM")?;
                    self.expect_sym("*")?;
                    self.expect_kw("FROM")?;
                    let source = self.name("the in-application stream the cursor reads")?;
                    self.expect_sym(")")?;
                    self.expect_sym(",")?;
                    let (column, column_pos) = self.string("the column's name in single quotes")?;
                    self.expect_sym(",")?;
                    let (k, _) = self.integer("K, the number of most frequent values")?;
                    self.expect_sym(",")?;
                    let (window_secs, _) = self.integer("the window size in seconds")?;
                    self.eat_sym(",");
                    self.expect_sym(")")?;
                    From::TopK { pos, source, column, column_pos, k, window_secs }
                }
                ("TUMBLE" | "HOP" | "CUMULATE" | "SESSION", Dialect::Flink) => From::WindowTvf(self.window_tvf()?),
                (_, Dialect::Kda) => return self.error("TOP_K_ITEMS_TUMBLING"),
                (_, Dialect::Flink) => return self.error("a window function: TUMBLE, HOP, CUMULATE or SESSION"),
            };
            self.expect_sym(")")?;
            self.alias()?;
            return Ok(from);
        }
        let name = self.name("a stream or table name")?;
        let alias = self.alias()?;
        if ["JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS"].iter().any(|j| self.is_kw(j)) || self.is_sym(",") {
            return self.error("WHERE, GROUP BY or the end of the query: joins are not supported here");
        }
        Ok(From::Named { name, alias })
    }

    fn alias(&mut self) -> Result<Option<Name>> {
        if self.eat_kw("AS") {
            return Ok(Some(self.name("an alias after AS")?));
        }
        Ok(if self.is_name() { Some(self.name("an alias")?) } else { None })
    }

    fn window_tvf(&mut self) -> Result<WindowTvf> {
        let (tok, pos) = self.bump();
        let kind = match tok {
            Tok::Ident { name, .. } if name.eq_ignore_ascii_case("TUMBLE") => TvfKind::Tumble,
            Tok::Ident { name, .. } if name.eq_ignore_ascii_case("HOP") => TvfKind::Hop,
            Tok::Ident { name, .. } if name.eq_ignore_ascii_case("CUMULATE") => TvfKind::Cumulate,
            _ => TvfKind::Session,
        };
        self.expect_sym("(")?;
        self.expect_kw("TABLE")?;
        let table = self.name("the table the window reads")?;
        let mut partition_by = Vec::new();
        if kind == TvfKind::Session && self.eat_kw("PARTITION") {
            self.expect_kw("BY")?;
            partition_by.push(self.name("a partition column")?);
            while self.is_sym(",") && !self.is_kw_at(1, "DESCRIPTOR") {
                self.bump();
                partition_by.push(self.name("a partition column")?);
            }
        }
        self.expect_sym(",")?;
        self.expect_kw("DESCRIPTOR")?;
        self.expect_sym("(")?;
        let time_column = self.name("the time attribute column")?;
        self.expect_sym(")")?;
        let wanted = match kind {
            TvfKind::Tumble | TvfKind::Session => 1,
            TvfKind::Hop | TvfKind::Cumulate => 2,
        };
        let mut intervals = Vec::new();
        for _ in 0..wanted {
            self.expect_sym(",")?;
            intervals.push(self.interval()?);
        }
        if self.is_sym(",") {
            return self.error("`)`: window offsets are not supported");
        }
        self.expect_sym(")")?;
        Ok(WindowTvf { pos, kind, table, time_column, partition_by, intervals })
    }

    fn expr(&mut self) -> Result<Expr> {
        self.expr_bp(0)
    }

    /// Pratt loop: binding powers OR 1, AND 2, NOT 3, comparisons 4, `||` 5, `+ -` 6, `* / %` 7, unary 8.
    fn expr_bp(&mut self, min_bp: u8) -> Result<Expr> {
        self.nest()?;
        let mut lhs = self.prefix()?;
        loop {
            let pos = lhs.pos;
            let op_pos = self.pos();
            let op = match self.peek() {
                Tok::Sym(s) => match *s {
                    "+" => Some((BinOp::Add, 6)),
                    "-" => Some((BinOp::Sub, 6)),
                    "*" => Some((BinOp::Mul, 7)),
                    "/" => Some((BinOp::Div, 7)),
                    "%" => Some((BinOp::Rem, 7)),
                    "||" => Some((BinOp::Concat, 5)),
                    "=" => Some((BinOp::Eq, 4)),
                    "<>" | "!=" => Some((BinOp::Ne, 4)),
                    "<" => Some((BinOp::Lt, 4)),
                    "<=" => Some((BinOp::Le, 4)),
                    ">" => Some((BinOp::Gt, 4)),
                    ">=" => Some((BinOp::Ge, 4)),
                    _ => None,
                },
                _ if self.is_kw("AND") => Some((BinOp::And, 2)),
                _ if self.is_kw("OR") => Some((BinOp::Or, 1)),
                _ => None,
            };
            if let Some((op, bp)) = op {
                if bp <= min_bp {
                    break;
                }
                self.bump();
                let rhs = self.expr_bp(bp)?;
                lhs = self.within_height(Expr::new(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), pos), op_pos)?;
                continue;
            }
            // Postfix predicates bind like comparisons.
            if 4 <= min_bp {
                break;
            }
            if self.is_kw("IS") {
                self.bump();
                let negated = self.eat_kw("NOT");
                self.expect_kw("NULL")?;
                lhs = self.within_height(Expr::new(ExprKind::IsNull { expr: Box::new(lhs), negated }, pos), op_pos)?;
                continue;
            }
            let negated = self.is_kw("NOT")
                && (self.is_kw_at(1, "LIKE") || self.is_kw_at(1, "BETWEEN") || self.is_kw_at(1, "SIMILAR"));
            if negated {
                self.bump();
            }
            if self.eat_kw("LIKE") || (self.is_kw("SIMILAR") && self.is_kw_at(1, "TO")) {
                if self.eat_kw("SIMILAR") {
                    self.bump();
                }
                let pattern = self.expr_bp(4)?;
                let kind = ExprKind::Like { expr: Box::new(lhs), pattern: Box::new(pattern), negated };
                lhs = self.within_height(Expr::new(kind, pos), op_pos)?;
                continue;
            }
            if self.eat_kw("BETWEEN") {
                let low = self.expr_bp(4)?;
                self.expect_kw("AND")?;
                let high = self.expr_bp(4)?;
                let kind = ExprKind::Between { expr: Box::new(lhs), low: Box::new(low), high: Box::new(high), negated };
                lhs = self.within_height(Expr::new(kind, pos), op_pos)?;
                continue;
            }
            if negated {
                return self.error("LIKE, SIMILAR TO or BETWEEN after NOT");
            }
            break;
        }
        self.depth -= 1;
        let pos = lhs.pos;
        self.within_height(lhs, pos)
    }

    /// `expr` if it is at most [`EXPR_HEIGHT_MAX`] levels tall, else an error at `pos` (the operator that
    /// made it too tall): checking, evaluating and dropping an expression recurse once per level.
    fn within_height(&self, expr: Expr, pos: Pos) -> Result<Expr> {
        if expr.height <= EXPR_HEIGHT_MAX {
            return Ok(expr);
        }
        Err(SqlError::new(
            pos,
            format!(
                "expected an expression at most {EXPR_HEIGHT_MAX} levels deep: each operator of a chain such as \
                 `a + b + c` adds a level, as does each function, CAST or CASE around one; split the expression"
            ),
        ))
    }

    fn prefix(&mut self) -> Result<Expr> {
        let pos = self.pos();
        if self.eat_kw("NOT") {
            let expr = self.expr_bp(3)?;
            return Ok(Expr::new(ExprKind::Not(Box::new(expr)), pos));
        }
        if self.eat_sym("-") {
            let expr = self.expr_bp(8)?;
            return Ok(Expr::new(ExprKind::Neg(Box::new(expr)), pos));
        }
        if self.eat_sym("+") {
            return self.expr_bp(8);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr> {
        let pos = self.pos();
        let lit = |value| Ok(Expr::new(ExprKind::Lit(value), pos));
        match self.peek().clone() {
            Tok::Int(i) => {
                self.bump();
                return lit(Value::Int(i));
            }
            Tok::Float(x) => {
                self.bump();
                return lit(Value::Float(x));
            }
            Tok::Str(s) => {
                self.bump();
                return lit(Value::Str(s));
            }
            Tok::Sym("(") => {
                self.bump();
                let inner = self.expr()?;
                self.expect_sym(")")?;
                return Ok(inner);
            }
            Tok::Ident { quoted: false, name } => {
                let word = name.to_ascii_uppercase();
                match word.as_str() {
                    "TRUE" | "FALSE" => {
                        self.bump();
                        return lit(Value::Bool(word == "TRUE"));
                    }
                    "NULL" => {
                        self.bump();
                        return lit(Value::Null);
                    }
                    "INTERVAL" => return lit(Value::Interval(self.interval()?.0)),
                    "TIMESTAMP" if matches!(self.peek_at(1), Tok::Str(_)) => {
                        self.bump();
                        let (text, text_pos) = self.string("a timestamp in quotes")?;
                        return match parse_timestamp(&text) {
                            Some(ms) => lit(Value::Timestamp(ms)),
                            None => Err(SqlError::new(
                                text_pos,
                                format!("expected a timestamp such as '2004-09-30 13:48:23', found '{text}'"),
                            )),
                        };
                    }
                    "CAST" => return self.cast(pos),
                    "CASE" => return self.case(pos),
                    "STEP" if self.peek_at(1) == &Tok::Sym("(") => {
                        self.bump();
                        self.expect_sym("(")?;
                        let expr = self.expr()?;
                        self.expect_kw("BY")?;
                        let by = self.expr()?;
                        self.expect_sym(")")?;
                        return Ok(Expr::new(ExprKind::Step { expr: Box::new(expr), by: Box::new(by) }, pos));
                    }
                    "FLOOR" | "CEIL" | "CEILING" if self.peek_at(1) == &Tok::Sym("(") => {
                        self.bump();
                        self.expect_sym("(")?;
                        let expr = self.expr()?;
                        let to = if self.eat_kw("TO") { Some(self.time_unit()?) } else { None };
                        self.expect_sym(")")?;
                        let kind = ExprKind::Floor { expr: Box::new(expr), to, ceil: word != "FLOOR" };
                        return Ok(Expr::new(kind, pos));
                    }
                    "EXTRACT" if self.peek_at(1) == &Tok::Sym("(") => {
                        self.bump();
                        self.expect_sym("(")?;
                        let unit = self.time_unit()?;
                        self.expect_kw("FROM")?;
                        let expr = self.expr()?;
                        self.expect_sym(")")?;
                        return Ok(Expr::new(ExprKind::Extract { unit, expr: Box::new(expr) }, pos));
                    }
                    "CURRENT_ROW_TIMESTAMP" | "CURRENT_TIMESTAMP" if self.peek_at(1) != &Tok::Sym("(") => {
                        let (tok, _) = self.bump();
                        let Tok::Ident { name, quoted } = tok else { return self.error("a function") };
                        let name = Name { text: name, quoted, pos };
                        let kind = ExprKind::Call { name, args: Vec::new(), star: false, over: None };
                        return Ok(Expr::new(kind, pos));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        if !self.is_name() {
            return self.error("an expression");
        }
        let first = self.name("an expression")?;
        if self.eat_sym("(") {
            return self.call(first, pos);
        }
        if self.eat_sym(".") {
            let column = self.name("a column name after `.`")?;
            return Ok(Expr::new(ExprKind::Column { qualifier: Some(first), name: column }, pos));
        }
        Ok(Expr::new(ExprKind::Column { qualifier: None, name: first }, pos))
    }

    fn time_unit(&mut self) -> Result<TimeUnit> {
        let unit = match self.peek() {
            Tok::Ident { name, quoted: false } => TimeUnit::parse(name),
            _ => None,
        };
        match unit {
            Some(unit) => {
                self.bump();
                Ok(unit)
            }
            None => self.error("a time unit: YEAR, MONTH, DAY, HOUR, MINUTE or SECOND"),
        }
    }

    fn cast(&mut self, pos: Pos) -> Result<Expr> {
        self.bump();
        self.expect_sym("(")?;
        let expr = self.expr()?;
        self.expect_kw("AS")?;
        let sql_type = self.sql_type()?;
        self.expect_sym(")")?;
        Ok(Expr::new(ExprKind::Cast(Box::new(expr), sql_type), pos))
    }

    fn case(&mut self, pos: Pos) -> Result<Expr> {
        self.bump();
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let condition = self.expr()?;
            self.expect_kw("THEN")?;
            whens.push((condition, self.expr()?));
        }
        if whens.is_empty() {
            return self.error("WHEN after CASE");
        }
        let otherwise = if self.eat_kw("ELSE") { Some(Box::new(self.expr()?)) } else { None };
        self.expect_kw("END")?;
        Ok(Expr::new(ExprKind::Case { whens, otherwise }, pos))
    }

    fn call(&mut self, name: Name, pos: Pos) -> Result<Expr> {
        let mut args = Vec::new();
        let mut star = false;
        if self.eat_sym("*") {
            star = true;
        } else if !self.is_sym(")") {
            if self.is_kw("DISTINCT") {
                return self.error("an argument: DISTINCT aggregates are not supported");
            }
            args = self.expr_list()?;
        }
        self.expect_sym(")")?;
        let over = if self.eat_kw("OVER") {
            if self.is_sym("(") {
                Some(Over::Inline(self.window_spec()?))
            } else {
                Some(Over::Named(self.name("a window name or a window specification in parentheses")?))
            }
        } else {
            None
        };
        Ok(Expr::new(ExprKind::Call { name, args, star, over }, pos))
    }
}

fn vec_of(first: Expr) -> Vec<Expr> {
    alloc::vec![first]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str, dialect: Dialect) -> (u32, u32, String) {
        let err = parse(text, dialect).unwrap_err();
        (err.pos.line, err.pos.column, err.message)
    }

    #[test]
    fn a_missing_from_points_at_what_came_instead() {
        let sql = "CREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"S\"\nSELECT STREAM a, b\nWHERE a > 1;";
        assert_eq!(error(sql, Dialect::Kda), (3, 1, "expected FROM, found `WHERE`".into()));
    }

    #[test]
    fn kda_needs_select_stream() {
        let sql = "CREATE OR REPLACE PUMP p AS INSERT INTO s SELECT a FROM x;";
        let (line, column, message) = error(sql, Dialect::Kda);
        assert_eq!((line, column), (1, 50));
        assert!(message.starts_with("expected STREAM after SELECT"), "{message}");
    }

    #[test]
    fn an_unclosed_parenthesis_expects_one() {
        let sql = "SELECT COUNT(*\nFROM t";
        assert_eq!(error(sql, Dialect::Flink), (2, 1, "expected `)`, found `FROM`".into()));
    }

    #[test]
    fn precedence_multiplies_before_adding_and_compares_before_and() {
        let sql = "SELECT a + b * 2 > 3 AND NOT c FROM t";
        let statements = parse(sql, Dialect::Flink).unwrap();
        let Statement::Query(select) = &statements[0] else { panic!("a query") };
        let SelectItem::Expr { expr, .. } = &select.items[0] else { panic!("an expression") };
        let ExprKind::Binary(BinOp::And, lhs, rhs) = &expr.kind else { panic!("AND at the top: {expr:?}") };
        assert!(matches!(rhs.kind, ExprKind::Not(_)));
        let ExprKind::Binary(BinOp::Gt, sum, _) = &lhs.kind else { panic!("> under AND") };
        let ExprKind::Binary(BinOp::Add, _, product) = &sum.kind else { panic!("+ under >") };
        assert!(matches!(product.kind, ExprKind::Binary(BinOp::Mul, _, _)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let sql = alloc::format!("SELECT {}1{} FROM t", "(".repeat(500), ")".repeat(500));
        let (_, _, message) = error(&sql, Dialect::Flink);
        assert!(message.contains("levels of nesting"), "{message}");
    }
}
