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
    node.put("parent_id", p.parentId() != null ? p.parentId() : p.domainId());
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
    if (u.extra() != null) {
      try {
        json.readTree(u.extra()).fields().forEachRemaining(f -> {
          if (!node.has(f.getKey())) node.set(f.getKey(), f.getValue());
        });
      } catch (java.io.IOException e) {
        throw new IllegalStateException("corrupt extra attributes of user " + u.id(), e);
      }
    }
    return links(node, "users/" + u.id());
  }

  /** A role as a role inference names it: id, name, links. */
  public ObjectNode roleRef(IdentityDirectory.Role r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("name", r.name());
    if (r.description() != null) node.put("description", r.description());
    return links(node, "roles/" + r.id());
  }

  public ObjectNode domain(IdentityDirectory.Domain d) {
    ObjectNode node = json.createObjectNode();
    node.put("id", d.id());
    node.put("name", d.name());
    node.put("description", d.description());
    node.put("enabled", d.enabled());
    ArrayNode tags = node.putArray("tags");
    d.tags().forEach(tags::add);
    node.putObject("options");
    return links(node, "domains/" + d.id());
  }

  public ObjectNode group(IdentityDirectory.Group g) {
    ObjectNode node = json.createObjectNode();
    node.put("id", g.id());
    node.put("name", g.name());
    node.put("domain_id", g.domainId());
    node.put("description", g.description() == null ? "" : g.description());
    return links(node, "groups/" + g.id());
  }

  public ObjectNode role(IdentityDirectory.Role r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("name", r.name());
    if (r.domainId() == null) node.putNull("domain_id");
    else node.put("domain_id", r.domainId());
    if (r.description() != null) node.put("description", r.description());
    node.putObject("options");
    return links(node, "roles/" + r.id());
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

  /** The body of token issue and validation; {@code domainNames} names the domains of the user and scope. */
  public ObjectNode token(TokenClaims claims, boolean withCatalog, java.util.function.UnaryOperator<String> domainNames) {
    ObjectNode token = json.createObjectNode();
    ArrayNode methods = token.putArray("methods");
    claims.methods().forEach(methods::add);
    ObjectNode user = token.putObject("user");
    user.put("id", claims.userId());
    user.put("name", claims.userName());
    user.putObject("domain").put("id", claims.userDomainId()).put("name", domainNames.apply(claims.userDomainId()));
    user.putNull("password_expires_at");
    token.putArray("audit_ids").add(claims.auditId());
    token.put("expires_at", tokenTime(claims.expiresAt()));
    token.put("issued_at", tokenTime(claims.issuedAt()));
    if (claims.scoped()) {
      ObjectNode project = token.putObject("project");
      project.put("id", claims.projectId());
      project.put("name", claims.projectName());
      project.putObject("domain").put("id", claims.projectDomainId())
          .put("name", domainNames.apply(claims.projectDomainId()));
      token.put("is_domain", false);
    } else if (claims.domainScoped()) {
      token.putObject("domain").put("id", claims.domainId()).put("name", claims.domainName());
    } else if (claims.system()) {
      token.putObject("system").put("all", true);
    }
    if (claims.scoped() || claims.domainScoped() || claims.system()) {
      ArrayNode roles = token.putArray("roles");
      for (Role role : claims.roles()) roles.addObject().put("id", role.id()).put("name", role.name());
      if (withCatalog) token.set("catalog", catalog.render(json, claims.projectId()));
    }
    return single("token", token);
  }
}
