//! Helpers shared by the `leads` examples.
