package dev.skyledger.commandapi.identity;

import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.SecretBox;
import dev.skyledger.platform.auth.TokenCodec;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import dev.skyledger.views.identity.Grant;
import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.List;

/** The identity (Keystone v3) write routes under {@code /identity/v3}. */
public final class IdentityWriteRoutes implements AutoCloseable {
  private static final String V3 = "/identity/v3";

  private final AuthController auth;
  private final ProjectCommandController projects;
  private final UserCommandController users;
  private final RoleCommandController roles;
  private final DomainCommandController domains;
  private final GroupCommandController groups;
  private final CatalogCommandController catalog;
  private final AppCredentialController appCredentials;
  private final CredentialController credentials;
  private final TrustController trusts;
  private final PasswordCheck passwords;

  public IdentityWriteRoutes(CommandSender sender, IdentityDirectory directory, IdentityJson render, TokenCodec tokens,
                             Authenticator authenticator, PasswordHasher hasher, Duration tokenLifetime,
                             SkyConfig.Security security, SecretBox box) {
    IdentityCommands commands = new IdentityCommands(sender);
    this.passwords = new PasswordCheck(hasher, commands, security);
    this.auth = new AuthController(directory, render, tokens, authenticator, passwords, commands, tokenLifetime, hasher);
    this.projects = new ProjectCommandController(authenticator, commands, directory, render);
    this.users = new UserCommandController(authenticator, commands, directory, render, hasher);
    this.roles = new RoleCommandController(authenticator, commands, directory, render);
    this.domains = new DomainCommandController(authenticator, commands, directory, render);
    this.groups = new GroupCommandController(authenticator, commands, directory, render);
    this.catalog = new CatalogCommandController(authenticator, commands, directory, render);
    this.appCredentials = new AppCredentialController(authenticator, commands, directory, render, hasher);
    this.credentials = new CredentialController(authenticator, commands, directory, render, box);
    this.trusts = new TrustController(authenticator, commands, directory, render);
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V3 + "/auth/tokens", auth::issue);
    r.delete(V3 + "/auth/tokens", auth::revoke);
    r.post(V3 + "/projects", projects::create);
    r.patch(V3 + "/projects/{id}", projects::update);
    r.delete(V3 + "/projects/{id}", projects::delete);
    r.post(V3 + "/users", users::create);
    r.patch(V3 + "/users/{id}", users::update);
    r.delete(V3 + "/users/{id}", users::delete);
    r.post(V3 + "/users/{id}/password", users::changePassword);
    r.post(V3 + "/roles", roles::create);
    r.patch(V3 + "/roles/{id}", roles::update);
    r.delete(V3 + "/roles/{id}", roles::delete);
    r.put(V3 + "/projects/{id}/tags", projects::replaceTags);
    r.delete(V3 + "/projects/{id}/tags", projects::clearTags);
    r.put(V3 + "/projects/{id}/tags/{tag}", projects::addTag);
    r.delete(V3 + "/projects/{id}/tags/{tag}", projects::removeTag);
    r.post(V3 + "/domains", domains::create);
    r.patch(V3 + "/domains/{id}", domains::update);
    r.delete(V3 + "/domains/{id}", domains::delete);
    r.post(V3 + "/groups", groups::create);
    r.patch(V3 + "/groups/{id}", groups::update);
    r.delete(V3 + "/groups/{id}", groups::delete);
    r.put(V3 + "/groups/{id}/users/{user}", groups::addUser);
    r.delete(V3 + "/groups/{id}/users/{user}", groups::removeUser);
    r.post(V3 + "/users/{id}/application_credentials", appCredentials::create);
    r.delete(V3 + "/users/{id}/application_credentials/{credential}", appCredentials::delete);
    r.post(V3 + "/OS-TRUST/trusts", trusts::create);
    r.delete(V3 + "/OS-TRUST/trusts/{id}", trusts::delete);
    r.post(V3 + "/credentials", credentials::create);
    r.patch(V3 + "/credentials/{id}", credentials::update);
    r.delete(V3 + "/credentials/{id}", credentials::delete);
    r.post(V3 + "/users/{id}/credentials/OS-EC2", credentials::createEc2);
    r.delete(V3 + "/users/{id}/credentials/OS-EC2/{access}", credentials::deleteEc2);
    r.post(V3 + "/policies", credentials::createPolicy);
    r.patch(V3 + "/policies/{id}", credentials::updatePolicy);
    r.delete(V3 + "/policies/{id}", credentials::deletePolicy);
    r.post(V3 + "/regions", catalog::createRegion);
    r.put(V3 + "/regions/{id}", catalog::createRegion);
    r.patch(V3 + "/regions/{id}", catalog::updateRegion);
    r.delete(V3 + "/regions/{id}", catalog::deleteRegion);
    r.post(V3 + "/services", catalog::createService);
    r.patch(V3 + "/services/{id}", catalog::updateService);
    r.delete(V3 + "/services/{id}", catalog::deleteService);
    r.post(V3 + "/endpoints", catalog::createEndpoint);
    r.patch(V3 + "/endpoints/{id}", catalog::updateEndpoint);
    r.delete(V3 + "/endpoints/{id}", catalog::deleteEndpoint);
    r.put(V3 + "/roles/{prior}/implies/{implied}", roles::imply);
    r.delete(V3 + "/roles/{prior}/implies/{implied}", roles::unimply);
    for (String target : List.of(Grant.PROJECT, Grant.DOMAIN, Grant.SYSTEM)) {
      for (String actor : List.of(Grant.USER, Grant.GROUP)) {
        String path = V3 + Grant.rolesPath(target, actor) + "/{role}";
        r.put(path, roles.grant(target, actor, false, false));
        r.delete(path, roles.grant(target, actor, false, true));
        if (!target.equals(Grant.SYSTEM)) {
          String inherited = V3 + "/OS-INHERIT" + Grant.rolesPath(target, actor) + "/{role}/inherited_to_projects";
          r.put(inherited, roles.grant(target, actor, true, false));
          r.delete(inherited, roles.grant(target, actor, true, true));
        }
      }
    }
  }

  /** Stops recording password checks (those already queued are still sent). */
  @Override
  public void close() {
    passwords.close();
  }
}
