package dev.skyledger.processors.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.processors.core.KeyValues;
import java.util.List;
import java.util.Optional;

/**
 * The metadata definition catalogue as the image decider holds it (one stream for the cloud:
 * namespace names are unique): namespaces as JSON rows, and under each the names of its objects,
 * properties and tags and its resource type associations.
 */
final class MetadefState {
  record Namespace(String namespace, String displayName, String description, String visibility, boolean isProtected,
                   String owner) {}

  private static final String NAMESPACE = "md/ns/";
  private static final String MEMBER = "md/in/";

  private final KeyValues kv;
  private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  MetadefState(KeyValues kv) {
    this.kv = kv;
  }

  Optional<Namespace> namespace(String name) {
    return kv.get(NAMESPACE + name).map(value -> {
      try {
        return json.readValue(value, Namespace.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("corrupt metadef namespace row " + name, e);
      }
    });
  }

  void put(Namespace n) {
    try {
      kv.put(NAMESPACE + n.namespace(), json.writeValueAsString(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a namespace holds an object, a property or a tag (kind) of that name, or a resource type association (kind "resource_type"). */
  boolean has(String namespace, String kind, String name) {
    return kv.get(key(namespace, kind, name)).isPresent();
  }

  void add(String namespace, String kind, String name) {
    kv.put(key(namespace, kind, name), name);
  }

  void remove(String namespace, String kind, String name) {
    kv.delete(key(namespace, kind, name));
  }

  /** The names of a namespace's members of one kind. */
  List<String> names(String namespace, String kind) {
    return kv.prefix(prefix(namespace) + kind + "/").stream().map(e -> e.getValue()).toList();
  }

  void removeAll(String namespace, String kind) {
    kv.prefix(prefix(namespace) + kind + "/").stream().map(e -> e.getKey()).toList().forEach(kv::delete);
  }

  /** Deletes a namespace with everything in it. */
  void delete(String namespace) {
    kv.delete(NAMESPACE + namespace);
    kv.prefix(prefix(namespace)).stream().map(e -> e.getKey()).toList().forEach(kv::delete);
  }

  /** Renames a namespace: its members move with it. */
  void rename(String from, String to) {
    for (var e : List.copyOf(kv.prefix(prefix(from)))) {
      kv.delete(e.getKey());
      kv.put(prefix(to) + e.getKey().substring(prefix(from).length()), e.getValue());
    }
    kv.delete(NAMESPACE + from);
  }

  // the namespace is length-prefixed, so no name a user chooses can reach into another namespace's keys
  private static String prefix(String namespace) {
    return MEMBER + namespace.length() + ":" + namespace + "/";
  }

  private static String key(String namespace, String kind, String name) {
    return prefix(namespace) + kind + "/" + name;
  }
}
