package dev.skyledger.commandapi.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import io.javalin.http.Context;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;

/**
 * Identity commands go to {@code identity.commands}, all under one stream key (the default domain's
 * id, the key they always had): names are unique within a domain, but a grant, a group's member or a
 * trust may join two domains, so every identity command is decided in one order. They are read back
 * from the identity views.
 */
final class IdentityCommands {
  static final String DOMAIN = "default";

  private final CommandSender sender;

  IdentityCommands(CommandSender sender) {
    this.sender = sender;
  }

  Clock clock() {
    return sender.clock();
  }

  CommandAccepted send(Context ctx, TokenClaims caller, SpecificRecord command, String aggregateId, String projectId) {
    return sender.send(ctx, caller, Topics.IDENTITY_COMMANDS, DOMAIN, "identity", command, aggregateId, projectId);
  }

  /** A command the identity service makes itself because of request {@code requestId}; decided, not awaited in the views. */
  CommandAccepted record(String requestId, SpecificRecord command, String aggregateId) {
    return sender.sendAsSystem(requestId, Topics.IDENTITY_COMMANDS, DOMAIN, command, aggregateId, null);
  }
}
