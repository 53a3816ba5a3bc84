package dev.skyledger.views.identity;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the identity views (the live schema of the {@code identity} projection): what token issue
 * needs to authenticate and scope, and what the identity read API lists.
 */
public final class IdentityDirectory {
  /** {@code failedAuthCount}, {@code failedAuthAt}: wrong passwords in a row, and the last one's time (or null). */
  public record User(String id, String domainId, String name, String passwordHash, String email,
                     String description, boolean enabled, String defaultProjectId, Instant passwordChangedAt,
                     int failedAuthCount, Instant failedAuthAt, String extra) {}

  /** {@code parentId}: the project above, or null directly under the domain. */
  public record Project(String id, String domainId, String name, String description, boolean enabled,
                        List<String> tags, String parentId) {}

  public record Domain(String id, String name, String description, boolean enabled, List<String> tags) {}

  public record Group(String id, String domainId, String name, String description) {}

  /** {@code domainId} null: a global role. */
  public record Role(String id, String name, String description, String domainId) {}

  public record Region(String id, String description, String parentRegionId) {}

  public record Service(String id, String type, String name, String description, boolean enabled) {}

  public record Endpoint(String id, String serviceId, String iface, String url, String regionId, boolean enabled) {}

  public record AppCredential(String id, String userId, String projectId, String name, String description,
                              String secretHash, Instant expiresAt, List<String> roleIds, boolean unrestricted) {}

  /** {@code sealedBlob}: as stored, sealed; the API opens it to answer. */
  public record Credential(String id, String userId, String projectId, String type, String sealedBlob) {}

  public record Policy(String id, String type, String blob) {}

  public record Trust(String id, String trustorUserId, String trusteeUserId, String projectId, List<String> roleIds,
                      boolean impersonation, Instant expiresAt) {}

  /** Filters of a list; null means any. */
  public record Filter(String name, Boolean enabled, String domainId) {}

  private static final String USER_COLUMNS = "id, domain_id, name, password_hash, email, description, enabled, "
      + "default_project_id, password_changed_at, failed_auth_count, failed_auth_at, extra::text";
  private static final String PROJECT_COLUMNS = "id, domain_id, name, description, enabled, tags, parent_id";
  private static final String ROLE_COLUMNS = "id, name, description, domain_id";
  private static final String GROUP_COLUMNS = "id, domain_id, name, description";
  private static final String DOMAIN_COLUMNS = "id, name, description, enabled, tags";
  private static final String GRANT_COLUMNS = "actor_type, actor_id, target_type, target_id, role_id, inherited";

  private final Database db;
  private final ProjectionRegistry registry;

  public IdentityDirectory(Database db, ProjectionRegistry registry) {
    this.db = db;
    this.registry = registry;
  }

  private String schema() {
    return "\"" + registry.schemaOf("identity") + "\"";
  }

  public Optional<User> user(String id) {
    return one("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE id = ?", this::user, id);
  }

  public Optional<User> userByName(String domainId, String name) {
    return one("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE domain_id = ? AND name = ?",
        this::user, domainId, name);
  }

  public List<User> users(Filter f) {
    return list("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::boolean IS NULL OR enabled = ?) AND (?::text IS NULL OR domain_id = ?) ORDER BY name, id",
        this::user, f.name(), f.name(), f.enabled(), f.enabled(), f.domainId(), f.domainId());
  }

  public Optional<Project> project(String id) {
    return one("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE id = ?", this::project, id);
  }

  public Optional<Project> projectByName(String domainId, String name) {
    return one("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE domain_id = ? AND name = ?",
        this::project, domainId, name);
  }

  public List<Project> projects(Filter f) {
    return projects(f, null);
  }

  /** {@code parentId}: only the projects directly under it (a domain id: those directly under the domain). */
  public List<Project> projects(Filter f, String parentId) {
    return list("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::boolean IS NULL OR enabled = ?) AND (?::text IS NULL OR domain_id = ?) "
        + "AND (?::text IS NULL OR coalesce(parent_id, domain_id) = ?) ORDER BY name, id",
        this::project, f.name(), f.name(), f.enabled(), f.enabled(), f.domainId(), f.domainId(), parentId, parentId);
  }

  /** The projects a user has any role on: given to them or their groups, or inherited. */
  public List<Project> projectsOfUser(String userId) {
    List<String> ids = effectiveFor(userId).stream().filter(e -> e.targetType().equals(Grant.PROJECT))
        .map(EffectiveGrants.Effective::targetId).distinct().toList();
    if (ids.isEmpty()) return List.of();
    return list("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE id = ANY(?) ORDER BY name, id",
        this::project, textArray(ids));
  }

  /** The domains a user has any role on (not inherited: those are for the projects under it). */
  public List<Domain> domainsOfUser(String userId) {
    List<String> ids = effectiveFor(userId).stream().filter(e -> e.targetType().equals(Grant.DOMAIN))
        .map(EffectiveGrants.Effective::targetId).distinct().toList();
    if (ids.isEmpty()) return List.of();
    return list("SELECT " + DOMAIN_COLUMNS + " FROM " + schema() + ".domains WHERE id = ANY(?) ORDER BY name",
        this::domain, textArray(ids));
  }

  public Optional<Role> role(String id) {
    return one("SELECT " + ROLE_COLUMNS + " FROM " + schema() + ".roles WHERE id = ?", this::role, id);
  }

  /** Global roles, or with {@code domainId} the roles of that domain. */
  public List<Role> roles(String name, String domainId) {
    return list("SELECT " + ROLE_COLUMNS + " FROM " + schema() + ".roles WHERE (?::text IS NULL OR name = ?) "
        + "AND domain_id IS NOT DISTINCT FROM ? ORDER BY name", this::role, name, name, domainId);
  }

  public List<Role> roles(String name) {
    return roles(name, null);
  }

  /**
   * The global roles a user holds on a target (a project, a domain, or the system as {@code all}):
   * given to them or to their groups, inherited from above, and implied. What a token carries.
   */
  public List<Role> effectiveRoles(String userId, String targetType, String targetId) {
    List<String> ids = effectiveFor(userId).stream()
        .filter(e -> e.targetType().equals(targetType) && e.targetId().equals(targetId))
        .map(EffectiveGrants.Effective::roleId).distinct().toList();
    if (ids.isEmpty()) return List.of();
    return list("SELECT " + ROLE_COLUMNS + " FROM " + schema() + ".roles WHERE id = ANY(?) AND domain_id IS NULL "
        + "ORDER BY name", this::role, textArray(ids));
  }

  /** The roles a user holds on a project (see {@link #effectiveRoles}). */
  public List<Role> rolesOf(String userId, String projectId) {
    return effectiveRoles(userId, Grant.PROJECT, projectId);
  }

  /** The roles granted directly to one actor on one target (what {@code GET .../roles} lists). */
  public List<Role> grantedRoles(String actorType, String actorId, String targetType, String targetId, boolean inherited) {
    return list("SELECT r.id, r.name, r.description, r.domain_id FROM " + schema() + ".grants g JOIN " + schema()
        + ".roles r ON r.id = g.role_id WHERE g.actor_type = ? AND g.actor_id = ? AND g.target_type = ? "
        + "AND g.target_id = ? AND g.inherited = ? ORDER BY r.name", this::role, actorType, actorId, targetType,
        targetId, inherited);
  }

  /** Grants as made, filtered; null means any. */
  public List<Grant> grants(String actorType, String actorId, String targetType, String targetId, String roleId,
                            Boolean inherited) {
    return list("SELECT " + GRANT_COLUMNS + " FROM " + schema() + ".grants WHERE (?::text IS NULL OR actor_type = ?) "
        + "AND (?::text IS NULL OR actor_id = ?) AND (?::text IS NULL OR target_type = ?) "
        + "AND (?::text IS NULL OR target_id = ?) AND (?::text IS NULL OR role_id = ?) "
        + "AND (?::boolean IS NULL OR inherited = ?) ORDER BY target_type, target_id, actor_type, actor_id, role_id",
        this::grant, actorType, actorType, actorId, actorId, targetType, targetType, targetId, targetId, roleId, roleId,
        inherited, inherited);
  }

  /** Every grant expanded to the users, projects and roles it reaches (Keystone's effective assignments). */
  public List<EffectiveGrants.Effective> effective() {
    return expander(null).expand(grants(null, null, null, null, null, null));
  }

  private List<EffectiveGrants.Effective> effectiveFor(String userId) {
    List<Grant> grants = list("SELECT " + GRANT_COLUMNS + " FROM " + schema() + ".grants WHERE "
        + "(actor_type = 'user' AND actor_id = ?) OR (actor_type = 'group' AND actor_id IN "
        + "(SELECT group_id FROM " + schema() + ".group_members WHERE user_id = ?))", this::grant, userId, userId);
    if (grants.isEmpty()) return List.of();
    return expander(userId).expand(grants);
  }

  /** {@code onlyUser}: memberships of that user only (enough to expand their grants). */
  private EffectiveGrants expander(String onlyUser) {
    Map<String, List<String>> members = new HashMap<>();
    list("SELECT group_id, user_id FROM " + schema() + ".group_members WHERE (?::text IS NULL OR user_id = ?)",
        r -> new String[] {r.getString(1), r.getString(2)}, onlyUser, onlyUser)
        .forEach(m -> members.computeIfAbsent(m[0], k -> new ArrayList<>()).add(m[1]));
    Map<String, List<String>> implied = new HashMap<>();
    list("SELECT prior_role_id, implied_role_id FROM " + schema() + ".implied_roles",
        r -> new String[] {r.getString(1), r.getString(2)})
        .forEach(i -> implied.computeIfAbsent(i[0], k -> new ArrayList<>()).add(i[1]));
    return new EffectiveGrants(members, places(), implied);
  }

  public List<EffectiveGrants.Place> places() {
    return list("SELECT id, domain_id, parent_id FROM " + schema() + ".projects",
        r -> new EffectiveGrants.Place(r.getString(1), r.getString(2), r.getString(3)));
  }

  /** The projects above one, nearest first. */
  public List<Project> parents(String projectId) {
    List<Project> out = new ArrayList<>();
    Optional<Project> at = project(projectId);
    while (at.isPresent() && at.get().parentId() != null && out.size() < 64) {
      at = project(at.get().parentId());
      at.ifPresent(out::add);
    }
    return out;
  }

  // --- domains

  public Optional<Domain> domain(String id) {
    return one("SELECT " + DOMAIN_COLUMNS + " FROM " + schema() + ".domains WHERE id = ?", this::domain, id);
  }

  public Optional<Domain> domainByName(String name) {
    return one("SELECT " + DOMAIN_COLUMNS + " FROM " + schema() + ".domains WHERE name = ?", this::domain, name);
  }

  /** A domain's name, or its id when it is gone. */
  public String domainName(String id) {
    return id == null ? null : domain(id).map(Domain::name).orElse(id);
  }

  public List<Domain> domains(String name, Boolean enabled) {
    return list("SELECT " + DOMAIN_COLUMNS + " FROM " + schema() + ".domains WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::boolean IS NULL OR enabled = ?) ORDER BY name", this::domain, name, name, enabled, enabled);
  }

  // --- groups

  public Optional<Group> group(String id) {
    return one("SELECT " + GROUP_COLUMNS + " FROM " + schema() + ".groups WHERE id = ?", this::group, id);
  }

  public List<Group> groups(String name, String domainId) {
    return list("SELECT " + GROUP_COLUMNS + " FROM " + schema() + ".groups WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::text IS NULL OR domain_id = ?) ORDER BY name, id", this::group, name, name, domainId, domainId);
  }

  public List<Group> groupsOfUser(String userId) {
    return list("SELECT " + GROUP_COLUMNS + " FROM " + schema() + ".groups WHERE id IN (SELECT group_id FROM "
        + schema() + ".group_members WHERE user_id = ?) ORDER BY name, id", this::group, userId);
  }

  public List<User> members(String groupId) {
    return list("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE id IN (SELECT user_id FROM "
        + schema() + ".group_members WHERE group_id = ?) ORDER BY name, id", this::user, groupId);
  }

  public boolean member(String groupId, String userId) {
    return !list("SELECT 1 FROM " + schema() + ".group_members WHERE group_id = ? AND user_id = ?", r -> 1,
        groupId, userId).isEmpty();
  }

  // --- application credentials

  private static final String APP_CREDENTIAL_COLUMNS = "id, user_id, project_id, name, description, secret_hash, "
      + "expires_at, role_ids, unrestricted";

  public Optional<AppCredential> appCredential(String id) {
    return one("SELECT " + APP_CREDENTIAL_COLUMNS + " FROM " + schema() + ".application_credentials WHERE id = ?",
        this::appCredential, id);
  }

  public Optional<AppCredential> appCredentialByName(String userId, String name) {
    return one("SELECT " + APP_CREDENTIAL_COLUMNS + " FROM " + schema() + ".application_credentials "
        + "WHERE user_id = ? AND name = ?", this::appCredential, userId, name);
  }

  public List<AppCredential> appCredentials(String userId, String name) {
    return list("SELECT " + APP_CREDENTIAL_COLUMNS + " FROM " + schema() + ".application_credentials "
        + "WHERE user_id = ? AND (?::text IS NULL OR name = ?) ORDER BY name", this::appCredential, userId, name, name);
  }

  private AppCredential appCredential(ResultSet r) throws SQLException {
    var expires = r.getTimestamp(7);
    Array roles = r.getArray(8);
    return new AppCredential(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getString(6), expires == null ? null : expires.toInstant(),
        roles == null ? List.of() : List.of((String[]) roles.getArray()), r.getBoolean(9));
  }

  // --- credentials and policies

  public Optional<Credential> credential(String id) {
    return one("SELECT id, user_id, project_id, type, sealed_blob FROM " + schema() + ".credentials WHERE id = ?",
        this::credential, id);
  }

  public List<Credential> credentials(String userId, String type) {
    return list("SELECT id, user_id, project_id, type, sealed_blob FROM " + schema() + ".credentials "
        + "WHERE (?::text IS NULL OR user_id = ?) AND (?::text IS NULL OR type = ?) ORDER BY id", this::credential,
        userId, userId, type, type);
  }

  public Optional<Policy> policy(String id) {
    return one("SELECT id, type, blob FROM " + schema() + ".policies WHERE id = ?",
        r -> new Policy(r.getString(1), r.getString(2), r.getString(3)), id);
  }

  public List<Policy> policies(String type) {
    return list("SELECT id, type, blob FROM " + schema() + ".policies WHERE (?::text IS NULL OR type = ?) ORDER BY id",
        r -> new Policy(r.getString(1), r.getString(2), r.getString(3)), type, type);
  }

  private static final String TRUST_COLUMNS = "id, trustor_user_id, trustee_user_id, project_id, role_ids, "
      + "impersonation, expires_at";

  public Optional<Trust> trust(String id) {
    return one("SELECT " + TRUST_COLUMNS + " FROM " + schema() + ".trusts WHERE id = ?", this::trust, id);
  }

  public List<Trust> trusts(String trustorUserId, String trusteeUserId) {
    return list("SELECT " + TRUST_COLUMNS + " FROM " + schema() + ".trusts WHERE (?::text IS NULL OR trustor_user_id = ?) "
        + "AND (?::text IS NULL OR trustee_user_id = ?) ORDER BY id", this::trust, trustorUserId, trustorUserId,
        trusteeUserId, trusteeUserId);
  }

  private Trust trust(ResultSet r) throws SQLException {
    Array roles = r.getArray(5);
    var expires = r.getTimestamp(7);
    return new Trust(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
        roles == null ? List.of() : List.of((String[]) roles.getArray()), r.getBoolean(6),
        expires == null ? null : expires.toInstant());
  }

  private Credential credential(ResultSet r) throws SQLException {
    return new Credential(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5));
  }

  // --- the service catalog

  public Optional<Region> region(String id) {
    return one("SELECT id, description, parent_region_id FROM " + schema() + ".regions WHERE id = ?", this::region, id);
  }

  public List<Region> regions(String parentRegionId) {
    return list("SELECT id, description, parent_region_id FROM " + schema() + ".regions "
        + "WHERE (?::text IS NULL OR parent_region_id = ?) ORDER BY id", this::region, parentRegionId, parentRegionId);
  }

  public Optional<Service> service(String id) {
    return one("SELECT id, type, name, description, enabled FROM " + schema() + ".services WHERE id = ?",
        this::service, id);
  }

  public List<Service> services(String type, String name) {
    return list("SELECT id, type, name, description, enabled FROM " + schema() + ".services "
        + "WHERE (?::text IS NULL OR type = ?) AND (?::text IS NULL OR name = ?) ORDER BY type, id", this::service,
        type, type, name, name);
  }

  public Optional<Endpoint> endpoint(String id) {
    return one("SELECT id, service_id, interface, url, region_id, enabled FROM " + schema() + ".endpoints WHERE id = ?",
        this::endpoint, id);
  }

  public List<Endpoint> endpoints(String serviceId, String iface, String regionId) {
    return list("SELECT id, service_id, interface, url, region_id, enabled FROM " + schema() + ".endpoints "
        + "WHERE (?::text IS NULL OR service_id = ?) AND (?::text IS NULL OR interface = ?) "
        + "AND (?::text IS NULL OR region_id = ?) ORDER BY service_id, interface, id", this::endpoint,
        serviceId, serviceId, iface, iface, regionId, regionId);
  }

  /** The ids of the roles that belong to a domain (they never appear in a token). */
  public java.util.Set<String> domainRoleIds() {
    return new java.util.HashSet<>(list("SELECT id FROM " + schema() + ".roles WHERE domain_id IS NOT NULL",
        r -> r.getString(1)));
  }

  private Region region(ResultSet r) throws SQLException {
    return new Region(r.getString(1), r.getString(2), r.getString(3));
  }

  private Service service(ResultSet r) throws SQLException {
    return new Service(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5));
  }

  private Endpoint endpoint(ResultSet r) throws SQLException {
    return new Endpoint(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getBoolean(6));
  }

  // --- implied roles

  /** The roles {@code priorId} implies directly. */
  public List<Role> implied(String priorId) {
    return list("SELECT r.id, r.name, r.description, r.domain_id FROM " + schema() + ".implied_roles i JOIN "
        + schema() + ".roles r ON r.id = i.implied_role_id WHERE i.prior_role_id = ? ORDER BY r.name", this::role,
        priorId);
  }

  /** Every rule: prior role id to implied role id. */
  public List<String[]> inferences() {
    return list("SELECT prior_role_id, implied_role_id FROM " + schema() + ".implied_roles ORDER BY 1, 2",
        r -> new String[] {r.getString(1), r.getString(2)});
  }

  private static Object textArray(List<String> values) {
    return new TextArray(values);
  }

  /** Bound with {@code setArray} by {@link #list}. */
  private record TextArray(List<String> values) {}

  private Domain domain(ResultSet r) throws SQLException {
    Array tags = r.getArray(5);
    List<String> list = tags == null ? List.of() : List.of((String[]) tags.getArray());
    return new Domain(r.getString(1), r.getString(2), r.getString(3), r.getBoolean(4), list);
  }

  private Group group(ResultSet r) throws SQLException {
    return new Group(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
  }

  private Grant grant(ResultSet r) throws SQLException {
    return new Grant(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getBoolean(6));
  }

  private User user(ResultSet r) throws SQLException {
    var changed = r.getTimestamp(9);
    var failedAt = r.getTimestamp(11);
    return new User(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getBoolean(7), r.getString(8), changed == null ? null : changed.toInstant(), r.getInt(10),
        failedAt == null ? null : failedAt.toInstant(), r.getString(12));
  }

  private Project project(ResultSet r) throws SQLException {
    Array tags = r.getArray(6);
    List<String> list = tags == null ? List.of() : List.of((String[]) tags.getArray());
    return new Project(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5), list,
        r.getString(7));
  }

  private Role role(ResultSet r) throws SQLException {
    return new Role(r.getString(1), r.getString(2), r.getString(3), r.getString(4));
  }

  private interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private <T> Optional<T> one(String sql, Row<T> row, Object... args) {
    List<T> rows = list(sql, row, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private <T> List<T> list(String sql, Row<T> row, Object... args) {
    return db.read((Connection c) -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          if (args[i] instanceof TextArray a) s.setArray(i + 1, c.createArrayOf("text", a.values().toArray()));
          else s.setObject(i + 1, args[i]);
        }
        try (ResultSet r = s.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (r.next()) out.add(row.map(r));
          return out;
        }
      }
    });
  }
}
