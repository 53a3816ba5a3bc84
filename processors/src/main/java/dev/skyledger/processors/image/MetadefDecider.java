package dev.skyledger.processors.image;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.image.AssociateMetadefResourceType;
import dev.skyledger.events.image.CreateMetadefDefinition;
import dev.skyledger.events.image.CreateMetadefNamespace;
import dev.skyledger.events.image.CreateMetadefTags;
import dev.skyledger.events.image.DeleteMetadefDefinition;
import dev.skyledger.events.image.DeleteMetadefDefinitions;
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
import dev.skyledger.processors.image.MetadefState.Namespace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides Glance's metadata definition catalogue (metadefs): namespaces and their objects,
 * properties, tags and resource type associations, on one stream for the cloud (namespace names
 * are unique across it). Every change is an administrator's, as in Glance's default policy. Pure.
 */
final class MetadefDecider {
  static final String RESOURCE_TYPE = "resource_type";
  static final Set<String> KINDS = Set.of("object", "property", "tag");
  private static final Set<String> VISIBILITIES = Set.of("public", "private");

  private MetadefDecider() {}

  /** Whether a command is one of the catalogue's. */
  static boolean handles(SpecificRecord command) {
    return command instanceof CreateMetadefNamespace || command instanceof UpdateMetadefNamespace
        || command instanceof DeleteMetadefNamespace || command instanceof CreateMetadefDefinition
        || command instanceof UpdateMetadefDefinition || command instanceof DeleteMetadefDefinition
        || command instanceof CreateMetadefTags || command instanceof DeleteMetadefDefinitions
        || command instanceof AssociateMetadefResourceType || command instanceof DissociateMetadefResourceType;
  }

  static Decision decide(SpecificRecord command, Actor actor, MetadefState s) {
    if (!ImageDecider.isAdmin(actor)) {
      return Decision.forbidden("You are not authorized to complete " + policy(command) + " action.");
    }
    if (command instanceof CreateMetadefNamespace c) return create(c, s);
    if (command instanceof UpdateMetadefNamespace c) return update(c, s);
    if (command instanceof DeleteMetadefNamespace c) return delete(c, s);
    if (command instanceof CreateMetadefDefinition c) return createDefinition(c, s);
    if (command instanceof UpdateMetadefDefinition c) return updateDefinition(c, s);
    if (command instanceof DeleteMetadefDefinition c) return deleteDefinition(c, s);
    if (command instanceof CreateMetadefTags c) return createTags(c, s);
    if (command instanceof DeleteMetadefDefinitions c) return deleteDefinitions(c, s);
    if (command instanceof AssociateMetadefResourceType c) return associate(c, s);
    if (command instanceof DissociateMetadefResourceType c) return dissociate(c, s);
    return Decision.badRequest("Unknown metadef command " + command.getSchema().getName() + ".");
  }

  /** Glance's name for the rule a command is checked against, for the words of a refusal. */
  private static String policy(SpecificRecord command) {
    if (command instanceof CreateMetadefNamespace) return "add_metadef_namespace";
    if (command instanceof UpdateMetadefNamespace) return "modify_metadef_namespace";
    if (command instanceof DeleteMetadefNamespace) return "delete_metadef_namespace";
    if (command instanceof AssociateMetadefResourceType) return "add_metadef_resource_type_association";
    if (command instanceof DissociateMetadefResourceType) return "remove_metadef_resource_type_association";
    if (command instanceof CreateMetadefTags) return "add_metadef_tags";
    if (command instanceof DeleteMetadefDefinitions c) return c.getKind().equals("tag") ? "delete_metadef_tags" : "delete_metadef_namespace";
    if (command instanceof CreateMetadefDefinition c) return "add_metadef_" + c.getKind();
    if (command instanceof UpdateMetadefDefinition c) return "modify_metadef_" + c.getKind();
    if (command instanceof DeleteMetadefDefinition c) {
      return (c.getKind().equals("property") ? "remove" : "delete") + "_metadef_" + c.getKind();
    }
    return command.getSchema().getName();
  }

  private static Decision create(CreateMetadefNamespace c, MetadefState s) {
    Decision invalid = invalidNamespace(c.getNamespace(), c.getVisibility());
    if (invalid != null) return invalid;
    if (s.namespace(c.getNamespace()).isPresent()) return duplicateNamespace(c.getNamespace());
    List<SpecificRecord> events = new ArrayList<>();
    events.add(new MetadefNamespaceCreated(c.getNamespace(), c.getDisplayName(), c.getDescription(), c.getVisibility(),
        c.getProtected$(), c.getOwner()));
    for (String type : new LinkedHashSet<>(c.getResourceTypes())) {
      events.add(new MetadefResourceTypeAssociated(c.getNamespace(), type, null, null));
    }
    for (Map.Entry<String, String> o : c.getObjects().entrySet()) {
      events.add(new MetadefDefinitionCreated(c.getNamespace(), "object", o.getKey(), o.getValue()));
    }
    for (Map.Entry<String, String> p : c.getProperties().entrySet()) {
      events.add(new MetadefDefinitionCreated(c.getNamespace(), "property", p.getKey(), p.getValue()));
    }
    Set<String> tags = new LinkedHashSet<>();
    for (String tag : c.getTags()) {
      if (!tags.add(tag.toLowerCase(Locale.ROOT))) return duplicate("tag", tag, c.getNamespace());
      events.add(new MetadefDefinitionCreated(c.getNamespace(), "tag", tag, "{}"));
    }
    return Decision.accept(c.getNamespace(), events);
  }

  private static Decision update(UpdateMetadefNamespace c, MetadefState s) {
    Optional<Namespace> found = s.namespace(c.getNamespace());
    if (found.isEmpty()) return namespaceNotFound(c.getNamespace());
    Decision invalid = invalidNamespace(c.getNewNamespace(), c.getVisibility());
    if (invalid != null) return invalid;
    if (!c.getNewNamespace().equals(c.getNamespace()) && s.namespace(c.getNewNamespace()).isPresent()) {
      return duplicateNamespace(c.getNewNamespace());
    }
    return Decision.accept(c.getNewNamespace(), new MetadefNamespaceUpdated(c.getNamespace(), c.getNewNamespace(),
        c.getDisplayName(), c.getDescription(), c.getVisibility(), c.getProtected$(), c.getOwner()));
  }

  private static Decision delete(DeleteMetadefNamespace c, MetadefState s) {
    Optional<Namespace> found = s.namespace(c.getNamespace());
    if (found.isEmpty()) return namespaceNotFound(c.getNamespace());
    if (found.get().isProtected()) {
      return Decision.forbidden("Metadata definition namespace " + c.getNamespace() + " is protected and cannot be deleted.");
    }
    return Decision.accept(c.getNamespace(), new MetadefNamespaceDeleted(c.getNamespace()));
  }

  private static Decision createDefinition(CreateMetadefDefinition c, MetadefState s) {
    Decision refused = unknownKindOrNamespace(c.getNamespace(), c.getKind(), s);
    if (refused != null) return refused;
    if (c.getName().isBlank()) return Decision.badRequest("A metadata definition " + c.getKind() + " needs a name.");
    if (exists(s, c.getNamespace(), c.getKind(), c.getName())) return duplicate(c.getKind(), c.getName(), c.getNamespace());
    return Decision.accept(c.getNamespace(), new MetadefDefinitionCreated(c.getNamespace(), c.getKind(), c.getName(),
        c.getDefinition()));
  }

  private static Decision updateDefinition(UpdateMetadefDefinition c, MetadefState s) {
    Decision refused = unknownKindOrNamespace(c.getNamespace(), c.getKind(), s);
    if (refused != null) return refused;
    if (!s.has(c.getNamespace(), c.getKind(), c.getName())) return notFound(c.getKind(), c.getName(), c.getNamespace());
    if (c.getNewName().isBlank()) return Decision.badRequest("A metadata definition " + c.getKind() + " needs a name.");
    if (!c.getNewName().equals(c.getName()) && exists(s, c.getNamespace(), c.getKind(), c.getNewName())
        && !(c.getKind().equals("tag") && c.getNewName().equalsIgnoreCase(c.getName()))) {
      return duplicate(c.getKind(), c.getNewName(), c.getNamespace());
    }
    return Decision.accept(c.getNamespace(), new MetadefDefinitionUpdated(c.getNamespace(), c.getKind(), c.getName(),
        c.getNewName(), c.getDefinition()));
  }

  private static Decision deleteDefinition(DeleteMetadefDefinition c, MetadefState s) {
    Decision refused = unknownKindOrNamespace(c.getNamespace(), c.getKind(), s);
    if (refused != null) return refused;
    if (!s.has(c.getNamespace(), c.getKind(), c.getName())) return notFound(c.getKind(), c.getName(), c.getNamespace());
    return Decision.accept(c.getNamespace(), new MetadefDefinitionDeleted(c.getNamespace(), c.getKind(), c.getName()));
  }

  /** Tags in bulk: they replace the namespace's tags, or are added to them when appending. */
  private static Decision createTags(CreateMetadefTags c, MetadefState s) {
    Decision refused = unknownKindOrNamespace(c.getNamespace(), "tag", s);
    if (refused != null) return refused;
    List<SpecificRecord> events = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    if (c.getAppend()) {
      s.names(c.getNamespace(), "tag").forEach(t -> seen.add(t.toLowerCase(Locale.ROOT)));
    } else {
      events.add(new MetadefDefinitionsDeleted(c.getNamespace(), "tag"));
    }
    for (String tag : c.getNames()) {
      if (tag.isBlank()) return Decision.badRequest("A metadata definition tag needs a name.");
      if (!seen.add(tag.toLowerCase(Locale.ROOT))) return duplicate("tag", tag, c.getNamespace());
      events.add(new MetadefDefinitionCreated(c.getNamespace(), "tag", tag, "{}"));
    }
    return Decision.accept(c.getNamespace(), events);
  }

  private static Decision deleteDefinitions(DeleteMetadefDefinitions c, MetadefState s) {
    Decision refused = unknownKindOrNamespace(c.getNamespace(), c.getKind(), s);
    if (refused != null) return refused;
    return Decision.accept(c.getNamespace(), new MetadefDefinitionsDeleted(c.getNamespace(), c.getKind()));
  }

  private static Decision associate(AssociateMetadefResourceType c, MetadefState s) {
    if (s.namespace(c.getNamespace()).isEmpty()) return namespaceNotFound(c.getNamespace());
    if (c.getName().isBlank() || c.getName().length() > 80) {
      return Decision.badRequest("Invalid resource type name '" + c.getName() + "': 1 to 80 characters.");
    }
    if (s.has(c.getNamespace(), RESOURCE_TYPE, c.getName())) {
      return Decision.conflict("The metadata definition resource-type association of resource-type=" + c.getName()
          + " to namespace=" + c.getNamespace() + ", already exists.");
    }
    return Decision.accept(c.getNamespace(), new MetadefResourceTypeAssociated(c.getNamespace(), c.getName(),
        c.getPrefix(), c.getPropertiesTarget()));
  }

  private static Decision dissociate(DissociateMetadefResourceType c, MetadefState s) {
    if (s.namespace(c.getNamespace()).isEmpty()) return namespaceNotFound(c.getNamespace());
    if (!s.has(c.getNamespace(), RESOURCE_TYPE, c.getName())) {
      return Decision.notFound("Metadata definition resource-type-association of resource-type=" + c.getName()
          + " to namespace=" + c.getNamespace() + " not found.");
    }
    return Decision.accept(c.getNamespace(), new MetadefResourceTypeDissociated(c.getNamespace(), c.getName()));
  }

  private static Decision invalidNamespace(String name, String visibility) {
    if (name.isBlank() || name.length() > 80) return Decision.badRequest("Invalid namespace '" + name + "': 1 to 80 characters.");
    if (!VISIBILITIES.contains(visibility)) {
      return Decision.badRequest("Invalid visibility '" + visibility + "': one of private, public.");
    }
    return null;
  }

  private static Decision unknownKindOrNamespace(String namespace, String kind, MetadefState s) {
    if (!KINDS.contains(kind)) return Decision.badRequest("Unknown metadata definition kind '" + kind + "'.");
    return s.namespace(namespace).isEmpty() ? namespaceNotFound(namespace) : null;
  }

  /** Tag names are unique whatever their case, as in Glance; object and property names exactly. */
  private static boolean exists(MetadefState s, String namespace, String kind, String name) {
    if (!kind.equals("tag")) return s.has(namespace, kind, name);
    return s.names(namespace, kind).stream().anyMatch(t -> t.equalsIgnoreCase(name));
  }

  private static Decision namespaceNotFound(String namespace) {
    return Decision.notFound("Metadata definition namespace=" + namespace + " was not found.");
  }

  private static Decision duplicateNamespace(String namespace) {
    return Decision.conflict("A metadata definition namespace with name=" + namespace + " already exists.");
  }

  private static Decision duplicate(String kind, String name, String namespace) {
    if (kind.equals("tag")) {
      return Decision.conflict("A metadata tag with name=" + name + " already exists in namespace=" + namespace
          + ". (Please note that metadata tag names are case insensitive).");
    }
    return Decision.conflict("A metadata definition " + kind + " with name=" + name + " already exists in namespace="
        + namespace + ".");
  }

  private static Decision notFound(String kind, String name, String namespace) {
    return Decision.notFound("Metadata definition " + kind + "=" + name + " not found in namespace=" + namespace + ".");
  }

  static void evolve(MetadefState s, SpecificRecord event) {
    if (event instanceof MetadefNamespaceCreated e) {
      s.put(new Namespace(e.getNamespace(), e.getDisplayName(), e.getDescription(), e.getVisibility(), e.getProtected$(),
          e.getOwner()));
    } else if (event instanceof MetadefNamespaceUpdated e) {
      if (!e.getNewNamespace().equals(e.getNamespace())) s.rename(e.getNamespace(), e.getNewNamespace());
      s.put(new Namespace(e.getNewNamespace(), e.getDisplayName(), e.getDescription(), e.getVisibility(),
          e.getProtected$(), e.getOwner()));
    } else if (event instanceof MetadefNamespaceDeleted e) {
      s.delete(e.getNamespace());
    } else if (event instanceof MetadefDefinitionCreated e) {
      s.add(e.getNamespace(), e.getKind(), e.getName());
    } else if (event instanceof MetadefDefinitionUpdated e) {
      s.remove(e.getNamespace(), e.getKind(), e.getName());
      s.add(e.getNamespace(), e.getKind(), e.getNewName());
    } else if (event instanceof MetadefDefinitionDeleted e) {
      s.remove(e.getNamespace(), e.getKind(), e.getName());
    } else if (event instanceof MetadefDefinitionsDeleted e) {
      s.removeAll(e.getNamespace(), e.getKind());
    } else if (event instanceof MetadefResourceTypeAssociated e) {
      s.add(e.getNamespace(), RESOURCE_TYPE, e.getName());
    } else if (event instanceof MetadefResourceTypeDissociated e) {
      s.remove(e.getNamespace(), RESOURCE_TYPE, e.getName());
    }
  }

  /** The namespace an event is about (its new name for a rename); null for an event not of the catalogue. */
  static String aggregateOf(SpecificRecord event) {
    if (event instanceof MetadefNamespaceCreated e) return e.getNamespace();
    if (event instanceof MetadefNamespaceUpdated e) return e.getNewNamespace();
    if (event instanceof MetadefNamespaceDeleted e) return e.getNamespace();
    if (event instanceof MetadefDefinitionCreated e) return e.getNamespace();
    if (event instanceof MetadefDefinitionUpdated e) return e.getNamespace();
    if (event instanceof MetadefDefinitionDeleted e) return e.getNamespace();
    if (event instanceof MetadefDefinitionsDeleted e) return e.getNamespace();
    if (event instanceof MetadefResourceTypeAssociated e) return e.getNamespace();
    if (event instanceof MetadefResourceTypeDissociated e) return e.getNamespace();
    return null;
  }
}
