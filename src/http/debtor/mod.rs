//! The debtor's pages behind a link: opening it (`link`), the session it starts (`session`),
//! the page markup (`pages`), self-service requests, paying online, the identity step-up and
//! e-mail unsubscribe.

pub mod all_cases;
pub mod contact;
pub mod conversation;
pub mod documents;
pub mod identity;
pub mod link;
pub mod pages;
pub mod pay;
pub mod self_service;
pub mod session;
pub mod unsubscribe;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use crate::context::AppContext;
use crate::http::security::{CookiePolicy, MissLimiter};

/// State the debtor pages need besides the shared context.
pub struct DebtorState {
    pub limiter: MissLimiter,
    pub cookie: CookiePolicy,
    pub session_idle: Duration,
    pub session_max: Duration,
}

/// Every debtor route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(link::routes)
        .configure(all_cases::routes)
        .configure(self_service::routes)
        .configure(pay::routes)
        .configure(identity::routes)
        .configure(documents::routes)
        .configure(unsubscribe::routes)
        .configure(conversation::routes)
        .configure(contact::routes);
}

/// The debtor pages' state, from the configuration.
pub fn state(ctx: &Arc<AppContext>) -> DebtorState {
    let links = &ctx.config.settings.links;
    let session_max = Duration::from_secs(u64::from(links.session_max_minutes) * 60);
    DebtorState {
        // Checked to be at least 1 when the configuration is loaded.
        limiter: MissLimiter::new(
            std::num::NonZeroU32::new(links.misses_per_minute).unwrap_or(std::num::NonZeroU32::MIN),
        ),
        cookie: CookiePolicy::for_base_url(
            &ctx.config.settings.server.public_base_url,
            session_max,
        ),
        session_idle: Duration::from_secs(u64::from(links.session_idle_minutes) * 60),
        session_max,
    }
}
