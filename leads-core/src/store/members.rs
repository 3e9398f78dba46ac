//! Members and teams of a workspace (DESIGN §6): what stores keep, and the checks every store
//! makes before keeping it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Role;
use crate::error::{ErrorKind, Result};
use crate::store::Salesperson;

/// A member of a workspace: another registered user, with one role there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's user.
    pub user_uuid: Uuid,
    /// Their username.
    pub username: String,
    /// Their role in the workspace (never `owner`: the owner is the workspace's user).
    pub role: Role,
    /// The salesperson who is this member (a rep sees that salesperson's leads).
    pub salesperson_id: Option<Uuid>,
    /// The teams they lead (a manager in teams sees those teams' leads).
    pub team_ids: Vec<Uuid>,
}

/// A workspace a user works in (DESIGN §6): its owner's uuid and username, and the user's
/// role there (`owner` for their own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// The workspace's id: its owner's user uuid (`"Leads".user_uuid`).
    pub uuid: Uuid,
    /// Its owner's username, the `/<username>` of the REST routes.
    pub username: String,
    /// The user's role in it.
    pub role: Role,
}

/// A salesperson's id, name and team, without counting their leads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalespersonName {
    /// The store's id.
    pub id: Uuid,
    /// The name leads carry.
    pub name: String,
    /// Their team.
    pub team_id: Option<Uuid>,
}

/// A group of salespeople; a salesperson is in at most one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// The store's id.
    pub id: Uuid,
    /// Its name (unique in the workspace, case-insensitively).
    pub name: String,
}

/// Changes to a member; absent fields stay.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    /// A new role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `Some(None)` unlinks their salesperson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salesperson_id: Option<Option<Uuid>>,
    /// Their teams, replacing the old list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_ids: Option<Vec<Uuid>>,
}

impl MemberChange {
    /// `member` with the change applied, checked against the workspace's salespeople and teams.
    ///
    /// # Errors
    /// As [`check_member`].
    pub fn apply(&self, member: &Member, salespeople: &[Salesperson], teams: &[Team]) -> Result<Member> {
        let mut out = member.clone();
        if let Some(role) = self.role {
            out.role = role;
        }
        if let Some(link) = self.salesperson_id {
            out.salesperson_id = link;
        }
        if let Some(teams) = &self.team_ids {
            out.team_ids.clone_from(teams);
        }
        check_member(&out, salespeople, teams)?;
        Ok(out)
    }
}

/// A member as a store may keep it: not an owner, their salesperson and teams those of the
/// workspace, each team once.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] for the role `owner`; [`ErrorKind::NotFound`] for a salesperson
/// or team the workspace does not have.
pub(crate) fn check_member(member: &Member, salespeople: &[Salesperson], teams: &[Team]) -> Result<()> {
    if member.role == Role::Owner {
        return Err(ErrorKind::InvalidOption {
            option: "role".into(),
            message: "a workspace has one owner, its own user; members are admin, manager, rep or viewer"
                .into(),
        }
        .into());
    }
    if let Some(id) = member.salesperson_id
        && !salespeople.iter().any(|s| s.id == id)
    {
        return Err(ErrorKind::NotFound { what: "salesperson", id: id.to_string() }.into());
    }
    for (i, id) in member.team_ids.iter().enumerate() {
        if !teams.iter().any(|t| t.id == *id) {
            return Err(ErrorKind::NotFound { what: "team", id: id.to_string() }.into());
        }
        if member.team_ids[..i].contains(id) {
            return Err(ErrorKind::InvalidOption {
                option: "team_ids".into(),
                message: format!("team {id} is listed twice"),
            }
            .into());
        }
    }
    Ok(())
}

/// Checks a team name: 1 to 128 characters once trimmed; returns it trimmed.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] (`name`).
pub(crate) fn team_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(ErrorKind::InvalidOption {
            option: "name".into(),
            message: "a team name is 1 to 128 characters, no control characters".into(),
        }
        .into());
    }
    Ok(name.to_owned())
}
