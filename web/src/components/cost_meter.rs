//! The cost meter: what the run so far would cost on AWS, line by line, and per month at this pace.

use shardlab_engine::cost::CostLine;
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

/// The meter.
#[component]
pub fn CostMeter(props: &CostMeterProps) -> Html {
    let total: u64 = props.lines.iter().map(|l| l.cost_micro_usd).sum();
    html! {
        <div class="cost-meter" data-testid="cost">
            <p>
                <strong data-testid="cost-total">{ format!("{} so far", dollars(total)) }</strong>
                { per_month(total, props.elapsed_ms).map_or_else(String::new, |m| format!(" · about {} per 30 days at this pace", dollars(m))) }
            </p>
            <table>
                <thead><tr><th>{ "Item" }</th><th>{ "Quantity" }</th><th>{ "Price" }</th><th>{ "Cost" }</th></tr></thead>
                <tbody>
                    { for props.lines.iter().map(|l| html! {
                        <tr>
                            <td>{ l.item }</td>
                            <td>{ format!("{}.{:03} {}", l.quantity_milli / 1_000, l.quantity_milli % 1_000, l.unit) }</td>
                            <td>{ dollars(l.price_micro_usd) }</td>
                            <td>{ dollars(l.cost_micro_usd) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="note">{ "Billing units as AWS documents them; prices are widely quoted us-east-1 list prices, not confirmed from AWS's pages." }</p>
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
}
