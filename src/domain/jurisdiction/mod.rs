//! Jurisdiction rule packs: the legal limits no creditor setting may exceed.

pub mod no;
