package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.compute.proxy.NovaProxyRoutes;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.views.compute.AggregateCatalog;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import java.util.Optional;

/**
 * The compute (Nova v2.1) write routes under {@code /compute/v2.1}, one controller per resource:
 * flavors, key pairs, compute services, quota sets, servers, their actions, consoles and metadata,
 * server groups and host aggregates. Servers are decided on their project's stream (the quota), their actions by
 * the boot saga; the views answer. Nova's 2.1 proxy APIs, reads and writes, are mounted with them
 * ({@link NovaProxyRoutes}): they call the other services' APIs and read no view.
 */
public final class ComputeWriteRoutes {
  private static final String V21 = "/compute/v2.1";

  /** What the routes read of servers: where they belong, and how they are shown to a caller. */
  public interface Servers {
    /** The project of a server that exists and is not deleted. */
    Optional<String> projectOf(String serverId);

    /** Its host (empty before scheduling). */
    Optional<String> hostOf(String serverId);

    /** As GET /servers/{id} at 2.1 shows it to this caller (what these routes read of a server). */
    Optional<ObjectNode> show(TokenClaims caller, String serverId);

    /** As Nova answers an update of it at this microversion. */
    Optional<ObjectNode> updated(TokenClaims caller, String serverId, Microversion version);
  }

  /** A server group as GET /os-server-groups/{id} shows it to this caller at a microversion. */
  public interface Groups {
    Optional<ObjectNode> show(TokenClaims caller, String groupId, Microversion version);
  }

  /** The compute hosts: which exist, their zones, and a server's console log read from its host. */
  public interface Hosts {
    boolean exists(String hostId);

    boolean hasZone(String zone);

    /** The last {@code lines} (null: all) of a server's console, if its host answers. */
    Optional<String> consoleLog(String hostId, String serverId, Integer lines);

    /** The server's diagnostics (a JSON object) as its host reports them, if it answers. */
    Optional<String> diagnostics(String hostId, String serverId);
  }

  /**
   * The public endpoints: compute's (for links), the image service's (a snapshot's Location, the
   * images proxy) and the network service's (the security group, floating IP and network proxies).
   */
  public record Endpoints(String compute, String image, String network) {}

  /** What the compute write routes read: the views and the hosts. */
  public record Reads(ComputeCatalog compute, ImageCatalog images, NetworkCatalog networks, Servers servers,
                      Groups groups, Hosts hosts, AggregateCatalog aggregates) {}

  private final FlavorController flavors;
  private final KeypairController keypairs;
  private final ComputeServiceController services;
  private final ComputeQuotaController quotas;
  private final ServerController servers;
  private final ServerActionController actions;
  private final ConsoleController consoles;
  private final ServerMetadataController metadata;
  private final ServerGroupController groups;
  private final ServerExternalEventController externalEvents;
  private final NovaProxyRoutes proxies;
  private final AggregateController aggregates;

  public ComputeWriteRoutes(Authenticator auth, CommandSender sender, Reads reads, ComputeJson render, Endpoints endpoints) {
    ComputeCommands commands = new ComputeCommands(sender);
    ComputeAccess access = new ComputeAccess(auth, reads.servers());
    String computeUrl = endpoints.compute();
    this.proxies = new NovaProxyRoutes(access::caller, access::projectOf, render.mapper(), computeUrl,
        endpoints.network(), endpoints.image());
    this.flavors = new FlavorController(access, commands, reads.compute(), render);
    this.keypairs = new KeypairController(access, commands, reads.compute(), render);
    this.services = new ComputeServiceController(access, commands, reads.hosts(), render.mapper());
    this.quotas = new ComputeQuotaController(access, commands, reads.compute(), render);
    ServerRequests requests = new ServerRequests(reads, commands);
    this.servers = new ServerController(access, commands, requests, reads.servers(),
        render.mapper(), computeUrl);
    this.consoles = new ConsoleController(access, reads.servers(), reads.hosts(), render.mapper());
    this.actions = new ServerActionController(access, commands, reads, requests, consoles, proxies, render.mapper(),
        endpoints.image());
    this.metadata = new ServerMetadataController(access, commands, reads.servers(), render.mapper());
    this.groups = new ServerGroupController(access, commands, reads.groups(), render.mapper());
    this.aggregates = new AggregateController(access, commands, reads.aggregates(), reads.hosts(), render.mapper());
    this.externalEvents = new ServerExternalEventController(access, reads.servers(), render.mapper());
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V21 + "/flavors", flavors::create);
    r.delete(V21 + "/flavors/{id}", flavors::delete);
    r.post(V21 + "/flavors/{id}/os-extra_specs", flavors::setSpecs);
    r.put(V21 + "/flavors/{id}/os-extra_specs/{key}", flavors::putSpec);
    r.delete(V21 + "/flavors/{id}/os-extra_specs/{key}", flavors::deleteSpec);
    r.post(V21 + "/flavors/{id}/action", flavors::action);
    r.post(V21 + "/os-keypairs", keypairs::create);
    r.delete(V21 + "/os-keypairs/{name}", keypairs::delete);
    r.put(V21 + "/os-services/enable", ctx -> services.status(ctx, true, false));
    r.put(V21 + "/os-services/disable", ctx -> services.status(ctx, false, false));
    r.put(V21 + "/os-services/disable-log-reason", ctx -> services.status(ctx, false, true));
    r.put(V21 + "/os-services/force-down", services::forceDown);
    r.put(V21 + "/os-hosts/{host}", services::updateHost);
    r.put(V21 + "/os-quota-sets/{project}", quotas::set);
    r.delete(V21 + "/os-quota-sets/{project}", quotas::reset);
    r.post(V21 + "/os-server-groups", groups::create);
    r.delete(V21 + "/os-server-groups/{id}", groups::delete);
    r.post(V21 + "/servers", servers::create);
    r.put(V21 + "/servers/{id}", servers::update);
    r.delete(V21 + "/servers/{id}", servers::delete);
    r.post(V21 + "/servers/{id}/action", actions::act);
    r.post(V21 + "/os-server-external-events", externalEvents::create);
    r.post(V21 + "/servers/{id}/remote-consoles", consoles::create);
    r.get(V21 + "/servers/{id}/diagnostics", consoles::diagnostics);
    r.post(V21 + "/servers/{id}/metadata", ctx -> metadata.set(ctx, false));
    r.put(V21 + "/servers/{id}/metadata", ctx -> metadata.set(ctx, true));
    r.put(V21 + "/servers/{id}/metadata/{key}", metadata::putItem);
    r.delete(V21 + "/servers/{id}/metadata/{key}", metadata::deleteItem);
    r.post(V21 + "/os-aggregates", aggregates::create);
    r.put(V21 + "/os-aggregates/{id}", aggregates::update);
    r.delete(V21 + "/os-aggregates/{id}", aggregates::delete);
    r.post(V21 + "/os-aggregates/{id}/action", aggregates::action);
    proxies.routes(config);
  }
}
