package dev.skyledger.queryapi;

import dev.skyledger.queryapi.audit.AuditRoutes;
import dev.skyledger.queryapi.identity.IdentityReadRoutes;
import dev.skyledger.queryapi.image.ImageReadRoutes;
import dev.skyledger.queryapi.compute.ComputeReadRoutes;
import dev.skyledger.queryapi.network.HostNetworkRoutes;
import dev.skyledger.queryapi.network.NetworkReadRoutes;
import io.javalin.config.JavalinConfig;

/** Every route that reads, ready to mount on a Javalin server (alone, or in the all-in-one gateway). */
public final class QueryApi {
  private final IdentityReadRoutes identity;
  private final ImageReadRoutes image;
  private final NetworkReadRoutes network;
  private final HostNetworkRoutes hosts;
  private final ComputeReadRoutes compute;
  private final AuditRoutes audit;

  public QueryApi(IdentityReadRoutes identity, ImageReadRoutes image, NetworkReadRoutes network, HostNetworkRoutes hosts,
                  ComputeReadRoutes compute, AuditRoutes audit) {
    this.identity = identity;
    this.image = image;
    this.network = network;
    this.hosts = hosts;
    this.compute = compute;
    this.audit = audit;
  }

  public void routes(JavalinConfig config) {
    identity.routes(config);
    image.routes(config);
    network.routes(config);
    hosts.routes(config);
    compute.routes(config);
    audit.routes(config);
  }
}
