//! Attacks on clerkctl, performed: each test does what a hostile input, file, process or server
//! would do, and checks that it does no harm. SECURITY.md cites them by name.

mod files;
