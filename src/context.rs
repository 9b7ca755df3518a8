//! The context every use case, handler and the worker share: configuration, the store, texts,
//! payment gateways, tenants and the clock. `app` builds it; nothing here starts anything.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::clock::SharedClock;
use crate::config::AppConfig;
use crate::domain::creditor::{Agency, Creditor};
use crate::domain::ids::{AgencyId, CaseId, CreditorId, MessageId};
use crate::domain::link::{LinkPurpose, ShortLink};
use crate::i18n::Texts;
use crate::links::LinkToken;
use crate::payments::gateways::checkout::PaymentGateways;
use crate::store::{SharedStore, StoreError};
use crate::tenants::Tenants;

/// What web handlers, use cases and the worker share: configuration, the store and the texts.
pub struct AppContext {
    pub config: AppConfig,
    pub store: SharedStore,
    pub texts: Arc<Texts>,
    /// Card and Vipps providers for the case page and their webhooks.
    pub payments: PaymentGateways,
    /// Agencies, API keys and mandates as the store holds them.
    pub tenants: Tenants,
    /// Where `now` comes from: the system clock, or a test's settable clock.
    pub clock: SharedClock,
    /// The process's metrics recorder, rendered by `/metrics` (see `app::metrics`).
    pub metrics: PrometheusHandle,
    /// Where case documents' bytes are kept (`[documents]`).
    pub documents: crate::documents::DocumentStore,
}

impl AppContext {
    /// An agency as the store holds it (cached briefly; see `tenants`).
    pub async fn agency(&self, id: &AgencyId) -> Result<Option<Agency>, StoreError> {
        self.tenants.agency(id).await
    }

    /// A creditor as configured, with its mandate as last replaced through the API.
    pub async fn creditor(&self, id: &CreditorId) -> Result<Option<Creditor>, StoreError> {
        self.tenants.creditor(&self.config, id).await
    }

    /// Issues a new signed link to the case page, stores its digest, and returns the full URL.
    pub async fn issue_case_link(&self, case: &CaseId) -> Result<String, StoreError> {
        self.issue_link(case, None).await
    }

    /// As [`AppContext::issue_case_link`], for the text of `message`: the link remembers it,
    /// so the provider's copy of the text is recognised as this message after a crash.
    pub async fn issue_message_link(
        &self,
        case: &CaseId,
        message: &MessageId,
    ) -> Result<String, StoreError> {
        self.issue_link(case, Some(message.clone())).await
    }

    /// Saves the link of `token`, drawn for a start of `message` whose stored record already
    /// names its digest ([`Message::link_digest`](crate::domain::message::Message::link_digest)),
    /// and returns the full URL: one write, no index (the worker's hot path).
    pub async fn save_message_link(
        &self,
        case: &CaseId,
        message: &MessageId,
        token: &LinkToken,
    ) -> Result<String, StoreError> {
        let link = self.case_link(case, Some(message.clone()));
        self.store.save_message_link(&token.digest(), &link).await?;
        Ok(self.link_url(token))
    }

    async fn issue_link(
        &self,
        case: &CaseId,
        message_id: Option<MessageId>,
    ) -> Result<String, StoreError> {
        let token = self.config.link_keys.issue();
        let link = self.case_link(case, message_id);
        self.store.save_link(&token.digest(), &link).await?;
        Ok(self.link_url(&token))
    }

    fn link_url(&self, token: &LinkToken) -> String {
        format!(
            "{}/k/{}",
            self.config.settings.server.public_base_url,
            token.as_str()
        )
    }

    /// A new link to the case page, valid for the configured days from now.
    fn case_link(&self, case: &CaseId, message_id: Option<MessageId>) -> ShortLink {
        let now = self.clock.now();
        ShortLink {
            case_id: case.clone(),
            purpose: LinkPurpose::Case,
            created_at: now,
            expires_at: now
                + chrono::Duration::days(i64::from(self.config.settings.links.ttl_days)),
            revoked: false,
            message_id,
        }
    }
}
