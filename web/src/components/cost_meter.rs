//! The cost meter: what the run so far would cost on AWS, line by line, and per month at this pace.

use shardlab_engine::cost::CostLine;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`CostMeter`].
#[derive(Properties, PartialEq, Clone)]
pub struct CostMeterProps {
    /// The estimate's lines.
    pub lines: Vec<CostLine>,
    /// Simulated time so far, for the monthly projection.
    pub elapsed_ms: u64,
}

/// Dollars from micro-dollars: `$0.000123`, `$12.34`.
pub fn dollars(micro_usd: u64) -> String {
    if micro_usd >= 100_000_000 {
        format!("${}.{:02}", micro_usd / 1_000_000, micro_usd / 10_000 % 100)
    } else {
        format!("${}.{:06}", micro_usd / 1_000_000, micro_usd % 1_000_000)
    }
}

/// A month (30 days) at the pace of `elapsed_ms`: the total scaled up.
pub fn per_month(total_micro_usd: u64, elapsed_ms: u64) -> Option<u64> {
    (elapsed_ms > 0).then(|| (u128::from(total_micro_usd) * 2_592_000_000 / u128::from(elapsed_ms)) as u64)
}

/// A price typed by the learner, in micro-dollars: `0.015`, `$0.015`, `1`, at most 6 decimals.
pub fn parse_dollars(text: &str) -> Result<u64, String> {
    let t = text.trim().trim_start_matches('$');
    let refuse = || format!("\"{}\" is not a price: type dollars per unit, such as 0.015", text.trim());
    let (whole, fraction) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > 6 || whole.len() > 6 {
        return Err(refuse());
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(refuse());
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| refuse())? };
    let fraction: u64 = format!("{fraction:0<6}").parse().map_err(|_| refuse())?;
    Ok(whole * 1_000_000 + fraction)
}

/// A line's cost at `price_micro_usd` per unit (rounded half up to a micro-dollar).
pub fn cost_at(line: &CostLine, price_micro_usd: u64) -> u64 {
    ((u128::from(line.quantity_milli) * u128::from(price_micro_usd) + 500) / 1_000) as u64
}

/// Values typed by the learner per cost item: a few pairs in a list (a `BTreeMap` per value type would add
/// several KB of generic code to the first download).
type PerItem<V> = Vec<(&'static str, V)>;

fn find<'a, V>(entries: &'a PerItem<V>, item: &str) -> Option<&'a V> {
    entries.iter().find(|(key, _)| *key == item).map(|(_, value)| value)
}

fn set<V>(entries: &mut PerItem<V>, item: &'static str, value: Option<V>) {
    entries.retain(|(key, _)| *key != item);
    entries.extend(value.map(|value| (item, value)));
}

/// The meter. Each price can be changed (AWS's prices vary by Region and over time); the change holds for
/// this page and recomputes the totals.
#[component]
pub fn CostMeter(props: &CostMeterProps) -> Html {
    let prices = use_state(PerItem::<u64>::new);
    let errors = use_state(PerItem::<String>::new);
    let lines: Vec<(CostLine, u64)> = props
        .lines
        .iter()
        .map(|l| {
            let price = find(&prices, l.item).copied();
            let cost = price.map_or(l.cost_micro_usd, |p| cost_at(l, p));
            (CostLine { price_micro_usd: price.unwrap_or(l.price_micro_usd), ..*l }, cost)
        })
        .collect();
    let total: u64 = lines.iter().map(|(_, c)| c).sum();
    html! {
        <div class="cost-meter" data-testid="cost">
            <p>
                <strong data-testid="cost-total">{ format!("{} so far", dollars(total)) }</strong>
                { per_month(total, props.elapsed_ms).map_or_else(String::new, |m| format!(" · about {} per 30 days at this pace", dollars(m))) }
            </p>
            <table>
                <thead><tr><th>{ "Item" }</th><th>{ "Quantity" }</th><th>{ "Price" }</th><th>{ "Cost" }</th></tr></thead>
                <tbody>
                    { for lines.iter().map(|(l, cost)| {
                        let item = l.item;
                        let on_price = {
                            let (prices, errors) = (prices.clone(), errors.clone());
                            Callback::from(move |e: Event| {
                                let text = e.target_unchecked_into::<HtmlInputElement>().value();
                                let (mut p, mut errs) = ((*prices).clone(), (*errors).clone());
                                match parse_dollars(&text) {
                                    Ok(v) => {
                                        set(&mut p, item, Some(v));
                                        set(&mut errs, item, None);
                                    }
                                    Err(why) => set(&mut errs, item, Some(why)),
                                }
                                prices.set(p);
                                errors.set(errs);
                            })
                        };
                        html! {
                            <tr>
                                <td>{ l.item }</td>
                                <td>{ format!("{}.{:03} {}", l.quantity_milli / 1_000, l.quantity_milli % 1_000, l.unit) }</td>
                                <td>
                                    <input class="price" type="text" aria-label={format!("Price of {}", l.item)}
                                        value={dollars(l.price_micro_usd)} onchange={on_price}
                                        aria-invalid={find(&errors, item).is_some().to_string()} />
                                    if let Some(why) = find(&errors, item) {
                                        <span class="field-error" role="alert">{ why.clone() }</span>
                                    }
                                </td>
                                <td>{ dollars(*cost) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="note">{ "Billing units as AWS documents them; prices are widely quoted us-east-1 list prices, not confirmed from AWS's pages. Change any price to your Region's: the totals follow." }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_and_months() {
        assert_eq!(dollars(360_000), "$0.360000");
        assert_eq!(dollars(123_456_789), "$123.45");
        // $0.36 for one simulated day is $10.80 over 30 days.
        assert_eq!(per_month(360_000, 86_400_000), Some(10_800_000));
        assert_eq!(per_month(1, 0), None);
    }

    #[test]
    fn typed_prices_read_as_dollars() {
        assert_eq!(parse_dollars("0.015"), Ok(15_000));
        assert_eq!(parse_dollars(" $1.5 "), Ok(1_500_000));
        assert_eq!(parse_dollars(".000001"), Ok(1));
        assert_eq!(parse_dollars("2"), Ok(2_000_000));
        assert!(parse_dollars("0.0000001").is_err(), "more than 6 decimals");
        assert!(parse_dollars("-1").is_err());
        assert!(parse_dollars("abc").expect_err("words").contains("dollars per unit"));
        assert!(parse_dollars("").is_err());
    }

    #[test]
    fn a_new_price_reprices_the_line() {
        // 2 shard-hours at $0.030 instead of $0.015.
        let line = CostLine {
            item: "Shard hours",
            quantity_milli: 2_000,
            unit: "shard-hours",
            price_micro_usd: 15_000,
            cost_micro_usd: 30_000,
        };
        assert_eq!(cost_at(&line, 30_000), 60_000);
    }
}
