//! One handler per Backend API operation; each decodes the request and calls the engine.

use axum::Router;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::routing::{get, post};

use super::{Answer, App, JsonBody, Reply, query_pairs};
use crate::engine::ApiVersion;
use crate::engine::metadata::Mode;
use crate::engine::users::UserFlag;

fn answer(r: crate::error::ApiResult<Vec<u8>>) -> Reply {
    r.map(Answer).map_err(Into::into)
}

fn pairs(q: &Option<String>) -> Vec<(String, String)> {
    query_pairs(q.as_deref())
}

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/v1/users", get(list_users).post(create_user))
        .route("/v1/users/count", get(count_users))
        .route("/v1/users/ban", post(ban_users))
        .route("/v1/users/unban", post(unban_users))
        .route(
            "/v1/users/{user_id}",
            get(get_user).patch(update_user).delete(delete_user),
        )
        .route(
            "/v1/users/{user_id}/metadata",
            axum::routing::patch(merge_user_metadata).put(replace_user_metadata),
        )
        .route("/v1/users/{user_id}/ban", post(ban_user))
        .route("/v1/users/{user_id}/unban", post(unban_user))
        .route("/v1/users/{user_id}/lock", post(lock_user))
        .route("/v1/users/{user_id}/unlock", post(unlock_user))
        .route("/v1/users/{user_id}/verify_password", post(verify_password))
        .route(
            "/v1/users/{user_id}/organization_memberships",
            get(user_memberships),
        )
        .route(
            "/v1/users/{user_id}/organization_invitations",
            get(user_org_invitations),
        )
        .route("/v1/organizations", get(list_orgs).post(create_org))
        .route(
            "/v1/organizations/{org_id}",
            get(get_org).patch(update_org).delete(delete_org),
        )
        .route(
            "/v1/organizations/{org_id}/metadata",
            axum::routing::patch(merge_org_metadata).put(replace_org_metadata),
        )
        .route(
            "/v1/organizations/{org_id}/memberships",
            get(list_memberships).post(create_membership),
        )
        .route(
            "/v1/organizations/{org_id}/memberships/{user_id}",
            axum::routing::patch(update_membership).delete(delete_membership),
        )
        .route(
            "/v1/organizations/{org_id}/memberships/{user_id}/metadata",
            axum::routing::patch(update_membership_metadata),
        )
        .route("/v1/organization_memberships", get(list_all_memberships))
        .route(
            "/v1/organizations/{org_id}/invitations",
            get(list_org_invitations).post(create_org_invitation),
        )
        .route(
            "/v1/organizations/{org_id}/invitations/bulk",
            post(create_org_invitations_bulk),
        )
        .route(
            "/v1/organizations/{org_id}/invitations/pending",
            get(list_pending_org_invitations),
        )
        .route(
            "/v1/organizations/{org_id}/invitations/{invitation_id}",
            get(get_org_invitation),
        )
        .route(
            "/v1/organizations/{org_id}/invitations/{invitation_id}/revoke",
            post(revoke_org_invitation),
        )
        .route(
            "/v1/organization_invitations",
            get(list_all_org_invitations),
        )
        .route(
            "/v1/invitations",
            get(list_invitations).post(create_invitation),
        )
        .route("/v1/invitations/bulk", post(create_invitations_bulk))
        .route(
            "/v1/invitations/{invitation_id}",
            axum::routing::delete(delete_invitation),
        )
        .route(
            "/v1/invitations/{invitation_id}/revoke",
            post(revoke_invitation),
        )
}

// ---- users -------------------------------------------------------------------------------------

async fn list_users(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_users(&pairs(&q)))
}

async fn count_users(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.count_users(&pairs(&q)))
}

async fn create_user(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    let input = crate::engine::body::parse(&crate::engine::body::CREATE_USER, body)?;
    answer(app.engine.create_user(input))
}

async fn get_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.get_user(&id))
}

async fn update_user(
    State(app): State<App>,
    Extension(version): Extension<ApiVersion>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_user(&id, body, version))
}

async fn delete_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.delete_user(&id))
}

async fn merge_user_metadata(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_user_metadata(&id, body, Mode::Merge))
}

async fn replace_user_metadata(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_user_metadata(&id, body, Mode::Replace))
}

async fn ban_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.set_user_flag(&id, UserFlag::Banned, true))
}

async fn unban_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.set_user_flag(&id, UserFlag::Banned, false))
}

async fn lock_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.set_user_flag(&id, UserFlag::Locked, true))
}

async fn unlock_user(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.set_user_flag(&id, UserFlag::Locked, false))
}

/// Verifying is CPU work that may take a while (a bcrypt cost of 12 takes a quarter of a second):
/// it runs on the blocking pool, not on the threads that serve requests.
async fn verify_password(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    let engine = app.engine.clone();
    let answered = tokio::task::spawn_blocking(move || engine.verify_password(&id, body))
        .await
        .map_err(crate::error::ApiError::internal)?;
    answer(answered)
}

async fn ban_users(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.set_users_banned(body, true))
}

async fn unban_users(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.set_users_banned(body, false))
}

async fn user_memberships(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Reply {
    answer(app.engine.list_user_memberships(&id, &pairs(&q)))
}

async fn user_org_invitations(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Reply {
    answer(app.engine.list_user_org_invitations(&id, &pairs(&q)))
}

// ---- organizations -----------------------------------------------------------------------------

async fn list_orgs(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_organizations(&pairs(&q)))
}

async fn create_org(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    let input = crate::engine::body::parse(&crate::engine::body::CREATE_ORGANIZATION, body)?;
    answer(app.engine.create_organization(input))
}

async fn get_org(State(app): State<App>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.get_organization(&id, &pairs(&q)))
}

async fn update_org(
    State(app): State<App>,
    Extension(version): Extension<ApiVersion>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_organization(&id, body, version))
}

async fn delete_org(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.delete_organization(&id))
}

async fn merge_org_metadata(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(
        app.engine
            .update_organization_metadata(&id, body, Mode::Merge),
    )
}

async fn replace_org_metadata(
    State(app): State<App>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(
        app.engine
            .update_organization_metadata(&id, body, Mode::Replace),
    )
}

// ---- memberships -------------------------------------------------------------------------------

async fn list_memberships(
    State(app): State<App>,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> Reply {
    answer(app.engine.list_memberships(&org, &pairs(&q)))
}

async fn create_membership(
    State(app): State<App>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.create_membership(&org, body))
}

async fn update_membership(
    State(app): State<App>,
    Path((org, user)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_membership(&org, &user, body))
}

async fn update_membership_metadata(
    State(app): State<App>,
    Path((org, user)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.update_membership_metadata(&org, &user, body))
}

async fn delete_membership(
    State(app): State<App>,
    Path((org, user)): Path<(String, String)>,
) -> Reply {
    answer(app.engine.delete_membership(&org, &user))
}

async fn list_all_memberships(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_all_memberships(&pairs(&q)))
}

// ---- invitations -------------------------------------------------------------------------------

async fn list_org_invitations(
    State(app): State<App>,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> Reply {
    answer(app.engine.list_org_invitations(&org, &pairs(&q)))
}

async fn create_org_invitation(
    State(app): State<App>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.create_org_invitation(&org, body))
}

async fn create_org_invitations_bulk(
    State(app): State<App>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.create_org_invitations_bulk(&org, body))
}

async fn list_pending_org_invitations(
    State(app): State<App>,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> Reply {
    answer(app.engine.list_pending_org_invitations(&org, &pairs(&q)))
}

async fn get_org_invitation(
    State(app): State<App>,
    Path((org, id)): Path<(String, String)>,
) -> Reply {
    answer(app.engine.get_org_invitation(&org, &id))
}

async fn revoke_org_invitation(
    State(app): State<App>,
    Path((org, id)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Reply {
    answer(app.engine.revoke_org_invitation(&org, &id, body))
}

async fn list_all_org_invitations(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_all_org_invitations(&pairs(&q)))
}

async fn list_invitations(State(app): State<App>, RawQuery(q): RawQuery) -> Reply {
    answer(app.engine.list_invitations(&pairs(&q)))
}

async fn create_invitation(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.create_invitation(body))
}

async fn create_invitations_bulk(State(app): State<App>, JsonBody(body): JsonBody) -> Reply {
    answer(app.engine.create_invitations_bulk(body))
}

async fn revoke_invitation(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.revoke_invitation(&id))
}

async fn delete_invitation(State(app): State<App>, Path(id): Path<String>) -> Reply {
    answer(app.engine.delete_invitation(&id))
}
