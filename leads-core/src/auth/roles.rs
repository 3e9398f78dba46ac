//! Roles and permissions in a workspace (DESIGN §6): the one place that decides what a member
//! may do and which leads they see. Stores call it; SupabaseStore's Row Level Security is
//! written from the same table (`supabase/migrations`, `leads_access`).

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::model::Lead;
use crate::query::LeadQuery;

/// A member's role in a workspace. The workspace's own user is its `Owner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The workspace's user: everything.
    Owner,
    /// Everything but removing or demoting the owner.
    Admin,
    /// The leads of their teams (or all, without teams): edit, delete, import; salespeople.
    Manager,
    /// The leads assigned to their salesperson: read, edit (not reassign), export.
    Rep,
    /// Every lead, read only.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [Role::Owner, Role::Admin, Role::Manager, Role::Rep, Role::Viewer];

    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Viewer => "viewer",
        }
    }

    /// A role by its name.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (`role`) for another name.
    pub fn parse(text: &str) -> Result<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == text).ok_or_else(|| {
            ErrorKind::InvalidOption {
                option: "role".into(),
                message: format!("{text:?} is not one of owner, admin, manager, rep, viewer"),
            }
            .into()
        })
    }
}

/// What an operation needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// List, get and export leads (within the scope).
    ReadLeads,
    /// Change a lead's fields (PATCH).
    EditLeads,
    /// Change a lead's salesperson.
    Reassign,
    /// Delete leads, one or in bulk; bulk updates.
    DeleteLeads,
    /// Import, dry-run, list and revert imports.
    Import,
    /// Add, rename and deactivate salespeople; teams.
    ManageSalespeople,
    /// Add, change and remove members.
    ManageMembers,
}

impl Permission {
    /// The snake_case name (what a `forbidden` error names).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadLeads => "read_leads",
            Permission::EditLeads => "edit_leads",
            Permission::Reassign => "reassign",
            Permission::DeleteLeads => "delete_leads",
            Permission::Import => "import",
            Permission::ManageSalespeople => "manage_salespeople",
            Permission::ManageMembers => "manage_members",
        }
    }
}

/// Which leads a member sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every lead of the workspace.
    All,
    /// Only leads assigned to one of these salespeople (compared case-insensitively); none
    /// when empty (a rep without a linked salesperson, a manager whose teams have none).
    Salespeople(Vec<String>),
}

/// A member's role and scope in one workspace, looked up for each request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// Their role.
    pub role: Role,
    /// The leads they see.
    pub scope: Scope,
}

impl Access {
    /// The owner's access: everything.
    #[must_use]
    pub fn owner() -> Self {
        Access { role: Role::Owner, scope: Scope::All }
    }

    /// The access of a member with `role`, linked to the salesperson named `salesperson` and in
    /// teams whose salespeople are `team_salespeople` (`None` when they are in no team).
    #[must_use]
    pub fn of(role: Role, salesperson: Option<String>, team_salespeople: Option<Vec<String>>) -> Self {
        let scope = match role {
            Role::Owner | Role::Admin | Role::Viewer => Scope::All,
            Role::Manager => team_salespeople.map_or(Scope::All, Scope::Salespeople),
            Role::Rep => Scope::Salespeople(salesperson.into_iter().collect()),
        };
        Access { role, scope }
    }

    /// Whether the role table gives `permission` to this role.
    #[must_use]
    pub fn allows(&self, permission: Permission) -> bool {
        use Permission as P;
        match self.role {
            Role::Owner | Role::Admin => true,
            Role::Manager => permission != P::ManageMembers,
            Role::Rep => matches!(permission, P::ReadLeads | P::EditLeads),
            Role::Viewer => permission == P::ReadLeads,
        }
    }

    /// Refuses what the role may not do.
    ///
    /// # Errors
    /// [`ErrorKind::Forbidden`] naming the permission.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.allows(permission) {
            Ok(())
        } else {
            Err(ErrorKind::Forbidden {
                permission: permission.as_str().into(),
                role: self.role.as_str().into(),
            }
            .into())
        }
    }

    /// Whether `lead` is one this member sees.
    #[must_use]
    pub fn sees(&self, lead: &Lead) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Salespeople(names) => lead
                .salesperson
                .as_deref()
                .is_some_and(|s| names.iter().any(|n| crate::query::filter::eq_ci(n, s))),
        }
    }

    /// `query` narrowed to this member's scope: their salespeople as its salesperson filter
    /// (intersected with the query's own), or, when none of them can match, a query no lead
    /// matches (created before the year 1). Every store answers the narrowed query as it answers
    /// any query, so a member's page costs what the owner's query filtered by those salespeople
    /// costs, and a cursor of the narrowed query continues it.
    #[must_use]
    pub fn narrow(&self, query: &LeadQuery) -> LeadQuery {
        let Scope::Salespeople(names) = &self.scope else { return query.clone() };
        let mut narrowed = query.clone();
        narrowed.unassigned = false;
        narrowed.salesperson = if query.salesperson.is_empty() && !query.unassigned {
            names.clone()
        } else {
            names
                .iter()
                .filter(|n| query.salesperson.iter().any(|s| crate::query::filter::eq_ci(s, n)))
                .cloned()
                .collect()
        };
        if narrowed.salesperson.is_empty() {
            narrowed.created_after = None;
            narrowed.created_before = Some(NOTHING_BEFORE);
        }
        narrowed
    }
}

/// 0001-01-01T00:00:00Z: no lead is created before it.
const NOTHING_BEFORE: crate::model::Timestamp = crate::model::Timestamp::from_micros(-62_135_596_800_000_000);

#[cfg(test)]
mod tests {
    use super::*;

    /// The role table of DESIGN §6, row by row.
    #[test]
    fn the_role_table() {
        use Permission as P;
        let rows: [(P, [bool; 5]); 7] = [
            (P::ReadLeads, [true, true, true, true, true]),
            (P::EditLeads, [true, true, true, true, false]),
            (P::Reassign, [true, true, true, false, false]),
            (P::DeleteLeads, [true, true, true, false, false]),
            (P::Import, [true, true, true, false, false]),
            (P::ManageSalespeople, [true, true, true, false, false]),
            (P::ManageMembers, [true, true, false, false, false]),
        ];
        for (permission, allowed) in rows {
            for (role, want) in Role::ALL.into_iter().zip(allowed) {
                let access = Access::of(role, None, None);
                assert_eq!(access.allows(permission), want, "{role:?} {permission:?}");
                let err = access.require(permission).err().map(|e| e.code());
                assert_eq!(err, (!want).then_some("forbidden"));
            }
        }
    }

    #[test]
    fn scopes_narrow_queries() {
        let rep = Access::of(Role::Rep, Some("Dana".into()), None);
        let q: LeadQuery = "status=open".parse().unwrap();
        assert_eq!(rep.narrow(&q).to_string(), "status=open&salesperson=Dana");
        let nothing = "status=open&created_before=0001-01-01T00:00:00.000000Z";
        let other: LeadQuery = "salesperson=fox".parse().unwrap();
        assert_eq!(rep.narrow(&other).to_string(), "created_before=0001-01-01T00:00:00.000000Z");
        let mine: LeadQuery = "salesperson=DANA,fox".parse().unwrap();
        assert_eq!(rep.narrow(&mine).salesperson, ["Dana"]);
        assert_eq!(
            rep.narrow(&"salesperson=unassigned".parse().unwrap()).created_before,
            Some(NOTHING_BEFORE)
        );
        let unlinked = Access::of(Role::Rep, None, None);
        assert_eq!(unlinked.narrow(&q).to_string(), nothing);
        let manager = Access::of(Role::Manager, None, None);
        assert_eq!(manager.narrow(&q), q, "a manager without teams sees all");
        let teams = Access::of(Role::Manager, None, Some(vec!["Dana".into(), "Fox".into()]));
        assert_eq!(teams.narrow(&q).salesperson, ["Dana", "Fox"]);
        let lead = |s: Option<&str>| Lead {
            lead_id: "L".into(),
            lead_name: "N".into(),
            contact_information: "a@b.co".into(),
            source: "S".into(),
            interest_level: crate::model::InterestLevel::Low,
            status: "Open".into(),
            salesperson: s.map(str::to_owned),
        };
        assert!(rep.sees(&lead(Some("dana"))) && !rep.sees(&lead(Some("Fox"))) && !rep.sees(&lead(None)));
        assert!(Access::owner().sees(&lead(None)));
    }
}
