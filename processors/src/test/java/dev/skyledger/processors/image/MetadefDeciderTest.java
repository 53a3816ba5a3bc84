package dev.skyledger.processors.image;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.image.AssociateMetadefResourceType;
import dev.skyledger.events.image.CreateMetadefDefinition;
import dev.skyledger.events.image.CreateMetadefNamespace;
import dev.skyledger.events.image.CreateMetadefTags;
import dev.skyledger.events.image.DeleteMetadefDefinition;
import dev.skyledger.events.image.DeleteMetadefNamespace;
import dev.skyledger.events.image.DissociateMetadefResourceType;
import dev.skyledger.events.image.MetadefDefinitionCreated;
import dev.skyledger.events.image.MetadefDefinitionDeleted;
import dev.skyledger.events.image.MetadefDefinitionUpdated;
import dev.skyledger.events.image.MetadefDefinitionsDeleted;
import dev.skyledger.events.image.MetadefNamespaceCreated;
import dev.skyledger.events.image.MetadefNamespaceDeleted;
import dev.skyledger.events.image.MetadefNamespaceUpdated;
import dev.skyledger.events.image.MetadefResourceTypeAssociated;
import dev.skyledger.events.image.MetadefResourceTypeDissociated;
import dev.skyledger.events.image.UpdateMetadefDefinition;
import dev.skyledger.events.image.UpdateMetadefNamespace;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The metadata definition catalogue's decisions on plain objects (through the image decider, as the topology runs them). */
class MetadefDeciderTest {
  private static final Actor ADMIN = new Actor("u-admin", "admin", "p-admin", List.of("admin"));
  private static final Actor MEMBER = new Actor("u-bob", "bob", "p-demo", List.of("member"));
  private static final String NS = "OS::Compute::Demo";

  private final ImageState state = new ImageState(new MapKeyValues());

  private Decision decide(SpecificRecord command, Actor actor) {
    return ImageDecider.decide(command, actor, state);
  }

  private void given(SpecificRecord... events) {
    for (SpecificRecord e : events) ImageDecider.evolve(state, e);
  }

  private void givenNamespace(boolean isProtected) {
    given(new MetadefNamespaceCreated(NS, "Demo", "for tests", "public", isProtected, "p-admin"));
  }

  private static CreateMetadefNamespace create(String name, List<String> types, List<String> tags) {
    return new CreateMetadefNamespace(name, "Demo", null, "public", false, "p-admin", types, Map.of(), Map.of(), tags);
  }

  @Test
  void givenNoNamespace_whenAdminCreatesOneWithAResourceTypeAndTags_thenNamespaceAssociationAndTagsCreated() {
    Decision decision = decide(create(NS, List.of("OS::Glance::Image"), List.of("a", "b")), ADMIN);

    assertAccepted(decision);
    assertEquals(List.of(new MetadefNamespaceCreated(NS, "Demo", null, "public", false, "p-admin"),
        new MetadefResourceTypeAssociated(NS, "OS::Glance::Image", null, null),
        new MetadefDefinitionCreated(NS, "tag", "a", "{}"), new MetadefDefinitionCreated(NS, "tag", "b", "{}")),
        decision.events());
  }

  @Test
  void givenNoNamespace_whenMemberCreatesOne_thenRejectedWith403AsGlancesDefaultPolicy() {
    Decision decision = decide(create(NS, List.of(), List.of()), MEMBER);

    assertRejected(403, decision);
    assertMessageContains("add_metadef_namespace", decision);
  }

  @Test
  void givenNamespace_whenCreatedAgain_thenRejectedWith409() {
    givenNamespace(false);

    assertRejected(409, decide(create(NS, List.of(), List.of()), ADMIN));
  }

  @Test
  void givenNoNamespace_whenCreateWithInvalidVisibility_thenRejectedWith400() {
    Decision decision = decide(new CreateMetadefNamespace(NS, null, null, "shared", false, "p", List.of(), Map.of(),
        Map.of(), List.of()), ADMIN);

    assertRejected(400, decision);
  }

  @Test
  void givenProtectedNamespace_whenDeleted_thenRejectedWith403() {
    givenNamespace(true);

    assertRejected(403, decide(new DeleteMetadefNamespace(NS), ADMIN));
  }

  @Test
  void givenUnprotectedNamespace_whenDeleted_thenDeletedWithEverythingInIt() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "object", "o", "{}"));

    Decision decision = decide(new DeleteMetadefNamespace(NS), ADMIN);
    assertEquals(List.of(new MetadefNamespaceDeleted(NS)), decision.events());
    given(decision.events().toArray(SpecificRecord[]::new));

    assertRejected(404, decide(new DeleteMetadefDefinition(NS, "object", "o"), ADMIN));
    Decision again = decide(create(NS, List.of(), List.of()), ADMIN);
    assertAccepted(again);
    given(again.events().toArray(SpecificRecord[]::new));
    assertAccepted(decide(new CreateMetadefDefinition(NS, "object", "o", "{}"), ADMIN));
  }

  @Test
  void givenNamespaceWithAnObject_whenRenamed_thenItsObjectMovesWithIt() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "object", "o", "{}"));

    Decision decision = decide(new UpdateMetadefNamespace(NS, "renamed", null, null, "private", false, "p-admin"), ADMIN);
    assertEquals(List.of(new MetadefNamespaceUpdated(NS, "renamed", null, null, "private", false, "p-admin")), decision.events());
    given(decision.events().toArray(SpecificRecord[]::new));

    assertRejected(404, decide(new DeleteMetadefDefinition(NS, "object", "o"), ADMIN));
    assertAccepted(decide(new DeleteMetadefDefinition("renamed", "object", "o"), ADMIN));
  }

  @Test
  void givenTwoNamespaces_whenOneIsRenamedToTheOther_thenRejectedWith409() {
    givenNamespace(false);
    given(new MetadefNamespaceCreated("other", null, null, "public", false, "p"));

    assertRejected(409, decide(new UpdateMetadefNamespace("other", NS, null, null, "public", false, "p"), ADMIN));
  }

  @Test
  void givenNoNamespace_whenAnObjectIsAdded_thenRejectedWith404() {
    assertRejected(404, decide(new CreateMetadefDefinition(NS, "object", "o", "{}"), ADMIN));
  }

  @Test
  void givenObject_whenAddedAgainOrRenamedOntoAnother_thenRejectedWith409() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "object", "o", "{}"), new MetadefDefinitionCreated(NS, "object", "p", "{}"));

    assertRejected(409, decide(new CreateMetadefDefinition(NS, "object", "o", "{}"), ADMIN));
    assertRejected(409, decide(new UpdateMetadefDefinition(NS, "object", "o", "p", "{}"), ADMIN));
    assertEquals(List.of(new MetadefDefinitionUpdated(NS, "object", "o", "q", "{\"description\":\"x\"}")),
        decide(new UpdateMetadefDefinition(NS, "object", "o", "q", "{\"description\":\"x\"}"), ADMIN).events());
  }

  @Test
  void givenAPropertyAndAnObjectOfTheSameName_thenTheyAreDifferentDefinitions() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "object", "same", "{}"));

    assertAccepted(decide(new CreateMetadefDefinition(NS, "property", "same", "{\"title\":\"t\",\"type\":\"string\"}"), ADMIN));
  }

  @Test
  void givenTag_whenTheSameNameInAnotherCaseIsAdded_thenRejectedWith409AsGlancesTagsAreCaseInsensitive() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "tag", "Linux", "{}"));

    assertRejected(409, decide(new CreateMetadefDefinition(NS, "tag", "linux", "{}"), ADMIN));
  }

  @Test
  void givenTags_whenTagsAreCreatedInBulk_thenTheyReplaceTheOldOnesUnlessAppending() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "tag", "old", "{}"));

    assertEquals(List.of(new MetadefDefinitionsDeleted(NS, "tag"), new MetadefDefinitionCreated(NS, "tag", "old", "{}")),
        decide(new CreateMetadefTags(NS, List.of("old"), false), ADMIN).events());
    assertRejected(409, decide(new CreateMetadefTags(NS, List.of("old"), true), ADMIN));
    assertRejected(409, decide(new CreateMetadefTags(NS, List.of("x", "X"), false), ADMIN));
    assertEquals(List.of(new MetadefDefinitionCreated(NS, "tag", "new", "{}")),
        decide(new CreateMetadefTags(NS, List.of("new"), true), ADMIN).events());
  }

  @Test
  void givenTags_whenAllDeleted_thenNoneLeft() {
    givenNamespace(false);
    given(new MetadefDefinitionCreated(NS, "tag", "a", "{}"), new MetadefDefinitionsDeleted(NS, "tag"));

    assertFalse(state.metadefs().has(NS, "tag", "a"));
    assertRejected(404, decide(new DeleteMetadefDefinition(NS, "tag", "a"), ADMIN));
  }

  @Test
  void givenNamespace_whenAResourceTypeIsAssociatedTwice_thenTheSecondIsRejectedWith409AndItCanBeDissociated() {
    givenNamespace(false);
    Decision first = decide(new AssociateMetadefResourceType(NS, "OS::Nova::Flavor", "hw:", null), ADMIN);
    assertEquals(List.of(new MetadefResourceTypeAssociated(NS, "OS::Nova::Flavor", "hw:", null)), first.events());
    given(first.events().toArray(SpecificRecord[]::new));

    assertRejected(409, decide(new AssociateMetadefResourceType(NS, "OS::Nova::Flavor", null, null), ADMIN));
    assertEquals(List.of(new MetadefResourceTypeDissociated(NS, "OS::Nova::Flavor")),
        decide(new DissociateMetadefResourceType(NS, "OS::Nova::Flavor"), ADMIN).events());
    assertRejected(404, decide(new DissociateMetadefResourceType(NS, "OS::Nova::Server"), ADMIN));
  }

  @Test
  void givenNamespace_whenMemberAddsAnObject_thenRejectedWith403() {
    givenNamespace(false);

    assertRejected(403, decide(new CreateMetadefDefinition(NS, "object", "o", "{}"), MEMBER));
  }

  @Test
  void aNamespaceWhoseNameLooksLikeAnotherOnesPrefixKeepsItsOwnMembers() {
    given(new MetadefNamespaceCreated("a", null, null, "public", false, "p"),
        new MetadefNamespaceCreated("a/tag", null, null, "public", false, "p"),
        new MetadefDefinitionCreated("a/tag", "object", "x", "{}"), new MetadefNamespaceDeleted("a"));

    assertTrue(state.metadefs().has("a/tag", "object", "x"));
    assertEquals(List.of(new MetadefDefinitionDeleted("a/tag", "object", "x")),
        decide(new DeleteMetadefDefinition("a/tag", "object", "x"), ADMIN).events());
  }
}
