//! A typed client for Clerk's Backend API.
