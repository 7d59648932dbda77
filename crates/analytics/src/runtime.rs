//! Running a checked application: windows, watermarks and emitted rows.

use crate::ast::{Frame, TvfKind};
use crate::eval::{Acc, AggFunc, Ctx, RExpr, coerce};
use crate::plan::{Field, Kind, Plan, Query, Role, RowWindow};
use crate::value::{Key, Value, align_down, floor_timestamp, next_unit_start};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Rows a sliding window keeps per partition; older ones are dropped first.
pub const SLIDING_ROWS_MAX: usize = 100_000;

/// Bytes a sliding window keeps per partition (its rows' arguments and running aggregates); older rows are
/// dropped first, but never the newest.
pub const SLIDING_BYTES_MAX: usize = 16 << 20;

/// Emitted rows kept per stream for the live view.
pub const RECENT_ROWS_MAX: usize = 1_000;

/// Emitted rows waiting for [`crate::Application::poll_row`]; the oldest are dropped beyond this.
pub const PENDING_ROWS_MAX: usize = 100_000;

/// A row written to an in-application stream, table or results view.
#[derive(Clone, Debug, PartialEq)]
pub struct EmittedRow {
    /// The stream (KDA), table or query (Flink) it went to; `error_stream` for rejected rows.
    pub stream: String,
    /// KDA: the row's `ROWTIME`; Flink: the processing time it was emitted. Milliseconds since the Unix epoch.
    pub rowtime_ms: i64,
    /// Flink windows: `[window_start, window_end)` in milliseconds since the Unix epoch.
    pub window_ms: Option<(i64, i64)>,
    /// Values in the order of the stream's columns.
    pub values: Vec<Value>,
}

/// A window that has rows and has not fired yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenWindow {
    /// The pump or query that owns it.
    pub query: String,
    /// Where its rows will go.
    pub target: String,
    /// Start, milliseconds since the Unix epoch (sliding: the oldest row's time).
    pub start_ms: i64,
    /// End, exclusive (sliding: the newest row's time).
    pub end_ms: i64,
    /// The partition (stagger, session, sliding), as text; empty for tumbling windows.
    pub key: String,
    /// Rows so far.
    pub rows: u64,
}

#[derive(Clone, Debug)]
struct Group {
    values: Vec<Value>,
    accs: Vec<Acc>,
    rows: u64,
}

#[derive(Clone, Debug)]
struct Session {
    start: i64,
    end: i64,
    groups: BTreeMap<Key, Group>,
}

/// A sliding window's rows, each aggregate argument held once, with running aggregates that copy no value:
/// COUNT, SUM and AVG as two stacks of fixed-size accumulators (adding the newest row and dropping the
/// oldest cost O(1) amortized, and stay exact), MIN and MAX as monotonic queues of row numbers.
#[derive(Clone, Debug, Default)]
struct SlidingRows {
    /// Rows held, oldest first: ROWTIME and each aggregate's argument (`None` for `COUNT(*)`).
    rows: VecDeque<(i64, Vec<Option<Value>>)>,
    /// Rows dropped so far: `rows[i]` is row number `dropped + i`.
    dropped: u64,
    /// One per aggregate, in the order of the arguments.
    running: Vec<Running>,
    /// What `rows` and `running` hold, in bytes (see [`SlidingRows::row_bytes`]).
    bytes: usize,
}

/// One aggregate over a sliding window's rows.
#[derive(Clone, Debug)]
enum Running {
    /// COUNT, SUM, AVG. The oldest `front.len()` rows, oldest last, each with the aggregate of itself and
    /// every newer row among them; `back` aggregates the newer rows.
    Folded { front: Vec<Acc>, back: Acc },
    /// MIN or MAX: the numbers of the rows that can still be the extreme once older rows leave, oldest
    /// first; the oldest is the extreme now.
    Extreme { max: bool, candidates: VecDeque<u64> },
}

impl SlidingRows {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn oldest_ms(&self) -> Option<i64> {
        self.rows.front().map(|(t, _)| *t)
    }

    fn newest_ms(&self) -> Option<i64> {
        self.rows.back().map(|(t, _)| *t)
    }

    /// The bytes a row costs: its arguments (text by length) and its share of each running aggregate.
    fn row_bytes(args: &[Option<Value>]) -> usize {
        let text: usize = args.iter().map(|a| if let Some(Value::Str(s)) = a { s.len() } else { 0 }).sum();
        let per_aggregate = core::mem::size_of::<Option<Value>>() + core::mem::size_of::<Acc>();
        core::mem::size_of::<(i64, Vec<Option<Value>>)>() + text + args.len() * per_aggregate
    }

    fn value(&self, number: u64, aggregate: usize) -> Option<&Value> {
        let (_, args) = self.rows.get(usize::try_from(number.checked_sub(self.dropped)?).ok()?)?;
        args.get(aggregate)?.as_ref()
    }

    fn push(&mut self, rowtime_ms: i64, args: Vec<Option<Value>>, funcs: &[AggFunc]) {
        if self.running.len() != funcs.len() {
            self.running = funcs
                .iter()
                .map(|f| match f {
                    AggFunc::Min | AggFunc::Max => {
                        Running::Extreme { max: *f == AggFunc::Max, candidates: VecDeque::new() }
                    }
                    _ => Running::Folded { front: Vec::new(), back: Acc::new(*f) },
                })
                .collect();
        }
        let number = self.dropped + self.rows.len() as u64;
        for (a, arg) in args.iter().enumerate() {
            match &mut self.running[a] {
                Running::Folded { back, .. } => back.add(arg.as_ref()),
                Running::Extreme { max, candidates } => {
                    let Some(value) = arg.as_ref().filter(|v| **v != Value::Null) else { continue };
                    let beaten = if *max { Ordering::Greater } else { Ordering::Less };
                    while let Some(&last) = candidates.back() {
                        let held = self.rows.get((last - self.dropped) as usize).and_then(|(_, args)| args[a].as_ref());
                        if held.is_some_and(|held| held.total_cmp(value) == beaten) {
                            break;
                        }
                        candidates.pop_back();
                    }
                    candidates.push_back(number);
                }
            }
        }
        self.bytes += Self::row_bytes(&args);
        self.rows.push_back((rowtime_ms, args));
    }

    fn pop_oldest(&mut self, funcs: &[AggFunc]) {
        let Some((_, args)) = self.rows.front() else { return };
        let oldest = self.dropped;
        for (a, running) in self.running.iter_mut().enumerate() {
            match running {
                Running::Folded { front, back } => {
                    if front.is_empty() {
                        // Move every row over, newest first, each carrying the aggregate of the rows after it.
                        let mut suffix = Acc::new(funcs[a]);
                        for (_, args) in self.rows.iter().rev() {
                            suffix.add(args[a].as_ref());
                            front.push(suffix.clone());
                        }
                        *back = Acc::new(funcs[a]);
                    }
                    front.pop();
                }
                Running::Extreme { candidates, .. } => {
                    if candidates.front() == Some(&oldest) {
                        candidates.pop_front();
                    }
                }
            }
        }
        self.bytes = self.bytes.saturating_sub(Self::row_bytes(args));
        self.rows.pop_front();
        self.dropped += 1;
    }

    /// The aggregates over every row held.
    fn results(&self) -> Vec<Value> {
        let results = self.running.iter().enumerate().map(|(a, running)| match running {
            Running::Folded { front, back } => {
                let mut acc = front.last().cloned().unwrap_or_else(|| back.clone());
                if !front.is_empty() {
                    acc.merge(back);
                }
                acc.result()
            }
            Running::Extreme { candidates, .. } => {
                candidates.front().and_then(|n| self.value(*n, a)).cloned().unwrap_or(Value::Null)
            }
        });
        results.collect()
    }
}

#[derive(Clone, Debug)]
enum State {
    Stateless,
    /// Keyed by (end, start): tumbling, top-K, Flink tumble, hop and cumulate.
    Windows(BTreeMap<(i64, i64), BTreeMap<Key, Group>>),
    Stagger {
        by_end: BTreeMap<(i64, Key), Group>,
        end_of: BTreeMap<Key, i64>,
    },
    Sliding(Vec<BTreeMap<Key, SlidingRows>>),
    Sessions(BTreeMap<Key, Vec<Session>>),
}

#[derive(Clone, Debug)]
pub(crate) struct Runtime {
    pub(crate) plan: Plan,
    states: Vec<State>,
    /// Which aggregates each sliding window computes.
    spec_aggs: Vec<Vec<Vec<u32>>>,
    watermarks_ms: Vec<i64>,
    pub(crate) now_ms: i64,
    queue: VecDeque<(u32, EmittedRow)>,
    pub(crate) pending: VecDeque<EmittedRow>,
    pub(crate) pending_dropped: u64,
    pub(crate) recent: Vec<VecDeque<EmittedRow>>,
    pub(crate) emitted_totals: Vec<u64>,
    pub(crate) late_dropped: Vec<u64>,
    pub(crate) rows_in: u64,
    pub(crate) errors: u64,
    pub(crate) recent_errors: VecDeque<EmittedRow>,
}

impl Runtime {
    pub(crate) fn new(plan: Plan) -> Self {
        let mut states = Vec::new();
        let mut spec_aggs = Vec::new();
        for q in &plan.queries {
            let mut per_spec = Vec::new();
            states.push(match &q.kind {
                Kind::Project => State::Stateless,
                Kind::Tumbling { .. } | Kind::TopK { .. } => State::Windows(BTreeMap::new()),
                Kind::Window { tvf: TvfKind::Session, .. } => State::Sessions(BTreeMap::new()),
                Kind::Window { .. } => State::Windows(BTreeMap::new()),
                Kind::Stagger { .. } => State::Stagger { by_end: BTreeMap::new(), end_of: BTreeMap::new() },
                Kind::Sliding { specs } => {
                    for s in 0..specs.len() {
                        let aggs = q.aggs.iter().enumerate().filter(|(_, a)| a.window == Some(s as u32));
                        per_spec.push(aggs.map(|(i, _)| i as u32).collect());
                    }
                    State::Sliding(specs.iter().map(|_| BTreeMap::new()).collect())
                }
            });
            spec_aggs.push(per_spec);
        }
        let n_streams = plan.streams.len();
        let n_queries = plan.queries.len();
        Self {
            plan,
            states,
            spec_aggs,
            watermarks_ms: alloc::vec![i64::MIN; n_streams],
            now_ms: i64::MIN,
            queue: VecDeque::new(),
            pending: VecDeque::new(),
            pending_dropped: 0,
            recent: (0..n_streams).map(|_| VecDeque::new()).collect(),
            emitted_totals: alloc::vec![0; n_streams],
            late_dropped: alloc::vec![0; n_queries],
            rows_in: 0,
            errors: 0,
            recent_errors: VecDeque::new(),
        }
    }

    fn error(&mut self, at_ms: i64, message: String) {
        self.errors += 1;
        let row = EmittedRow {
            stream: "error_stream".into(),
            rowtime_ms: at_ms,
            window_ms: None,
            values: alloc::vec![Value::Str(message)],
        };
        if self.recent_errors.len() >= RECENT_ROWS_MAX {
            self.recent_errors.pop_front();
        }
        self.recent_errors.push_back(row.clone());
        self.push_pending(row);
    }

    fn push_pending(&mut self, row: EmittedRow) {
        if self.pending.len() >= PENDING_ROWS_MAX {
            self.pending.pop_front();
            self.pending_dropped += 1;
        }
        self.pending.push_back(row);
    }

    /// One record at `now_ms` (already clamped to be non-decreasing) that reached the source stream at
    /// `arrival_ms` (KDA's `APPROXIMATE_ARRIVAL_TIME`).
    pub(crate) fn push(&mut self, now_ms: i64, arrival_ms: i64, data: &serde_json::Value) {
        self.advance_to(now_ms);
        self.rows_in += 1;
        for s in 0..self.plan.streams.len() {
            let row = match &self.plan.streams[s].role {
                Role::KdaSource(schema) => schema.row(data).map(|mut row| {
                    row.push(Value::Timestamp(arrival_ms));
                    row
                }),
                Role::FlinkSource(source) => flink_row(source, &self.plan.streams[s].columns, data, now_ms),
                _ => continue,
            };
            match row {
                Ok(values) => {
                    let name = self.plan.streams[s].name.clone();
                    let row = EmittedRow { stream: name, rowtime_ms: now_ms, window_ms: None, values };
                    // Records are counted against the watermark before they move it.
                    self.queue.push_back((s as u32, row.clone()));
                    self.drain();
                    self.update_watermark(s, &row);
                }
                Err(message) => {
                    let name = self.plan.streams[s].name.clone();
                    self.error(now_ms, format!("{name}: {message}"));
                }
            }
        }
    }

    /// Moves processing time to `now_ms`: KDA windows and Flink processing-time windows that end by then fire.
    pub(crate) fn advance_to(&mut self, now_ms: i64) {
        if now_ms <= self.now_ms {
            return;
        }
        self.now_ms = now_ms;
        for i in 0..self.plan.order.len() {
            let q = self.plan.order[i] as usize;
            let event_time = matches!(self.plan.queries[q].kind, Kind::Window { event_time: true, .. });
            if !event_time {
                self.fire(q, now_ms);
                self.drain();
            }
        }
    }

    /// End of input: every window fires, as if time and watermarks jumped to the end.
    pub(crate) fn finish(&mut self) {
        for i in 0..self.plan.order.len() {
            let q = self.plan.order[i] as usize;
            self.fire(q, i64::MAX);
            self.drain();
        }
    }

    fn update_watermark(&mut self, s: usize, row: &EmittedRow) {
        let Role::FlinkSource(source) = &self.plan.streams[s].role else { return };
        let Some((_, expr)) = &source.watermark else { return };
        let ctx = Ctx::row(&row.values, row.rowtime_ms);
        if let Ok(Value::Timestamp(wm)) = expr.eval(&ctx)
            && wm > self.watermarks_ms[s]
        {
            self.watermarks_ms[s] = wm;
            for i in 0..self.plan.order.len() {
                let q = self.plan.order[i] as usize;
                let query = &self.plan.queries[q];
                if query.source as usize == s && matches!(query.kind, Kind::Window { event_time: true, .. }) {
                    // A window [start, end) fires once the watermark reaches end - 1.
                    self.fire(q, wm.saturating_add(1));
                    self.drain();
                }
            }
        }
    }

    fn drain(&mut self) {
        // Pumps form no cycle (checked), so this ends; the bound is a second guard.
        let mut steps: u64 = 0;
        while let Some((s, row)) = self.queue.pop_front() {
            steps += 1;
            if steps > 10_000_000 {
                self.queue.clear();
                self.error(row.rowtime_ms, "too many rows in one step; the rest were dropped".into());
                return;
            }
            let s = s as usize;
            let recent = &mut self.recent[s];
            if recent.len() >= RECENT_ROWS_MAX {
                recent.pop_front();
            }
            recent.push_back(row.clone());
            self.emitted_totals[s] += 1;
            let is_source = matches!(self.plan.streams[s].role, Role::KdaSource(_) | Role::FlinkSource(_));
            if !is_source {
                self.push_pending(row.clone());
            }
            for q in 0..self.plan.queries.len() {
                if self.plan.queries[q].source as usize == s {
                    self.on_row(q, &row);
                }
            }
        }
    }

    /// Queues emitted rows; failures go to `error_stream`.
    fn deliver(&mut self, q: usize, rows: Vec<Result<EmittedRow, String>>) {
        for row in rows {
            match row {
                Ok(row) => {
                    let target = self.plan.queries[q].target;
                    self.queue.push_back((target, row));
                }
                Err(e) => {
                    let message = format!("{}: {e}", self.plan.queries[q].name);
                    let at = self.now_ms;
                    self.error(at, message);
                }
            }
        }
    }

    fn on_row(&mut self, q: usize, row: &EmittedRow) {
        let ctx = Ctx::row(&row.values, row.rowtime_ms);
        let passes = match &self.plan.queries[q].filter {
            None => Ok(true),
            Some(filter) => filter.eval(&ctx).map(|v| v == Value::Bool(true)),
        };
        match passes {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                self.deliver(q, alloc::vec![Err(e)]);
                return;
            }
        }
        // KDA windows that end by this row's ROWTIME close before it is counted.
        if !matches!(self.plan.queries[q].kind, Kind::Window { .. } | Kind::Project | Kind::Sliding { .. }) {
            self.fire(q, row.rowtime_ms);
        }
        let source = self.plan.queries[q].source as usize;
        let watermark = self.watermarks_ms[source];
        let mut out = Vec::new();
        let outcome = process(
            &self.plan.queries[q],
            &self.plan,
            &mut self.states[q],
            &self.spec_aggs[q],
            watermark,
            row,
            &mut out,
        );
        match outcome {
            Ok(true) => {}
            Ok(false) => self.late_dropped[q] += 1,
            Err(e) => out.push(Err(e)),
        }
        self.deliver(q, out);
    }

    /// Fires the windows of query `q` that end at or before `limit_ms`, in order of their end.
    fn fire(&mut self, q: usize, limit_ms: i64) {
        let mut fired: Vec<(i64, i64, Vec<Group>)> = Vec::new();
        match &mut self.states[q] {
            State::Stateless | State::Sliding(_) => return,
            State::Windows(windows) => {
                while let Some(entry) = windows.first_entry() {
                    if entry.key().0 > limit_ms {
                        break;
                    }
                    let ((end, start), groups) = entry.remove_entry();
                    fired.push((start, end, groups.into_values().collect()));
                }
            }
            State::Stagger { by_end, end_of } => {
                while let Some(entry) = by_end.first_entry() {
                    if entry.key().0 > limit_ms {
                        break;
                    }
                    let ((end, key), group) = entry.remove_entry();
                    end_of.remove(&key);
                    fired.push((end, end, alloc::vec![group]));
                }
            }
            State::Sessions(partitions) => {
                for sessions in partitions.values_mut() {
                    let mut kept = Vec::new();
                    for session in sessions.drain(..) {
                        if session.end <= limit_ms {
                            fired.push((session.start, session.end, session.groups.into_values().collect()));
                        } else {
                            kept.push(session);
                        }
                    }
                    *sessions = kept;
                }
                partitions.retain(|_, sessions| !sessions.is_empty());
                fired.sort_by_key(|(start, end, _)| (*end, *start));
            }
        }
        if fired.is_empty() {
            return;
        }
        let query = &self.plan.queries[q];
        let now = self.now_ms;
        let mut out = Vec::new();
        for (start, end, groups) in fired {
            match &query.kind {
                Kind::TopK { k, .. } => {
                    let mut ranked: Vec<(Value, u64)> =
                        groups.into_iter().map(|g| (g.values[0].clone(), g.rows)).collect();
                    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.total_cmp(&b.0)));
                    ranked.truncate(*k as usize);
                    for (value, count) in ranked {
                        let group = [value];
                        let aggs = [Value::Int(i64::try_from(count).unwrap_or(i64::MAX))];
                        let ctx = Ctx { row: &[], rowtime_ms: end, window: None, group: &group, aggs: &aggs };
                        out.extend(make_row(&self.plan, query, end, None, &ctx));
                    }
                }
                Kind::Stagger { range_ms, .. } => {
                    for group in groups {
                        let results: Vec<Value> = group.accs.iter().map(Acc::result).collect();
                        let window = Some((end.saturating_sub(*range_ms), end));
                        let ctx = Ctx { row: &[], rowtime_ms: end, window, group: &group.values, aggs: &results };
                        out.extend(make_row(&self.plan, query, end, None, &ctx));
                    }
                }
                Kind::Window { groups: group_exprs, .. } => {
                    // Flink stamps nothing like ROWTIME; the row leaves when the window fires.
                    let at = if now == i64::MIN { end } else { now };
                    for mut group in groups {
                        for (value, expr) in group.values.iter_mut().zip(group_exprs) {
                            match expr {
                                RExpr::WindowStart => *value = Value::Timestamp(start),
                                RExpr::WindowEnd => *value = Value::Timestamp(end),
                                RExpr::WindowTime => *value = Value::Timestamp(end.saturating_sub(1)),
                                _ => {}
                            }
                        }
                        let results: Vec<Value> = group.accs.iter().map(Acc::result).collect();
                        let window = Some((start, end));
                        let ctx = Ctx { row: &[], rowtime_ms: at, window, group: &group.values, aggs: &results };
                        out.extend(make_row(&self.plan, query, at, window, &ctx));
                    }
                }
                _ => {
                    for group in groups {
                        let results: Vec<Value> = group.accs.iter().map(Acc::result).collect();
                        let ctx = Ctx {
                            row: &[],
                            rowtime_ms: end,
                            window: Some((start, end)),
                            group: &group.values,
                            aggs: &results,
                        };
                        out.extend(make_row(&self.plan, query, end, None, &ctx));
                    }
                }
            }
        }
        self.deliver(q, out);
    }

    pub(crate) fn open_windows(&self) -> Vec<OpenWindow> {
        let mut out = Vec::new();
        for (q, state) in self.states.iter().enumerate() {
            let query = &self.plan.queries[q];
            let target = self.plan.streams[query.target as usize].name.clone();
            let mut push = |start_ms, end_ms, key: String, rows| {
                out.push(OpenWindow { query: query.name.clone(), target: target.clone(), start_ms, end_ms, key, rows });
            };
            match state {
                State::Stateless => {}
                State::Windows(windows) => {
                    for ((end, start), groups) in windows {
                        push(*start, *end, String::new(), groups.values().map(|g| g.rows).sum());
                    }
                }
                State::Stagger { by_end, .. } => {
                    let range = match query.kind {
                        Kind::Stagger { range_ms, .. } => range_ms,
                        _ => 0,
                    };
                    for ((end, key), group) in by_end {
                        push(end - range, *end, key_text(key), group.rows);
                    }
                }
                State::Sliding(specs) => {
                    for partitions in specs {
                        for (key, rows) in partitions {
                            if let (Some(first), Some(last)) = (rows.oldest_ms(), rows.newest_ms()) {
                                push(first, last, key_text(key), rows.len() as u64);
                            }
                        }
                    }
                }
                State::Sessions(partitions) => {
                    for (key, sessions) in partitions {
                        for s in sessions {
                            push(s.start, s.end, key_text(key), s.groups.values().map(|g| g.rows).sum());
                        }
                    }
                }
            }
        }
        out
    }

    /// Bytes every sliding window holds, over all partitions.
    pub(crate) fn sliding_bytes_held(&self) -> u64 {
        let partitions =
            self.states.iter().filter_map(|s| if let State::Sliding(specs) = s { Some(specs) } else { None });
        partitions.flatten().flat_map(BTreeMap::values).map(|rows| rows.bytes as u64).sum()
    }
}

/// The row a query emits for `ctx`, or nothing when HAVING rejects it.
fn make_row(
    plan: &Plan,
    query: &Query,
    rowtime_ms: i64,
    window: Option<(i64, i64)>,
    ctx: &Ctx<'_>,
) -> Option<Result<EmittedRow, String>> {
    if let Some(having) = &query.having {
        match having.eval(ctx) {
            Ok(Value::Bool(true)) => {}
            Ok(_) => return None,
            Err(e) => return Some(Err(e)),
        }
    }
    let mut values = Vec::with_capacity(query.items.len());
    for (item, to) in query.items.iter().zip(&query.target_types) {
        match item.eval(ctx).and_then(|v| coerce(v, *to)) {
            Ok(v) => values.push(v),
            Err(e) => return Some(Err(e)),
        }
    }
    let stream = plan.streams[query.target as usize].name.clone();
    Some(Ok(EmittedRow { stream, rowtime_ms, window_ms: window, values }))
}

/// Counts one row into a query's state, or emits rows for it; `Ok(false)` when it was too late for every window.
fn process(
    query: &Query,
    plan: &Plan,
    state: &mut State,
    spec_aggs: &[Vec<u32>],
    watermark_ms: i64,
    row: &EmittedRow,
    out: &mut Vec<Result<EmittedRow, String>>,
) -> Result<bool, String> {
    let ctx = Ctx::row(&row.values, row.rowtime_ms);
    match &query.kind {
        Kind::Project => out.extend(make_row(plan, query, row.rowtime_ms, None, &ctx)),
        Kind::Tumbling { groups, window } => {
            let (start, end) = match window {
                RowWindow::Step(len) => {
                    let start = align_down(row.rowtime_ms, *len);
                    (start, start.saturating_add(*len))
                }
                RowWindow::Floor(unit) => {
                    let start = floor_timestamp(row.rowtime_ms, *unit);
                    (start, next_unit_start(start, *unit))
                }
            };
            add_to_window(state, query, groups, &ctx, (start, end))?;
        }
        Kind::TopK { column, window_ms, .. } => {
            let start = align_down(row.rowtime_ms, *window_ms);
            let value = row.values.get(*column as usize).cloned().unwrap_or(Value::Null);
            if let State::Windows(windows) = state {
                let groups = windows.entry((start.saturating_add(*window_ms), start)).or_default();
                let group = groups.entry(Key(alloc::vec![value.clone()])).or_insert_with(|| Group {
                    values: alloc::vec![value],
                    accs: Vec::new(),
                    rows: 0,
                });
                group.rows += 1;
            }
        }
        Kind::Stagger { groups, range_ms } => {
            let values = eval_all(groups, &ctx)?;
            let key = Key(values.clone());
            if let State::Stagger { by_end, end_of } = state {
                let end = *end_of.entry(key.clone()).or_insert(row.rowtime_ms.saturating_add(*range_ms));
                let group = by_end.entry((end, key)).or_insert_with(|| new_group(query, values));
                add_row(group, query, &ctx)?;
            }
        }
        Kind::Sliding { specs } => {
            let State::Sliding(windows) = state else { return Ok(true) };
            let mut results = alloc::vec![Value::Null; query.aggs.len()];
            for (s, (partition, frame)) in specs.iter().enumerate() {
                let key = Key(eval_all(partition, &ctx)?);
                let agg_ids = &spec_aggs[s];
                let funcs: Vec<AggFunc> = agg_ids.iter().map(|a| query.aggs[*a as usize].func).collect();
                let mut args = Vec::with_capacity(agg_ids.len());
                for a in agg_ids {
                    args.push(match &query.aggs[*a as usize].arg {
                        Some(arg) => Some(arg.eval(&ctx)?),
                        None => None,
                    });
                }
                let rows = windows[s].entry(key).or_default();
                rows.push(row.rowtime_ms, args, &funcs);
                let too_many = |rows: &SlidingRows| match frame {
                    // The window is (t - range, t]: a row exactly one range older has left it.
                    Frame::RangeMs(ms) => rows.oldest_ms().is_some_and(|t| t <= row.rowtime_ms.saturating_sub(*ms)),
                    Frame::Rows(n) => i64::try_from(rows.len()).unwrap_or(i64::MAX) > n.saturating_add(1),
                } || rows.len() > SLIDING_ROWS_MAX
                    || (rows.bytes > SLIDING_BYTES_MAX && rows.len() > 1);
                while too_many(rows) {
                    rows.pop_oldest(&funcs);
                }
                for (a, value) in agg_ids.iter().zip(rows.results()) {
                    results[*a as usize] = value;
                }
            }
            let ctx = Ctx { row: &row.values, rowtime_ms: row.rowtime_ms, window: None, group: &[], aggs: &results };
            out.extend(make_row(plan, query, row.rowtime_ms, None, &ctx));
        }
        Kind::Window { tvf, sizes_ms, time_column, event_time, groups, partition } => {
            let ts = if *event_time {
                match row.values.get(*time_column as usize) {
                    Some(Value::Timestamp(t)) => *t,
                    _ => return Err("a row without an event time was dropped".into()),
                }
            } else {
                row.rowtime_ms
            };
            let watermark = if *event_time { watermark_ms } else { i64::MIN };
            // Flink: a window is late once the watermark has reached its last millisecond.
            let late = |end: i64| end.saturating_sub(1) <= watermark;
            if *tvf == TvfKind::Session {
                let end = ts.saturating_add(sizes_ms[0]);
                if late(end) {
                    return Ok(false);
                }
                add_to_session(state, query, groups, partition, &ctx, (ts, end))?;
                return Ok(true);
            }
            let mut added = false;
            for window in assign(*tvf, sizes_ms, ts) {
                if late(window.1) {
                    continue;
                }
                added = true;
                let mut wctx = Ctx::row(&row.values, row.rowtime_ms);
                wctx.window = Some(window);
                add_to_window(state, query, groups, &wctx, window)?;
            }
            return Ok(added);
        }
    }
    Ok(true)
}

fn key_text(key: &Key) -> String {
    let parts: Vec<String> = key.0.iter().map(ToString::to_string).collect();
    parts.join(", ")
}

fn eval_all(exprs: &[RExpr], ctx: &Ctx<'_>) -> Result<Vec<Value>, String> {
    exprs.iter().map(|e| e.eval(ctx)).collect()
}

fn new_group(query: &Query, values: Vec<Value>) -> Group {
    Group { values, accs: query.aggs.iter().map(|a| Acc::new(a.func)).collect(), rows: 0 }
}

fn add_row(group: &mut Group, query: &Query, ctx: &Ctx<'_>) -> Result<(), String> {
    group.rows += 1;
    for (acc, spec) in group.accs.iter_mut().zip(&query.aggs) {
        match &spec.arg {
            Some(arg) => acc.add(Some(&arg.eval(ctx)?)),
            None => acc.add(None),
        }
    }
    Ok(())
}

fn add_to_window(
    state: &mut State,
    query: &Query,
    groups: &[RExpr],
    ctx: &Ctx<'_>,
    window: (i64, i64),
) -> Result<(), String> {
    let values = eval_all(groups, ctx)?;
    let State::Windows(windows) = state else { return Ok(()) };
    let group = windows
        .entry((window.1, window.0))
        .or_default()
        .entry(Key(values.clone()))
        .or_insert_with(|| new_group(query, values));
    add_row(group, query, ctx)
}

fn add_to_session(
    state: &mut State,
    query: &Query,
    groups: &[RExpr],
    partition: &[u32],
    ctx: &Ctx<'_>,
    (start, end): (i64, i64),
) -> Result<(), String> {
    let values = eval_all(groups, ctx)?;
    let part = Key(partition.iter().map(|c| ctx.row.get(*c as usize).cloned().unwrap_or(Value::Null)).collect());
    let State::Sessions(partitions) = state else { return Ok(()) };
    let sessions = partitions.entry(part).or_default();
    let mut merged = Session { start, end, groups: BTreeMap::new() };
    let mut kept = Vec::new();
    for s in sessions.drain(..) {
        if s.start < merged.end && merged.start < s.end {
            merged.start = merged.start.min(s.start);
            merged.end = merged.end.max(s.end);
            for (key, group) in s.groups {
                match merged.groups.get_mut(&key) {
                    Some(into) => {
                        into.rows += group.rows;
                        for (a, b) in into.accs.iter_mut().zip(&group.accs) {
                            a.merge(b);
                        }
                    }
                    None => {
                        merged.groups.insert(key, group);
                    }
                }
            }
        } else {
            kept.push(s);
        }
    }
    let group = merged.groups.entry(Key(values.clone())).or_insert_with(|| new_group(query, values));
    add_row(group, query, ctx)?;
    kept.push(merged);
    kept.sort_by_key(|s| s.start);
    *sessions = kept;
    Ok(())
}

/// The windows `[start, end)` of a tumble, hop or cumulate that hold time `ts`.
fn assign(tvf: TvfKind, sizes_ms: &[i64], ts: i64) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    match tvf {
        TvfKind::Tumble | TvfKind::Session => {
            let size = sizes_ms[0];
            let start = align_down(ts, size);
            out.push((start, start.saturating_add(size)));
        }
        TvfKind::Hop => {
            let (slide, size) = (sizes_ms[0], sizes_ms[1]);
            let last = align_down(ts, slide);
            // size / slide windows hold each instant (the checker keeps that at most 1,000).
            for k in (0..size / slide).rev() {
                let start = last.saturating_sub(k.saturating_mul(slide));
                if start <= ts && ts < start.saturating_add(size) {
                    out.push((start, start.saturating_add(size)));
                }
            }
        }
        TvfKind::Cumulate => {
            let (step, max) = (sizes_ms[0], sizes_ms[1]);
            let base = align_down(ts, max);
            for k in 1..=max / step {
                let end = base.saturating_add(k.saturating_mul(step));
                if ts < end {
                    out.push((base, end));
                }
            }
        }
    }
    out
}

fn flink_row(
    source: &crate::plan::FlinkSource,
    columns: &[(String, crate::value::SqlType)],
    data: &serde_json::Value,
    now_ms: i64,
) -> Result<Vec<Value>, String> {
    let parsed;
    let data = match data {
        serde_json::Value::String(text) => {
            parsed =
                serde_json::from_str::<serde_json::Value>(text).map_err(|_| "the record is not JSON".to_string())?;
            &parsed
        }
        other => other,
    };
    let mut values: Vec<Value> = Vec::with_capacity(source.fields.len());
    for (field, (column, sql_type)) in source.fields.iter().zip(columns) {
        let value = match field {
            Field::Json(name) => {
                let json = data.get(name.as_str()).unwrap_or(&serde_json::Value::Null);
                crate::eval::from_json(json, *sql_type).map_err(|e| format!("column {column}: {e}"))?
            }
            Field::Arrival => Value::Timestamp(now_ms),
            Field::Computed(expr) => expr.eval(&Ctx::row(&values, now_ms))?,
        };
        values.push(value);
    }
    Ok(values)
}
