package dev.skyledger.ops;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.SeedFlavors;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.identity.BootstrapIdentity;
import dev.skyledger.events.identity.CatalogEntry;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.events.identity.UpdateUser;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.command.CommandBus;
import dev.skyledger.platform.command.ProjectionWaiter;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.views.identity.IdentityDirectory;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a new cloud starts with, as commands like any other (so the audit trail shows them): the
 * admin user in its project with the admin role, its password kept as configured, and the classic
 * flavors. Running it again on a cloud that has them changes nothing.
 */
final class CloudBootstrap {
  private static final Logger log = LoggerFactory.getLogger(CloudBootstrap.class);

  /** m1.tiny to m1.xlarge, with the ids 1 to 5 clients and scripts expect. */
  static final List<Flavor> CLASSIC_FLAVORS = List.of(
      classic("1", "m1.tiny", 1, 512, 1), classic("2", "m1.small", 1, 2048, 20), classic("3", "m1.medium", 2, 4096, 40),
      classic("4", "m1.large", 4, 8192, 80), classic("5", "m1.xlarge", 8, 16384, 160));

  private final CommandBus bus;
  private final Envelopes envelopes;
  private final ProjectionWaiter waiter;
  private final IdentityDirectory directory;
  private final PasswordHasher hasher;
  private final ServiceCatalog catalog;

  CloudBootstrap(CommandBus bus, Envelopes envelopes, ProjectionWaiter waiter, IdentityDirectory directory,
                 PasswordHasher hasher, ServiceCatalog catalog) {
    this.catalog = catalog;
    this.bus = bus;
    this.envelopes = envelopes;
    this.waiter = waiter;
    this.directory = directory;
    this.hasher = hasher;
  }

  void run(String adminUser, String adminPassword, String adminProject) {
    String hash = hasher.hash(adminPassword);
    List<CatalogEntry> entries = catalog.entries().stream()
        .map(e -> new CatalogEntry(e.serviceId(), e.type(), e.name(), e.url(), e.region())).toList();
    var command = new BootstrapIdentity("default", id(), adminUser, hash, id(), adminProject, id(), id(), id(), entries);
    String requestId = "req-" + UUID.randomUUID();
    var accepted = bus.send(Topics.IDENTITY_COMMANDS, envelopes.command(command, adminUser, null, Envelopes.system(),
        requestId, "default", Instant.now()));
    awaitProjection("identity", accepted);
    var admin = directory.userByName("default", adminUser).orElseThrow();
    if (!hasher.matches(adminPassword, admin.passwordHash())) {
      log.info("setting the password of {} to the configured one", adminUser);
      var reset = new UpdateUser(admin.id(), null, hash, null, null, true, null, null);
      var done = bus.send(Topics.IDENTITY_COMMANDS, envelopes.command(reset, admin.id(), null, Envelopes.system(),
          requestId, "default", Instant.now()));
      awaitProjection("identity", done);
    }
    // the classic flavors; those that exist (or were deleted and re-created by an admin under the name) stay as they are
    var seeded = bus.send(Topics.COMPUTE_COMMANDS, envelopes.command(new SeedFlavors(CLASSIC_FLAVORS), StreamKeys.FLAVORS,
        null, Envelopes.system(), requestId, StreamKeys.FLAVORS, Instant.now()));
    awaitProjection("compute", seeded);
  }

  /** At start the projector may still be catching up on a long log: wait longer than a request would. */
  private void awaitProjection(String projection, CommandAccepted accepted) {
    for (int attempt = 0; attempt < 12; attempt++) {
      if (waiter.await(projection, accepted.getStreamKey(), accepted.getSequence())) return;
    }
    throw new IllegalStateException("the " + projection + " projection did not catch up within a minute");
  }

  private static Flavor classic(String id, String name, int vcpus, int ramMb, int diskGb) {
    return Flavor.newBuilder().setFlavorId(id).setName(name).setVcpus(vcpus).setRamMb(ramMb).setDiskGb(diskGb).build();
  }

  private static String id() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
