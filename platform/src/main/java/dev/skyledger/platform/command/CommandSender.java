package dev.skyledger.platform.command;

import dev.skyledger.events.Topic;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.kafka.Envelopes;
import io.javalin.http.Context;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;

/**
 * Sends a command on behalf of the caller of a request (its request id and actor go into the
 * envelope) and returns once it is decided and the given projection shows its events
 * (read-your-writes).
 */
public final class CommandSender {
  private final CommandBus bus;
  private final ProjectionWaiter waiter;
  private final Envelopes envelopes;
  private final Clock clock;

  public CommandSender(CommandBus bus, ProjectionWaiter waiter, Envelopes envelopes, Clock clock) {
    this.bus = bus;
    this.waiter = waiter;
    this.envelopes = envelopes;
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  public CommandAccepted send(Context ctx, TokenClaims caller, Topic<String, Envelope> topic, String streamKey,
                              String projection, SpecificRecord command, String aggregateId, String projectId) {
    Envelope envelope = envelopes.command(command, aggregateId, projectId, actor(caller), HttpSetup.requestId(ctx),
        streamKey, clock.instant());
    CommandAccepted accepted = bus.send(topic, envelope);
    try {
      waiter.await(projection, accepted.getStreamKey(), accepted.getSequence() - accepted.getEventCount() + 1,
          accepted.getSequence());
    } catch (dev.skyledger.platform.db.DatabaseException e) {
      // decided and recorded: it takes effect; only reading the result back is what cannot be done now
      throw ApiException.unavailable("The request was accepted and recorded and will take effect, but its result "
          + "cannot be read back: the database is unavailable just now (request " + envelope.getRequestId() + ").");
    }
    return accepted;
  }

  /**
   * Sends a command the service itself makes (as the system) because of request {@code requestId},
   * and returns once it is decided; no view is waited for.
   */
  public CommandAccepted sendAsSystem(String requestId, Topic<String, Envelope> topic, String streamKey,
                                      SpecificRecord command, String aggregateId, String projectId) {
    Envelope envelope = envelopes.command(command, aggregateId, projectId, Envelopes.system(), requestId, streamKey,
        clock.instant());
    return bus.send(topic, envelope);
  }

  public static Actor actor(TokenClaims caller) {
    return Actor.newBuilder()
        .setUserId(caller.userId())
        .setUserName(caller.userName())
        .setProjectId(caller.projectId())
        .setRoles(caller.roleNames())
        .build();
  }
}
