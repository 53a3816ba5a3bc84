package dev.skyledger.processors.image;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.image.AbortImageUpload;
import dev.skyledger.events.image.AddImageMember;
import dev.skyledger.events.image.CompleteImageUpload;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.events.image.DeactivateImage;
import dev.skyledger.events.image.DeleteImage;
import dev.skyledger.events.image.ImageActivated;
import dev.skyledger.events.image.ImageCreated;
import dev.skyledger.events.image.ImageDeactivated;
import dev.skyledger.events.image.ImageDeleted;
import dev.skyledger.events.image.ImageMemberAdded;
import dev.skyledger.events.image.ImageMemberRemoved;
import dev.skyledger.events.image.ImageMemberStatusChanged;
import dev.skyledger.events.image.ImageReactivated;
import dev.skyledger.events.image.ImageUpdated;
import dev.skyledger.events.image.ImageUploadAborted;
import dev.skyledger.events.image.ImageUploadStarted;
import dev.skyledger.events.image.ReactivateImage;
import dev.skyledger.events.image.RemoveImageMember;
import dev.skyledger.events.image.SetImageMemberStatus;
import dev.skyledger.events.image.StartImageUpload;
import dev.skyledger.events.image.UpdateImage;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import dev.skyledger.processors.image.ImageState.Image;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The image decider on plain objects: each test evolves the "given" events into a fresh state,
 * decides one command and checks the events or the rejection a client would see.
 */
class ImageDeciderTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String IMAGE = "img-1";
  private static final List<String> TAGS = List.of("linux", "small");
  private static final Map<String, String> PROPERTIES = Map.of("os_distro", "cirros", "hw_disk_bus", "virtio");

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_OTHER_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor DAVE_AS_READER = actor("u-dave", "dave", DEMO_PROJECT, "reader");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", ADMIN_PROJECT, "admin");

  private final ImageState state = new ImageState(new MapKeyValues());

  // ---- create ----------------------------------------------------------------------------------

  @Test
  void givenNoImages_whenMemberOfOwningProjectCreatesPrivateImage_thenImageCreatedWithEveryField() {
    CreateImage command = new CreateImage(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", true, 1, 64,
        TAGS, PROPERTIES);

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(IMAGE, decision.resourceId());
    assertEquals(List.of(new ImageCreated(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", true, 1, 64,
        TAGS, PROPERTIES)), decision.events());
  }

  @Test
  void givenImageCreated_whenEvolved_thenStateHoldsEveryFieldWithStatusQueued() {
    given(new ImageCreated(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", true, 1, 64, TAGS, PROPERTIES));

    assertEquals(Optional.of(new Image(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", true, 1, 64,
        TAGS, PROPERTIES, "queued", DEMO_PROJECT)), state.image(IMAGE));
  }

  @Test
  void givenNoImages_whenMemberCreatesImageOwnedByProjectNotInScope_thenRejectedWith403() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "private"), CAROL_AS_OTHER_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenNoImages_whenMemberCreatesPublicImage_thenRejectedWith403() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "public"), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenNoImages_whenAdminCreatesPublicImageForAnyProject_thenImageCreated() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "public"), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(new ImageCreated(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "public", false, 0, 0,
        List.of(), Map.of())), decision.events());
  }

  @Test
  void givenNoImages_whenSystemCreatesPublicImage_thenImageCreated() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "public"), Envelopes.system(), state);

    assertAccepted(decision);
    assertEquals(1, decision.events().size());
  }

  @Test
  void givenNoImages_whenCreateWithInvalidDiskFormat_thenRejectedWith400NamingTheFormat() {
    CreateImage command = new CreateImage(IMAGE, DEMO_PROJECT, "cirros", "floppy", "bare", "private", false, 0, 0,
        List.of(), Map.of());

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("floppy", decision);
  }

  @Test
  void givenNoImages_whenCreateWithInvalidContainerFormat_thenRejectedWith400NamingTheFormat() {
    CreateImage command = new CreateImage(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "crate", "private", false, 0, 0,
        List.of(), Map.of());

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("crate", decision);
  }

  @Test
  void givenNoImages_whenCreateWithInvalidVisibility_thenRejectedWith400NamingTheVisibility() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "secret"), BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("secret", decision);
  }

  @Test
  void givenNoImages_whenCreateWithNegativeMinRam_thenRejectedWith400NamingMinRam() {
    CreateImage command = new CreateImage(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", false, 0, -1,
        List.of(), Map.of());

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("min_ram", decision);
  }

  @Test
  void givenNoImages_whenCreateWithNegativeMinDisk_thenRejectedWith400NamingMinDisk() {
    CreateImage command = new CreateImage(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", false, -1, 0,
        List.of(), Map.of());

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("min_disk", decision);
  }

  @Test
  void givenImageExists_whenCreateWithSameId_thenRejectedWith409() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "private"), BOB_AS_MEMBER, state);

    assertRejected(409, decision);
    assertMessageContains(IMAGE, decision);
  }

  @Test
  void givenNoImages_whenReaderOfOwningProjectCreatesImage_thenRejectedWith403() {
    Decision decision = ImageDecider.decide(create(IMAGE, DEMO_PROJECT, "private"), DAVE_AS_READER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenAnyState_whenCommandIsNotAnImageCommand_thenRejectedWith400() {
    SpecificRecord notACommand = new ImageDeleted(IMAGE, DEMO_PROJECT);

    Decision decision = ImageDecider.decide(notACommand, ALICE_AS_ADMIN, state);

    assertRejected(400, decision);
  }

  // ---- update ----------------------------------------------------------------------------------

  @Test
  void givenNoImages_whenUpdate_thenRejectedWith404() {
    Decision decision = ImageDecider.decide(update(IMAGE, "renamed", "private"), BOB_AS_MEMBER, state);

    assertRejected(404, decision);
  }

  @Test
  void givenPrivateImage_whenMemberOfOwningProjectUpdatesIt_thenImageUpdatedWithTheNewState() {
    givenPrivateImageOfDemo(true);
    UpdateImage command = new UpdateImage(IMAGE, "cirros-0.6", "raw", "ovf", "shared", true, 2, 128,
        List.of("linux"), Map.of("os_distro", "cirros"), null);

    Decision decision = ImageDecider.decide(command, BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(IMAGE, decision.resourceId());
    assertEquals(List.of(new ImageUpdated(IMAGE, "cirros-0.6", "raw", "ovf", "shared", true, 2, 128,
        List.of("linux"), Map.of("os_distro", "cirros"), null)), decision.events());
  }

  @Test
  void givenPrivateImage_whenImageUpdatedIsEvolved_thenOwnerAndStatusQueuedAreKeptAndMetadataReplaced() {
    givenPrivateImageOfDemo(true);

    given(new ImageUpdated(IMAGE, "cirros-0.6", "raw", "ovf", "shared", true, 2, 128, List.of("linux"),
        Map.of("os_distro", "cirros"), null));

    assertEquals(Optional.of(new Image(IMAGE, DEMO_PROJECT, "cirros-0.6", "raw", "ovf", "shared", true, 2, 128,
        List.of("linux"), Map.of("os_distro", "cirros"), "queued", DEMO_PROJECT)), state.image(IMAGE));
  }

  @Test
  void givenPrivateImage_whenMemberMakesItPublic_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(update(IMAGE, "cirros", "public"), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenPrivateImage_whenAdminMakesItPublic_thenImageUpdated() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(update(IMAGE, "cirros", "public"), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals("public", ((ImageUpdated) decision.events().get(0)).getVisibility());
  }

  @Test
  void givenPublicImage_whenMemberOfOwningProjectRenamesItKeepingItPublic_thenImageUpdated() {
    given(new ImageCreated(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "public", false, 0, 0, List.of(), Map.of()));

    Decision decision = ImageDecider.decide(update(IMAGE, "cirros-renamed", "public"), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(List.of(new ImageUpdated(IMAGE, "cirros-renamed", "qcow2", "bare", "public", false, 0, 0,
        List.of(), Map.of(), null)), decision.events());
  }

  @Test
  void givenPrivateImage_whenMemberOfOwningProjectGivesItToAnotherProject_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(giveTo(OTHER_PROJECT), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
    assertMessageContains("Owner can't be updated by non admin", decision);
  }

  @Test
  void givenPrivateImage_whenAdminGivesItToAnotherProject_thenImageUpdatedWithTheNewOwner() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(giveTo(OTHER_PROJECT), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(OTHER_PROJECT, ((ImageUpdated) decision.events().get(0)).getOwnerProjectId());
  }

  @Test
  void givenImageGivenToAnotherProject_whenEvolved_thenTheNewOwnerMayWriteAndTheQuotaStaysWithTheCreator() {
    givenPrivateImageOfDemo(false);
    given(new ImageUpdated(IMAGE, "cirros", "qcow2", "bare", "private", false, 0, 0, List.of(), Map.of(), OTHER_PROJECT));

    assertEquals(OTHER_PROJECT, state.image(IMAGE).orElseThrow().owner());
    assertAccepted(ImageDecider.decide(update(IMAGE, "theirs", "private"), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(403, ImageDecider.decide(update(IMAGE, "ours", "private"), BOB_AS_MEMBER, state));
    assertEquals(1, state.imageCount(DEMO_PROJECT));

    given(new ImageDeleted(IMAGE, OTHER_PROJECT));

    assertEquals(0, state.imageCount(DEMO_PROJECT));
    assertEquals(0, state.imageCount(OTHER_PROJECT));
  }

  @Test
  void givenPrivateImage_whenMemberUpdatesItNamingItsOwnOwner_thenImageUpdatedWithoutAnOwnerChange() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(giveTo(DEMO_PROJECT), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(null, ((ImageUpdated) decision.events().get(0)).getOwnerProjectId());
  }

  @Test
  void givenPrivateImage_whenMemberOfAnotherProjectUpdatesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(update(IMAGE, "mine now", "private"), CAROL_AS_OTHER_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenPrivateImage_whenReaderOfOwningProjectUpdatesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(update(IMAGE, "renamed", "private"), DAVE_AS_READER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenPrivateImage_whenUpdateWithInvalidVisibility_thenRejectedWith400NamingTheVisibility() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(update(IMAGE, "cirros", "secret"), BOB_AS_MEMBER, state);

    assertRejected(400, decision);
    assertMessageContains("secret", decision);
  }

  @Test
  void givenImageUpdated_whenMemberUpdatesAgain_thenStillDecidedAgainstTheOwnerAndStatusQueued() {
    givenPrivateImageOfDemo(false);
    given(new ImageUpdated(IMAGE, "renamed", "qcow2", "bare", "private", false, 0, 0, List.of(), Map.of(), null));

    Decision decision = ImageDecider.decide(update(IMAGE, "renamed again", "private"), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals("queued", state.image(IMAGE).orElseThrow().status());
    assertEquals(DEMO_PROJECT, state.image(IMAGE).orElseThrow().owner());
  }

  // ---- delete ----------------------------------------------------------------------------------

  @Test
  void givenNoImages_whenDelete_thenRejectedWith404() {
    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), BOB_AS_MEMBER, state);

    assertRejected(404, decision);
  }

  @Test
  void givenProtectedImage_whenMemberOfOwningProjectDeletesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(true);

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
    assertMessageContains("protected", decision);
  }

  @Test
  void givenProtectedImage_whenAdminDeletesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(true);

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), ALICE_AS_ADMIN, state);

    assertRejected(403, decision);
  }

  @Test
  void givenImage_whenMemberOfOwningProjectDeletesIt_thenImageDeletedWithOwner() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(IMAGE, decision.resourceId());
    assertEquals(List.of(new ImageDeleted(IMAGE, DEMO_PROJECT)), decision.events());
  }

  @Test
  void givenImageDeleted_whenDeletedAgain_thenRejectedWith404() {
    givenPrivateImageOfDemo(false);
    given(ImageDecider.decide(new DeleteImage(IMAGE), BOB_AS_MEMBER, state).events());

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), BOB_AS_MEMBER, state);

    assertEquals(Optional.empty(), state.image(IMAGE));
    assertRejected(404, decision);
  }

  @Test
  void givenImage_whenMemberOfAnotherProjectDeletesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), CAROL_AS_OTHER_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenImage_whenReaderOfOwningProjectDeletesIt_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(new DeleteImage(IMAGE), DAVE_AS_READER, state);

    assertRejected(403, decision);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  // ---- upload and activation ------------------------------------------------------------------

  private void givenActiveImageOfDemo() {
    givenPrivateImageOfDemo(false);
    given(new ImageUploadStarted(IMAGE, DEMO_PROJECT),
        new ImageActivated(IMAGE, DEMO_PROJECT, 10L, 10L, "md5", "sha512", "sha", "file:///x"));
  }

  @Test
  void givenQueuedImage_whenOwnerStartsUpload_thenUploadStarted() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(new StartImageUpload(IMAGE), BOB_AS_MEMBER, state);

    assertEquals(List.of(new ImageUploadStarted(IMAGE, DEMO_PROJECT)), decision.events());
  }

  @Test
  void givenActiveImage_whenStartUploadAgain_thenRejectedWith409() {
    givenActiveImageOfDemo();

    assertRejected(409, ImageDecider.decide(new StartImageUpload(IMAGE), BOB_AS_MEMBER, state));
  }

  @Test
  void givenQueuedImage_whenCompleteUploadWithoutStarting_thenRejectedWith409() {
    givenPrivateImageOfDemo(false);

    assertRejected(409, ImageDecider.decide(
        new CompleteImageUpload(IMAGE, 1L, null, "m", "sha512", "s", "file:///x"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenSavingImage_whenUploadAborted_thenQueuedAgainAndAnotherUploadMayStart() {
    givenPrivateImageOfDemo(false);
    given(new ImageUploadStarted(IMAGE, DEMO_PROJECT));

    Decision aborted = ImageDecider.decide(new AbortImageUpload(IMAGE, "interrupted"), BOB_AS_MEMBER, state);
    assertEquals(List.of(new ImageUploadAborted(IMAGE, DEMO_PROJECT, "interrupted")), aborted.events());
    given(aborted.events());

    assertEquals("queued", state.image(IMAGE).orElseThrow().status());
    assertEquals(1, ImageDecider.decide(new StartImageUpload(IMAGE), BOB_AS_MEMBER, state).events().size());
  }

  @Test
  void givenActiveImage_whenDeactivatedAndReactivated_thenStatusFollows() {
    givenActiveImageOfDemo();

    Decision off = ImageDecider.decide(new DeactivateImage(IMAGE), BOB_AS_MEMBER, state);
    assertEquals(List.of(new ImageDeactivated(IMAGE, DEMO_PROJECT)), off.events());
    given(off.events());
    assertEquals("deactivated", state.image(IMAGE).orElseThrow().status());
    assertEquals(List.of(), ImageDecider.decide(new DeactivateImage(IMAGE), BOB_AS_MEMBER, state).events());

    Decision on = ImageDecider.decide(new ReactivateImage(IMAGE), BOB_AS_MEMBER, state);
    assertEquals(List.of(new ImageReactivated(IMAGE, DEMO_PROJECT)), on.events());
    given(on.events());
    assertEquals("active", state.image(IMAGE).orElseThrow().status());
  }

  @Test
  void givenQueuedImage_whenDeactivate_thenRejectedWith409() {
    givenPrivateImageOfDemo(false);

    assertRejected(409, ImageDecider.decide(new DeactivateImage(IMAGE), BOB_AS_MEMBER, state));
  }

  @Test
  void givenActiveImage_whenAnotherProjectDeactivates_thenRejectedWith403() {
    givenActiveImageOfDemo();

    assertRejected(403, ImageDecider.decide(new DeactivateImage(IMAGE), CAROL_AS_OTHER_MEMBER, state));
  }

  // ---- quotas --------------------------------------------------------------------------------

  @Test
  void givenProjectAtItsImageCountQuota_whenCreateImage_thenRejectedWith413() {
    givenPrivateImageOfDemo(false);

    Decision decision = ImageDecider.decide(new CreateImage("img-2", DEMO_PROJECT, "two", "raw", "bare", "private",
        false, 0, 0, List.of(), Map.of()), BOB_AS_MEMBER, state, new ImageDecider.Quota(1, 1_000));

    assertRejected(413, decision);
  }

  @Test
  void givenStoredBytesNearTheQuota_whenAnUploadWouldExceedIt_thenRejectedWith413AndDeletingFreesTheBytes() {
    ImageDecider.Quota quota = new ImageDecider.Quota(10, 1_000);
    givenPrivateImageOfDemo(false);
    given(new ImageUploadStarted(IMAGE, DEMO_PROJECT),
        new ImageActivated(IMAGE, DEMO_PROJECT, 600L, 600L, "m", "sha512", "s", "file:///1"),
        new ImageCreated("img-2", DEMO_PROJECT, "two", "raw", "bare", "private", false, 0, 0, List.of(), Map.of()),
        new ImageUploadStarted("img-2", DEMO_PROJECT));
    CompleteImageUpload second = new CompleteImageUpload("img-2", 600L, 600L, "m", "sha512", "s", "file:///2");

    assertRejected(413, ImageDecider.decide(second, BOB_AS_MEMBER, state, quota));
    given(new ImageDeleted(IMAGE, DEMO_PROJECT));
    assertEquals(1, ImageDecider.decide(second, BOB_AS_MEMBER, state, quota).events().size());
  }

  // ---- members of shared images ----------------------------------------------------------------

  private void givenSharedImageOfDemo() {
    given(new ImageCreated(IMAGE, DEMO_PROJECT, "shared", "raw", "bare", "shared", false, 0, 0, List.of(), Map.of()));
  }

  @Test
  void givenSharedImage_whenOwnerAddsAMember_thenMemberAddedAndDuplicateRejectedWith409() {
    givenSharedImageOfDemo();

    Decision added = ImageDecider.decide(new AddImageMember(IMAGE, OTHER_PROJECT), BOB_AS_MEMBER, state);
    assertEquals(List.of(new ImageMemberAdded(IMAGE, DEMO_PROJECT, OTHER_PROJECT)), added.events());
    given(added.events());

    assertRejected(409, ImageDecider.decide(new AddImageMember(IMAGE, OTHER_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenPrivateImage_whenOwnerAddsAMember_thenRejectedWith403() {
    givenPrivateImageOfDemo(false);

    assertRejected(403, ImageDecider.decide(new AddImageMember(IMAGE, OTHER_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenPendingMember_whenTheMemberAccepts_thenAcceptedButTheOwnerCannotAcceptForIt() {
    givenSharedImageOfDemo();
    given(new ImageMemberAdded(IMAGE, DEMO_PROJECT, OTHER_PROJECT));

    assertRejected(403, ImageDecider.decide(new SetImageMemberStatus(IMAGE, OTHER_PROJECT, "accepted"), BOB_AS_MEMBER, state));
    Decision accepted = ImageDecider.decide(new SetImageMemberStatus(IMAGE, OTHER_PROJECT, "accepted"), CAROL_AS_OTHER_MEMBER, state);
    assertEquals(List.of(new ImageMemberStatusChanged(IMAGE, DEMO_PROJECT, OTHER_PROJECT, "accepted")), accepted.events());
    assertRejected(400, ImageDecider.decide(new SetImageMemberStatus(IMAGE, OTHER_PROJECT, "maybe"), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenMember_whenOwnerRemovesIt_thenRemovedAndASecondRemovalIs404() {
    givenSharedImageOfDemo();
    given(new ImageMemberAdded(IMAGE, DEMO_PROJECT, OTHER_PROJECT));

    assertRejected(403, ImageDecider.decide(new RemoveImageMember(IMAGE, OTHER_PROJECT), CAROL_AS_OTHER_MEMBER, state));
    Decision removed = ImageDecider.decide(new RemoveImageMember(IMAGE, OTHER_PROJECT), BOB_AS_MEMBER, state);
    assertEquals(List.of(new ImageMemberRemoved(IMAGE, DEMO_PROJECT, OTHER_PROJECT)), removed.events());
    given(removed.events());
    assertRejected(404, ImageDecider.decide(new RemoveImageMember(IMAGE, OTHER_PROJECT), BOB_AS_MEMBER, state));
  }

  private void givenPrivateImageOfDemo(boolean isProtected) {
    given(new ImageCreated(IMAGE, DEMO_PROJECT, "cirros", "qcow2", "bare", "private", isProtected, 0, 0,
        List.of(), Map.of()));
  }

  private void given(SpecificRecord... events) {
    given(List.of(events));
  }

  private void given(List<SpecificRecord> events) {
    events.forEach(e -> ImageDecider.evolve(state, e));
  }

  private static CreateImage create(String imageId, String owner, String visibility) {
    return new CreateImage(imageId, owner, "cirros", "qcow2", "bare", visibility, false, 0, 0, List.of(), Map.of());
  }

  private static UpdateImage giveTo(String owner) {
    return new UpdateImage(IMAGE, "cirros", "qcow2", "bare", "private", false, 0, 0, List.of(), Map.of(), owner);
  }

  private static UpdateImage update(String imageId, String name, String visibility) {
    return new UpdateImage(imageId, name, "qcow2", "bare", visibility, false, 0, 0, List.of(), Map.of(), null);
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
