package dev.skyledger.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error body each OpenStack service uses; clients print its message to users. */
public enum ErrorStyle {
  /** Keystone: {@code {"error":{"code","title","message"}}}. */
  KEYSTONE {
    @Override
    public ObjectNode body(ObjectMapper json, int status, String title, String message) {
      ObjectNode root = json.createObjectNode();
      root.putObject("error").put("code", status).put("title", title).put("message", message);
      return root;
    }
  },
  /** Neutron: {@code {"NeutronError":{"type","message","detail"}}}; the type names the failure. */
  NEUTRON {
    @Override
    public ObjectNode body(ObjectMapper json, int status, String title, String message) {
      ObjectNode root = json.createObjectNode();
      String type = title.contains(" ") ? "HTTP" + title.replace(" ", "") : title;
      root.putObject("NeutronError").put("type", type).put("message", message).put("detail", "");
      return root;
    }
  };

  public abstract ObjectNode body(ObjectMapper json, int status, String title, String message);

  /**
   * The style of the service a path belongs to. Nova, Glance and Swift bring their own styles with
   * their paths.
   */
  public static ErrorStyle forPath(String path) {
    if (path.startsWith("/network")) return NEUTRON;
    return KEYSTONE;
  }
}
