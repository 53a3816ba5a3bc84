package dev.skyledger.commandapi.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * Creating networks, subnets and ports one at a time or, in Neutron's bulk form
 * ({@code {"ports": [...]}}), several all or nothing: every item is read and checked as a single
 * create checks it (the project's quota counted with the items before it) before any is sent; then
 * each is created by its own command on its own stream, and if one is refused, those already created
 * are deleted again (newest first) and the refusal is the answer, as Neutron's bulk create does.
 */
final class NeutronCreations {
  /** One resource to create: its command on its stream, and the command that deletes it again. */
  record Creation(String streamKey, String id, String projectId, SpecificRecord command, SpecificRecord undo) {}

  /** Reads and checks one item; {@code adding} says how many of a project's resources this request takes so far. */
  interface Preparer {
    Creation prepare(Context ctx, TokenClaims caller, NeutronBody body, ToIntFunction<String> adding);
  }

  /** The created resource as the caller sees it. */
  interface Renderer {
    ObjectNode render(TokenClaims caller, String id);
  }

  private final NeutronWrites writes;

  NeutronCreations(NeutronWrites writes) {
    this.writes = writes;
  }

  void create(Context ctx, String resource, Set<String> known, Preparer preparer, Renderer renderer) {
    TokenClaims caller = writes.caller(ctx);
    NeutronBody.Creates asked = NeutronBody.creates(ctx, writes.render.mapper(), resource, known);
    List<Creation> creations = new ArrayList<>();
    for (NeutronBody body : asked.bodies()) {
      creations.add(preparer.prepare(ctx, caller, body,
          project -> 1 + (int) creations.stream().filter(c -> c.projectId().equals(project)).count()));
    }
    List<Creation> done = new ArrayList<>();
    try {
      for (Creation c : creations) {
        writes.send(ctx, caller, c.streamKey(), c.command(), c.id(), c.projectId());
        done.add(c);
      }
    } catch (RuntimeException refused) {
      giveBack(ctx, caller, done);
      throw refused;
    }
    if (!asked.bulk()) {
      writes.answer(ctx, 201, resource, renderer.render(caller, creations.get(0).id()));
      return;
    }
    ObjectNode root = writes.render.mapper().createObjectNode();
    ArrayNode items = root.putArray(resource + "s");
    for (Creation c : creations) items.add(renderer.render(caller, c.id()));
    ctx.status(201).contentType("application/json").result(root.toString());
  }

  private void giveBack(Context ctx, TokenClaims caller, List<Creation> done) {
    for (int i = done.size() - 1; i >= 0; i--) {
      Creation c = done.get(i);
      try {
        writes.send(ctx, caller, c.streamKey(), c.undo(), c.id(), c.projectId());
      } catch (RuntimeException ignored) {
        // it stays, under the request's id in the audit trail; deleting it by hand removes it
      }
    }
  }
}
