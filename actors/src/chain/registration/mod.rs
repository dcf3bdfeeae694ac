//! Registration (spec §4): the burn price of a UID; which UID a newcomer replaces follows with the
//! living chain.

pub mod burn;
