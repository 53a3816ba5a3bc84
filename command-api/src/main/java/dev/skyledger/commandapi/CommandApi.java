package dev.skyledger.commandapi;

import dev.skyledger.commandapi.identity.IdentityWriteRoutes;
import io.javalin.config.JavalinConfig;

/** Every route that changes state, ready to mount on a Javalin server (alone, or in the all-in-one gateway). */
public final class CommandApi {
  private final IdentityWriteRoutes identity;

  public CommandApi(IdentityWriteRoutes identity) {
    this.identity = identity;
  }

  public void routes(JavalinConfig config) {
    identity.routes(config);
  }
}
