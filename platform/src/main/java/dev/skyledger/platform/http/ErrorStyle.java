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
  }  ;

  public abstract ObjectNode body(ObjectMapper json, int status, String title, String message);

  /**
   * The style of the service a path belongs to. Identity is the only service so far; Nova,
   * Neutron, Glance and Swift bring their own styles with their paths.
   */
  public static ErrorStyle forPath(String path) {
    return KEYSTONE;
  }
}
