package dev.skyledger.processors.identity;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.identity.*;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.identity.IdentityState.Credential;
import java.util.Optional;

/**
 * Decisions about what users hold to act: credentials (a user's own, or any for an admin; the blob
 * arrives sealed), trusts (delegation of roles from a trustor to a trustee), and the policy
 * documents Keystone stores for others to enforce (admin only).
 */
final class CredentialDecisions {
  private CredentialDecisions() {}

  static Decision create(CreateCredential c, Actor actor, IdentityState s) {
    Decision denied = ownerOrAdmin(c.getUserId(), actor, s);
    if (denied != null) return denied;
    if (s.credential(c.getCredentialId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store credential - Duplicate ID, " + c.getCredentialId() + ".");
    }
    Decision missing = targets(c.getUserId(), c.getProjectId(), s);
    if (missing != null) return missing;
    return Decision.accept(c.getCredentialId(), new CredentialCreated(c.getCredentialId(), c.getUserId(),
        c.getProjectId(), c.getType(), c.getSealedBlob()));
  }

  static Decision update(UpdateCredential c, Actor actor, IdentityState s) {
    Optional<Credential> found = s.credential(c.getCredentialId());
    if (found.isEmpty()) return notFound(c.getCredentialId());
    Credential old = found.get();
    Decision denied = ownerOrAdmin(old.userId(), actor, s);
    if (denied != null) return denied;
    String user = c.getUserId() != null ? c.getUserId() : old.userId();
    String project = c.getProjectId() != null ? c.getProjectId() : old.projectId();
    if (!user.equals(old.userId()) && !IdentityDecider.isAdmin(actor, s)) {
      return Decision.forbidden("Only an admin gives a credential to another user.");
    }
    Decision missing = targets(user, project, s);
    if (missing != null) return missing;
    if (c.getSealedBlob() == null) {
      return Decision.badRequest("Invalid input for field 'credential.blob': an update carries the whole blob.");
    }
    return Decision.accept(old.id(), new CredentialUpdated(old.id(), user, project,
        c.getType() != null ? c.getType() : old.type(), c.getSealedBlob()));
  }

  static Decision delete(DeleteCredential c, Actor actor, IdentityState s) {
    Optional<Credential> found = s.credential(c.getCredentialId());
    if (found.isEmpty()) return notFound(c.getCredentialId());
    Decision denied = ownerOrAdmin(found.get().userId(), actor, s);
    if (denied != null) return denied;
    return Decision.accept(c.getCredentialId(), new CredentialDeleted(c.getCredentialId()));
  }

  /** The trustor makes it, delegating roles they hold on the project now, to a user that exists. */
  static Decision createTrust(CreateTrust c, Actor actor, IdentityState s) {
    if (!c.getTrustorUserId().equals(actor.getUserId())) {
      return Decision.forbidden("The authenticated user should match the trustor.");
    }
    if (s.trust(c.getTrustId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store trust - Duplicate ID, " + c.getTrustId() + ".");
    }
    if (s.user(c.getTrusteeUserId()).isEmpty()) {
      return Decision.notFound("Could not find user: " + c.getTrusteeUserId() + ".");
    }
    if (c.getProjectId() == null) {
      if (!c.getRoleIds().isEmpty()) return Decision.badRequest("A trust with roles names a project.");
    } else {
      if (s.project(c.getProjectId()).isEmpty()) return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
      var held = s.effectiveRoles(c.getTrustorUserId(), c.getProjectId());
      for (String role : c.getRoleIds()) {
        if (!held.contains(role)) return Decision.forbidden("The trustor does not hold role " + role + " on the project.");
      }
    }
    return Decision.accept(c.getTrustId(), new TrustCreated(c.getTrustId(), c.getTrustorUserId(), c.getTrusteeUserId(),
        c.getProjectId(), c.getRoleIds(), c.getImpersonation(), c.getExpiresAt()));
  }

  static Decision deleteTrust(DeleteTrust c, Actor actor, IdentityState s) {
    var found = s.trust(c.getTrustId());
    if (found.isEmpty()) return Decision.notFound("Could not find trust: " + c.getTrustId() + ".");
    if (!found.get().trustorUserId().equals(actor.getUserId()) && !IdentityDecider.isAdmin(actor, s)) {
      return Decision.forbidden("Only the trustor or an admin ends a trust.");
    }
    return Decision.accept(c.getTrustId(), new TrustDeleted(c.getTrustId()));
  }

  static Decision createPolicy(CreatePolicy c, IdentityState s) {
    if (s.policy(c.getPolicyId())) {
      return Decision.conflict("Conflict occurred attempting to store policy - Duplicate ID, " + c.getPolicyId() + ".");
    }
    return Decision.accept(c.getPolicyId(), new PolicyCreated(c.getPolicyId(), c.getType(), c.getBlob()));
  }

  /** The API sends the whole new document (it read the old one): a policy is not decided on, only kept. */
  static Decision updatePolicy(UpdatePolicy c, IdentityState s) {
    if (!s.policy(c.getPolicyId())) return Decision.notFound("Could not find policy: " + c.getPolicyId() + ".");
    if (c.getType() == null || c.getBlob() == null) {
      return Decision.badRequest("Invalid input for field 'policy': an update carries the type and the blob.");
    }
    return Decision.accept(c.getPolicyId(), new PolicyUpdated(c.getPolicyId(), c.getType(), c.getBlob()));
  }

  static Decision deletePolicy(DeletePolicy c, IdentityState s) {
    if (!s.policy(c.getPolicyId())) return Decision.notFound("Could not find policy: " + c.getPolicyId() + ".");
    return Decision.accept(c.getPolicyId(), new PolicyDeleted(c.getPolicyId()));
  }

  private static Decision ownerOrAdmin(String userId, Actor actor, IdentityState s) {
    if (userId.equals(actor.getUserId()) || IdentityDecider.isAdmin(actor, s)) return null;
    return Decision.forbidden("You are not authorized to perform the requested action: identity:credential.");
  }

  private static Decision targets(String userId, String projectId, IdentityState s) {
    if (s.user(userId).isEmpty()) return Decision.notFound("Could not find user: " + userId + ".");
    if (projectId != null && s.project(projectId).isEmpty()) {
      return Decision.notFound("Could not find project: " + projectId + ".");
    }
    return null;
  }

  private static Decision notFound(String id) {
    return Decision.notFound("Could not find credential: " + id + ".");
  }
}
