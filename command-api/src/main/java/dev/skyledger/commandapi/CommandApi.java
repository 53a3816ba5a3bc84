package dev.skyledger.commandapi;

import dev.skyledger.commandapi.compute.ComputeWriteRoutes;
import dev.skyledger.commandapi.identity.IdentityWriteRoutes;
import dev.skyledger.commandapi.image.ImageWriteRoutes;
import dev.skyledger.commandapi.network.NetworkWriteRoutes;
import io.javalin.config.JavalinConfig;

/** Every route that changes state, ready to mount on a Javalin server (alone, or in the all-in-one gateway). */
public final class CommandApi {
  private final IdentityWriteRoutes identity;
  private final ImageWriteRoutes image;
  private final NetworkWriteRoutes network;
  private final ComputeWriteRoutes compute;

  public CommandApi(IdentityWriteRoutes identity, ImageWriteRoutes image, NetworkWriteRoutes network,
                    ComputeWriteRoutes compute) {
    this.identity = identity;
    this.image = image;
    this.network = network;
    this.compute = compute;
  }

  public void routes(JavalinConfig config) {
    identity.routes(config);
    image.routes(config);
    network.routes(config);
    compute.routes(config);
  }
}
