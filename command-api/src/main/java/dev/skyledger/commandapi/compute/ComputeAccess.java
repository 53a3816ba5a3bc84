package dev.skyledger.commandapi.compute;

import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who calls a compute route (at which microversion), and which servers they may act on: another
 * project's is not found, as in Nova.
 */
final class ComputeAccess {
  private final Authenticator auth;
  private final ComputeWriteRoutes.Servers servers;

  ComputeAccess(Authenticator auth, ComputeWriteRoutes.Servers servers) {
    this.auth = auth;
    this.servers = servers;
  }

  /** The caller of a compute request, its microversion negotiated first (a bad one is refused before the token). */
  TokenClaims caller(Context ctx) {
    Microversions.negotiate(ctx);
    return auth.caller(ctx);
  }

  /** The project of a server the caller may act on, or 404. */
  String projectOf(TokenClaims caller, String serverId) {
    Optional<String> project = servers.projectOf(serverId);
    if (project.isEmpty() || (!caller.isAdmin() && !project.get().equals(caller.projectId()))) {
      throw notFound(serverId);
    }
    return project.get();
  }

  static ApiException notFound(String serverId) {
    return new ApiException(404, "itemNotFound", "Instance " + serverId + " could not be found.");
  }
}
