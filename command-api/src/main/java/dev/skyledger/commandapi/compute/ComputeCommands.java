package dev.skyledger.commandapi.compute;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import io.javalin.http.Context;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where the compute API's commands go and which view answers for them: compute commands keyed as
 * {@link Topics#COMPUTE_COMMANDS} says (by {@link StreamKeys}), the saga's per server, and the
 * network and image commands a server's request makes.
 */
final class ComputeCommands {
  private static final String VIEW = "compute";

  private final CommandSender sender;

  ComputeCommands(CommandSender sender) {
    this.sender = sender;
  }

  Clock clock() {
    return sender.clock();
  }

  CommandAccepted send(Context ctx, TokenClaims caller, String streamKey, SpecificRecord command, String aggregateId,
                       String projectId) {
    return sender.send(ctx, caller, Topics.COMPUTE_COMMANDS, streamKey, VIEW, command, aggregateId, projectId);
  }

  /** A command about a project's server or group, decided on the project's stream (its quota). */
  CommandAccepted forProject(Context ctx, TokenClaims caller, String projectId, SpecificRecord command, String aggregateId) {
    return send(ctx, caller, StreamKeys.project(projectId), command, aggregateId, projectId);
  }

  /** An action on a server, decided by the boot saga, which knows the server's state. */
  CommandAccepted toSaga(Context ctx, TokenClaims caller, String serverId, String projectId, SpecificRecord command) {
    return sender.send(ctx, caller, Topics.COMPUTE_SAGA, StreamKeys.instance(serverId), VIEW, command, serverId, projectId);
  }

  CommandAccepted toNetwork(Context ctx, TokenClaims caller, String streamKey, SpecificRecord command, String aggregateId,
                            String projectId) {
    return sender.send(ctx, caller, Topics.NETWORK_COMMANDS, streamKey, "network", command, aggregateId, projectId);
  }

  CommandAccepted toImage(Context ctx, TokenClaims caller, String projectId, SpecificRecord command, String imageId) {
    return sender.send(ctx, caller, Topics.IMAGE_COMMANDS, projectId, "image", command, imageId, projectId);
  }
}
