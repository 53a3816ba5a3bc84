package dev.skyledger.views.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Role;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.identity.ServiceCatalog;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders identity resources the way Keystone v3 does. */
public final class IdentityJson {
  public static final String DEFAULT_DOMAIN_ID = "default";
  public static final String DEFAULT_DOMAIN_NAME = "Default";
  /** Keystone's token timestamps: microseconds and a Z, the only form Tempest parses. */
  private static final DateTimeFormatter TOKEN_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final ObjectMapper json;
  private final ServiceCatalog catalog;

  public IdentityJson(ObjectMapper json, ServiceCatalog catalog) {
    this.json = json;
    this.catalog = catalog;
  }

  public ObjectMapper mapper() {
    return json;
  }

  public ServiceCatalog catalog() {
    return catalog;
  }

  public static String tokenTime(Instant instant) {
    return TOKEN_TIME.format(instant);
  }

  private ObjectNode links(ObjectNode node, String path) {
    node.putObject("links").put("self", catalog.url("/identity/v3/" + path));
    return node;
  }

  public ObjectNode project(IdentityDirectory.Project p) {
    ObjectNode node = json.createObjectNode();
    node.put("id", p.id());
    node.put("name", p.name());
    node.put("domain_id", p.domainId());
    node.put("description", p.description());
    node.put("enabled", p.enabled());
    node.put("parent_id", p.domainId());
    node.put("is_domain", false);
    ArrayNode tags = node.putArray("tags");
    p.tags().forEach(tags::add);
    node.putObject("options");
    return links(node, "projects/" + p.id());
  }

  public ObjectNode user(IdentityDirectory.User u) {
    ObjectNode node = json.createObjectNode();
    node.put("id", u.id());
    node.put("name", u.name());
    node.put("domain_id", u.domainId());
    node.put("enabled", u.enabled());
    if (u.defaultProjectId() != null) node.put("default_project_id", u.defaultProjectId());
    if (u.email() != null) node.put("email", u.email());
    if (u.description() != null) node.put("description", u.description());
    node.putNull("password_expires_at");
    node.putObject("options");
    return links(node, "users/" + u.id());
  }

  public ObjectNode role(IdentityDirectory.Role r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("name", r.name());
    node.putNull("domain_id");
    if (r.description() != null) node.put("description", r.description());
    node.putObject("options");
    return links(node, "roles/" + r.id());
  }

  public ObjectNode defaultDomain() {
    ObjectNode node = json.createObjectNode();
    node.put("id", DEFAULT_DOMAIN_ID);
    node.put("name", DEFAULT_DOMAIN_NAME);
    node.put("description", "The default domain");
    node.put("enabled", true);
    node.putArray("tags");
    node.putObject("options");
    return links(node, "domains/" + DEFAULT_DOMAIN_ID);
  }

  /** {@code {"<key>": [...], "links": {...}}}. */
  public ObjectNode collection(String key, String path, List<ObjectNode> items) {
    ObjectNode root = json.createObjectNode();
    root.putArray(key).addAll(items);
    root.putObject("links").put("self", catalog.url("/identity/v3/" + path)).putNull("previous").putNull("next");
    return root;
  }

  public ObjectNode single(String key, ObjectNode item) {
    ObjectNode root = json.createObjectNode();
    root.set(key, item);
    return root;
  }

  /** The body of token issue and validation. */
  public ObjectNode token(TokenClaims claims, boolean withCatalog) {
    ObjectNode token = json.createObjectNode();
    ArrayNode methods = token.putArray("methods");
    claims.methods().forEach(methods::add);
    ObjectNode user = token.putObject("user");
    user.put("id", claims.userId());
    user.put("name", claims.userName());
    user.putObject("domain").put("id", claims.userDomainId()).put("name", DEFAULT_DOMAIN_NAME);
    user.putNull("password_expires_at");
    token.putArray("audit_ids").add(claims.auditId());
    token.put("expires_at", tokenTime(claims.expiresAt()));
    token.put("issued_at", tokenTime(claims.issuedAt()));
    if (claims.scoped()) {
      ObjectNode project = token.putObject("project");
      project.put("id", claims.projectId());
      project.put("name", claims.projectName());
      project.putObject("domain").put("id", claims.projectDomainId()).put("name", DEFAULT_DOMAIN_NAME);
      token.put("is_domain", false);
      ArrayNode roles = token.putArray("roles");
      for (Role role : claims.roles()) roles.addObject().put("id", role.id()).put("name", role.name());
      if (withCatalog) token.set("catalog", catalog.render(json, claims.projectId()));
    }
    return single("token", token);
  }
}
