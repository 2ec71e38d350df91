//! Users: create, read, list and count with every filter, update, metadata, ban, lock, delete.
//!
//! `create.rs` and `update.rs` hold the field rules, `list.rs` the listing and counting; this file
//! the other operations.

mod checks;
mod create;
mod list;
mod update;

use serde::Deserialize;
use serde_json::Value;

use super::metadata::{self, Mode};
use super::state::{Changes, State};
use super::{ApiVersion, Engine, Json, json};
use super::{body, passwords};
use crate::error::ApiResult;
use crate::model::{DeletedObject, User, users_json};
use update::{UpdateUser, apply_update};

pub use create::CreateUser;
pub(in crate::engine) use create::create;

#[derive(Debug, Deserialize)]
struct UserIds {
    user_ids: Vec<String>,
}

/// Saves a changed user, answering with it (rendered before it moves into the state, which
/// saves looking it up again).
fn save(st: &mut State, ch: &mut Changes, user: User) -> Json {
    let body = user.json(st.user_context());
    st.save_user(ch, user);
    body
}

impl Engine {
    pub fn create_user(&self, mut input: CreateUser) -> ApiResult<Json> {
        // Hashing is the slow part of a create with a password: done before the lock.
        input.password_hash = input.password.as_deref().map(passwords::hash_clear);
        self.write(|st, ch| {
            let id = create(st, ch, input, super::now_ms())?;
            Ok(st.users[&id].json(st.user_context()))
        })
    }

    pub fn get_user(&self, id: &str) -> ApiResult<Json> {
        self.read(|st| st.get_user(id).map(|u| u.json(st.user_context())))
    }

    pub fn update_user(
        &self,
        id: &str,
        body: Option<Value>,
        version: ApiVersion,
    ) -> ApiResult<Json> {
        let spec = if version.update_takes_metadata() {
            &body::UPDATE_USER_LEGACY
        } else {
            &body::UPDATE_USER
        };
        let mut input: UpdateUser =
            body::parse(spec, body).map_err(|e| metadata::hint_moved(e, "users/{user_id}"))?;
        if let body::Patch::Value(password) = &input.password {
            input.password_hash = Some(passwords::hash_clear(password));
        }
        self.write(|st, ch| {
            let user = st.get_user(id)?.clone();
            let user = apply_update(st, user, input, super::now_ms())?;
            Ok(save(st, ch, user))
        })
    }

    pub fn update_user_metadata(
        &self,
        id: &str,
        body: Option<Value>,
        mode: Mode,
    ) -> ApiResult<Json> {
        let spec = match mode {
            Mode::Merge => &body::UPDATE_USER_METADATA,
            Mode::Replace => &body::REPLACE_USER_METADATA,
        };
        let input = metadata::read_body(spec, body, mode)?;
        self.write(|st, ch| {
            let mut user = st.get_user(id)?.clone();
            input.apply(mode, &mut user, super::now_ms())?;
            Ok(save(st, ch, user))
        })
    }

    pub fn delete_user(&self, id: &str) -> ApiResult<Json> {
        self.write(|st, ch| {
            st.get_user(id)?;
            let user = st.delete_user(ch, id).expect("checked above");
            Ok(json(&DeletedObject {
                object: "user",
                id: user.id,
                slug: None,
                external_id: user.external_id,
                deleted: true,
            }))
        })
    }

    /// `ban`, `unban`, `lock`, `unlock` on one user.
    pub fn set_user_flag(&self, id: &str, flag: UserFlag, on: bool) -> ApiResult<Json> {
        self.write(|st, ch| {
            let mut user = st.get_user(id)?.clone();
            let now = super::now_ms();
            let lockout_end = st.lockout_end(now);
            flag.set(&mut user, on, now, lockout_end);
            Ok(save(st, ch, user))
        })
    }

    /// `POST /users/ban` and `/users/unban`: IDs that name no user are skipped, and a repeated
    /// ID counts once.
    pub fn set_users_banned(&self, body: Option<Value>, on: bool) -> ApiResult<Json> {
        let spec = if on {
            &body::USERS_BAN
        } else {
            &body::USERS_UNBAN
        };
        let input: UserIds = body::parse(spec, body)?;
        self.write(|st, ch| {
            let now = super::now_ms();
            let mut done = Vec::new();
            for id in &input.user_ids {
                if done.contains(id) {
                    continue;
                }
                if let Some(user) = st.user(id) {
                    let mut user = user.clone();
                    UserFlag::Banned.set(&mut user, on, now, None);
                    done.push(user.id.clone());
                    st.save_user(ch, user);
                }
            }
            Ok(users_json(
                done.iter().map(|id| &*st.users[id]),
                st.user_context(),
            ))
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub enum UserFlag {
    Banned,
    Locked,
}

impl UserFlag {
    /// `lockout_end`: when a lock lifts, under the instance's lockout policy.
    fn set(self, user: &mut User, on: bool, now: i64, lockout_end: Option<i64>) {
        match self {
            UserFlag::Banned => user.banned = on,
            UserFlag::Locked => user.set_locked(on, lockout_end),
        }
        user.updated_at = now;
    }
}
