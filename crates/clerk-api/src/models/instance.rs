use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The instance a secret key belongs to (`GET /instance`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Instance {
    /// The instance's ID (`ins_...`).
    pub id: String,
    /// `development` or `production`.
    #[serde(default)]
    pub environment_type: String,
    /// The origins allowed to call its Frontend API, if any are set.
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    /// The workspace that owns the instance's application, if any.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Every other field Clerk sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
