//! One Analytics application: its SQL in an editor checked as the learner types (errors inline with line
//! and column), the documented samples, the input schema, the open windows and the rows it emitted.
//! SQL text and values are shown as text (escaped by Yew), never as HTML.

use super::{Series, TimeChart, Unit};
use crate::format::{count, thousands};
use crate::pipeline_views::{AnalyticsView, SqlProblem, StreamRowsView, sql_problems};
use shardlab_analytics::Dialect;
use shardlab_analytics::samples::SAMPLES;
use std::rc::Rc;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`AnalyticsPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct AnalyticsPanelProps {
    /// The application's view data ([`crate::pipeline_views::analytics_views`]).
    pub view: Rc<AnalyticsView>,
    /// "Apply": the edited SQL, checked without errors, to run instead of the current one.
    pub on_sql: Callback<String>,
    /// A second to mark on the chart.
    #[prop_or_default]
    pub marker_second: Option<u64>,
}

/// A name usable in an element id.
fn id_part(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

/// The problem's line of `sql` with a caret under its column.
fn context(sql: &str, problem: &SqlProblem) -> Option<String> {
    let line = sql.lines().nth(problem.line.checked_sub(1)? as usize)?;
    let caret: String = line
        .chars()
        .take(problem.column.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!("{line}\n{caret}^"))
}

fn rows_table(stream: &StreamRowsView) -> Html {
    // Flink rows carry their window; a separate column only when the query does not select it already.
    let windowed = stream.rows.iter().any(|r| r.window.is_some())
        && !stream.columns.iter().any(|c| c.eq_ignore_ascii_case("window_start"));
    html! {
        <section class="emitted" aria-label={format!("Rows of {}", stream.name)}>
            <h4>
                <span class="mono">{ &stream.name }</span>
                { format!(" · {} · {} in all", stream.role, count(stream.rows_total, "row", "rows")) }
            </h4>
            if stream.rows.is_empty() {
                <p class="note">{ "No rows yet: windows emit when they close." }</p>
            } else {
                <table class="rows-table" data-testid="rows-table">
                    <thead><tr>
                        <th>{ "ROWTIME" }</th>
                        if windowed { <th>{ "window" }</th> }
                        { for stream.columns.iter().map(|c| html! { <th class="mono">{ c }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for stream.rows.iter().rev().map(|row| html! {
                            <tr>
                                <td class="mono">{ &row.time }</td>
                                if windowed { <td class="mono">{ row.window.clone().unwrap_or_default() }</td> }
                                { for row.values.iter().map(|v| html! { <td>{ v }</td> }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

/// The panel.
#[component]
pub fn AnalyticsPanel(props: &AnalyticsPanelProps) -> Html {
    let v = &props.view;
    let draft = use_state(|| v.sql.clone());
    let about = use_state(String::new);
    {
        // A new applied SQL (or another scenario) replaces the draft.
        let draft = draft.clone();
        use_effect_with(v.sql.clone(), move |sql| draft.set(sql.clone()));
    }
    let problems = use_memo(((*draft).clone(), v.flink, v.schema.clone()), |(sql, flink, schema)| {
        sql_problems(sql, *flink, schema.as_ref())
    });
    let id = format!("sql-{}", id_part(&v.name));
    let errors_id = format!("{id}-errors");
    let dialect = if v.flink { Dialect::Flink } else { Dialect::Kda };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_sample = {
        let (draft, about) = (draft.clone(), about.clone());
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(sample) = SAMPLES.iter().find(|s| s.id == id) {
                draft.set(sample.sql.to_string());
                about.set(sample.about.to_string());
            }
        })
    };
    let changed = *draft != v.sql;
    let on_apply = {
        let (draft, on_sql) = (draft.clone(), props.on_sql.clone());
        Callback::from(move |_| on_sql.emit((*draft).clone()))
    };
    let on_revert = {
        let (draft, sql) = (draft.clone(), v.sql.clone());
        Callback::from(move |_| draft.set(sql.clone()))
    };
    let late = if v.late_dropped_total > 0 {
        v.late_dropped
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(q, n)| format!("{q}: {}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        String::new()
    };
    html! {
        <section class="analytics-panel analytics" role="region" aria-label={format!("Analytics {}", v.name)}>
            <header class="panel-head">
                <h2><span class="kind-dot" aria-hidden="true"></span>{ &v.name }</h2>
                <span class="panel-status" data-testid="analytics-status">{ v.status }</span>
            </header>
            <p class={classes!("dialect", (!v.flink).then_some("historical"))} data-testid="dialect">{ v.dialect_label }</p>
            <div class="sql-editor-wrap">
                <div class="sql-toolbar">
                    <label for={format!("{id}-samples")}>{ "Samples" }</label>
                    <select id={format!("{id}-samples")} aria-label="Samples" onchange={on_sample}>
                        <option value="" selected=true>{ "Load a documented example…" }</option>
                        { for SAMPLES.iter().filter(|s| s.dialect == dialect).map(|s| html! {
                            <option value={s.id}>{ s.title }</option>
                        }) }
                    </select>
                </div>
                if !about.is_empty() { <p class="note sample-about">{ (*about).clone() }</p> }
                <label for={id.clone()} class="sql-label">{ format!("SQL of {}", v.name) }</label>
                <textarea id={id.clone()} class="sql-editor" spellcheck="false" rows="10"
                    value={(*draft).clone()} oninput={on_input}
                    aria-invalid={(!problems.is_empty()).to_string()} aria-describedby={errors_id.clone()} />
                <div id={errors_id} class="sql-check" aria-live="polite">
                    if problems.is_empty() {
                        <p class="sql-ok" data-testid="sql-ok">{ "✓ No problems found" }</p>
                    } else {
                        <ul class="sql-errors" data-testid="sql-errors">
                            { for problems.iter().map(|p| html! {
                                <li>
                                    <span class="sql-pos">{ format!("line {}, column {}", p.line, p.column) }</span>
                                    { format!(": {}", p.message) }
                                    if let Some(text) = context(&draft, p) { <pre class="sql-context">{ text }</pre> }
                                </li>
                            }) }
                        </ul>
                    }
                    if !v.flink && v.schema.is_none() {
                        <p class="note">{ "Columns are checked once the input schema is discovered from the stream's records." }</p>
                    }
                </div>
                <div class="sql-actions">
                    <button class="primary" onclick={on_apply} disabled={!changed || !problems.is_empty()}>{ "Apply" }</button>
                    <button onclick={on_revert} disabled={!changed}>{ "Revert" }</button>
                </div>
            </div>
            if !v.problems.is_empty() {
                <p class="problems-lead">{ "The running application stopped on:" }</p>
                <ul class="problems" data-testid="analytics-problems">
                    { for v.problems.iter().map(|p| html! { <li>{ p }</li> }) }
                </ul>
            }
            if !v.input_columns.is_empty() {
                <details class="input-schema">
                    <summary>{ format!("Input schema ({}, {})", count(v.input_columns.len() as u64, "column", "columns"),
                        if v.flink { "declared by CREATE TABLE" } else { "discovered from the records" }) }</summary>
                    <table>
                        <thead><tr><th>{ "Column" }</th><th>{ "SQL type" }</th></tr></thead>
                        <tbody>
                            { for v.input_columns.iter().map(|(c, t)| html! { <tr><td class="mono">{ c }</td><td>{ t }</td></tr> }) }
                        </tbody>
                    </table>
                </details>
            }
            <dl class="totals analytics-stats">
                <dt>{ "Records read" }</dt><dd>{ thousands(v.records_read) }</dd>
                <dt>{ "Rows emitted" }</dt><dd>{ thousands(v.rows_total) }</dd>
                if v.error_rows > 0 { <dt>{ "Rows to error_stream" }</dt><dd>{ thousands(v.error_rows) }</dd> }
                <dt>{ "Late records dropped" }</dt><dd title={late}>{ thousands(v.late_dropped_total) }</dd>
                if let Some(d) = &v.destination {
                    <dt>{ format!("Sent ({d})") }</dt><dd>{ thousands(v.delivered) }</dd>
                    if v.delivery_throttled > 0 { <dt>{ "Throttled writes (retried)" }</dt><dd>{ thousands(v.delivery_throttled) }</dd> }
                }
            </dl>
            <section class="open-windows" aria-label="Open windows">
                <h3>{ "Open windows" }</h3>
                if v.windows.is_empty() {
                    <p class="note">{ "No open window." }</p>
                } else {
                    <table data-testid="open-windows">
                        <thead><tr>
                            <th>{ "Query" }</th><th>{ "Start" }</th><th>{ "End" }</th><th>{ "Key" }</th><th>{ "Rows so far" }</th>
                        </tr></thead>
                        <tbody>
                            { for v.windows.iter().map(|w| html! {
                                <tr>
                                    <td class="mono">{ &w.query }</td>
                                    <td class="mono">{ &w.start }</td>
                                    <td class="mono">{ &w.end }</td>
                                    <td>{ &w.key }</td>
                                    <td>{ thousands(w.rows) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            </section>
            { for v.streams.iter().map(rows_table) }
            <div class="charts">
                <TimeChart marker_second={props.marker_second} title="Rows emitted" unit={Unit::PerSec}
                    end_second={v.end_second}
                    series={vec![Series { name: "rows".into(), colour: 4, values: v.rows_per_sec.as_slice().into() }]} />
            </div>
        </section>
    }
}
