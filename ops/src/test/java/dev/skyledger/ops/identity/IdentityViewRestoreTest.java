package dev.skyledger.ops.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.command.CommandBus;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image decider re-checks roles against the identity events, not the token: a command still
 * carrying a revoked role (as one from an API process that has not heard of the revocation yet
 * would) is refused, and still refused after a restart that rebuilds the identity view from the
 * topic on an empty state directory (the restore passes the events through the view's processor).
 */
@ExtendWith(SkyTestKit.class)
class IdentityViewRestoreTest {
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());

  @Test
  void aRevokedRoleStaysRevokedForTheImageDeciderAcrossARestoreFromTheLog(TestEnvironment env) throws Exception {
    Cloud cloud = TestClouds.start(env, "secret");
    var http = new HttpClientForTests(cloud.config().publicUrl());
    KeystoneAdmin admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    KeystoneAdmin.Scoped bob = admin.userWithRole("view-bob", "member");
    Actor staleBob = new Actor(bob.userId(), bob.userName(), bob.projectId(), List.of("member"));

    try (CommandBus bus = new CommandBus(new KafkaClients(cloud.config()), envelopes, Duration.ofSeconds(30))) {
      bus.start();
      createImage(bus, staleBob);
      assertEquals(204, http.send("DELETE", "/identity/v3/projects/" + bob.projectId() + "/users/" + bob.userId()
          + "/roles/" + admin.roleId("member"), admin.token(), null).status());
      awaitStatus(bus, staleBob, 403);
    }
    cloud.close();

    deleteRecursively(cloud.config().stateDir());
    cloud = TestClouds.start(env, "secret");
    try (CommandBus bus = new CommandBus(new KafkaClients(cloud.config()), envelopes, Duration.ofSeconds(30))) {
      bus.start();
      ApiException refused = assertThrows(ApiException.class, () -> createImage(bus, staleBob),
          "the rebuilt view must know the role was revoked");
      assertEquals(403, refused.status());
      HttpClientForTests again = new HttpClientForTests(cloud.config().publicUrl());
      KeystoneAdmin restarted = new KeystoneAdmin(again, again.token("admin", "secret", "admin"));
      restarted.grant(bob.projectId(), bob.userId(), restarted.roleId("member"));
      awaitStatus(bus, staleBob, 201);
    } finally {
      cloud.close();
    }
  }

  private int tryCreate(CommandBus bus, Actor actor) {
    try {
      createImage(bus, actor);
      return 201;
    } catch (ApiException e) {
      return e.status();
    }
  }

  private void awaitStatus(CommandBus bus, Actor actor, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (tryCreate(bus, actor) != status) {
      if (System.nanoTime() > deadline) throw new AssertionError("the image decider did not answer " + status + " within 10 s");
      Thread.sleep(20);
    }
  }

  private void createImage(CommandBus bus, Actor actor) {
    String id = UUID.randomUUID().toString();
    CreateImage create = new CreateImage(id, actor.getProjectId(), "stale-" + id, "raw", "bare", "private", false, 0, 0,
        List.of(), Map.of());
    bus.send(Topics.IMAGE_COMMANDS, envelopes.command(create, id, actor.getProjectId(), actor, "req-" + id,
        actor.getProjectId(), Instant.now()));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
