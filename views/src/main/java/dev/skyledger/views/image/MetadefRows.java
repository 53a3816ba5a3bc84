package dev.skyledger.views.image;

import dev.skyledger.events.image.MetadefDefinitionCreated;
import dev.skyledger.events.image.MetadefDefinitionDeleted;
import dev.skyledger.events.image.MetadefDefinitionUpdated;
import dev.skyledger.events.image.MetadefDefinitionsDeleted;
import dev.skyledger.events.image.MetadefNamespaceCreated;
import dev.skyledger.events.image.MetadefNamespaceDeleted;
import dev.skyledger.events.image.MetadefNamespaceUpdated;
import dev.skyledger.events.image.MetadefResourceTypeAssociated;
import dev.skyledger.events.image.MetadefResourceTypeDissociated;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.avro.specific.SpecificRecord;

/** Writes the metadata definition catalogue's events into its tables (part of the image projection). */
final class MetadefRows {
  private MetadefRows() {}

  /** Applies one event; false when it is not one of the catalogue's. */
  static boolean apply(Connection c, SpecificRecord event, Timestamp at) throws SQLException {
    if (event instanceof MetadefNamespaceCreated e) {
      Projection.execute(c, "INSERT INTO metadef_namespaces (namespace, display_name, description, visibility, protected, "
          + "owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e.getNamespace(), e.getDisplayName(),
          e.getDescription(), e.getVisibility(), e.getProtected$(), e.getOwner(), at, at);
    } else if (event instanceof MetadefNamespaceUpdated e) {
      Projection.execute(c, "UPDATE metadef_namespaces SET namespace = ?, display_name = ?, description = ?, visibility = ?, "
          + "protected = ?, owner = ?, updated_at = ? WHERE namespace = ?", e.getNewNamespace(), e.getDisplayName(),
          e.getDescription(), e.getVisibility(), e.getProtected$(), e.getOwner(), at, e.getNamespace());
    } else if (event instanceof MetadefNamespaceDeleted e) {
      Projection.execute(c, "DELETE FROM metadef_namespaces WHERE namespace = ?", e.getNamespace());
    } else if (event instanceof MetadefDefinitionCreated e) {
      Projection.execute(c, "INSERT INTO metadef_definitions (namespace, kind, name, definition, created_at, updated_at) "
          + "VALUES (?, ?, ?, ?::jsonb, ?, ?)", e.getNamespace(), e.getKind(), e.getName(), e.getDefinition(), at, at);
    } else if (event instanceof MetadefDefinitionUpdated e) {
      Projection.execute(c, "UPDATE metadef_definitions SET name = ?, definition = ?::jsonb, updated_at = ? "
          + "WHERE namespace = ? AND kind = ? AND name = ?", e.getNewName(), e.getDefinition(), at, e.getNamespace(),
          e.getKind(), e.getName());
    } else if (event instanceof MetadefDefinitionDeleted e) {
      Projection.execute(c, "DELETE FROM metadef_definitions WHERE namespace = ? AND kind = ? AND name = ?",
          e.getNamespace(), e.getKind(), e.getName());
    } else if (event instanceof MetadefDefinitionsDeleted e) {
      Projection.execute(c, "DELETE FROM metadef_definitions WHERE namespace = ? AND kind = ?", e.getNamespace(), e.getKind());
    } else if (event instanceof MetadefResourceTypeAssociated e) {
      Projection.execute(c, "INSERT INTO metadef_resource_types (namespace, name, prefix, properties_target, created_at, "
          + "updated_at) VALUES (?, ?, ?, ?, ?, ?)", e.getNamespace(), e.getName(), e.getPrefix(), e.getPropertiesTarget(),
          at, at);
    } else if (event instanceof MetadefResourceTypeDissociated e) {
      Projection.execute(c, "DELETE FROM metadef_resource_types WHERE namespace = ? AND name = ?", e.getNamespace(), e.getName());
    } else {
      return false;
    }
    return true;
  }
}
