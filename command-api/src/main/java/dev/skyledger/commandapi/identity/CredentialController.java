package dev.skyledger.commandapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.identity.CreateCredential;
import dev.skyledger.events.identity.CreatePolicy;
import dev.skyledger.events.identity.DeleteCredential;
import dev.skyledger.events.identity.DeletePolicy;
import dev.skyledger.events.identity.UpdateCredential;
import dev.skyledger.events.identity.UpdatePolicy;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.SecretBox;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Credentials ({@code /v3/credentials}, and EC2 key pairs under {@code /v3/users/{id}/credentials/OS-EC2}):
 * a user's own, or anyone's for an admin. The blob is sealed here, before anything is published,
 * and opened only to answer. Also the policy documents Keystone stores ({@code /v3/policies}).
 */
final class CredentialController {
  static final int MAX_BLOB = 65_535;
  static final String EC2 = "ec2";

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final SecretBox box;
  private final SecureRandom random = new SecureRandom();

  CredentialController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render,
                       SecretBox box) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
    this.box = box;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    JsonBody c = JsonBody.of(ctx, render.mapper()).object("credential");
    String user = c.string("user_id");
    String type = c.name("type", 255);
    String blob = blob(c, c.string("blob"));
    String project = c.optionalString("project_id").orElse(null);
    String id = UUID.randomUUID().toString().replace("-", "");
    if (type.equals(EC2)) {
      id = ec2Id(ec2Access(blob));
      if (project == null) throw ApiException.badRequest("Invalid input for field 'credential.project_id': an ec2 credential needs one.");
    }
    commands.send(ctx, caller, new CreateCredential(id, user, project, type, box.seal(blob)), id, project);
    String made = id;
    IdentityDirectory.Credential stored = directory.credential(id)
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + made + "."));
    ctx.status(201).contentType("application/json")
        .result(render.single("credential", render.credential(stored, box.open(stored.sealedBlob()))).toString());
  }

  void update(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    JsonBody c = JsonBody.of(ctx, render.mapper()).object("credential");
    IdentityDirectory.Credential old = directory.credential(id)
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + id + "."));
    String type = c.optionalString("type").map(t -> c.checkLength("type", t, 255)).orElse(null);
    String blob = c.optionalString("blob").map(b -> blob(c, b)).orElse(null);
    if (EC2.equals(type != null ? type : old.type()) && blob != null) ec2Access(blob);
    commands.send(ctx, caller, new UpdateCredential(id, c.optionalString("user_id").orElse(null),
        c.optionalString("project_id").orElse(null), type, blob != null ? box.seal(blob) : old.sealedBlob()), id, null);
    IdentityDirectory.Credential stored = directory.credential(id)
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + id + "."));
    ctx.status(200).contentType("application/json")
        .result(render.single("credential", render.credential(stored, box.open(stored.sealedBlob()))).toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteCredential(id), id, null);
    ctx.status(204);
  }

  /** {@code POST /v3/users/{id}/credentials/OS-EC2}: a new access key and secret for a project. */
  void createEc2(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = ctx.pathParam("id");
    JsonBody c = JsonBody.of(ctx, render.mapper());
    String project = c.string("tenant_id");
    String access = hex(16);
    var blob = render.mapper().createObjectNode().put("access", access).put("secret", hex(16)).putNull("trust_id");
    String id = ec2Id(access);
    commands.send(ctx, caller, new CreateCredential(id, user, project, EC2, box.seal(blob.toString())), id, project);
    IdentityDirectory.Credential stored = directory.credential(id)
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + access + "."));
    ctx.status(201).contentType("application/json")
        .result(render.single("credential", render.ec2Credential(stored, box.open(stored.sealedBlob()))).toString());
  }

  /** {@code DELETE /v3/users/{id}/credentials/OS-EC2/{access}}. */
  void deleteEc2(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = ctx.pathParam("id");
    String access = ctx.pathParam("access");
    String id = ec2Id(access);
    directory.credential(id).filter(c -> c.userId().equals(user) && c.type().equals(EC2))
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + access + "."));
    commands.send(ctx, caller, new DeleteCredential(id), id, null);
    ctx.status(204);
  }

  void createPolicy(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody p = JsonBody.of(ctx, render.mapper()).object("policy");
    String type = p.name("type", 255);
    String blob = blob(p, p.string("blob"));
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreatePolicy(id, type, blob), id, null);
    respondPolicy(ctx, 201, id);
  }

  void updatePolicy(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody p = JsonBody.of(ctx, render.mapper()).object("policy");
    IdentityDirectory.Policy old = directory.policy(id)
        .orElseThrow(() -> ApiException.notFound("Could not find policy: " + id + "."));
    String type = p.optionalString("type").map(t -> p.checkLength("type", t, 255)).orElse(old.type());
    String blob = p.optionalString("blob").map(b -> blob(p, b)).orElse(old.blob());
    commands.send(ctx, caller, new UpdatePolicy(id, type, blob), id, null);
    respondPolicy(ctx, 200, id);
  }

  void deletePolicy(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeletePolicy(id), id, null);
    ctx.status(204);
  }

  private void respondPolicy(Context ctx, int status, String id) {
    IdentityDirectory.Policy policy = directory.policy(id)
        .orElseThrow(() -> ApiException.notFound("Could not find policy: " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single("policy", render.policy(policy)).toString());
  }

  private static String blob(JsonBody body, String blob) {
    if (blob.length() > MAX_BLOB) throw ApiException.badRequest("Invalid input for field 'blob': too long.");
    return blob;
  }

  /** An ec2 blob is JSON with an access key, which names the credential. */
  private String ec2Access(String blob) {
    try {
      JsonNode parsed = render.mapper().readTree(blob);
      if (parsed != null && parsed.path("access").isTextual() && !parsed.path("access").asText().isEmpty()) {
        return parsed.path("access").asText();
      }
    } catch (java.io.IOException e) {
      // falls through to the 400
    }
    throw ApiException.badRequest("Invalid input for field 'credential.blob': an ec2 blob is a JSON object with an "
        + "'access' key.");
  }

  /** Keystone's id of an EC2 credential: the SHA-256 of its access key. */
  static String ec2Id(String access) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(access.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String hex(int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    return HexFormat.of().formatHex(raw);
  }
}
