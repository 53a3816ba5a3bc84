package dev.skyledger.queryapi.identity;

import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import dev.skyledger.platform.auth.SecretBox;

/**
 * What users hold to act: application credentials, trusts and credentials (EC2 key pairs too, their
 * blobs opened to answer the user or an admin).
 */
final class CredentialReadRoutes {
  private static final String V3 = IdentityReads.V3;

  private final IdentityReads reads;
  private final Authenticator auth;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final SecretBox box;

  CredentialReadRoutes(IdentityReads reads, SecretBox box) {
    this.reads = reads;
    this.auth = reads.auth;
    this.directory = reads.directory;
    this.render = reads.render;
    this.box = box;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(V3 + "/users/{id}/application_credentials", this::listAppCredentials);
    r.get(V3 + "/users/{id}/application_credentials/{credential}", this::showAppCredential);
    r.get(V3 + "/OS-TRUST/trusts", this::listTrusts);
    r.get(V3 + "/OS-TRUST/trusts/{id}", this::showTrust);
    r.get(V3 + "/OS-TRUST/trusts/{id}/roles", this::trustRoles);
    r.get(V3 + "/OS-TRUST/trusts/{id}/roles/{role}", ctx -> trustRole(ctx, true));
    r.head(V3 + "/OS-TRUST/trusts/{id}/roles/{role}", ctx -> trustRole(ctx, false));
    r.get(V3 + "/credentials", this::listCredentials);
    r.get(V3 + "/credentials/{id}", this::showCredential);
    r.get(V3 + "/users/{id}/credentials/OS-EC2", this::listEc2);
    r.get(V3 + "/users/{id}/credentials/OS-EC2/{access}", this::showEc2);
  }

  private void listAppCredentials(Context ctx) {
    String id = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, id, "identity:list_application_credentials");
    reads.user(id);
    IdentityReads.json(ctx, render.collection("application_credentials", "users/" + id + "/application_credentials",
        directory.appCredentials(id, ctx.queryParam("name")).stream()
            .map(a -> render.appCredential(a, rolesOf(a), null)).toList()));
  }

  private void showAppCredential(Context ctx) {
    String id = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, id, "identity:get_application_credential");
    String credential = ctx.pathParam("credential");
    IdentityDirectory.AppCredential a = directory.appCredential(credential).filter(c -> c.userId().equals(id))
        .orElseThrow(() -> ApiException.notFound("Could not find Application Credential: " + credential + "."));
    IdentityReads.json(ctx, render.single("application_credential", render.appCredential(a, rolesOf(a), null)));
  }

  private List<IdentityDirectory.Role> rolesOf(IdentityDirectory.AppCredential a) {
    return a.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList();
  }

  /** An admin lists every trust; anyone else those they are trustor or trustee of (and must filter so). */
  private void listTrusts(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String trustor = ctx.queryParam("trustor_user_id");
    String trustee = ctx.queryParam("trustee_user_id");
    if (!caller.isAdmin() && !caller.userId().equals(trustor) && !caller.userId().equals(trustee)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:list_trusts.");
    }
    IdentityReads.json(ctx, render.collection("trusts", "OS-TRUST/trusts", directory.trusts(trustor, trustee).stream()
        .map(t -> render.trust(t, trustRolesOf(t))).toList()));
  }

  private IdentityDirectory.Trust trust(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    return directory.trust(id)
        .filter(t -> caller.isAdmin() || t.trustorUserId().equals(caller.userId()) || t.trusteeUserId().equals(caller.userId()))
        .orElseThrow(() -> ApiException.notFound("Could not find trust: " + id + "."));
  }

  private List<IdentityDirectory.Role> trustRolesOf(IdentityDirectory.Trust t) {
    return t.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList();
  }

  private void showTrust(Context ctx) {
    IdentityDirectory.Trust t = trust(ctx);
    IdentityReads.json(ctx, render.single("trust", render.trust(t, trustRolesOf(t))));
  }

  private void trustRoles(Context ctx) {
    IdentityDirectory.Trust t = trust(ctx);
    IdentityReads.json(ctx, render.collection("roles", "OS-TRUST/trusts/" + t.id() + "/roles",
        trustRolesOf(t).stream().map(render::role).toList()));
  }

  private void trustRole(Context ctx, boolean body) {
    IdentityDirectory.Trust t = trust(ctx);
    String role = ctx.pathParam("role");
    IdentityDirectory.Role found = trustRolesOf(t).stream().filter(r -> r.id().equals(role)).findFirst()
        .orElseThrow(() -> ApiException.notFound("Could not find role: " + role + "."));
    if (body) IdentityReads.json(ctx, render.single("role", render.role(found)));
    else ctx.status(200);
  }

  /** An admin sees every credential (filtered by user_id, type); anyone else their own. */
  private void listCredentials(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = caller.isAdmin() ? ctx.queryParam("user_id") : caller.userId();
    if (!caller.isAdmin() && ctx.queryParam("user_id") != null && !ctx.queryParam("user_id").equals(user)) {
      IdentityReads.json(ctx, render.collection("credentials", "credentials", List.of()));
      return;
    }
    IdentityReads.json(ctx, render.collection("credentials", "credentials", directory.credentials(user, ctx.queryParam("type"))
        .stream().map(c -> render.credential(c, box.open(c.sealedBlob()))).toList()));
  }

  private void showCredential(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    IdentityDirectory.Credential c = directory.credential(id)
        .filter(found -> caller.isAdmin() || found.userId().equals(caller.userId()))
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + id + "."));
    IdentityReads.json(ctx, render.single("credential", render.credential(c, box.open(c.sealedBlob()))));
  }

  private void listEc2(Context ctx) {
    String user = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, user, "identity:ec2_list_credentials");
    IdentityReads.json(ctx, render.collection("credentials", "users/" + user + "/credentials/OS-EC2",
        directory.credentials(user, "ec2").stream().map(c -> render.ec2Credential(c, box.open(c.sealedBlob()))).toList()));
  }

  private void showEc2(Context ctx) {
    String user = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, user, "identity:ec2_get_credential");
    String access = ctx.pathParam("access");
    IdentityDirectory.Credential c = directory.credentials(user, "ec2").stream()
        .filter(found -> render.ec2Credential(found, box.open(found.sealedBlob())).path("access").asText().equals(access))
        .findFirst().orElseThrow(() -> ApiException.notFound("Could not find credential: " + access + "."));
    IdentityReads.json(ctx, render.single("credential", render.ec2Credential(c, box.open(c.sealedBlob()))));
  }
}
