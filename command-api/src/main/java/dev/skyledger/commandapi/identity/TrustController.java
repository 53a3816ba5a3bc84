package dev.skyledger.commandapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.identity.CreateTrust;
import dev.skyledger.events.identity.DeleteTrust;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Trusts ({@code /v3/OS-TRUST/trusts}): a trustor delegates roles they hold on a project to a
 * trustee, who then gets trust-scoped tokens for it. Made and ended by the trustor (or an admin).
 */
final class TrustController {
  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  TrustController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    JsonBody t = JsonBody.of(ctx, render.mapper()).object("trust");
    String trustor = t.string("trustor_user_id");
    String trustee = t.string("trustee_user_id");
    boolean impersonation = t.optionalBoolean("impersonation")
        .orElseThrow(() -> ApiException.badRequest("Missing required field 'trust.impersonation'."));
    if (t.has("remaining_uses") && !t.node().get("remaining_uses").isNull()) {
      throw ApiException.badRequest("Invalid input for field 'trust.remaining_uses': trusts with a use count are not "
          + "supported.");
    }
    if (t.optionalBoolean("allow_redelegation").orElse(false)) {
      throw ApiException.badRequest("Invalid input for field 'trust.allow_redelegation': redelegation is not supported.");
    }
    Instant expires = t.optionalString("expires_at").map(AppCredentialController::time).orElse(null);
    if (expires != null && !expires.isAfter(commands.clock().instant())) {
      throw ApiException.badRequest("Invalid input for field 'trust.expires_at': it has passed.");
    }
    String project = t.optionalString("project_id").orElse(null);
    List<String> roles = new ArrayList<>();
    JsonNode asked = t.node().get("roles");
    if (asked != null && !asked.isNull()) {
      if (!asked.isArray()) throw ApiException.badRequest("Invalid input for field 'trust.roles': expected a list.");
      for (JsonNode role : asked) {
        String id = role.path("id").asText(null);
        String name = role.path("name").asText(null);
        String found = id != null ? id : directory.roles(name).stream().map(IdentityDirectory.Role::id).findFirst()
            .orElseThrow(() -> ApiException.notFound("Could not find role: " + name + "."));
        if (!roles.contains(found)) roles.add(found);
      }
    }
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateTrust(id, trustor, trustee, project, roles, impersonation, expires), id, project);
    IdentityDirectory.Trust made = directory.trust(id)
        .orElseThrow(() -> ApiException.notFound("Could not find trust: " + id + "."));
    ctx.status(201).contentType("application/json").result(render.single("trust", render.trust(made,
        made.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList())).toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteTrust(id), id, null);
    ctx.status(204);
  }
}
