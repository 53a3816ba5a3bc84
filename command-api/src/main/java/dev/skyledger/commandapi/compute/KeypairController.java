package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.CreateKeypair;
import dev.skyledger.events.compute.DeleteKeypair;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/** Key pairs ({@code /os-keypairs}), decided per user: names are unique per user. */
final class KeypairController {
  private static final Pattern KEYPAIR_NAME = Pattern.compile("[A-Za-z0-9_.@-][A-Za-z0-9 _.@-]{0,253}[A-Za-z0-9_.@-]|[A-Za-z0-9_.@-]");

  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeCatalog catalog;
  private final ComputeJson render;

  KeypairController(ComputeAccess access, ComputeCommands commands, ComputeCatalog catalog, ComputeJson render) {
    this.access = access;
    this.commands = commands;
    this.catalog = catalog;
    this.render = render;
  }

  /**
   * {@code POST /os-keypairs}: import a public key or have a pair made. From 2.2 a pair has a
   * type (ssh, or x509: a PEM certificate) and creation answers 201; from 2.10 an admin may create
   * one for another user ({@code user_id}).
   */
  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    ObjectNode k = NovaBody.resource(ctx, render.mapper(), "keypair");
    JsonNode name = k.get("name");
    if (name == null || !name.isTextual() || !KEYPAIR_NAME.matcher(name.asText()).matches()) {
      throw NovaBody.invalid("name", name, "Keypair name must be 1 to 255 characters of letters, digits, spaces (not at either end), '_', '-', '.' and '@'.");
    }
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      boolean allowed = field.equals("name") || field.equals("public_key") || (field.equals("type") && version.atLeast(2))
          || (field.equals("user_id") && version.atLeast(10));
      if (!allowed) {
        throw ApiException.badRequest("Invalid input for field/attribute keypair. Additional properties are not allowed ('" + field + "' was unexpected)");
      }
    }
    String type = "ssh";
    if (k.has("type")) {
      if (!k.get("type").isTextual() || !Set.of("ssh", "x509").contains(k.get("type").asText())) {
        throw NovaBody.invalid("type", k.get("type"), k.get("type") + " is not one of ['ssh', 'x509']");
      }
      type = k.get("type").asText();
    }
    String userId = caller.userId();
    if (k.has("user_id")) {
      if (!k.get("user_id").isTextual()) throw NovaBody.invalid("user_id", k.get("user_id"), "it is not a string");
      if (!k.get("user_id").asText().equals(userId)) {
        if (!caller.isAdmin()) throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-keypairs:create to be performed.");
        userId = k.get("user_id").asText();
      }
    }
    String publicKey;
    String privateKey = null;
    if (k.has("public_key")) {
      if (!k.get("public_key").isTextual()) throw NovaBody.invalid("public_key", k.get("public_key"), "it is not a string");
      publicKey = k.get("public_key").asText().trim();
    } else {
      SshKeys.Generated generated = type.equals("x509") ? X509Keys.generate(userId, commands.clock().instant())
          : SshKeys.generate("Generated-by-Skyledger");
      publicKey = generated.publicKey();
      privateKey = generated.privateKeyPem();
    }
    String fingerprint = (type.equals("x509") ? X509Keys.fingerprint(publicKey) : SshKeys.fingerprint(publicKey))
        .orElseThrow(() -> ApiException.badRequest("Keypair data is invalid: failed to generate fingerprint"));
    String project = caller.projectId();
    int limit = project == null ? -1 : ComputeQuotas.effective(catalog.quotaOverrides(project)).get("key_pairs");
    Keypair keypair = new Keypair(userId, name.asText(), publicKey, fingerprint, type);
    commands.send(ctx, caller, StreamKeys.user(userId), new CreateKeypair(keypair, project == null ? "" : project, limit), name.asText(), project);
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode out = root.putObject("keypair");
    out.put("name", keypair.getName()).put("public_key", publicKey).put("fingerprint", fingerprint).put("user_id", userId);
    if (version.atLeast(2)) out.put("type", type);
    // the private key is in this answer only: it is neither kept nor logged
    if (privateKey != null) out.put("private_key", privateKey);
    ctx.status(version.atLeast(2) ? 201 : 200).contentType("application/json").result(root.toString());
  }

  /** {@code DELETE /os-keypairs/{name}}: 202, from 2.2 204; from 2.10 an admin may name another user. */
  void delete(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    String asked = version.atLeast(10) ? ctx.queryParam("user_id") : null;
    String userId = asked != null ? asked : caller.userId();
    commands.send(ctx, caller, StreamKeys.user(userId), new DeleteKeypair(userId, ctx.pathParam("name")), ctx.pathParam("name"), caller.projectId());
    ctx.status(version.atLeast(2) ? 204 : 202);
  }
}
