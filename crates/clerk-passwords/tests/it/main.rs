//! Integration tests of clerk-passwords: the committed fixtures (digests made by the real
//! hashing libraries, `tests/fixtures/make.py`) and malformed digests.

mod fixtures;
mod malformed;
