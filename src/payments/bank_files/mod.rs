//! Bank files read into incoming payments: Nets OCR giro and ISO 20022 camt.054 (with the
//! exactly-once key of each camt.054 transaction).

pub mod camt054;
pub mod camt054_keys;
pub mod ocr;
