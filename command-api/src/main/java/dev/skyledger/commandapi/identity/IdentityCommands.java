package dev.skyledger.commandapi.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandBus;
import dev.skyledger.platform.command.ProjectionWaiter;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.kafka.Envelopes;
import io.javalin.http.Context;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;

/**
 * Sends an identity command on behalf of a caller and returns once it is decided and the identity
 * views show its events (read-your-writes). Identity commands are keyed by domain: names are
 * unique within one, so one domain's commands are decided in order.
 */
final class IdentityCommands {
  static final String DOMAIN = "default";

  private final CommandBus bus;
  private final ProjectionWaiter waiter;
  private final Envelopes envelopes;
  private final Clock clock;

  IdentityCommands(CommandBus bus, ProjectionWaiter waiter, Envelopes envelopes, Clock clock) {
    this.bus = bus;
    this.waiter = waiter;
    this.envelopes = envelopes;
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  CommandAccepted send(Context ctx, TokenClaims caller, SpecificRecord command, String aggregateId, String projectId) {
    Envelope envelope = envelopes.command(command, aggregateId, projectId, actor(caller), HttpSetup.requestId(ctx),
        DOMAIN, clock.instant());
    CommandAccepted accepted = bus.send(Topics.IDENTITY_COMMANDS, envelope);
    waiter.await("identity", accepted.getStreamKey(), accepted.getSequence());
    return accepted;
  }

  static Actor actor(TokenClaims caller) {
    return Actor.newBuilder()
        .setUserId(caller.userId())
        .setUserName(caller.userName())
        .setProjectId(caller.projectId())
        .setRoles(caller.roleNames())
        .build();
  }
}
