package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.RevokeToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.Role;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.auth.TokenCodec;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.Grant;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /v3/auth/tokens} (password and token methods, project-scoped or unscoped) and
 * {@code DELETE /v3/auth/tokens} (revocation). Tokens are signed here and validated offline
 * everywhere else.
 */
final class AuthController {
  private static final String AUTH_FAILED = PasswordCheck.AUTH_FAILED;

  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final TokenCodec tokens;
  private final Authenticator authenticator;
  private final PasswordCheck passwords;
  private final IdentityCommands commands;
  private final Duration lifetime;
  private final PasswordHasher hasher;

  AuthController(IdentityDirectory directory, IdentityJson render, TokenCodec tokens, Authenticator authenticator,
                 PasswordCheck passwords, IdentityCommands commands, Duration lifetime, PasswordHasher hasher) {
    this.hasher = hasher;
    this.directory = directory;
    this.render = render;
    this.tokens = tokens;
    this.authenticator = authenticator;
    this.passwords = passwords;
    this.commands = commands;
    this.lifetime = lifetime;
  }

  void issue(Context ctx) {
    JsonBody auth = JsonBody.of(ctx, render.mapper()).object("auth");
    JsonBody identity = auth.object("identity");
    List<String> methods = identity.stringList("methods");
    if (methods.isEmpty()) throw ApiException.badRequest("Invalid input for field 'auth.identity.methods': expected a non-empty list.");
    // a token carries its times in milliseconds: the response must say what the token says
    Instant now = commands.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    IdentityDirectory.User user;
    Instant expiresAt = now.plus(lifetime);
    TokenClaims previous = null;
    if (methods.contains("password")) {
      user = passwordUser(identity.object("password").object("user"), HttpSetup.requestId(ctx), now);
    } else if (methods.contains("application_credential")) {
      issueForAppCredential(ctx, identity.object("application_credential"), now, methods);
      return;
    } else if (methods.contains("token")) {
      String token = identity.object("token").string("id");
      previous = authenticator.validate(token).orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
      user = directory.user(previous.userId()).filter(IdentityDirectory.User::enabled)
          .orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
      expiresAt = previous.expiresAt();
    } else {
      throw ApiException.unauthorized("Unsupported authentication method: " + String.join(", ", methods) + ".");
    }
    if (directory.domain(user.domainId()).filter(IdentityDirectory.Domain::enabled).isEmpty()) {
      throw ApiException.unauthorized(AUTH_FAILED);
    }
    Scope scope = scope(auth, user);
    List<Role> roles = new ArrayList<>();
    if (scope.trust() != null) {
      // the roles delegated that the trustor still holds; the token acts as the trustor when it impersonates
      IdentityDirectory.Trust trust = scope.trust();
      for (IdentityDirectory.Role r : directory.effectiveRoles(trust.trustorUserId(), scope.kind(), scope.id())) {
        if (trust.roleIds().contains(r.id())) roles.add(new Role(r.id(), r.name()));
      }
      if (roles.size() < trust.roleIds().size()) {
        throw ApiException.unauthorized("The trustor no longer holds every role the trust delegates.");
      }
      if (trust.impersonation()) {
        user = directory.user(trust.trustorUserId()).filter(IdentityDirectory.User::enabled)
            .orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
      }
      if (trust.expiresAt() != null && trust.expiresAt().isBefore(expiresAt)) {
        expiresAt = trust.expiresAt().truncatedTo(ChronoUnit.MILLIS);
      }
    } else if (scope.kind() != null) {
      for (IdentityDirectory.Role r : directory.effectiveRoles(user.id(), scope.kind(), scope.id())) {
        roles.add(new Role(r.id(), r.name()));
      }
      if (roles.isEmpty()) {
        throw ApiException.unauthorized("User " + user.id() + " has no access to " + scope.kind() + " " + scope.id() + ".");
      }
    }
    Optional<IdentityDirectory.Project> project = scope.project();
    List<String> allMethods = new ArrayList<>(previous != null ? previous.methods() : List.of());
    for (String m : methods) if (!allMethods.contains(m)) allMethods.add(m);
    TokenClaims claims = new TokenClaims(UUID.randomUUID().toString().replace("-", "").substring(0, 22),
        user.id(), user.name(), user.domainId(),
        project.map(IdentityDirectory.Project::id).orElse(null),
        project.map(IdentityDirectory.Project::name).orElse(null),
        project.map(IdentityDirectory.Project::domainId).orElse(null),
        List.copyOf(roles), List.copyOf(allMethods), now, expiresAt,
        scope.domain().map(IdentityDirectory.Domain::id).orElse(null),
        scope.domain().map(IdentityDirectory.Domain::name).orElse(null),
        Grant.SYSTEM.equals(scope.kind()), scope.trust() == null ? null : new TokenClaims.TrustScope(scope.trust().id(),
            scope.trust().trustorUserId(), scope.trust().trusteeUserId(), scope.trust().impersonation()));
    String token = tokens.sign(claims);
    ctx.status(201);
    ctx.header("X-Subject-Token", token);
    ctx.contentType("application/json");
    ctx.result(render.token(claims, ctx.queryParam("nocatalog") == null ? render.catalog(directory, claims.projectId())
        : null, directory::domainName).toString());
  }

  /**
   * A token from an application credential: scoped to its project, with those of its roles the user
   * still holds there; never beyond its expiry.
   */
  private void issueForAppCredential(Context ctx, JsonBody spec, Instant now, List<String> methods) {
    String secret = spec.string("secret");
    Optional<IdentityDirectory.AppCredential> found;
    Optional<String> id = spec.optionalString("id");
    if (id.isPresent()) {
      found = directory.appCredential(id.get());
    } else {
      JsonBody owner = spec.object("user");
      Optional<IdentityDirectory.User> user = owner.optionalString("id").flatMap(directory::user)
          .or(() -> directory.userByName(domain(owner.optionalObject("domain").orElseThrow(() ->
              ApiException.badRequest("Missing required field 'auth.identity.application_credential.user.domain'.")))
              .id(), owner.string("name")));
      found = user.flatMap(u -> directory.appCredentialByName(u.id(), spec.string("name")));
    }
    IdentityDirectory.AppCredential credential = found.filter(c -> hasher.matches(secret, c.secretHash()))
        .filter(c -> c.expiresAt() == null || c.expiresAt().isAfter(now))
        .orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
    IdentityDirectory.User user = directory.user(credential.userId()).filter(IdentityDirectory.User::enabled)
        .filter(u -> domainEnabled(u.domainId())).orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
    IdentityDirectory.Project project = directory.project(credential.projectId())
        .filter(p -> p.enabled() && domainEnabled(p.domainId()))
        .orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
    List<Role> roles = new ArrayList<>();
    for (IdentityDirectory.Role r : directory.rolesOf(user.id(), project.id())) {
      if (credential.roleIds().contains(r.id())) roles.add(new Role(r.id(), r.name()));
    }
    if (roles.isEmpty()) throw ApiException.unauthorized(AUTH_FAILED);
    Instant expiresAt = now.plus(lifetime);
    if (credential.expiresAt() != null && credential.expiresAt().isBefore(expiresAt)) {
      expiresAt = credential.expiresAt().truncatedTo(ChronoUnit.MILLIS);
    }
    TokenClaims claims = new TokenClaims(UUID.randomUUID().toString().replace("-", "").substring(0, 22),
        user.id(), user.name(), user.domainId(), project.id(), project.name(), project.domainId(), List.copyOf(roles),
        List.copyOf(methods), now, expiresAt);
    ctx.status(201);
    ctx.header("X-Subject-Token", tokens.sign(claims));
    ctx.contentType("application/json");
    ObjectNode body = render.token(claims, ctx.queryParam("nocatalog") == null
        ? render.catalog(directory, claims.projectId()) : null, directory::domainName);
    ((ObjectNode) body.get("token")).putObject("application_credential").put("id", credential.id())
        .put("name", credential.name()).put("restricted", !credential.unrestricted());
    ctx.result(body.toString());
  }

  private IdentityDirectory.User passwordUser(JsonBody spec, String requestId, Instant now) {
    String password = spec.string("password");
    Optional<IdentityDirectory.User> user;
    Optional<String> id = spec.optionalString("id");
    if (id.isPresent()) {
      user = directory.user(id.get());
    } else {
      String name = spec.string("name");
      user = directory.userByName(domain(spec.optionalObject("domain")
          .orElseThrow(() -> ApiException.badRequest("Missing required field 'auth.identity.password.user.domain'."))).id(),
          name);
    }
    return passwords.check(user, password, requestId, now);
  }

  /** What a token is scoped to: {@code kind} a {@link Grant} target type and {@code id}, or both null. */
  private record Scope(String kind, String id, Optional<IdentityDirectory.Project> project,
                       Optional<IdentityDirectory.Domain> domain, IdentityDirectory.Trust trust) {
    static final Scope NONE = new Scope(null, null, Optional.empty(), Optional.empty(), null);

    Scope(String kind, String id, Optional<IdentityDirectory.Project> project, Optional<IdentityDirectory.Domain> domain) {
      this(kind, id, project, domain, null);
    }
  }

  private Scope scope(JsonBody auth, IdentityDirectory.User user) {
    if (!auth.has("scope") || auth.node().get("scope").isTextual()) {
      // no scope, or "unscoped": Keystone scopes to the default project when the user has one
      if (auth.has("scope") || user.defaultProjectId() == null) return Scope.NONE;
      return directory.project(user.defaultProjectId())
          .filter(p -> p.enabled() && domainEnabled(p.domainId()) && !directory.rolesOf(user.id(), p.id()).isEmpty())
          .map(p -> new Scope(Grant.PROJECT, p.id(), Optional.of(p), Optional.<IdentityDirectory.Domain>empty()))
          .orElse(Scope.NONE);
    }
    JsonBody scope = auth.object("scope");
    if (scope.has("OS-TRUST:trust")) {
      String trustId = scope.object("OS-TRUST:trust").string("id");
      IdentityDirectory.Trust trust = directory.trust(trustId)
          .filter(t -> t.trusteeUserId().equals(user.id()))
          .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(commands.clock().instant()))
          .orElseThrow(() -> ApiException.unauthorized("Could not find trust: " + trustId + "."));
      IdentityDirectory.Project project = trust.projectId() == null ? null : directory.project(trust.projectId())
          .filter(p -> p.enabled() && domainEnabled(p.domainId()))
          .orElseThrow(() -> ApiException.unauthorized("Project " + trust.projectId() + " is disabled."));
      if (project == null) throw ApiException.unauthorized("A trust without a project gives no token.");
      return new Scope(Grant.PROJECT, project.id(), Optional.of(project), Optional.empty(), trust);
    }
    if (scope.has("system")) {
      if (!scope.object("system").optionalBoolean("all").orElse(false)) {
        throw ApiException.badRequest("Invalid input for field 'auth.scope.system': expected {\"all\": true}.");
      }
      return new Scope(Grant.SYSTEM, "all", Optional.empty(), Optional.empty());
    }
    if (scope.has("domain")) {
      IdentityDirectory.Domain domain = domain(scope.object("domain"));
      return new Scope(Grant.DOMAIN, domain.id(), Optional.empty(), Optional.of(domain));
    }
    JsonBody spec = scope.object("project");
    Optional<IdentityDirectory.Project> project;
    Optional<String> id = spec.optionalString("id");
    if (id.isPresent()) {
      project = directory.project(id.get());
    } else {
      String name = spec.string("name");
      project = directory.projectByName(domain(spec.optionalObject("domain")
          .orElseThrow(() -> ApiException.badRequest("Missing required field 'auth.scope.project.domain'."))).id(), name);
    }
    IdentityDirectory.Project found = project.orElseThrow(() -> ApiException.unauthorized(
        "Could not find project: " + id.orElseGet(() -> spec.string("name")) + "."));
    if (!found.enabled() || !domainEnabled(found.domainId())) {
      throw ApiException.unauthorized("Project " + found.id() + " is disabled.");
    }
    return new Scope(Grant.PROJECT, found.id(), Optional.of(found), Optional.empty());
  }

  private boolean domainEnabled(String domainId) {
    return directory.domain(domainId).map(IdentityDirectory.Domain::enabled).orElse(false);
  }

  /** A domain named by id or name that exists and is enabled; 401 otherwise (a token request says no more). */
  private IdentityDirectory.Domain domain(JsonBody spec) {
    Optional<String> id = spec.optionalString("id");
    Optional<IdentityDirectory.Domain> domain = id.isPresent() ? directory.domain(id.get())
        : directory.domainByName(spec.string("name"));
    return domain.filter(IdentityDirectory.Domain::enabled).orElseThrow(() -> ApiException.unauthorized(AUTH_FAILED));
  }

  void revoke(Context ctx) {
    TokenClaims caller = authenticator.caller(ctx);
    String subject = ctx.header("X-Subject-Token");
    if (subject == null || subject.isBlank()) throw ApiException.badRequest("Missing X-Subject-Token header.");
    TokenClaims target = authenticator.validate(subject.strip())
        .orElseThrow(() -> ApiException.notFound("Could not find token: " + abbreviate(subject) + "."));
    if (!caller.isAdmin() && !caller.userId().equals(target.userId())) {
      throw ApiException.forbidden("You are not authorized to revoke another user's token.");
    }
    commands.send(ctx, caller, new RevokeToken(target.auditId(), target.userId(), target.expiresAt()),
        target.auditId(), target.projectId());
    authenticator.revoked(target);
    ctx.status(204);
  }

  private static String abbreviate(String token) {
    return token.length() > 12 ? token.substring(0, 12) + "..." : token;
  }
}
