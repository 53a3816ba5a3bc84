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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /** Keystone's application credential times: microseconds, no zone (UTC). */
  private static final DateTimeFormatter APP_CREDENTIAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  /** An application credential; {@code secret} only in the answer to its creation. */
  public ObjectNode appCredential(IdentityDirectory.AppCredential a, List<IdentityDirectory.Role> roles, String secret) {
    ObjectNode node = json.createObjectNode();
    node.put("id", a.id());
    node.put("name", a.name());
    if (a.description() == null) node.putNull("description");
    else node.put("description", a.description());
    node.put("user_id", a.userId());
    node.put("project_id", a.projectId());
    if (a.expiresAt() == null) node.putNull("expires_at");
    else node.put("expires_at", APP_CREDENTIAL_TIME.format(a.expiresAt()));
    node.put("unrestricted", a.unrestricted());
    ArrayNode list = node.putArray("roles");
    for (IdentityDirectory.Role r : roles) {
      ObjectNode role = list.addObject().put("id", r.id()).put("name", r.name());
      if (r.domainId() == null) role.putNull("domain_id");
      else role.put("domain_id", r.domainId());
    }
    node.putArray("access_rules");
    if (secret != null) node.put("secret", secret);
    return links(node, "users/" + a.userId() + "/application_credentials/" + a.id());
  }

  /** A credential with its blob opened. */
  public ObjectNode credential(IdentityDirectory.Credential c, String blob) {
    ObjectNode node = json.createObjectNode();
    node.put("id", c.id());
    node.put("user_id", c.userId());
    if (c.projectId() == null) node.putNull("project_id");
    else node.put("project_id", c.projectId());
    node.put("type", c.type());
    node.put("blob", blob);
    return links(node, "credentials/" + c.id());
  }

  /** An EC2 credential as {@code /v3/users/{id}/credentials/OS-EC2} shows it, from its opened blob. */
  public ObjectNode ec2Credential(IdentityDirectory.Credential c, String blob) {
    ObjectNode node = json.createObjectNode();
    try {
      var parsed = json.readTree(blob);
      node.put("access", parsed.path("access").asText());
      node.put("secret", parsed.path("secret").asText());
      if (parsed.hasNonNull("trust_id")) node.put("trust_id", parsed.path("trust_id").asText());
      else node.putNull("trust_id");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("corrupt EC2 credential " + c.id(), e);
    }
    node.put("user_id", c.userId());
    if (c.projectId() == null) node.putNull("tenant_id");
    else node.put("tenant_id", c.projectId());
    node.putObject("links").put("self", catalog.url("/identity/v3/users/" + c.userId() + "/credentials/OS-EC2/"
        + node.path("access").asText()));
    return node;
  }

  public ObjectNode trust(IdentityDirectory.Trust t, List<IdentityDirectory.Role> roles) {
    ObjectNode node = json.createObjectNode();
    node.put("id", t.id());
    node.put("trustor_user_id", t.trustorUserId());
    node.put("trustee_user_id", t.trusteeUserId());
    if (t.projectId() == null) node.putNull("project_id");
    else node.put("project_id", t.projectId());
    node.put("impersonation", t.impersonation());
    if (t.expiresAt() == null) node.putNull("expires_at");
    else node.put("expires_at", tokenTime(t.expiresAt()));
    node.putNull("remaining_uses");
    node.put("allow_redelegation", false);
    node.put("redelegation_count", 0);
    node.putNull("redelegated_trust_id");
    ArrayNode list = node.putArray("roles");
    roles.forEach(r -> list.add(roleRef(r)));
    node.putObject("roles_links").putNull("next").putNull("previous")
        .put("self", catalog.url("/identity/v3/OS-TRUST/trusts/" + t.id() + "/roles"));
    return links(node, "OS-TRUST/trusts/" + t.id());
  }

  public ObjectNode policy(IdentityDirectory.Policy p) {
    ObjectNode node = json.createObjectNode();
    node.put("id", p.id());
    node.put("type", p.type());
    node.put("blob", p.blob());
    return links(node, "policies/" + p.id());
  }

  public ObjectNode region(IdentityDirectory.Region r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("description", r.description());
    if (r.parentRegionId() == null) node.putNull("parent_region_id");
    else node.put("parent_region_id", r.parentRegionId());
    return links(node, "regions/" + r.id());
  }

  public ObjectNode service(IdentityDirectory.Service s) {
    ObjectNode node = json.createObjectNode();
    node.put("id", s.id());
    node.put("type", s.type());
    if (s.name() != null) node.put("name", s.name());
    if (s.description() != null) node.put("description", s.description());
    node.put("enabled", s.enabled());
    return links(node, "services/" + s.id());
  }

  public ObjectNode endpoint(IdentityDirectory.Endpoint e) {
    ObjectNode node = json.createObjectNode();
    node.put("id", e.id());
    node.put("interface", e.iface());
    if (e.regionId() == null) node.putNull("region").putNull("region_id");
    else node.put("region", e.regionId()).put("region_id", e.regionId());
    node.put("service_id", e.serviceId());
    node.put("url", e.url());
    node.put("enabled", e.enabled());
    return links(node, "endpoints/" + e.id());
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

  /**
   * The service catalog as a token shows it: the enabled services with their enabled endpoints,
   * {@code $(project_id)s} and {@code %(project_id)s} in a URL filled with the token's project
   * (an endpoint that needs one is left out of a token without).
   */
  public ArrayNode catalog(IdentityDirectory directory, String projectId) {
    Map<String, List<IdentityDirectory.Endpoint>> byService = new HashMap<>();
    directory.endpoints(null, null, null).stream().filter(IdentityDirectory.Endpoint::enabled)
        .forEach(e -> byService.computeIfAbsent(e.serviceId(), k -> new ArrayList<>()).add(e));
    ArrayNode catalog = json.createArrayNode();
    for (IdentityDirectory.Service service : directory.services(null, null)) {
      if (!service.enabled()) continue;
      ObjectNode entry = catalog.addObject();
      entry.put("type", service.type());
      if (service.name() != null) entry.put("name", service.name());
      entry.put("id", service.id());
      ArrayNode endpoints = entry.putArray("endpoints");
      for (IdentityDirectory.Endpoint e : byService.getOrDefault(service.id(), List.of())) {
        String url = e.url();
        for (String key : List.of("$(project_id)s", "%(project_id)s", "$(tenant_id)s", "%(tenant_id)s")) {
          if (url.contains(key)) url = projectId == null ? null : url.replace(key, projectId);
          if (url == null) break;
        }
        if (url == null) continue;
        ObjectNode node = endpoints.addObject().put("id", e.id()).put("interface", e.iface()).put("url", url);
        if (e.regionId() != null) node.put("region", e.regionId()).put("region_id", e.regionId());
        else node.putNull("region").putNull("region_id");
      }
    }
    return catalog;
  }

  /** The body of token issue and validation; {@code domainNames} names the domains of the user and scope. */
  public ObjectNode token(TokenClaims claims, ArrayNode catalog, java.util.function.UnaryOperator<String> domainNames) {
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
    if (claims.trust() != null) {
      ObjectNode trust = token.putObject("OS-TRUST:trust");
      trust.put("id", claims.trust().id()).put("impersonation", claims.trust().impersonation());
      trust.putObject("trustor_user").put("id", claims.trust().trustorUserId());
      trust.putObject("trustee_user").put("id", claims.trust().trusteeUserId());
    }
    if (claims.scoped() || claims.domainScoped() || claims.system()) {
      ArrayNode roles = token.putArray("roles");
      for (Role role : claims.roles()) roles.addObject().put("id", role.id()).put("name", role.name());
      if (catalog != null) token.set("catalog", catalog);
    }
    return single("token", token);
  }
}
