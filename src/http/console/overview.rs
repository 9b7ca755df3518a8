//! The overview screen (`/console/overview`): open cases, requests waiting, cases paid this
//! week, and four small bar charts of the last thirty days drawn as inline SVG on the server
//! (no script), each with its figures in a table beside it so nothing is only in the picture.

use std::fmt::Write as _;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use maud::{Markup, PreEscaped, html};

use super::cases::load;
use super::layout::{page, page_response};
use super::unavailable;
use crate::context::AppContext;
use crate::domain::money::{Currency, Money};
use crate::service::overview::{self, Overview};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/console/overview", web::get().to(show));
}

const WIDTH: u32 = 300;
const HEIGHT: u32 = 80;

/// The bars of `values` as SVG rectangles in a `WIDTH` × `HEIGHT` box, the tallest bar the
/// full height; an empty chart (all zero) draws a baseline only.
pub fn bars(values: &[i64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX).max(1);
    let slot = f64::from(WIDTH) / f64::from(count);
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        let v = (*v).max(0);
        let h = (f64::from(HEIGHT) * v as f64 / max as f64).round();
        if h > 0.0 {
            let x = slot * i as f64;
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{:.0}" width="{:.1}" height="{h:.0}"/>"#,
                f64::from(HEIGHT) - h,
                (slot - 1.0).max(1.0),
            );
        }
    }
    let _ = write!(
        out,
        r#"<line x1="0" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}"/>"#
    );
    out
}

fn chart(
    id: &str,
    title: &str,
    days: &[NaiveDate],
    values: &[i64],
    shown: impl Fn(i64) -> String,
) -> Markup {
    let total: i64 = values.iter().sum();
    let peak = values.iter().copied().max().unwrap_or(0);
    let label = format!(
        "{title}: {} in the last {} days, at most {} on one day",
        shown(total),
        days.len(),
        shown(peak)
    );
    html! {
        section.chart {
            h2 id=(format!("{id}-title")) { (title) }
            p { "Last " (days.len()) " days: " strong { (shown(total)) } }
            svg viewBox=(format!("0 0 {WIDTH} {}", HEIGHT + 1)) width="100%" role="img" aria-labelledby=(format!("{id}-title {id}-label")) class="bars" {
                title id=(format!("{id}-label")) { (label) }
                (PreEscaped(bars(values)))
            }
            details {
                summary { "The figures by day" }
                table {
                    thead { tr { th scope="col" { "Day" } th scope="col" { (title) } } }
                    tbody {
                        @for (day, v) in days.iter().zip(values).filter(|(_, v)| **v != 0) {
                            tr { td { (day.format("%Y-%m-%d")) } td { (shown(*v)) } }
                        }
                    }
                }
            }
        }
    }
}

fn body(o: &Overview) -> Markup {
    let kroner =
        |ore: i64| Money::from_minor(ore, Currency::NOK).format(crate::domain::locale::Locale::En);
    let count = |n: i64| n.to_string();
    html! {
        h1 { "Overview" }
        dl.figures {
            dt { "Open cases" } dd { (o.open) }
            dt { "Disputed" } dd { (o.disputed) }
            dt { "Waiting for review" } dd { a href="/console/reviews" { (o.in_review) } }
            dt { "Paid in full, last 7 days" } dd { (o.paid_this_week()) }
        }
        (chart("collected", "Collected (NOK)", &o.days, &o.collected_ore, kroner))
        (chart("paid", "Cases paid in full", &o.days, &o.paid, count))
        (chart("opened", "Cases taken in", &o.days, &o.opened, count))
        (chart("failed", "Messages that failed", &o.days, &o.failed, count))
        p.hint { "Days in Oslo time; money by the day the bank booked it. Day figures are counted as things happen (not recounted), so they start from when this version ran." }
    }
}

async fn show(req: HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    let (session, user) = match load(&req, &ctx).await {
        Ok(found) => found,
        Err(res) => return res,
    };
    let figures = match overview::overview(&ctx, &user, ctx.clock.now()).await {
        Ok(o) => o,
        Err(e) => return unavailable(&e),
    };
    page_response(
        StatusCode::OK,
        page(
            "Overview",
            Some((&user, &session.csrf_token)),
            body(&figures),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tallest_bar_fills_the_chart_and_zero_draws_none() {
        let svg = bars(&[0, 5, 10]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r#"y="0" width="99.0" height="80""#), "{svg}");
        assert!(svg.contains(r#"height="40""#), "{svg}");
        assert_eq!(bars(&[0, 0]).matches("<rect").count(), 0);
        assert!(bars(&[]).contains("<line"));
    }
}
