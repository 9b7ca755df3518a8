//! The `Authorization` request header, `<scheme> <credentials>`, whose scheme is
//! case-insensitive (RFC 9110 §11.1): `bearer` and `BASIC` are as good as `Bearer` and `Basic`.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;

/// The credentials of the request's `Authorization` header when its scheme is `scheme`.
pub fn credentials<'r>(req: &'r HttpRequest, scheme: &str) -> Option<&'r str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    credentials_in(value, scheme)
}

/// The credentials of an `Authorization` value when its scheme is `scheme`; none when empty.
fn credentials_in<'v>(value: &'v str, scheme: &str) -> Option<&'v str> {
    let (given, credentials) = value.trim_start().split_once(' ')?;
    let credentials = credentials.trim();
    (given.eq_ignore_ascii_case(scheme) && !credentials.is_empty()).then_some(credentials)
}

#[cfg(test)]
mod tests {
    use super::credentials_in;

    #[test]
    fn the_scheme_is_matched_in_any_case() {
        for value in ["Bearer k1", "bearer k1", "BEARER k1", "Bearer   k1 "] {
            assert_eq!(credentials_in(value, "Bearer"), Some("k1"), "{value}");
        }
        assert_eq!(credentials_in("basic dTpw", "Basic"), Some("dTpw"));
    }

    #[test]
    fn another_scheme_or_no_credentials_give_none() {
        for value in [
            "Basic k1",
            "Bearerk1",
            "Bearer",
            "Bearer   ",
            "",
            "Token k1",
        ] {
            assert_eq!(credentials_in(value, "Bearer"), None, "{value}");
        }
    }
}
