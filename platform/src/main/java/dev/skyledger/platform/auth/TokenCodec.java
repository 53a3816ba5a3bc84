package dev.skyledger.platform.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signs and verifies tokens: {@code base64url(claims JSON) "." base64url(Ed25519 signature)}.
 * Verification needs only the public key, so every API process validates tokens offline.
 */
public final class TokenCodec {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAX_TOKEN_LENGTH = 8192;

  private final ObjectMapper json;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;

  public TokenCodec(ObjectMapper json, PublicKey publicKey, PrivateKey privateKey) {
    this.json = json;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  public String sign(TokenClaims claims) {
    if (privateKey == null) throw new IllegalStateException("this process has no token signing key");
    ObjectNode node = json.createObjectNode();
    node.put("v", 1);
    node.put("aid", claims.auditId());
    node.put("uid", claims.userId());
    node.put("un", claims.userName());
    node.put("ud", claims.userDomainId());
    if (claims.projectId() != null) {
      node.put("pid", claims.projectId());
      node.put("pn", claims.projectName());
      node.put("pd", claims.projectDomainId());
    }
    if (claims.domainId() != null) {
      node.put("did", claims.domainId());
      node.put("dn", claims.domainName());
    }
    if (claims.system()) node.put("sys", true);
    if (claims.trust() != null) {
      node.putObject("tr").put("id", claims.trust().id()).put("or", claims.trust().trustorUserId())
          .put("ee", claims.trust().trusteeUserId()).put("imp", claims.trust().impersonation());
    }
    ArrayNode roles = node.putArray("r");
    for (Role role : claims.roles()) roles.addObject().put("id", role.id()).put("n", role.name());
    ArrayNode methods = node.putArray("m");
    claims.methods().forEach(methods::add);
    node.put("iat", claims.issuedAt().toEpochMilli());
    node.put("exp", claims.expiresAt().toEpochMilli());
    try {
      byte[] body = json.writeValueAsBytes(node);
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(body);
      return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(signer.sign());
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign token", e);
    }
  }

  /** The claims of a token whose signature is good, whatever its expiry; empty for garbage and forgeries. */
  public Optional<TokenClaims> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) return Optional.empty();
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) return Optional.empty();
    try {
      byte[] body = DECODER.decode(token.substring(0, dot));
      byte[] signature = DECODER.decode(token.substring(dot + 1));
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(body);
      if (!verifier.verify(signature)) return Optional.empty();
      JsonNode node = json.readTree(new String(body, StandardCharsets.UTF_8));
      List<Role> roles = new ArrayList<>();
      node.path("r").forEach(r -> roles.add(new Role(r.path("id").asText(), r.path("n").asText())));
      List<String> methods = new ArrayList<>();
      node.path("m").forEach(m -> methods.add(m.asText()));
      return Optional.of(new TokenClaims(
          node.path("aid").asText(), node.path("uid").asText(), node.path("un").asText(),
          node.path("ud").asText(), text(node, "pid"), text(node, "pn"), text(node, "pd"),
          List.copyOf(roles), List.copyOf(methods),
          Instant.ofEpochMilli(node.path("iat").asLong()), Instant.ofEpochMilli(node.path("exp").asLong()),
          text(node, "did"), text(node, "dn"), node.path("sys").asBoolean(false),
          node.has("tr") ? new TokenClaims.TrustScope(node.path("tr").path("id").asText(),
              node.path("tr").path("or").asText(), node.path("tr").path("ee").asText(),
              node.path("tr").path("imp").asBoolean()) : null));
    } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
